package io.asynkit.demo;

import io.asynkit.spring.priority.Priority;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;

/** The CPU-heavy endpoint, at LOW priority: it yields between slices of work, as cooperative code should. */
@RestController
@Priority(Priority.LOW)
class ReportController {

    record Report(long checksum, long workMs, Where where) {
    }

    private final DemoProperties properties;

    ReportController(DemoProperties properties) {
        this.properties = properties;
    }

    @GetMapping("/api/report")
    Report report(@RequestParam(required = false) Long workMs) {
        Duration work = workMs != null ? Duration.ofMillis(Math.clamp(workMs, 1, 10_000)) : properties.reportWork();
        return new Report(Cpu.burnYielding(work, properties.reportSlice()), work.toMillis(), Where.here());
    }
}
