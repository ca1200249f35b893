package io.asynkit.demo;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Stands in for slow services the aggregator calls: answers after the delay it is asked for. */
@RestController
class DownstreamController {

    record Part(String name, long delayMs) {
    }

    @GetMapping("/downstream/{name}")
    Part part(@PathVariable String name, @RequestParam long delayMs) throws InterruptedException {
        Thread.sleep(Math.clamp(delayMs, 0, 10_000));
        return new Part(name, delayMs);
    }
}
