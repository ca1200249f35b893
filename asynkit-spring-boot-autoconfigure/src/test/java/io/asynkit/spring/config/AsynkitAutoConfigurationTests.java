package io.asynkit.spring.config;

import io.asynkit.loop.Loop;
import io.asynkit.loop.SchedulingPolicy;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Conditions, back-offs and properties of {@link AsynkitAutoConfiguration}, next to Boot's own. */
class AsynkitAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(AsynkitAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class));

    @Test
    void theLoopBecomesTheApplicationsExecutorAndScheduler() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(Loop.class).hasSingleBean(AsynkitTaskScheduler.class)
                    .doesNotHaveBean(ThreadPoolTaskExecutor.class).doesNotHaveBean(ThreadPoolTaskScheduler.class);
            assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(AsynkitTaskExecutor.class);
            assertThat(context.getBean("taskScheduler")).isInstanceOf(AsynkitTaskScheduler.class);
            Loop loop = context.getBean(Loop.class);
            assertThat(loop.name()).isEqualTo("asynkit");
            assertThat(loop.carrierCount()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(loop.policy()).isEqualTo(SchedulingPolicy.PRIORITY);
            assertThat(loop.statistics().boostAfter()).isEqualTo(Loop.DEFAULT_BOOST_AFTER);
            AsyncConfigurer configurer = context.getBean(AsyncConfigurer.class);
            assertThat(configurer.getAsyncExecutor()).isSameAs(context.getBean("applicationTaskExecutor"));
            Future<Boolean> inTask = context.getBean(AsyncTaskExecutor.class).submit(() -> Task.isInTask());
            assertThat(inTask).isInstanceOf(Task.class);
            assertThat(inTask.get(10, TimeUnit.SECONDS)).isTrue();
        });
    }

    @Test
    void itAlsoWinsWhenBootIsAskedForVirtualThreads() {
        runner.withPropertyValues("spring.threads.virtual.enabled=true").run(context ->
                assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(AsynkitTaskExecutor.class));
    }

    @Test
    void disabledItLeavesBootsDefaultsExactly() {
        runner.withPropertyValues("asynkit.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(Loop.class).doesNotHaveBean(AsynkitTaskScheduler.class);
            assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class);
        });
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
                        TaskSchedulingAutoConfiguration.class))
                .run(context -> assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class));
    }

    @Test
    void everyBeanBacksOffForTheApplicationsOwn() {
        runner.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class);
            assertThat(context).hasSingleBean(TaskScheduler.class).doesNotHaveBean(AsynkitTaskScheduler.class);
            assertThat(context.getBean(AsyncConfigurer.class)).isSameAs(context.getBean("ownConfigurer"));
            assertThat(context.getBean(Loop.class).name()).isEqualTo("own");
        });
        runner.withUserConfiguration(OwnExecutorOnly.class).run(context -> assertThat(
                context.getBean(AsyncConfigurer.class).getAsyncExecutor()).isInstanceOf(ThreadPoolTaskExecutor.class));
    }

    @Test
    void propertiesConfigureTheLoop() {
        runner.withPropertyValues("asynkit.name=app", "asynkit.carriers=3", "asynkit.policy=fifo",
                "asynkit.boosting.after=7", "asynkit.carrier-nice=5").run(context -> {
            Loop loop = context.getBean(Loop.class);
            assertThat(loop.name()).isEqualTo("app");
            assertThat(loop.carrierCount()).isEqualTo(3);
            assertThat(loop.carrierNice()).isEqualTo(5);
            assertThat(loop.policy()).isEqualTo(SchedulingPolicy.FIFO);
        });
        runner.withPropertyValues("asynkit.boosting.after=7").run(context ->
                assertThat(context.getBean(Loop.class).statistics().boostAfter()).isEqualTo(7));
        runner.withPropertyValues("asynkit.boosting.enabled=false").run(context ->
                assertThat(context.getBean(Loop.class).statistics().boostAfter()).isZero());
    }

    @Test
    void theDefaultsAreTheEnginesOwn() {
        AsynkitProperties defaults = new AsynkitProperties();
        assertThat(defaults.getBoosting().getAfter()).isEqualTo(Loop.DEFAULT_BOOST_AFTER);
        assertThat(defaults.getEager().getOrder()).isEqualTo(org.springframework.core.Ordered.LOWEST_PRECEDENCE);
    }

    @Test
    void aBadValueFailsStartUpNamingThePropertyAndTheReason() {
        runner.withPropertyValues("asynkit.carriers=0").run(context -> assertThat(context).getFailure()
                .hasRootCauseInstanceOf(org.springframework.boot.context.properties.bind.validation.BindValidationException.class)
                .hasStackTraceContaining("Field error in object 'asynkit' on field 'carriers': rejected value [0]")
                .hasStackTraceContaining("must be between 1 and 32767 carrier threads"));
        runner.withPropertyValues("asynkit.boosting.after=0").run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("on field 'boosting.after'").hasStackTraceContaining("asynkit.boosting.enabled=false"));
        runner.withPropertyValues("asynkit.carrier-nice=-1").run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("on field 'carrier-nice': rejected value [-1]")
                .hasStackTraceContaining("negative values would need privileges"));
        runner.withPropertyValues("asynkit.shutdown.await-termination-period=-1s").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("on field 'shutdown.await-termination-period'"));
        runner.withPropertyValues("asynkit.policy=fastest").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("Failed to bind properties under 'asynkit.policy'"));
    }

    @Test
    void taskDecoratorsAreAppliedInOrderAsBootAppliesThem() {
        runner.withUserConfiguration(Decorators.class).run(context -> {
            List<String> log = context.getBean(Decorators.class).log;
            AsyncTaskExecutor executor = context.getBean(AsyncTaskExecutor.class);
            assertThat(executor.submit(() -> log.add("task")).get(10, TimeUnit.SECONDS)).isTrue();
            // as Boot's CompositeTaskDecorator does: each decorator wraps the previous, so the last runs first
            assertThat(log).containsExactly("second", "first", "task");
            log.clear();
            CompletableFuture<Void> ran = new CompletableFuture<>();
            context.getBean(AsynkitTaskScheduler.class).schedule(() -> ran.complete(null), java.time.Instant.now());
            ran.get(10, TimeUnit.SECONDS);
            assertThat(log).containsExactly("second", "first");
        });
    }

    @Test
    void closingTheContextStopsTheLoopAfterTheGracePeriod() {
        runner.withPropertyValues("asynkit.shutdown.await-termination-period=50ms").run(context -> {
            Loop loop = context.getBean(Loop.class);
            assertThat(context.getBean(AsynkitLoopLifecycle.class).getPhase()).isEqualTo(AsynkitLoopLifecycle.PHASE);
            Future<?> stubborn = context.getBean(AsyncTaskExecutor.class).submit(() -> {
                Thread.sleep(Duration.ofMinutes(5));
                return null;
            });
            context.close();
            assertThat(loop.isTerminated()).isTrue();
            assertThat(stubborn.isCancelled()).isTrue();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        @Bean
        ThreadPoolTaskExecutor applicationTaskExecutor() {
            return new ThreadPoolTaskExecutor();
        }

        @Bean
        ThreadPoolTaskScheduler ownScheduler() {
            return new ThreadPoolTaskScheduler();
        }

        @Bean
        AsyncConfigurer ownConfigurer() {
            return new AsyncConfigurer() { };
        }

        @Bean(destroyMethod = "close")
        Loop ownLoop() {
            return Loop.builder().name("own").build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnExecutorOnly {
        @Bean
        ThreadPoolTaskExecutor applicationTaskExecutor() {
            return new ThreadPoolTaskExecutor();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Decorators {
        final List<String> log = new CopyOnWriteArrayList<>();

        @Bean
        @Order(1)
        TaskDecorator first() {
            return runnable -> () -> {
                log.add("first");
                runnable.run();
            };
        }

        @Bean
        @Order(2)
        TaskDecorator second() {
            return runnable -> () -> {
                log.add("second");
                runnable.run();
            };
        }
    }
}
