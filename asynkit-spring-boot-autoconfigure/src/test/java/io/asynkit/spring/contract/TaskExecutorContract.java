package io.asynkit.spring.contract;

import io.asynkit.loop.Loop;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.core.task.AsyncTaskExecutor;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring Framework's contract for a scheduling task executor ({@code AbstractSchedulingTaskExecutorTests} of
 * spring-context 7.0.8), checked on the starter's executor with the same assertions. Differences, each for a
 * reason given where it applies:
 * <ul>
 * <li>Waits are generous (10 s instead of 1 s): the suite must pass beside CPU-bound processes, and only
 *     an outcome is asserted, never a duration.</li>
 * <li>"Shutting the executor down" closes its loop without a grace period: the starter's executor does not
 *     own the loop (the application context closes it), so that is what ends its tasks.</li>
 * </ul>
 */
abstract class TaskExecutorContract {

    static final long WAIT_SECONDS = 10;

    private Loop loop;
    private AsyncTaskExecutor executor;
    protected String testName;
    protected String threadNamePrefix;
    private volatile Object outcome;

    @BeforeEach
    void setup(TestInfo testInfo) {
        testName = testInfo.getTestMethod().orElseThrow().getName();
        threadNamePrefix = testName + "-";
        loop = Loop.builder().name("contract").carriers(2).shutdownTimeout(Duration.ZERO).build();
        executor = buildExecutor(loop);
    }

    /** The executor under test, on {@code loop}, naming its tasks (and threads) {@link #threadNamePrefix}{@code n}. */
    protected abstract AsyncTaskExecutor buildExecutor(Loop loop);

    @AfterEach
    void shutdownExecutor() {
        loop.close();
    }

    @Test
    void executeRunnable() {
        TestTask task = new TestTask(testName, 1);
        executor.execute(task);
        await(task);
        assertThreadNamePrefix(task);
    }

    @Test
    void executeFailingRunnable() {
        TestTask task = new TestTask(testName, 0);
        executor.execute(task);
        Awaitility.await()
                .dontCatchUncaughtExceptions()
                .atMost(WAIT_SECONDS, TimeUnit.SECONDS)
                .pollInterval(10, TimeUnit.MILLISECONDS)
                .until(() -> task.exception.get() != null && task.exception.get().getMessage().equals(
                        "TestTask failure for test 'executeFailingRunnable': expectedRunCount:<0>, actualRunCount:<1>"));
    }

    @Test
    void submitRunnable() throws Exception {
        TestTask task = new TestTask(testName, 1);
        Future<?> future = executor.submit(task);
        Object result = future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(result).isNull();
        assertThreadNamePrefix(task);
    }

    @Test
    void submitFailingRunnable() {
        TestTask task = new TestTask(testName, 0);
        Future<?> future = executor.submit(task);
        assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThat(future.isDone()).isTrue();
    }

    // The tasks of the four "after shutdown" tests sleep long rather than 10 ms: the contract is about tasks
    // still running when the executor shuts down, and on a busy machine a 10 ms task may be done by then.

    @Test
    void submitRunnableWithGetAfterShutdown() {
        Future<?> future1 = executor.submit(new TestTask(testName, -1, Duration.ofMinutes(1)));
        Future<?> future2 = executor.submit(new TestTask(testName, -1, Duration.ofMinutes(1)));
        assertCancelledByShutdown(future1, future2);
    }

    @Test
    void submitCompletableRunnable() {
        TestTask task = new TestTask(testName, 1);
        CompletableFuture<Void> future = executor.submitCompletable(task);
        future.whenComplete(this::storeOutcome);
        Awaitility.await()
                .atMost(WAIT_SECONDS, TimeUnit.SECONDS)
                .pollInterval(10, TimeUnit.MILLISECONDS)
                .until(future::isDone);
        assertThat(outcome).isNull();
        assertThreadNamePrefix(task);
    }

    @Test
    void submitFailingCompletableRunnable() {
        TestTask task = new TestTask(testName, 0);
        CompletableFuture<?> future = executor.submitCompletable(task);
        future.whenComplete(this::storeOutcome);
        Awaitility.await()
                .dontCatchUncaughtExceptions()
                .atMost(WAIT_SECONDS, TimeUnit.SECONDS)
                .pollInterval(10, TimeUnit.MILLISECONDS)
                .until(() -> future.isDone() && outcome != null);
        assertThat(outcome.getClass()).isSameAs(CompletionException.class);
    }

    /**
     * Spring's version expects a {@code TimeoutException}: a {@code ThreadPoolExecutor} shut down with
     * {@code shutdownNow()} drops its queued tasks, and their {@code CompletableFuture}s never complete (the
     * pool's own behaviour, not part of the executor contract). asynkit cancels the tasks instead, and their
     * futures say so.
     */
    @Test
    void submitCompletableRunnableWithGetAfterShutdownIsCancelled() {
        CompletableFuture<?> future1 = executor.submitCompletable(new TestTask(testName, -1, Duration.ofMinutes(1)));
        CompletableFuture<?> future2 = executor.submitCompletable(new TestTask(testName, -1, Duration.ofMinutes(1)));
        assertCancelledByShutdown(future1, future2);
    }

    @Test
    void submitCallable() throws Exception {
        TestCallable task = new TestCallable(testName, 1);
        Future<String> future = executor.submit(task);
        String result = future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(result.substring(0, threadNamePrefix.length())).isEqualTo(threadNamePrefix);
    }

    @Test
    void submitFailingCallable() {
        TestCallable task = new TestCallable(testName, 0);
        Future<String> future = executor.submit(task);
        assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThat(future.isDone()).isTrue();
    }

    @Test
    void submitCallableWithGetAfterShutdown() {
        Future<?> future1 = executor.submit(new TestCallable(testName, -1, Duration.ofMinutes(1)));
        Future<?> future2 = executor.submit(new TestCallable(testName, -1, Duration.ofMinutes(1)));
        assertCancelledByShutdown(future1, future2);
    }

    @Test
    void submitCompletableCallable() {
        TestCallable task = new TestCallable(testName, 1);
        CompletableFuture<String> future = executor.submitCompletable(task);
        future.whenComplete(this::storeOutcome);
        Awaitility.await()
                .atMost(WAIT_SECONDS, TimeUnit.SECONDS)
                .pollInterval(10, TimeUnit.MILLISECONDS)
                .until(() -> future.isDone() && outcome != null);
        assertThat(outcome.toString().substring(0, threadNamePrefix.length())).isEqualTo(threadNamePrefix);
    }

    @Test
    void submitFailingCompletableCallable() {
        TestCallable task = new TestCallable(testName, 0);
        CompletableFuture<String> future = executor.submitCompletable(task);
        future.whenComplete(this::storeOutcome);
        Awaitility.await()
                .dontCatchUncaughtExceptions()
                .atMost(WAIT_SECONDS, TimeUnit.SECONDS)
                .pollInterval(10, TimeUnit.MILLISECONDS)
                .until(() -> future.isDone() && outcome != null);
        assertThat(outcome.getClass()).isSameAs(CompletionException.class);
    }

    /** See {@link #submitCompletableRunnableWithGetAfterShutdownIsCancelled()}. */
    @Test
    void submitCompletableCallableWithGetAfterShutdownIsCancelled() {
        CompletableFuture<?> future1 = executor.submitCompletable(new TestCallable(testName, -1, Duration.ofMinutes(1)));
        CompletableFuture<?> future2 = executor.submitCompletable(new TestCallable(testName, -1, Duration.ofMinutes(1)));
        assertCancelledByShutdown(future1, future2);
    }

    /** The shutdown ends the two tasks still running: their futures say they were cancelled. */
    private void assertCancelledByShutdown(Future<?> future1, Future<?> future2) {
        shutdownExecutor();
        assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> {
            future1.get(WAIT_SECONDS, TimeUnit.SECONDS);
            future2.get(WAIT_SECONDS, TimeUnit.SECONDS);
        });
    }

    private void storeOutcome(@Nullable Object o, @Nullable Throwable t) {
        if (o != null) {
            outcome = o;
        } else if (t != null) {
            outcome = t;
        }
    }

    protected void assertThreadNamePrefix(TestTask task) {
        assertThat(task.lastThread.getName().substring(0, threadNamePrefix.length())).isEqualTo(threadNamePrefix);
    }

    static void await(TestTask task) {
        await(task.latch);
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
        assertThat(latch.getCount()).as("latch did not count down,").isEqualTo(0);
    }

    /** Sleeps (10 ms unless told), then counts its run; fails when run more often than expected. */
    static class TestTask implements Runnable {

        private final int expectedRunCount;
        private final String testName;
        private final Duration sleep;
        private final AtomicInteger actualRunCount = new AtomicInteger();
        final AtomicReference<Exception> exception = new AtomicReference<>();
        final CountDownLatch latch;
        volatile Thread lastThread;

        TestTask(String testName, int expectedRunCount) {
            this(testName, expectedRunCount, Duration.ofMillis(10));
        }

        TestTask(String testName, int expectedRunCount, Duration sleep) {
            this.testName = testName;
            this.expectedRunCount = expectedRunCount;
            this.sleep = sleep;
            this.latch = expectedRunCount > 0 ? new CountDownLatch(expectedRunCount) : null;
        }

        @Override
        public void run() {
            lastThread = Thread.currentThread();
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException ex) {
                // as Spring's: an interrupted sleep still counts the run
            }
            if (expectedRunCount >= 0) {
                if (actualRunCount.incrementAndGet() > expectedRunCount) {
                    RuntimeException failure = new RuntimeException(String.format(
                            "%s failure for test '%s': expectedRunCount:<%d>, actualRunCount:<%d>",
                            getClass().getSimpleName(), testName, expectedRunCount, actualRunCount.get()));
                    exception.set(failure);
                    throw failure;
                }
                latch.countDown();
            }
        }
    }

    /** Sleeps (10 ms unless told), then returns its thread's name; fails when called more often than expected. */
    static class TestCallable implements Callable<String> {

        private final String testName;
        private final int expectedRunCount;
        private final Duration sleep;
        private final AtomicInteger actualRunCount = new AtomicInteger();

        TestCallable(String testName, int expectedRunCount) {
            this(testName, expectedRunCount, Duration.ofMillis(10));
        }

        TestCallable(String testName, int expectedRunCount, Duration sleep) {
            this.testName = testName;
            this.expectedRunCount = expectedRunCount;
            this.sleep = sleep;
        }

        @Override
        public String call() {
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException ex) {
                // as Spring's: an interrupted sleep still completes the call
            }
            if (expectedRunCount >= 0 && actualRunCount.incrementAndGet() > expectedRunCount) {
                throw new RuntimeException(String.format(
                        "%s failure for test '%s': expectedRunCount:<%d>, actualRunCount:<%d>",
                        getClass().getSimpleName(), testName, expectedRunCount, actualRunCount.get()));
            }
            return Thread.currentThread().getName();
        }
    }
}
