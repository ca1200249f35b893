package io.asynkit.spring.metrics;

import io.asynkit.loop.Loop;
import io.asynkit.spring.config.AsynkitAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Binds {@link AsynkitMetrics} for the application's loop to every meter registry, as Boot binds
 * {@code executor.*} meters for its own thread pools: a {@link MeterBinder} bean, which Boot's
 * metrics auto-configuration applies to each registry.
 *
 * <pre>
 * GET /actuator/metrics/executor.queued?tag=name:asynkit
 * GET /actuator/metrics/asynkit.tasks?tag=state:blocked
 * </pre>
 *
 * Ordered after Boot's metrics auto-configurations (named, not referenced, so that an application
 * with micrometer-core but without {@code spring-boot-micrometer-metrics} loads this class safely).
 * Applies when there is a {@link MeterRegistry} bean and a single {@link Loop} bean; backs off when the
 * application defines its own {@code AsynkitMetrics} bean, and with {@code asynkit.enabled=false}.
 */
@AutoConfiguration(after = AsynkitAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, MeterBinder.class})
@ConditionalOnBooleanProperty(name = "asynkit.enabled", matchIfMissing = true)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnSingleCandidate(Loop.class)
public final class AsynkitMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AsynkitMetrics asynkitMetrics(Loop loop) {
        return new AsynkitMetrics(loop);
    }
}
