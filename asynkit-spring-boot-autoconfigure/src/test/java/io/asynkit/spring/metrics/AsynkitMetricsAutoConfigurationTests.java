package io.asynkit.spring.metrics;

import io.asynkit.loop.Loop;
import io.asynkit.spring.config.AsynkitAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class AsynkitMetricsAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class, MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                    AsynkitMetricsAutoConfiguration.class))
            .withPropertyValues("asynkit.carriers=2");

    @Test
    void bindsTheApplicationsLoopToTheRegistry() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(AsynkitMetrics.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("executor.pool.size").tag("name", "asynkit").gauge().value()).isEqualTo(2);
            assertThat(registry.get("asynkit.tasks").tag("name", "asynkit").gauges()).hasSize(3);
            assertThat(registry.get("asynkit.queue.wait").tag("name", "asynkit").functionTimers()).hasSize(3);
        });
    }

    @Test
    void tagsWithTheConfiguredLoopName() {
        runner.withPropertyValues("asynkit.name=orders").run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("executor.queued").tag("name", "orders").gauge().value()).isZero();
        });
    }

    @Test
    void absentWithoutAMeterRegistry() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class,
                        AsynkitMetricsAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(Loop.class);
                    assertThat(context).doesNotHaveBean(AsynkitMetrics.class);
                });
    }

    @Test
    void absentWithoutMicrometer() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer.core."))
                .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class,
                        AsynkitMetricsAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(AsynkitMetrics.class);
                });
    }

    @Test
    void absentWhenAsynkitIsDisabled() {
        runner.withPropertyValues("asynkit.enabled=false").run(context -> {
            assertThat(context).hasSingleBean(MeterRegistry.class);
            assertThat(context).doesNotHaveBean(AsynkitMetrics.class);
            assertThat(context.getBean(MeterRegistry.class).find("executor.queued").tag("name", "asynkit").meter())
                    .isNull();
        });
    }

    @Test
    void backsOffToTheApplicationsBinder() {
        runner.withUserConfiguration(OwnMetrics.class).run(context -> {
            assertThat(context).hasSingleBean(AsynkitMetrics.class);
            assertThat(context).hasBean("ownMetrics");
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("executor.queued").tag("name", "asynkit").tag("team", "core").gauge().value())
                    .isZero();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnMetrics {

        @Bean
        AsynkitMetrics ownMetrics(Loop loop) {
            return new AsynkitMetrics(loop, Tags.of("team", "core"));
        }
    }
}
