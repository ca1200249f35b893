package io.asynkit.demo;

import io.asynkit.spring.priority.Priority;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The latency-sensitive endpoint: a little CPU work, at HIGH priority. */
@RestController
@Priority(Priority.HIGH)
class QuoteController {

    record Quote(long price, Where where) {
    }

    private final DemoProperties properties;

    QuoteController(DemoProperties properties) {
        this.properties = properties;
    }

    @GetMapping("/api/quote")
    Quote quote() {
        return new Quote(Math.abs(Cpu.burn(properties.quoteWork())) % 10_000, Where.here());
    }
}
