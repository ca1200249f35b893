package io.asynkit.demo;

import io.asynkit.spring.eager.Eager;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Calls the downstream services over real HTTP (loopback, to this application's own
 * {@code /downstream} endpoint). {@link #fetch} is {@link Eager}: the request is on the wire before the
 * caller continues, so an aggregator that starts several calls waits for the slowest, not their sum.
 */
@Service
public class DownstreamClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final Environment environment;

    DownstreamClient(Environment environment) {
        this.environment = environment;
    }

    @Eager
    public CompletableFuture<DownstreamController.Part> fetch(String name, Duration delay)
            throws IOException, InterruptedException {
        URI uri = URI.create("http://localhost:" + environment.getRequiredProperty("local.server.port")
                + "/downstream/" + name + "?delayMs=" + delay.toMillis());
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("downstream " + name + " answered " + response.statusCode() + ": " + response.body());
        }
        return CompletableFuture.completedFuture(json.readValue(response.body(), DownstreamController.Part.class));
    }
}
