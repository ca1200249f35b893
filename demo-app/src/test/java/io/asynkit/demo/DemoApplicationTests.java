package io.asynkit.demo;

import io.asynkit.spring.priority.Priority;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's endpoints over real HTTP: each runs as an asynkit task at the priority it declares. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"demo.downstream-delays=300ms,300ms,300ms", "demo.housekeeping-rate=50ms"})
class DemoApplicationTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    DownstreamController downstream;

    @Autowired
    Housekeeping housekeeping;

    private HttpResponse<String> send(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = send(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void theQuoteRunsAtHighAndTheReportAtLow() throws Exception {
        JsonNode quote = get("/api/quote");
        assertThat(quote.at("/where/task").asString()).isEqualTo("GET /api/quote");
        assertThat(quote.at("/where/priority").asDouble()).isEqualTo(Priority.HIGH);
        JsonNode report = get("/api/report?workMs=3");
        assertThat(report.at("/where/priority").asDouble()).isEqualTo(Priority.LOW);
        assertThat(report.at("/workMs").asLong()).isEqualTo(3);
    }

    @Test
    void theAggregatorHasAllItsDownstreamCallsInFlightAtOnce() throws Exception {
        JsonNode aggregate = get("/api/aggregate");
        assertThat(aggregate.at("/parts")).hasSize(3);
        assertThat(aggregate.at("/sumMs").asLong()).isEqualTo(900);
        assertThat(downstream.peakInFlight()).as("eager calls overlap instead of running one after another")
                .isEqualTo(3);
    }

    @Test
    void theStreamDeliversEveryLineFromItsGenerator() throws Exception {
        HttpResponse<String> response = send("/api/stream?lines=5&delayMs=1");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> lines = response.body().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(JSON.readTree(lines.get(4)).at("/line").asInt()).isEqualTo(5);
    }

    @Test
    void housekeepingRunsAsALowTaskAndTheLoopIsOnView() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (housekeeping.runs() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(housekeeping.lastRun().priority()).isEqualTo(Priority.LOW);
        JsonNode view = get("/actuator/asynkit");
        assertThat(view.at("/loop/mode").asString()).isEqualTo("scheduled");
        assertThat(view.at("/counts/tasksStarted").asLong()).isPositive();
    }
}
