package io.asynkit.demo;

import io.asynkit.spring.priority.Priority;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A background job at LOW priority: it must never delay a quote. */
@Component
public class Housekeeping {

    private final AtomicLong runs = new AtomicLong();
    private volatile Where lastRun;

    @Scheduled(fixedRateString = "${demo.housekeeping-rate:2s}")
    @Priority(Priority.LOW)
    public void sweep() {
        Cpu.burnYielding(Duration.ofMillis(5), Duration.ofMillis(1));
        lastRun = Where.here();
        runs.incrementAndGet();
    }

    public long runs() {
        return runs.get();
    }

    public Where lastRun() {
        return lastRun;
    }
}
