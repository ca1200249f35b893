package io.asynkit.spring.web;

import io.asynkit.spring.priority.Priority;
import io.asynkit.spring.testapp.WebTestApplication;
import io.asynkit.spring.testapp.WebTestApplication.Where;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter in a real application on a random port: requests, {@code @Async} and {@code @Scheduled}
 * methods run as asynkit tasks, with the priorities {@code @Priority} gives them.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"asynkit.name=web-test", "management.endpoints.web.exposure.include=asynkit",
                AsynkitWebApplicationTests.ON_TOMCAT})
@ExtendWith(OutputCaptureExtension.class)
class AsynkitWebApplicationTests {

    /** Both servers are on the test class path; Boot would pick Jetty. The default, Tomcat, is tested here. */
    static final String ON_TOMCAT = "spring.autoconfigure.exclude="
            + "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration";
    static final String ON_JETTY = "spring.autoconfigure.exclude="
            + "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration";

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private Where get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
            return JSON.readValue(response.body(), Where.class);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyRequestRunsAsATaskOfTheApplicationsLoopNamedAfterItsRoute() {
        Where where = get("/where");
        assertThat(where.inTask()).isTrue();
        assertThat(where.loop()).isEqualTo("web-test");
        assertThat(where.task()).as("once the handler is known").isEqualTo("GET /where");
        assertThat(where.thread()).as("the task's thread goes by the same name").isEqualTo("GET /where");
        assertThat(where.priority()).isEqualTo(Priority.NORMAL);
    }

    @Test
    void theActuatorEndpointShowsWhichRouteAWaitingRequestServes() throws Exception {
        CompletableFuture<HttpResponse<String>> held = HTTP.sendAsync(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/hold/42")).build(), HttpResponse.BodyHandlers.ofString());
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode view = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/actuator/asynkit")).build(), HttpResponse.BodyHandlers.ofString()).body());
                assertThat(view.get("blocked").findValuesAsString("name")).contains("GET /hold/{id}");
                // Actuator's own handler mapping is not Spring MVC's: the request asking keeps its first name
                assertThat(view.get("running").findValuesAsString("name")).contains("http-request");
            });
        } finally {
            WebTestApplication.HoldController.RELEASE.complete(null);
        }
        HttpResponse<String> response = held.get(10, TimeUnit.SECONDS);
        assertThat(JSON.readValue(response.body(), Where.class).thread()).isEqualTo("GET /hold/{id}");
    }

    @Test
    void priorityOnTheHandlerOrItsControllerIsTheRequestsPriorityMethodWinning() {
        assertThat(get("/high").priority()).isEqualTo(Priority.HIGH);
        assertThat(get("/low").priority()).isEqualTo(Priority.LOW);
        assertThat(get("/low/override").priority()).isEqualTo(-5);
        assertThat(get("/where").priority()).isEqualTo(Priority.NORMAL);
    }

    @Test
    void asyncEagerAndScheduledMethodsRunAsTasksAtTheirPriority() {
        Where async = get("/async");
        assertThat(async.inTask()).isTrue();
        assertThat(async.task()).as("Boot's prefix, the bean and the method").isEqualTo("task-WebTestApplication.Background.lowAsync");
        assertThat(async.priority()).isEqualTo(Priority.LOW);
        Where eager = get("/eager");
        assertThat(eager.inTask()).isTrue();
        assertThat(eager.task()).startsWith("eager:");
        assertThat(eager.priority()).isEqualTo(Priority.HIGH);
        Where scheduled = get("/scheduled");
        assertThat(scheduled.inTask()).isTrue();
        assertThat(scheduled.task()).isEqualTo("scheduling-WebTestApplication.Background.tick");
        assertThat(scheduled.priority()).isEqualTo(Priority.LOW);
    }

    @Test
    void aHandlerWithJakartasPriorityGetsAWarning(CapturedOutput output) {
        assertThat(get("/mistaken").priority()).isEqualTo(Priority.NORMAL);
        assertThat(output).contains("Controller io.asynkit.spring.testapp.WebTestApplication$MistakenController carries "
                + "@jakarta.annotation.Priority, which orders beans and does not schedule anything");
        assertThat(output).doesNotContain("PlainController carries").doesNotContain("LowController carries");
    }
}
