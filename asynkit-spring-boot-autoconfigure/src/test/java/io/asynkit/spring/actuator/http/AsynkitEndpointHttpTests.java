package io.asynkit.spring.actuator.http;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;
import io.asynkit.priority.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/asynkit} over HTTP, on the embedded server, as an application sees it; and the loop's
 * meters in Boot's {@code metrics} endpoint.
 */
@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoints.web.exposure.include=asynkit,metrics", "asynkit.carriers=2"})
@AutoConfigureRestTestClient
class AsynkitEndpointHttpTests {

    @Autowired
    RestTestClient client;

    @Autowired
    Loop loop;

    private final CompletableFuture<Void> gate = new CompletableFuture<>();
    private Task<?> waiter;

    @BeforeEach
    void parkATask() {
        waiter = loop.newTask().name("http-waiter").priority(Priority.LOW).start(() -> gate.join());
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.taskState() == TaskState.BLOCKED);
    }

    @AfterEach
    void release() {
        gate.complete(null);
    }

    @Test
    void describesTheApplicationsLoop() {
        client.get().uri("/actuator/asynkit").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("application/vnd.spring-boot.actuator.v3+json")
                .expectBody()
                .jsonPath("$.loop.name").isEqualTo("asynkit")
                .jsonPath("$.loop.mode").isEqualTo("scheduled")
                .jsonPath("$.loop.policy").isEqualTo("PRIORITY")
                .jsonPath("$.loop.carriers").isEqualTo(2)
                .jsonPath("$.loop.boostAfter").isEqualTo(100)
                .jsonPath("$.loop.carrierNice").isEqualTo(0)
                .jsonPath("$.counts.blocked").value(Integer.class, n -> assertThat(n).isGreaterThanOrEqualTo(1))
                .jsonPath("$.counts.tasksStarted").isNumber()
                .jsonPath("$.truncated").isEqualTo(false)
                .jsonPath("$.runnable").isArray()
                .jsonPath("$.blocked[?(@.id == %d)].name".formatted(waiter.id())).isEqualTo("http-waiter")
                .jsonPath("$.blocked[?(@.name == 'http-waiter')].priority").isEqualTo(10.0)
                .jsonPath("$.blocked[?(@.name == 'http-waiter')].state").isEqualTo("BLOCKED")
                .jsonPath("$.blocked[?(@.name == 'http-waiter')].adopted").isEqualTo(false)
                .jsonPath("$.blocked[?(@.name == 'http-waiter')].timeInState")
                .value(new ParameterizedTypeReference<List<String>>() { },
                        t -> assertThat(Duration.parse(t.getFirst())).isPositive())
                .jsonPath("$.blocked[0].stackTrace").doesNotExist()
                .jsonPath("$.blocked[0].waitingAt").doesNotExist()
                .jsonPath("$.boosting.bands[*].band").isEqualTo(List.of("HIGH", "NORMAL", "LOW"))
                .jsonPath("$.boosting.bands[2].meanWait").value(String.class, w -> assertThat(w).startsWith("PT"));
    }

    @Test
    void servesPlainJsonWhenAskedFor() {
        client.get().uri("/actuator/asynkit").accept(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.loop.name").isEqualTo("asynkit");
    }

    @Test
    void describesOneTaskById() {
        client.get().uri("/actuator/asynkit/{id}", waiter.id()).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").value(Long.class, id -> assertThat(id).isEqualTo(waiter.id()))
                .jsonPath("$.name").isEqualTo("http-waiter")
                .jsonPath("$.state").isEqualTo("BLOCKED")
                .jsonPath("$.effectivePriority").isEqualTo(10.0)
                .jsonPath("$.dispatches").isEqualTo(1);
    }

    @Test
    void unknownTaskIsNotFound() {
        client.get().uri("/actuator/asynkit/{id}", Long.MAX_VALUE).exchange().expectStatus().isNotFound();
    }

    @Test
    void nonNumericIdIsABadRequest() {
        client.get().uri("/actuator/asynkit/not-a-number").exchange().expectStatus().isBadRequest();
    }

    @Test
    void isReadOnly() {
        client.post().uri("/actuator/asynkit").exchange().expectStatus().isEqualTo(405);
        client.delete().uri("/actuator/asynkit/{id}", waiter.id()).exchange().expectStatus().isEqualTo(405);
        assertThat(waiter.taskState()).isEqualTo(TaskState.BLOCKED);
    }

    @Test
    void isLinkedFromTheActuatorRoot() {
        client.get().uri("/actuator").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$._links.asynkit.href").value(String.class, h -> assertThat(h).endsWith("/actuator/asynkit"))
                .jsonPath("$._links['asynkit-id'].templated").isEqualTo(true);
    }

    @Test
    void metersAreInBootsMetricsEndpoint() {
        client.get().uri("/actuator/metrics/asynkit.tasks?tag=state:blocked&tag=name:asynkit").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.baseUnit").isEqualTo("tasks")
                .jsonPath("$.measurements[0].value").value(Double.class, n -> assertThat(n).isGreaterThanOrEqualTo(1));
        client.get().uri("/actuator/metrics/executor.pool.size?tag=name:asynkit").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.measurements[0].value").isEqualTo(2.0);
    }
}
