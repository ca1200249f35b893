package io.asynkit.demo;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.concurrent.atomic.AtomicInteger;

/** Stands in for slow services the aggregator calls: answers after the delay it is asked for. */
@RestController
class DownstreamController {

    record Part(String name, long delayMs) {
    }

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();

    @GetMapping("/downstream/{name}")
    Part part(@PathVariable String name, @RequestParam long delayMs) throws InterruptedException {
        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            Thread.sleep(Math.clamp(delayMs, 0, 10_000));
        } finally {
            inFlight.decrementAndGet();
        }
        return new Part(name, delayMs);
    }

    /** The most downstream calls served at the same time so far: the fan-out, seen from the other side. */
    int peakInFlight() {
        return peakInFlight.get();
    }
}
