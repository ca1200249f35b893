package io.asynkit.spring.config;

import io.asynkit.loop.LatencyGuard;
import io.asynkit.loop.Loop;
import io.asynkit.loop.SchedulingPolicy;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.boot.autoconfigure.task.TaskExecutionProperties;
import org.springframework.boot.autoconfigure.task.TaskSchedulingProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
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
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Conditions, back-offs and properties of {@link AsynkitAutoConfiguration}, next to Boot's own. */
@ExtendWith(OutputCaptureExtension.class)
class AsynkitAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(AsynkitAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class));

    @Test
    void theLoopBecomesTheApplicationsExecutorAndScheduler() {
        runner.withUserConfiguration(SchedulingOn.class).run(context -> {
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
    void theLoopIsNotTheExecutorThatCodeAskingForOneGets() {
        runner.run(context -> {
            // The loop is an Executor too, but a fallback bean: the application's executor is "the" Executor,
            // as without asynkit, and the loop does not make the executor back off.
            assertThat(context.getBean(Executor.class)).isSameAs(context.getBean("applicationTaskExecutor"));
            assertThat(context.getBeanProvider(Executor.class).getIfUnique()).isInstanceOf(AsynkitTaskExecutor.class);
            assertThat(context.getBean(Loop.class)).isNotNull();
            assertThat(context.getBean(ExecutorService.class)).isSameAs(context.getBean(Loop.class));
        });
    }

    @Test
    void theSchedulerExistsOnlyWithEnableSchedulingAsBootsOwn() {
        runner.run(context -> assertThat(context).doesNotHaveBean(TaskScheduler.class).doesNotHaveBean("taskScheduler")
                .hasBean("applicationTaskExecutor"));
        runner.withUserConfiguration(SchedulingOn.class).run(context ->
                assertThat(context.getBean("taskScheduler")).isInstanceOf(AsynkitTaskScheduler.class));
    }

    @Test
    void itAlsoWinsWhenBootIsAskedForVirtualThreads() {
        runner.withPropertyValues("spring.threads.virtual.enabled=true").run(context ->
                assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(AsynkitTaskExecutor.class));
    }

    @Test
    void disabledItLeavesBootsDefaultsExactly() {
        runner.withPropertyValues("asynkit.enabled=false").withUserConfiguration(SchedulingOn.class).run(context -> {
            assertThat(context).doesNotHaveBean(Loop.class).doesNotHaveBean(AsynkitTaskScheduler.class);
            assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class);
            assertThat(context.getBean("taskScheduler")).isInstanceOf(ThreadPoolTaskScheduler.class);
        });
    }

    @Test
    void everyBeanBacksOffForTheApplicationsOwn() {
        runner.withUserConfiguration(OwnBeans.class, SchedulingOn.class).run(context -> {
            assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class);
            assertThat(context).hasSingleBean(TaskScheduler.class).doesNotHaveBean(AsynkitTaskScheduler.class)
                    .doesNotHaveBean(AsynkitTaskExecutor.class);
            assertThat(context.getBean(AsyncConfigurer.class)).isSameAs(context.getBean("ownConfigurer"));
            assertThat(context.getBean(Loop.class).name()).isEqualTo("own");
        });
    }

    @Test
    void anyExecutorOfTheApplicationsMakesTheExecutorBackOffAndAsyncUsesIt() {
        runner.withUserConfiguration(OwnPool.class, AsyncWork.class).run(context -> {
            assertThat(context).doesNotHaveBean(AsynkitTaskExecutor.class).doesNotHaveBean(AsynkitAsyncConfigurer.class)
                    .doesNotHaveBean("applicationTaskExecutor").hasSingleBean(Loop.class);
            assertThat(context.getBean(AsyncWork.class).threadName().get(10, TimeUnit.SECONDS)).startsWith("myPool-");
        });
    }

    @Test
    void anExecutorThatIsNoDefaultCandidateLeavesTheExecutorInPlace() {
        runner.withUserConfiguration(ExtraPool.class, AsyncWork.class).run(context -> {
            assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(AsynkitTaskExecutor.class);
            assertThat(context.getBean(AsyncWork.class).threadName().get(10, TimeUnit.SECONDS)).startsWith("task-");
        });
    }

    /**
     * With force, Boot defines its own {@code applicationTaskExecutor} whatever exists; a second definition
     * would stop start-up, so asynkit's stands aside and says why, and how to keep it.
     */
    @Test
    void forcedModeLeavesTheExecutorToBootAndSaysSo(CapturedOutput output) {
        runner.withUserConfiguration(OwnPool.class, AsyncWork.class)
                .withPropertyValues("spring.task.execution.mode=force").run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(AsynkitTaskExecutor.class).hasSingleBean(Loop.class);
                    assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class);
                });
        assertThat(output).contains("spring.task.execution.mode=force makes Spring Boot define its own "
                + "applicationTaskExecutor").contains("@Bean(defaultCandidate = false)");
    }

    @Test
    void theApplicationsAsyncConfigurerIsWrappedAsBootWrapsIt() {
        runner.withUserConfiguration(ErrorsOnlyConfigurer.class, AsyncWork.class).run(context -> {
            AsyncConfigurer configurer = context.getBean(AsyncConfigurer.class);
            assertThat(configurer).isInstanceOf(AsynkitAsyncConfigurer.class);
            assertThat(configurer.getAsyncExecutor()).isSameAs(context.getBean("applicationTaskExecutor"));
            assertThat(configurer.getAsyncUncaughtExceptionHandler())
                    .isSameAs(ErrorsOnlyConfigurer.HANDLER);
            assertThat(context.getBean(AsyncWork.class).threadName().get(10, TimeUnit.SECONDS)).startsWith("task-");
        });
        runner.withUserConfiguration(OwnExecutorConfigurer.class).run(context -> assertThat(
                context.getBean(AsyncConfigurer.class).getAsyncExecutor()).isSameAs(OwnExecutorConfigurer.EXECUTOR));
    }

    @Test
    void customizersConfigureTheLoopInOrderWithoutReplacingIt() {
        runner.withUserConfiguration(Customizers.class).withPropertyValues("asynkit.name=from-properties").run(context -> {
            Loop loop = context.getBean(Loop.class);
            assertThat(loop.name()).as("the later customizer wins over the earlier and the properties").isEqualTo("second");
            assertThat(loop.isEagerTasks()).isTrue();
            loop.execute(() -> {
                throw new IllegalStateException("to the customized handler");
            });
            assertThat(Customizers.HANDLED.get(10, TimeUnit.SECONDS)).hasMessage("to the customized handler");
            assertThat(context).hasSingleBean(AsynkitTaskExecutor.class);
        });
    }

    @Test
    void bootsThreadNamePrefixesNameTheTasks() {
        runner.withUserConfiguration(SchedulingOn.class).withPropertyValues("spring.task.execution.thread-name-prefix=exec-",
                "spring.task.scheduling.thread-name-prefix=sched-").run(context -> {
            assertThat(context.getBean(AsyncTaskExecutor.class).submit(() -> Task.current().name()).get(10, TimeUnit.SECONDS))
                    .isEqualTo("exec-1");
            CompletableFuture<String> scheduled = new CompletableFuture<>();
            context.getBean(AsynkitTaskScheduler.class).schedule(() -> scheduled.complete(Thread.currentThread().getName()),
                    java.time.Instant.now());
            assertThat(scheduled.get(10, TimeUnit.SECONDS)).isEqualTo("sched-1");
        });
        runner.run(context -> assertThat(context.getBean(AsyncTaskExecutor.class).submit(() -> Task.current().name())
                .get(10, TimeUnit.SECONDS)).as("Boot's default prefix").isEqualTo("task-1"));
    }

    @Test
    void bootsAwaitTerminationPeriodsApplyUnlessAsynkitsOwnIsSet() {
        AsynkitProperties asynkit = new AsynkitProperties();
        TaskExecutionProperties execution = new TaskExecutionProperties();
        TaskSchedulingProperties scheduling = new TaskSchedulingProperties();
        assertThat(AsynkitAutoConfiguration.awaitTerminationPeriod(asynkit, execution, scheduling))
                .isEqualTo(Duration.ofSeconds(30));
        execution.getShutdown().setAwaitTerminationPeriod(Duration.ofSeconds(5));
        assertThat(AsynkitAutoConfiguration.awaitTerminationPeriod(asynkit, execution, scheduling))
                .as("a period without await-termination=true means nothing to Boot either").isEqualTo(Duration.ofSeconds(30));
        execution.getShutdown().setAwaitTermination(true);
        scheduling.getShutdown().setAwaitTermination(true);
        scheduling.getShutdown().setAwaitTerminationPeriod(Duration.ofSeconds(8));
        assertThat(AsynkitAutoConfiguration.awaitTerminationPeriod(asynkit, execution, scheduling))
                .as("one loop behind both: the longer").isEqualTo(Duration.ofSeconds(8));
        asynkit.getShutdown().setAwaitTerminationPeriod(Duration.ofSeconds(2));
        assertThat(AsynkitAutoConfiguration.awaitTerminationPeriod(asynkit, execution, scheduling)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void bootsPropertiesWithoutMeaningOnALoopAreWarnedAboutOnce(CapturedOutput output) {
        runner.withUserConfiguration(SchedulingOn.class).withPropertyValues("spring.task.execution.pool.core-size=4",
                "spring.task.execution.simple.concurrency-limit=8", "spring.task.scheduling.pool.size=2",
                "spring.task.execution.thread-name-prefix=honoured-").run(context -> assertThat(context).hasNotFailed());
        String log = output.getAll();
        assertThat(log.split("these Spring Boot properties have no effect", -1)).as("one warning").hasSize(2);
        assertThat(log).contains("\n  spring.task.execution.pool.core-size, spring.task.execution.simple.concurrency-limit: "
                        + "applicationTaskExecutor runs every task on the loop's carriers")
                .contains("\n  spring.task.scheduling.pool.size: taskScheduler runs every execution as a task of the loop")
                .doesNotContain("thread-name-prefix:");
    }

    @Test
    void bootsPropertiesAreNotWarnedAboutWhereBootsOwnExecutorUsesThem(CapturedOutput output) {
        runner.withUserConfiguration(OwnPool.class).withPropertyValues("spring.task.execution.mode=force",
                "spring.task.execution.pool.core-size=4", "spring.task.scheduling.pool.size=2")
                .run(context -> assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class));
        assertThat(output).doesNotContain("have no effect");
    }

    @Test
    void withNothingIgnoredThereIsNoWarningAndTheStartUpLineDescribesTheLoop(CapturedOutput output) {
        runner.withPropertyValues("asynkit.carriers=2", "asynkit.name=shop").run(context -> assertThat(context).hasNotFailed());
        assertThat(output).contains("asynkit: the application runs on loop 'shop': 2 carriers, PRIORITY policy, "
                + "boosting after 100, scheduled by asynkit").doesNotContain("have no effect");
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
    void theLatencyGuardIsOffUnlessABoundIsSetAndThenConfiguresTheLoop(CapturedOutput output) {
        runner.withPropertyValues("asynkit.carriers=2").run(context ->
                assertThat(context.getBean(Loop.class).latencyGuard()).isEmpty());
        runner.withPropertyValues("asynkit.carriers=2", "asynkit.name=guarded", "asynkit.latency-guard.bound=2ms",
                "asynkit.latency-guard.max-extra-carriers=3").run(context ->
                assertThat(context.getBean(Loop.class).latencyGuard()).contains(
                        LatencyGuard.after(Duration.ofMillis(2)).maxExtraCarriers(3)));
        assertThat(output).contains("loop 'guarded': 2 carriers, PRIORITY policy, boosting after 100, "
                + "latency guard after PT0.002S (at most 3 extra), scheduled by asynkit");
        runner.withPropertyValues("asynkit.carriers=1", "asynkit.latency-guard.bound=1ms",
                "asynkit.latency-guard.even-on-one-carrier=true").run(context ->
                assertThat(context.getBean(Loop.class).latencyGuard().orElseThrow().isEvenOnOneCarrier()).isTrue());
    }

    @Test
    void aLatencyGuardThatDoesNotFitFailsStartUpNamingThePropertyAndTheFix() {
        runner.withPropertyValues("asynkit.carriers=1", "asynkit.latency-guard.bound=1ms").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("on field 'latency-guard.bound'")
                        .hasStackTraceContaining("asynkit.latency-guard.even-on-one-carrier=true"));
        runner.withPropertyValues("asynkit.carriers=2", "asynkit.latency-guard.bound=100us").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("on field 'latency-guard.bound'")
                        .hasStackTraceContaining("at least 250us"));
        runner.withPropertyValues("asynkit.carriers=2", "asynkit.policy=fifo", "asynkit.latency-guard.bound=1ms").run(
                context -> assertThat(context).getFailure().hasStackTraceContaining("needs asynkit.policy=priority"));
        runner.withPropertyValues("asynkit.latency-guard.max-extra-carriers=0").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("on field 'latency-guard.max-extra-carriers'"));
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
        runner.withUserConfiguration(Decorators.class, SchedulingOn.class).run(context -> {
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
    @EnableScheduling
    static class SchedulingOn {
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnPool {
        @Bean
        ThreadPoolTaskExecutor myPool() {
            return new ThreadPoolTaskExecutor();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ExtraPool {
        @Bean(defaultCandidate = false)
        ThreadPoolTaskExecutor extraPool() {
            return new ThreadPoolTaskExecutor();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync
    static class AsyncWork {
        @Async
        public CompletableFuture<String> threadName() {
            return CompletableFuture.completedFuture(Thread.currentThread().getName());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ErrorsOnlyConfigurer {
        static final AsyncUncaughtExceptionHandler HANDLER = (error, method, params) -> { };

        @Bean
        AsyncConfigurer errorsOnly() {
            return new AsyncConfigurer() {
                @Override
                public AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
                    return HANDLER;
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnExecutorConfigurer {
        static final Executor EXECUTOR = Runnable::run;

        @Bean
        AsyncConfigurer ownExecutor() {
            return new AsyncConfigurer() {
                @Override
                public Executor getAsyncExecutor() {
                    return EXECUTOR;
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        static final CompletableFuture<Throwable> HANDLED = new CompletableFuture<>();

        @Bean
        @Order(2)
        LoopBuilderCustomizer second() {
            return builder -> builder.name("second").exceptionHandler((loop, source, error) -> HANDLED.complete(error));
        }

        @Bean
        @Order(1)
        LoopBuilderCustomizer first() {
            return builder -> builder.name("first").eagerTasks(true).maxSpareCarriers(4)
                    .pinnedCheckInterval(Duration.ofMillis(50));
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
