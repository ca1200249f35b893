package io.asynkit.spring.application;

import io.asynkit.loop.Loop;
import io.asynkit.spring.application.PropagationTestApplication.Seen;
import io.asynkit.spring.application.PropagationTestApplication.Work;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code context.stop()} then {@code context.start()}, as checkpoint/restore and management tools do it:
 * stopped, {@code @Async} calls and scheduled runs wait; started again, they run, and the web server serves
 * requests on the loop again. Only closing the context closes the loop.
 */
@SpringBootTest(classes = PropagationTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.autoconfigure.exclude="
                + "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration")
@DirtiesContext
class StopStartApplicationTests {

    @Autowired
    ConfigurableApplicationContext context;

    @Autowired
    Work work;

    @Autowired
    Loop loop;

    @Test
    void stopPausesAndStartResumesAsyncScheduledAndRequests() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> work.ticks() > 0);
        assertThat(get("/seen").inTask()).isTrue();

        context.stop();
        int ticksAtStop = work.ticks();
        CompletableFuture<Seen> async = work.async();
        assertThatThrownBy(() -> async.get(200, TimeUnit.MILLISECONDS)).as("held while stopped")
                .isInstanceOf(TimeoutException.class);
        assertThat(work.ticks()).as("no scheduled run while stopped (ten periods)").isEqualTo(ticksAtStop);
        assertThat(loop.isShutdown()).as("a stop is not a close").isFalse();

        context.start();
        assertThat(async.get(10, TimeUnit.SECONDS).inTask()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> work.ticks() > ticksAtStop);
        Seen request = get("/seen");
        assertThat(request.inTask()).isTrue();
        assertThat(work.async().get(10, TimeUnit.SECONDS).inTask()).isTrue();
    }

    private Seen get(String path) throws Exception {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonMapper.builder().build().readValue(response.body(), Seen.class);
    }
}
