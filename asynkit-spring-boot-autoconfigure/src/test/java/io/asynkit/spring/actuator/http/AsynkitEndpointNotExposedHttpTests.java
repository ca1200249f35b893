package io.asynkit.spring.actuator.http;

import io.asynkit.loop.Loop;
import io.asynkit.spring.actuator.AsynkitEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Without {@code management.endpoints.web.exposure.include=asynkit}, Boot's default, nothing is served. */
@SpringBootTest(classes = ActuatorTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "asynkit.carriers=1")
@AutoConfigureRestTestClient
class AsynkitEndpointNotExposedHttpTests {

    @Autowired
    RestTestClient client;

    @Autowired
    ApplicationContext context;

    @Test
    void notReachableUnlessExposed() {
        assertThat(context.getBeansOfType(Loop.class)).hasSize(1);
        assertThat(context.getBeansOfType(AsynkitEndpoint.class)).isEmpty();
        client.get().uri("/actuator/asynkit").exchange().expectStatus().isNotFound();
        client.get().uri("/actuator/asynkit/1").exchange().expectStatus().isNotFound();
        client.get().uri("/actuator/health").exchange().expectStatus().isOk();
    }
}
