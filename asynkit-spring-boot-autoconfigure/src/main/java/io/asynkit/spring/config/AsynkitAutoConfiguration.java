package io.asynkit.spring.config;

import io.asynkit.loop.Loop;
import io.asynkit.loop.MissingHookPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.AsyncConfigurer;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Runs the application on one shared asynkit {@link Loop}: it is Boot's {@code applicationTaskExecutor}
 * ({@code @Async}, MVC async requests, everything that asks for Boot's executor) and
 * {@code taskScheduler} ({@code @Scheduled}), and, through the web auto-configuration, the web server's
 * request executor.
 *
 * <p>Ordered before Boot's {@link TaskExecutionAutoConfiguration} and
 * {@link TaskSchedulingAutoConfiguration}, which back off once these beans exist. Every bean here
 * backs off in turn when the application defines its own. {@code asynkit.enabled=false} turns it all
 * off, leaving Boot's defaults exactly as they are without asynkit.
 */
@AutoConfiguration(before = {TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class})
@ConditionalOnBooleanProperty(name = "asynkit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AsynkitProperties.class)
public final class AsynkitAutoConfiguration {

    private static final Log LOG = LogFactory.getLog(AsynkitAutoConfiguration.class);

    /** The flag the engine needs, and every place it can be given. */
    static final String HOOK_ADVICE = """
            add the JVM option '--add-opens java.base/java.lang=ALL-UNNAMED':
              tests (Maven Surefire):   <argLine>--add-opens java.base/java.lang=ALL-UNNAMED</argLine>
              tests (Gradle):           test { jvmArgs '--add-opens', 'java.base/java.lang=ALL-UNNAMED' }
              mvn spring-boot:run:      <jvmArguments>--add-opens java.base/java.lang=ALL-UNNAMED</jvmArguments>
              IDE:                      the VM options of the run configuration
              java -jar app.jar:        the manifest entry 'Add-Opens: java.base/java.lang'
                                        (maven-jar-plugin <archive><manifestEntries>; the Boot repackage keeps it)""";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Loop asynkitLoop(AsynkitProperties properties) {
        Loop.Builder builder = Loop.builder()
                .name(properties.getName())
                .carriers(properties.resolvedCarriers())
                .carrierNice(properties.getCarrierNice())
                .policy(properties.getPolicy())
                .missingHook(properties.getMissingHook())
                .shutdownTimeout(properties.getShutdown().getAwaitTerminationPeriod())
                .cancelTimeout(properties.getShutdown().getCancelTimeout());
        builder = properties.getBoosting().isEnabled() ? builder.boostAfter(properties.getBoosting().getAfter())
                : builder.boosting(false);
        if (properties.getMissingHook() == MissingHookPolicy.DEGRADE && !Loop.hookProblem().isEmpty()) {
            LOG.warn("asynkit runs DEGRADED on the JDK's default virtual-thread scheduler, without priorities, "
                    + "boosting or positional scheduling (" + Loop.hookProblem().get() + "). To fix it, "
                    + HOOK_ADVICE + "\nSet asynkit.missing-hook=fail to make this an error instead.");
        }
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    AsynkitLoopLifecycle asynkitLoopLifecycle(Loop loop) {
        return new AsynkitLoopLifecycle(loop);
    }

    @Bean(name = TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME)
    @ConditionalOnMissingBean(name = TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME)
    AsynkitTaskExecutor applicationTaskExecutor(Loop loop, ObjectProvider<TaskDecorator> taskDecorators) {
        return new AsynkitTaskExecutor(loop, "async-", decorator(taskDecorators));
    }

    @Bean(name = "taskScheduler")
    @ConditionalOnMissingBean({TaskScheduler.class, ScheduledExecutorService.class})
    AsynkitTaskScheduler taskScheduler(Loop loop, ObjectProvider<TaskDecorator> taskDecorators) {
        return new AsynkitTaskScheduler(loop, decorator(taskDecorators));
    }

    /**
     * {@code @Async} methods use {@code applicationTaskExecutor} (ours, or the application's), as Boot
     * arranges it when it owns the executor: Boot's own arrangement backs off once an executor exists.
     */
    @Bean
    @ConditionalOnMissingBean(AsyncConfigurer.class)
    AsyncConfigurer asynkitAsyncConfigurer(BeanFactory beanFactory) {
        return new AsyncConfigurer() {
            @Override
            public Executor getAsyncExecutor() {
                return beanFactory.getBean(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME,
                        Executor.class);
            }
        };
    }

    /** As Boot does: one decorator bean is used as it is; several are applied in order. */
    private static TaskDecorator decorator(ObjectProvider<TaskDecorator> taskDecorators) {
        List<TaskDecorator> decorators = taskDecorators.orderedStream().toList();
        return switch (decorators.size()) {
            case 0 -> null;
            case 1 -> decorators.getFirst();
            default -> new CompositeTaskDecorator(decorators);
        };
    }
}
