package io.asynkit.spring.eager;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.spring.config.AsynkitAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.annotation.AsyncConfigurer;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a call to an {@code @Eager} method does: where it runs, in which order, what the caller gets. */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class EagerCallsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class, EagerAutoConfiguration.class))
            .withPropertyValues("asynkit.carriers=1", "asynkit.shutdown.await-termination-period=1s")
            .withUserConfiguration(ServiceConfig.class);

    @Test
    void aCallThatNeverParksRunsAsATaskOfTheApplicationLoopAndGivesACompletedFuture() {
        runner.run(context -> {
            Service service = context.getBean(Service.class);
            CompletableFuture<Task<?>> where = service.whereAmI();
            assertThat(where).isDone();
            Task<?> task = where.join();
            assertThat(task).as("runs as an asynkit task").isNotNull();
            assertThat(task.loop()).as("the application's loop, not Loop.common()").isSameAs(context.getBean(Loop.class));
            assertThat(task.name()).isEqualTo("eager:EagerCallsTests.Service.whereAmI");
            assertThat(Task.currentOrNull()).as("the caller is a plain thread").isNull();
        });
    }

    @Test
    void fromInsideATaskTheCallRunsDepthFirstAndTheCallerResumesWhenItParks() {
        runner.run(context -> {
            Service service = context.getBean(Service.class);
            Loop loop = context.getBean(Loop.class);
            Future<Task<?>> caller = loop.submit(() -> {
                service.log().add("a");
                CompletableFuture<Task<?>> inner = service.logAroundAPark();
                service.log().add("b");
                return inner.get();
            });
            Task<?> inner = caller.get(30, TimeUnit.SECONDS);
            assertThat(service.log()).containsExactly("a", "1", "b", "2");
            assertThat(inner).as("the call ran as an asynkit task").isNotNull();
            assertThat(inner.loop()).isSameAs(loop);
            assertThat(inner).isNotSameAs(caller);
        });
    }

    @Test
    void fromAPlainThreadTheCallerAlsoResumesWhenTheCallParks() {
        runner.run(context -> {
            Service service = context.getBean(Service.class);
            service.log().add("a");
            CompletableFuture<Task<?>> inner = service.logAroundAPark();
            service.log().add("b");
            assertThat(inner).isNotDone();
            Task<?> task = inner.get(30, TimeUnit.SECONDS);
            assertThat(service.log()).containsExactly("a", "1", "b", "2");
            assertThat(task.loop()).isSameAs(context.getBean(Loop.class));
        });
    }

    @Test
    void completionStageAndFutureMethodsAreFlattenedToACompletableFuture() {
        runner.run(context -> {
            Service service = context.getBean(Service.class);
            CompletionStage<String> stage = service.stage("x");
            assertThat(stage).isInstanceOf(CompletableFuture.class);
            assertThat(stage.toCompletableFuture()).isCompletedWithValue("stage x");
            Future<String> future = service.future("y");
            assertThat(future).isInstanceOf(CompletableFuture.class);
            assertThat(future.get()).isEqualTo("future y");
            assertThat(future).isDone();
            assertThat(service.nothing()).isCompletedWithValue(null);
        });
    }

    @Test
    void aReturnedFutureThatIsNotCompleteYetIsWaitedForAndCancellationIsPassedOn() {
        runner.run(context -> {
            Service service = context.getBean(Service.class);
            CompletableFuture<String> later = new CompletableFuture<>();
            CompletableFuture<String> result = service.returns(later);
            assertThat(result).isNotDone();
            later.complete("done");
            assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("done");

            CompletableFuture<String> never = new CompletableFuture<>();
            CompletableFuture<String> cancelled = service.returns(never);
            assertThat(cancelled.cancel(true)).isTrue();
            assertThatThrownBy(() -> never.get(30, TimeUnit.SECONDS)).isInstanceOf(java.util.concurrent.CancellationException.class);
        });
    }

    @Test
    void exceptionsAreDeliveredThroughTheFutureNeverThrownAtTheCallSite() {
        runner.run(context -> {
            Service service = context.getBean(Service.class);
            IllegalStateException boom = new IllegalStateException("boom");
            CompletableFuture<String> thrown = service.fails(boom);
            assertThat(thrown).as("it threw without parking: complete already").isCompletedExceptionally();
            assertThatThrownBy(thrown::join).isInstanceOf(CompletionException.class).cause().isSameAs(boom);

            IOException checked = new IOException("checked");
            assertThatThrownBy(() -> service.fails(checked).get()).isInstanceOf(ExecutionException.class).cause()
                    .isSameAs(checked);

            CompletableFuture<String> afterPark = service.failsAfterAPark(boom);
            assertThat(afterPark).isNotDone();
            assertThatThrownBy(() -> afterPark.get(30, TimeUnit.SECONDS)).cause().isSameAs(boom);

            CompletableFuture<String> returnedFailure = service.returns(CompletableFuture.failedFuture(boom));
            assertThat(returnedFailure).isCompletedExceptionally();
            assertThatThrownBy(returnedFailure::join).cause().isSameAs(boom);
        });
    }

    @Test
    void aVoidMethodIsFireAndForgetAndStartsAtOnce() {
        runner.run(context -> {
            Service service = context.getBean(Service.class);
            service.fireAndForget();
            assertThat(service.log()).as("it ran up to its first park before the call returned").containsExactly("1");
            service.done().await(30, TimeUnit.SECONDS);
            assertThat(service.log()).containsExactly("1", "2");
            assertThat(service.voidTask().loop()).isSameAs(context.getBean(Loop.class));
        });
    }

    @Test
    void aVoidMethodsExceptionGoesToTheAsyncConfigurersHandler() {
        runner.withUserConfiguration(HandlerConfig.class).run(context -> {
            Service service = context.getBean(Service.class);
            RecordingHandler handler = context.getBean(RecordingHandler.class);
            IllegalStateException boom = new IllegalStateException("boom");
            service.voidFails(boom); // does not throw
            assertThat(handler.failures).containsExactly(boom);
            assertThat(handler.methods).extracting(Method::getName).containsExactly("voidFails");
            assertThat(handler.arguments).containsExactly(boom);
        });
    }

    @Test
    void withoutAHandlerAVoidMethodsExceptionIsLogged(CapturedOutput output) {
        runner.run(context -> {
            context.getBean(Service.class).voidFails(new IllegalStateException("logged-not-thrown"));
            assertThat(output).contains("Unexpected exception occurred invoking async method")
                    .contains("voidFails").contains("logged-not-thrown");
        });
    }

    @Test
    void theApplicationsTaskDecoratorsWrapTheCall() {
        runner.withUserConfiguration(DecoratorConfig.class).run(context -> {
            Service service = context.getBean(Service.class);
            DecoratorConfig.CALLER.set("from the caller");
            try {
                assertThat(service.decorated()).isCompletedWithValue("from the caller");
            } finally {
                DecoratorConfig.CALLER.remove();
            }
        });
    }

    @Test
    void selfInvocationIsNotIntercepted() {
        runner.run(context -> {
            Service service = context.getBean(Service.class);
            assertThat(service.whereAmI().join()).as("through the proxy").isNotNull();
            assertThat(service.callsWhereAmIOnItself()).as("this.whereAmI(): a plain call on the caller's thread")
                    .isNull();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class ServiceConfig {
        @Bean
        Service service() {
            return new Service();
        }
    }

    static class Service {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(1);
        volatile Task<?> voidTask;

        // Accessors: the test holds the proxy, whose own fields are not the target's.
        public List<String> log() {
            return log;
        }

        public CountDownLatch done() {
            return done;
        }

        public Task<?> voidTask() {
            return voidTask;
        }

        @Eager
        public CompletableFuture<Task<?>> whereAmI() {
            return CompletableFuture.completedFuture(Task.currentOrNull());
        }

        @Eager
        public CompletableFuture<Task<?>> logAroundAPark() throws InterruptedException {
            log.add("1");
            Thread.sleep(100); // parks: the caller continues
            log.add("2");
            return CompletableFuture.completedFuture(Task.currentOrNull());
        }

        @Eager
        public CompletionStage<String> stage(String value) {
            return CompletableFuture.completedStage("stage " + value);
        }

        @Eager
        public Future<String> future(String value) {
            return CompletableFuture.completedFuture("future " + value);
        }

        @Eager
        public CompletableFuture<String> nothing() {
            return null;
        }

        @Eager
        public CompletableFuture<String> returns(CompletableFuture<String> future) {
            return future;
        }

        @Eager
        public CompletableFuture<String> fails(Exception failure) throws Exception {
            throw failure;
        }

        @Eager
        public CompletableFuture<String> failsAfterAPark(RuntimeException failure) throws InterruptedException {
            Thread.sleep(20);
            throw failure;
        }

        @Eager
        public void fireAndForget() throws InterruptedException {
            voidTask = Task.currentOrNull();
            log.add("1");
            Thread.sleep(20);
            log.add("2");
            done.countDown();
        }

        @Eager
        public void voidFails(RuntimeException failure) {
            throw failure;
        }

        @Eager
        public CompletableFuture<String> decorated() {
            return CompletableFuture.completedFuture(DecoratorConfig.CALLEE.get());
        }

        public Task<?> callsWhereAmIOnItself() {
            return whereAmI().join();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class HandlerConfig {
        @Bean
        RecordingHandler recordingHandler() {
            return new RecordingHandler();
        }

        @Bean
        AsyncConfigurer asyncConfigurer(RecordingHandler handler) {
            return new AsyncConfigurer() {
                @Override
                public AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
                    return handler;
                }
            };
        }
    }

    static class RecordingHandler implements AsyncUncaughtExceptionHandler {
        final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        final List<Method> methods = Collections.synchronizedList(new ArrayList<>());
        final List<Object> arguments = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void handleUncaughtException(Throwable failure, Method method, Object... params) {
            failures.add(failure);
            methods.add(method);
            arguments.addAll(List.of(params));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class DecoratorConfig {
        static final ThreadLocal<String> CALLER = new ThreadLocal<>();
        static final ThreadLocal<String> CALLEE = new ThreadLocal<>();

        @Bean
        TaskDecorator copyingDecorator() {
            return runnable -> {
                String captured = CALLER.get(); // on the caller's thread
                return () -> {
                    CALLEE.set(captured);
                    try {
                        runnable.run();
                    } finally {
                        CALLEE.remove();
                    }
                };
            };
        }
    }
}
