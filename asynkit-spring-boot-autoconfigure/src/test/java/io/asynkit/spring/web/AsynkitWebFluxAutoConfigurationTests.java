package io.asynkit.spring.web;

import io.asynkit.spring.config.AsynkitAutoConfiguration;
import io.asynkit.spring.priority.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/** What a WebFlux application is told: once, at start-up, that its requests are not loop tasks. */
@ExtendWith(OutputCaptureExtension.class)
class AsynkitWebFluxAutoConfigurationTests {

    private static final String WARNING = "asynkit: this is a WebFlux application.";

    private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class, AsynkitWebFluxAutoConfiguration.class,
                    AsynkitWebMvcAutoConfiguration.class, AsynkitWebServerAutoConfiguration.class));

    @Test
    void aWebFluxApplicationIsWarnedOnceNamingItsPrioritizedControllers(CapturedOutput output) {
        reactive.withUserConfiguration(Controllers.class).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean("asynkitWebMvcConfigurer")
                    .doesNotHaveBean("asynkitTomcatCustomizer");
            assertThat(context).hasBean("applicationTaskExecutor");
        });
        assertThat(output.getAll().split(WARNING, -1)).as("one warning").hasSize(2);
        assertThat(output).contains("Its requests run on the reactive server's event loop, not as asynkit tasks")
                .contains("@Priority has no effect on " + Controllers.Quotes.class.getName() + ", "
                        + Controllers.Reports.class.getName() + ".")
                .doesNotContain(Controllers.Plain.class.getName())
                .contains("@Async, @Scheduled and @Eager methods run on the loop")
                .doesNotContain("spring.threads.virtual.enabled=true");
    }

    @Test
    void withVirtualThreadsTheWarningSaysWhereBlockingHandlersRun(CapturedOutput output) {
        reactive.withPropertyValues("spring.threads.virtual.enabled=true").run(context -> assertThat(context).hasNotFailed());
        assertThat(output).contains(WARNING).contains("Boot runs blocking controller methods on applicationTaskExecutor: "
                + "those run as asynkit tasks, at NORMAL priority");
    }

    @Test
    void servletApplicationsAndDisabledAsynkitAreNotWarned(CapturedOutput output) {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class, AsynkitWebFluxAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed());
        reactive.withPropertyValues("asynkit.enabled=false").run(context -> assertThat(context).hasNotFailed());
        assertThat(output).doesNotContain(WARNING);
    }

    @Configuration(proxyBeanMethods = false)
    static class Controllers {

        @Bean
        Quotes quotes() {
            return new Quotes();
        }

        @Bean
        Reports reports() {
            return new Reports();
        }

        @Bean
        Plain plain() {
            return new Plain();
        }

        @RestController
        @Priority(Priority.HIGH)
        static class Quotes {
            @GetMapping("/quote")
            String quote() {
                return "quote";
            }
        }

        @RestController
        static class Reports {
            @Priority(Priority.LOW)
            @GetMapping("/report")
            String report() {
                return "report";
            }
        }

        @RestController
        static class Plain {
            @GetMapping("/plain")
            String plain() {
                return "plain";
            }
        }
    }
}
