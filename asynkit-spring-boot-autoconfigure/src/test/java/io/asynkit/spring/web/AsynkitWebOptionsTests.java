package io.asynkit.spring.web;

import io.asynkit.loop.Loop;
import io.asynkit.spring.config.AsynkitAutoConfiguration;
import io.asynkit.spring.testapp.WebTestApplication;
import io.asynkit.spring.testapp.WebTestApplication.Where;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.jetty.autoconfigure.JettyServerProperties;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The web integration's switches, Jetty, and how a bad property stops start-up. */
class AsynkitWebOptionsTests {

    static Where get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JsonMapper.builder().build().readValue(response.body(), Where.class);
    }

    @Nested
    @SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"spring.threads.virtual.enabled=true", AsynkitWebApplicationTests.ON_TOMCAT})
    class WithBootsVirtualThreadsSwitchedOnOnTomcat {
        @LocalServerPort
        int port;

        @Test
        void asynkitStillRunsTheRequests() throws Exception {
            Where where = get(port, "/where");
            assertThat(where.inTask()).isTrue();
            assertThat(where.task()).isEqualTo("GET /where"); // named after its route once the handler is chosen
        }
    }

    @Nested
    @SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"asynkit.web.enabled=false", AsynkitWebApplicationTests.ON_TOMCAT})
    class WithTheWebIntegrationSwitchedOff {
        @LocalServerPort
        int port;

        @Test
        void requestsRunOnTheServersOwnThreadsAndAsyncStillOnTheLoop() throws Exception {
            Where where = get(port, "/where");
            assertThat(where.inTask()).as("%s", where).isFalse();
            assertThat(get(port, "/async").inTask()).isTrue();
        }
    }

    @Nested
    @SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"spring.threads.virtual.enabled=true", AsynkitWebApplicationTests.ON_JETTY})
    class OnJetty {
        @LocalServerPort
        int port;

        @Test
        void requestsRunAsTasksWithTheirPriority() throws Exception {
            Where where = get(port, "/low");
            assertThat(where.inTask()).isTrue();
            assertThat(where.task()).isEqualTo("GET /low");
            assertThat(where.priority()).isEqualTo(io.asynkit.spring.priority.Priority.LOW);
        }
    }

    @Test
    void onJettyTheLoopRunsTheBlockingWork() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class,
                        AsynkitWebServerAutoConfiguration.class))
                .run(context -> {
                    String[] names = context.getBeanNamesForType(ResolvableType.forClassWithGenerics(
                            WebServerFactoryCustomizer.class, ConfigurableJettyWebServerFactory.class));
                    assertThat(names).containsExactly("asynkitJettyCustomizer");
                    @SuppressWarnings("unchecked")
                    WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> customizer =
                            context.getBean(names[0], WebServerFactoryCustomizer.class);
                    JettyServletWebServerFactory factory = new JettyServletWebServerFactory();
                    customizer.customize(factory);
                    QueuedThreadPool pool = (QueuedThreadPool) factory.getThreadPool();
                    assertThat(pool.getName()).isEqualTo("jetty-asynkit");
                    CompletableFuture<Boolean> ranAsTask = new CompletableFuture<>();
                    pool.getVirtualThreadsExecutor().execute(() -> ranAsTask.complete(io.asynkit.loop.Task.isInTask()));
                    assertThat(ranAsTask.get()).isTrue();
                    assertThat(context.getBean(Loop.class).statistics().tasksStarted()).isPositive();
                });
    }

    @Test
    void jettysOwnThreadsAreSizedByItsThreadPropertiesAndRequestsByNothing() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class,
                        AsynkitWebServerAutoConfiguration.class))
                .withUserConfiguration(JettyProperties.class)
                .withPropertyValues("server.jetty.threads.max=17", "server.jetty.threads.min=3",
                        "server.jetty.threads.idle-timeout=5s", "server.jetty.threads.max-queue-capacity=0")
                .run(context -> {
                    @SuppressWarnings("unchecked")
                    WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> customizer =
                            context.getBean("asynkitJettyCustomizer", WebServerFactoryCustomizer.class);
                    JettyServletWebServerFactory factory = new JettyServletWebServerFactory();
                    customizer.customize(factory);
                    QueuedThreadPool pool = (QueuedThreadPool) factory.getThreadPool();
                    assertThat(pool.getMaxThreads()).isEqualTo(17);
                    assertThat(pool.getMinThreads()).isEqualTo(3);
                    assertThat(pool.getIdleTimeout()).isEqualTo(5000);
                    assertThat(pool.getQueueSize()).isZero();
                    assertThat(pool.getVirtualThreadsExecutor()).isNotNull();
                });
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void tomcatsThreadPropertiesAreReportedAsWithoutEffect(CapturedOutput output) {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class,
                        AsynkitWebServerAutoConfiguration.class))
                .withPropertyValues("server.tomcat.threads.max=50", "server.tomcat.threads.min-spare=5")
                .run(context -> assertThat(context).hasBean("asynkitTomcatCustomizer"));
        assertThat(output).contains("server.tomcat.threads.max, server.tomcat.threads.min-spare: Tomcat hands every "
                + "request to the loop instead of its own thread pool");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(JettyServerProperties.class)
    static class JettyProperties {
    }

    @Test
    void thePrefixPrecedesTheNameOfEveryRequestTask() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class,
                        AsynkitWebServerAutoConfiguration.class))
                .withPropertyValues("asynkit.web.task-name-prefix=shop-")
                .run(context -> {
                    @SuppressWarnings("unchecked")
                    WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> customizer =
                            context.getBean("asynkitJettyCustomizer", WebServerFactoryCustomizer.class);
                    JettyServletWebServerFactory factory = new JettyServletWebServerFactory();
                    customizer.customize(factory);
                    CompletableFuture<String> name = new CompletableFuture<>();
                    ((QueuedThreadPool) factory.getThreadPool()).getVirtualThreadsExecutor()
                            .execute(() -> name.complete(io.asynkit.loop.Task.current().name()));
                    assertThat(name.get()).isEqualTo("shop-http-request");
                });
    }

    @Test
    void theWebSwitchRemovesTheCustomizers() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class,
                        AsynkitWebServerAutoConfiguration.class))
                .withPropertyValues("asynkit.web.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("asynkitJettyCustomizer")
                        .doesNotHaveBean("asynkitTomcatCustomizer").hasSingleBean(Loop.class));
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aBadPropertyStopsStartUpWithBootsFailureAnalysis(CapturedOutput output) {
        SpringApplication application = new SpringApplication(WebTestApplication.class);
        application.setDefaultProperties(java.util.Map.of("asynkit.carriers", "0", "server.port", "0"));
        assertThatThrownBy(application::run).isInstanceOf(Exception.class);
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Property: asynkit.carriers")
                .contains("Value: \"0\"")
                .contains("Reason: must be between 1 and 32767 carrier threads");
    }
}
