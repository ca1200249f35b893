package io.asynkit.spring.config;

import io.asynkit.loop.LatencyGuard;
import io.asynkit.loop.Loop;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionProperties;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Fallback;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

/**
 * Runs the application on one shared asynkit {@link Loop}: it is Boot's {@code applicationTaskExecutor}
 * ({@code @Async}, MVC async requests, everything that asks for Boot's executor) and, with
 * {@code @EnableScheduling}, its {@code taskScheduler} ({@code @Scheduled}), and, through the web
 * auto-configuration, the web server's request executor.
 *
 * <p>Ordered before Boot's {@link TaskExecutionAutoConfiguration} and
 * {@link TaskSchedulingAutoConfiguration}, and with their conditions: the executor backs off when the
 * application defines any {@link Executor} bean (the loop itself does not count), and when
 * {@code spring.task.execution.mode=force} makes Boot define its own; the scheduler exists only with
 * {@code @EnableScheduling} and backs off for any {@code TaskScheduler} or
 * {@code ScheduledExecutorService}; the loop backs off for a
 * {@code Loop} bean, and {@link LoopBuilderCustomizer} beans customize it without replacing it.
 * {@code asynkit.enabled=false} turns it all off, leaving Boot's defaults exactly as they are without
 * asynkit.
 */
@AutoConfiguration(before = {TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class})
@ConditionalOnBooleanProperty(name = "asynkit.enabled", matchIfMissing = true)
@EnableConfigurationProperties({AsynkitProperties.class, TaskExecutionProperties.class, TaskSchedulingProperties.class})
@Import({AsynkitTaskConfigurations.ExecutorConfiguration.class, AsynkitTaskConfigurations.SchedulerConfiguration.class,
        AsynkitTaskConfigurations.ForcedModeWarning.class})
public final class AsynkitAutoConfiguration {

    /**
     * The loop. A {@link Fallback} bean: it is an {@link Executor} (and an {@code ExecutorService}), and
     * code that asks the context for "the" {@code Executor} must get {@code applicationTaskExecutor}, as in
     * an application without asynkit, not find two.
     */
    @Bean(name = HookUnavailableFailureAnalyzer.LOOP_BEAN_NAME, destroyMethod = "close")
    @Fallback
    @ConditionalOnMissingBean
    Loop asynkitLoop(AsynkitProperties properties, TaskExecutionProperties execution, TaskSchedulingProperties scheduling,
                     ObjectProvider<LoopBuilderCustomizer> customizers) {
        Loop.Builder builder = Loop.builder()
                .name(properties.getName())
                .carriers(properties.resolvedCarriers())
                .carrierNice(properties.getCarrierNice())
                .policy(properties.getPolicy())
                .missingHook(properties.getMissingHook())
                .shutdownTimeout(awaitTerminationPeriod(properties, execution, scheduling))
                .cancelTimeout(properties.getShutdown().getCancelTimeout());
        builder = properties.getBoosting().isEnabled() ? builder.boostAfter(properties.getBoosting().getAfter())
                : builder.boosting(false);
        LatencyGuard guard = properties.getLatencyGuard().toGuard();
        if (guard != null) {
            builder.latencyGuard(guard);
        }
        for (LoopBuilderCustomizer customizer : customizers.orderedStream().toList()) {
            customizer.customize(builder);
        }
        return builder.build();
    }

    /**
     * {@code asynkit.shutdown.await-termination-period} when set; else the longest period Boot's own
     * executor or scheduler would wait ({@code spring.task.execution|scheduling.shutdown.await-termination=true}
     * with a period), as there is one loop behind both; else 30 seconds.
     */
    static Duration awaitTerminationPeriod(AsynkitProperties properties, TaskExecutionProperties execution,
                                           TaskSchedulingProperties scheduling) {
        Duration own = properties.getShutdown().getAwaitTerminationPeriod();
        if (own != null) {
            return own;
        }
        Duration executionPeriod = execution.getShutdown().isAwaitTermination()
                ? execution.getShutdown().getAwaitTerminationPeriod() : null;
        Duration schedulingPeriod = scheduling.getShutdown().isAwaitTermination()
                ? scheduling.getShutdown().getAwaitTerminationPeriod() : null;
        return Stream.of(executionPeriod, schedulingPeriod).filter(Objects::nonNull).max(Duration::compareTo)
                .orElse(AsynkitProperties.Shutdown.DEFAULT_AWAIT_TERMINATION_PERIOD);
    }

    @Bean
    @ConditionalOnMissingBean
    AsynkitLoopLifecycle asynkitLoopLifecycle(Loop loop) {
        return new AsynkitLoopLifecycle(loop);
    }

    @Bean
    AsynkitStartupReport asynkitStartupReport(ObjectProvider<Loop> loop, ObjectProvider<IgnoredProperties> ignored,
                                              Environment environment) {
        return new AsynkitStartupReport(loop, ignored, environment);
    }

}
