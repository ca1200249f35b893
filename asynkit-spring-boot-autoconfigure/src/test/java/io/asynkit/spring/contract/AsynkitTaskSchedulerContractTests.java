package io.asynkit.spring.contract;

import io.asynkit.loop.Loop;
import io.asynkit.spring.config.AsynkitTaskScheduler;
import io.asynkit.spring.contract.TaskExecutorContract.TestTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.TriggerContext;
import org.springframework.util.ErrorHandler;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.asynkit.spring.contract.TaskExecutorContract.WAIT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring Framework's contract for a task scheduler ({@code ThreadPoolTaskSchedulerTests} and
 * {@code SimpleAsyncTaskSchedulerTests} of spring-context 7.0.8), checked on {@link AsynkitTaskScheduler}
 * with the same assertions and a decorator that records that it ran, as theirs.
 *
 * <p>Not ported: the tests inherited from the executor contract and the {@code execute}/{@code submit}
 * tests with an error handler. Spring's schedulers are executors too; the starter's is deliberately not
 * one (as a second {@code TaskExecutor} bean it would make {@code @Async}'s choice of executor ambiguous),
 * so that API is not there to test; {@link TaskExecutorContract} checks it on the starter's executor.
 * Waits are 10 s instead of 1 s, for a busy machine.
 */
class AsynkitTaskSchedulerContractTests {

    private Loop loop;
    private AsynkitTaskScheduler scheduler;
    private final AtomicBoolean taskRun = new AtomicBoolean();
    private String testName;
    private String threadNamePrefix;

    @BeforeEach
    void setup(TestInfo testInfo) {
        testName = testInfo.getTestMethod().orElseThrow().getName();
        threadNamePrefix = testName + "-";
        loop = Loop.builder().name("scheduler-contract").carriers(2).build();
        scheduler = new AsynkitTaskScheduler(loop);
        scheduler.setTaskDecorator(runnable -> () -> {
            taskRun.set(true);
            runnable.run();
        });
        scheduler.setTaskNamePrefix(threadNamePrefix);
    }

    @AfterEach
    void shutdown() {
        loop.close();
    }

    @Test
    void scheduleOneTimeTask() throws Exception {
        TestTask task = new TestTask(testName, 1);
        Future<?> future = scheduler.schedule(task, Instant.now());
        Object result = future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(result).isNull();
        assertThat(future.isDone()).isTrue();
        assertThat(taskRun.get()).isTrue();
        assertThreadNamePrefix(task);
    }

    @Test
    void scheduleOneTimeFailingTaskWithoutErrorHandler() {
        TestTask task = new TestTask(testName, 0);
        Future<?> future = scheduler.schedule(task, Instant.now());
        assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThat(future.isDone()).isTrue();
        assertThat(taskRun.get()).isTrue();
    }

    @Test
    void scheduleOneTimeFailingTaskWithErrorHandler() throws Exception {
        TestTask task = new TestTask(testName, 0);
        TestErrorHandler errorHandler = new TestErrorHandler(1);
        scheduler.setErrorHandler(errorHandler);
        Future<?> future = scheduler.schedule(task, Instant.now());
        Object result = future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        TaskExecutorContract.await(errorHandler.latch);
        assertThat(future.isDone()).isTrue();
        assertThat(result).isNull();
        assertThat(errorHandler.lastError).isNotNull();
        assertThat(taskRun.get()).isTrue();
    }

    @RepeatedTest(20)
    void scheduleMultipleTriggerTasks() throws Exception {
        TestTask task = new TestTask(testName, 3);
        Future<?> future = scheduler.schedule(task, new TestTrigger(3));
        Object result = future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(result).isNull();
        TaskExecutorContract.await(task);
        assertThat(taskRun.get()).isTrue();
        assertThreadNamePrefix(task);
    }

    private void assertThreadNamePrefix(TestTask task) {
        assertThat(task.lastThread.getName().substring(0, threadNamePrefix.length())).isEqualTo(threadNamePrefix);
    }

    private static class TestErrorHandler implements ErrorHandler {

        private final CountDownLatch latch;
        private volatile Throwable lastError;

        TestErrorHandler(int expectedErrorCount) {
            this.latch = new CountDownLatch(expectedErrorCount);
        }

        @Override
        public void handleError(Throwable t) {
            lastError = t;
            latch.countDown();
        }
    }

    private static class TestTrigger implements Trigger {

        private final int maxRunCount;
        private final AtomicInteger actualRunCount = new AtomicInteger();

        TestTrigger(int maxRunCount) {
            this.maxRunCount = maxRunCount;
        }

        @Override
        public Instant nextExecution(TriggerContext triggerContext) {
            if (actualRunCount.incrementAndGet() > maxRunCount) {
                return null;
            }
            return Instant.now();
        }
    }
}
