package io.asynkit.spring.config;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.task.TaskRejectedException;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link AsynkitTaskExecutor} beyond Spring's contract: where decorators run, pause and resume, failures. */
@Timeout(60)
class AsynkitTaskExecutorTests {

    private static final ThreadLocal<String> USER = new ThreadLocal<>();

    private final Loop loop = Loop.builder().name("executor-test").carriers(2).build();
    private final AsynkitTaskExecutor executor = new AsynkitTaskExecutor(loop);

    @AfterEach
    void close() {
        loop.close();
        USER.remove();
    }

    /** A decorator like an MDC- or security-context-copying one: it captures on the thread that decorates. */
    private void propagateUser() {
        executor.setTaskDecorator(runnable -> {
            String captured = USER.get();
            return () -> {
                USER.set(captured);
                try {
                    runnable.run();
                } finally {
                    USER.remove();
                }
            };
        });
    }

    @Test
    void theDecoratorRunsOnTheSubmittingThreadForEverySubmission() throws Exception {
        propagateUser();
        USER.set("alice");
        CompletableFuture<String> executed = new CompletableFuture<>();
        executor.execute(() -> executed.complete(USER.get()));
        List<String> seen = new CopyOnWriteArrayList<>();
        executor.submit(() -> seen.add(USER.get())).get(10, TimeUnit.SECONDS);
        assertThat(executor.submit(USER::get).get(10, TimeUnit.SECONDS)).isEqualTo("alice");
        executor.submitCompletable(() -> seen.add(USER.get())).get(10, TimeUnit.SECONDS);
        assertThat(executor.submitCompletable(USER::get).get(10, TimeUnit.SECONDS)).isEqualTo("alice");
        assertThat(executed.get(10, TimeUnit.SECONDS)).isEqualTo("alice");
        assertThat(seen).containsExactly("alice", "alice");
    }

    @Test
    void aCallablesValueAndExceptionPassThroughTheDecorator() {
        propagateUser();
        assertThatThrownBy(() -> executor.submit(() -> {
            throw new java.io.IOException("checked");
        }).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(java.io.IOException.class).hasMessage("checked");
    }

    @Test
    void submitCompletableFailsWithACompletionExceptionAndItsCancelCancelsTheTask() throws Exception {
        CompletableFuture<Object> failed = executor.submitCompletable(() -> {
            throw new IllegalStateException("boom");
        });
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        failed.whenComplete((value, failure) -> seen.complete(failure));
        assertThat(seen.get(10, TimeUnit.SECONDS)).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class);
        assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class).cause().hasMessage("boom");

        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Void> endless = executor.submitCompletable(() -> {
            started.countDown();
            Thread.sleep(60_000);
            return null;
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(endless.cancel(true)).isTrue();
        assertThat(endless.isCancelled()).isTrue();
        assertThatThrownBy(() -> endless.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> loop.statistics().liveTasks() == 0);
    }

    @Test
    void stopHoldsNewWorkUntilStartAndReportsWhenRunningWorkIsDone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<?> running = executor.submit(() -> {
            release.await();
            return null;
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> loop.statistics().blocked() == 1);
        CountDownLatch stopped = new CountDownLatch(1);
        executor.stop(stopped::countDown);
        assertThat(executor.isRunning()).isFalse();
        Future<String> held = executor.submit(() -> "ran");
        assertThat(held).as("accepted while paused, as a task waiting to run").isInstanceOf(Task.class);
        assertThat(stopped.getCount()).as("the stop waits for the running task").isEqualTo(1);
        release.countDown();
        assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
        running.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> held.get(100, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        executor.start();
        assertThat(executor.isRunning()).isTrue();
        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
    }

    @Test
    void closingItsContextReleasesHeldWorkAndOtherContextsDoNot() throws Exception {
        GenericApplicationContext context = new GenericApplicationContext();
        GenericApplicationContext other = new GenericApplicationContext();
        executor.setApplicationContext(context);
        executor.stop();
        Future<String> held = executor.submit(() -> "ran");
        executor.onApplicationEvent(new ContextClosedEvent(other));
        assertThatThrownBy(() -> held.get(100, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        executor.onApplicationEvent(new ContextClosedEvent(context));
        assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
        CountDownLatch stopped = new CountDownLatch(1);
        executor.stop(stopped::countDown);
        assertThat(stopped.getCount()).as("nothing is held once the context closes").isZero();
        assertThat(executor.submit(() -> "still runs").get(10, TimeUnit.SECONDS)).isEqualTo("still runs");
    }

    @Test
    void cancellingHeldWorkCancelsIt() {
        executor.stop();
        Future<String> held = executor.submit(() -> "never");
        assertThat(held.cancel(true)).isTrue();
        executor.start();
        assertThatThrownBy(() -> held.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    }

    @Test
    void tasksAreNamedAfterThePrefixTheBeanNameOrTheDefault() throws Exception {
        assertThat(executor.submit(() -> Task.current().name()).get(10, TimeUnit.SECONDS)).isEqualTo("async-1");
        executor.setBeanName("reports");
        assertThat(executor.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS)).isEqualTo("reports-2");
        executor.setTaskNamePrefix("report-");
        executor.setBeanName("ignored");
        assertThat(executor.submit(() -> Task.current().name()).get(10, TimeUnit.SECONDS)).isEqualTo("report-3");
    }

    @Test
    void aClosedLoopRefusesWithSpringsExceptionBeforeAnyDecoratorRuns() {
        List<String> decorated = new CopyOnWriteArrayList<>();
        executor.setTaskDecorator(runnable -> {
            decorated.add("decorated");
            return runnable;
        });
        loop.close();
        assertThatThrownBy(() -> executor.execute(() -> { })).isInstanceOf(TaskRejectedException.class)
                .hasMessageContaining("asynkit loop 'executor-test' is shut down");
        assertThatThrownBy(() -> executor.submit(() -> "x")).isInstanceOf(TaskRejectedException.class);
        assertThatThrownBy(() -> executor.submitCompletable(() -> { })).isInstanceOf(TaskRejectedException.class);
        assertThat(decorated).isEmpty();
        assertThat(executor.isRunning()).isFalse();
    }
}
