package io.asynkit.demo;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Fans out to every configured downstream service with the {@code @Eager} {@link DownstreamClient}
 * and combines the answers: it takes about as long as the slowest call.
 */
@RestController
class AggregateController {

    record Aggregate(List<DownstreamController.Part> parts, long tookMs, long slowestMs, long sumMs, Where where) {
    }

    private final DownstreamClient client;
    private final DemoProperties properties;

    AggregateController(DownstreamClient client, DemoProperties properties) {
        this.client = client;
        this.properties = properties;
    }

    @GetMapping("/api/aggregate")
    Aggregate aggregate() throws Exception {
        long start = System.nanoTime();
        List<CompletableFuture<DownstreamController.Part>> calls = new ArrayList<>();
        int n = 0;
        for (Duration delay : properties.downstreamDelays()) {
            calls.add(client.fetch("service-" + (++n), delay)); // each is on the wire when this returns
        }
        List<DownstreamController.Part> parts = new ArrayList<>();
        for (CompletableFuture<DownstreamController.Part> call : calls) {
            parts.add(call.get());
        }
        long slowest = properties.downstreamDelays().stream().mapToLong(Duration::toMillis).max().orElse(0);
        long sum = properties.downstreamDelays().stream().mapToLong(Duration::toMillis).sum();
        return new Aggregate(parts, (System.nanoTime() - start) / 1_000_000, slowest, sum, Where.here());
    }
}
