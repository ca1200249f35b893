package io.asynkit.reliability;

import io.asynkit.loop.Handle;
import io.asynkit.loop.Loop;
import io.asynkit.loop.LoopStatistics;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults injected into a loop: errors thrown by user code (a stack overflow, an out-of-memory error
 * thrown by the task), handlers that fail, cancellation and interrupts racing completion, timers
 * firing during shutdown. The loop keeps working or fails loudly; no task disappears; no thread is
 * left behind.
 */
@Timeout(120)
class FaultsTest {

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    private static void assertNoThreadsOf(String loopName) {
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith(loopName + "-"));
    }

    @Test
    void errorsThrownByTasksReachTheirFuturesAndTheLoopGoesOn() throws Exception {
        List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
        try (Loop loop = Loop.builder().name("errors").carriers(2)
                .exceptionHandler((l, source, error) -> reported.add(error)).build()) {
            Task<Integer> overflow = loop.submit(() -> recurse(0));
            Task<Object> oom = loop.submit(() -> {
                throw new OutOfMemoryError("thrown by user code");
            });
            Task<Object> assertion = loop.submit(() -> {
                throw new AssertionError("an Error subclass");
            });
            assertThatThrownBy(overflow::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(StackOverflowError.class);
            assertThatThrownBy(oom::get).hasCauseInstanceOf(OutOfMemoryError.class);
            assertThatThrownBy(assertion::get).hasCauseInstanceOf(AssertionError.class);
            loop.execute(() -> {
                throw new OutOfMemoryError("fire and forget");
            });
            loop.callSoon(() -> {
                throw new StackOverflowError("from a callback, on the carrier itself");
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (reported.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(reported).extracting(t -> t.getClass().getSimpleName())
                    .containsExactlyInAnyOrder("OutOfMemoryError", "StackOverflowError");
            // every carrier still works
            List<Task<String>> after = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                after.add(loop.submit(() -> Thread.currentThread().getName()));
            }
            for (Task<String> task : after) {
                assertThat(task.get(10, TimeUnit.SECONDS)).isNotNull();
            }
            LoopStatistics stats = loop.statistics();
            assertThat(stats.tasksStarted()).isEqualTo(stats.tasksCompleted() + stats.liveTasks());
        }
        assertNoThreadsOf("errors");
    }

    @Test
    void anExceptionHandlerThatThrowsAnErrorIsContained() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (Loop loop = Loop.builder().name("bad-handler").exceptionHandler((l, source, error) -> {
            calls.incrementAndGet();
            throw new StackOverflowError("the handler itself overflows");
        }).build()) {
            for (int i = 0; i < 10; i++) {
                loop.execute(() -> {
                    throw new IllegalStateException("task failure");
                });
            }
            assertThat(loop.submit(() -> "still running").get(10, TimeUnit.SECONDS)).isEqualTo("still running");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (calls.get() < 10 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(calls).hasValue(10);
        }
        assertNoThreadsOf("bad-handler");
    }

    @Test
    void cancellationRacingCompletionSettlesEveryTaskExactlyOnce() throws Exception {
        int rounds = 20_000;
        AtomicInteger bodiesFinished = new AtomicInteger();
        try (Loop loop = Loop.builder().name("cancel-race").carriers(2).build()) {
            List<Task<Integer>> tasks = new ArrayList<>(rounds);
            for (int i = 0; i < rounds; i++) {
                int n = i;
                tasks.add(loop.submit(() -> {
                    if (n % 3 == 0) {
                        Thread.yield();
                    }
                    bodiesFinished.incrementAndGet();
                    return n;
                }));
                if (i % 2 == 0) {
                    tasks.get(i).cancel(true); // may come before, during or after the body
                }
            }
            int completed = 0;
            int cancelled = 0;
            for (int i = 0; i < rounds; i++) {
                Task<Integer> task = tasks.get(i);
                try {
                    assertThat(task.get(30, TimeUnit.SECONDS)).isEqualTo(i);
                    completed++;
                } catch (CancellationException e) {
                    assertThat(i % 2).isZero();
                    cancelled++;
                }
            }
            assertThat(completed + cancelled).isEqualTo(rounds);
            assertThat(completed).isGreaterThanOrEqualTo(rounds / 2);
            assertThat(bodiesFinished.get()).isBetween(completed, rounds);
            waitUntilIdle(loop);
            LoopStatistics stats = loop.statistics();
            assertThat(stats.liveTasks()).isZero();
            assertThat(stats.tasksCompleted()).isEqualTo(stats.tasksStarted());
        }
    }

    @Test
    void interruptsRacingCompletionNeverLoseAResult() throws Exception {
        try (Loop loop = Loop.builder().name("interrupt-race").carriers(2).build()) {
            for (int i = 0; i < 2_000; i++) {
                CompletableFuture<Integer> source = new CompletableFuture<>();
                Task<Integer> waiter = loop.submit(() -> {
                    try {
                        return source.get();
                    } catch (InterruptedException e) {
                        return -1;
                    }
                });
                int n = i;
                Thread completer = Thread.ofPlatform().start(() -> source.complete(n));
                if (i % 2 == 0) {
                    try {
                        waiter.throwInto(new IllegalStateException("interrupt"));
                    } catch (IllegalStateException done) {
                        // the task finished first: nothing to interrupt
                    }
                }
                completer.join();
                Integer result;
                try {
                    result = waiter.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    result = null; // the thrown exception came out of a blocking point: a settled outcome
                }
                assertThat(result == null || result == -1 || result == n).isTrue();
            }
            waitUntilIdle(loop);
            assertThat(loop.statistics().liveTasks()).isZero();
        }
    }

    @Test
    void timersFiringDuringShutdownAreRunOrCancelledNeverLost() throws Exception {
        Loop loop = Loop.builder().name("timer-shutdown").carriers(2).shutdownTimeout(Duration.ofSeconds(5)).build();
        List<Handle> handles = new ArrayList<>();
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch keepAlive = new CountDownLatch(1);
        loop.submit(() -> {
            keepAlive.await(); // a live task keeps the loop running while it shuts down
            return null;
        });
        for (int i = 0; i < 500; i++) {
            handles.add(loop.callLater(Duration.ofNanos(i * 20_000L), ran::incrementAndGet));
        }
        loop.shutdown();
        assertThatThrownBy(() -> loop.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
        Thread.sleep(20);
        keepAlive.countDown();
        assertThat(loop.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        loop.close();
        long settled = handles.stream().filter(h -> h.hasRun() || h.isCancelled()).count();
        assertThat(settled).isEqualTo(handles.size());
        assertThat(handles.stream().filter(Handle::hasRun).count()).isEqualTo(ran.get());
        assertNoThreadsOf("timer-shutdown");
    }

    private static void waitUntilIdle(Loop loop) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (loop.statistics().liveTasks() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
