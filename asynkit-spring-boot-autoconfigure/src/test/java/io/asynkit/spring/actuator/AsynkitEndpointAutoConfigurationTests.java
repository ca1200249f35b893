package io.asynkit.spring.actuator;

import io.asynkit.loop.Loop;
import io.asynkit.spring.config.AsynkitAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class AsynkitEndpointAutoConfigurationTests {

    /**
     * With Boot's lenient conversions, as in a SpringApplication: the documented {@code access=none}
     * (a bare runner converts enums by their exact constant names only, {@code NONE}).
     */
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withInitializer(context -> context.getEnvironment()
                    .setConversionService(new ApplicationConversionService()))
            .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class,
                    AsynkitEndpointAutoConfiguration.class))
            .withPropertyValues("asynkit.carriers=1");

    @Test
    void registeredWhenExposedOverTheWeb() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=asynkit")
                .run(context -> assertThat(context).hasSingleBean(AsynkitEndpoint.class));
    }

    @Test
    void registeredWhenAllEndpointsAreExposed() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=*")
                .run(context -> assertThat(context).hasSingleBean(AsynkitEndpoint.class));
    }

    @Test
    void absentByDefaultBecauseNotExposed() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(Loop.class);
            assertThat(context).doesNotHaveBean(AsynkitEndpoint.class);
        });
    }

    @Test
    void absentWhenExposedButExcluded() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=*",
                        "management.endpoints.web.exposure.exclude=asynkit")
                .run(context -> assertThat(context).doesNotHaveBean(AsynkitEndpoint.class));
    }

    @Test
    void absentWithAccessNone() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=asynkit",
                        "management.endpoint.asynkit.access=none")
                .run(context -> assertThat(context).doesNotHaveBean(AsynkitEndpoint.class));
    }

    @Test
    void absentWhenAllEndpointsDefaultToNoAccess() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=asynkit",
                        "management.endpoints.access.default=none")
                .run(context -> assertThat(context).doesNotHaveBean(AsynkitEndpoint.class));
    }

    @Test
    void absentWhenAsynkitIsDisabled() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=asynkit", "asynkit.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(Loop.class);
                    assertThat(context).doesNotHaveBean(AsynkitEndpoint.class);
                });
    }

    @Test
    void backsOffToTheApplicationsEndpoint() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=asynkit")
                .withUserConfiguration(OwnEndpoint.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(AsynkitEndpoint.class);
                    assertThat(context).hasBean("ownEndpoint");
                    assertThat(context).doesNotHaveBean("asynkitEndpoint");
                });
    }

    @Test
    void describesTheApplicationsOwnLoopWithTheActuatorProperties() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=asynkit",
                        "asynkit.actuator.include-stacks=true", "asynkit.actuator.max-tasks=7")
                .withUserConfiguration(OwnLoop.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(AsynkitEndpoint.class);
                    AsynkitEndpoint.AsynkitDescriptor descriptor = context.getBean(AsynkitEndpoint.class).asynkit();
                    assertThat(descriptor.loop().name()).isEqualTo("own-loop");
                    assertThat(descriptor.loop().carriers()).isEqualTo(1);
                    assertThat(context.getBean(AsynkitEndpoint.class))
                            .hasFieldOrPropertyWithValue("includeStacks", true)
                            .hasFieldOrPropertyWithValue("maxTasks", 7);
                });
    }

    @Test
    void absentWithoutALoop() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsynkitEndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=asynkit")
                .run(context -> assertThat(context).doesNotHaveBean(AsynkitEndpoint.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnEndpoint {

        @Bean
        AsynkitEndpoint ownEndpoint(Loop loop) {
            return new AsynkitEndpoint(loop, false, 1);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnLoop {

        @Bean(destroyMethod = "close")
        Loop ownLoop() {
            return Loop.builder().name("own-loop").carriers(1).build();
        }
    }
}
