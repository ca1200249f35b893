package io.asynkit.spring.config;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.scheduling.support.CronTrigger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link AsynkitTaskScheduler}: every kind of schedule, each execution an asynkit task. */
@Timeout(60)
class AsynkitTaskSchedulerTests {

    private final Loop loop = Loop.builder().name("scheduler-test").carriers(2).build();
    private final AsynkitTaskScheduler scheduler = new AsynkitTaskScheduler(loop);

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void aOneShotRunsOnceAsATaskAndCompletesItsFuture() throws Exception {
        List<String> names = new CopyOnWriteArrayList<>();
        ScheduledFuture<?> future = scheduler.schedule(() -> names.add(Task.current().name()),
                Instant.now().plusMillis(20));
        assertThat(future.getDelay(TimeUnit.MILLISECONDS)).isPositive();
        future.get(10, TimeUnit.SECONDS);
        assertThat(future.isDone()).isTrue();
        assertThat(names).hasSize(1).allSatisfy(name -> assertThat(name).startsWith("scheduling-"));
    }

    @Test
    void fixedRateAndFixedDelayRepeatWithoutOverlapping() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch fiveRuns = new CountDownLatch(5);
        Runnable slow = () -> {
            if (concurrent.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                Thread.sleep(15); // longer than the period
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            concurrent.decrementAndGet();
            fiveRuns.countDown();
        };
        ScheduledFuture<?> rate = scheduler.scheduleAtFixedRate(slow, Duration.ofMillis(5));
        assertThat(fiveRuns.await(10, TimeUnit.SECONDS)).isTrue();
        rate.cancel(false);
        assertThat(overlaps).hasValue(0);

        CountDownLatch threeRuns = new CountDownLatch(3);
        List<Long> starts = new CopyOnWriteArrayList<>();
        ScheduledFuture<?> delay = scheduler.scheduleWithFixedDelay(() -> {
            starts.add(System.nanoTime());
            threeRuns.countDown();
        }, Instant.now(), Duration.ofMillis(20));
        assertThat(threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
        delay.cancel(true);
        assertThat(starts.get(1) - starts.get(0)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(19));
        assertThatThrownBy(delay::get).isInstanceOf(CancellationException.class);
    }

    @Test
    void aCronTriggerFiresOnItsSchedule() throws Exception {
        CountDownLatch twice = new CountDownLatch(2);
        ScheduledFuture<?> cron = scheduler.schedule(twice::countDown, new CronTrigger("* * * * * *"));
        assertThat(twice.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cron.cancel(false)).isTrue();
        assertThat(cron.isCancelled()).isTrue();
        assertThat(cron.cancel(true)).as("only the call that cancels returns true, as Task.cancel").isFalse();
    }

    @Test
    void aRepeatingTaskThatThrowsGoesOnAndAOneShotsFailureReachesItsFuture() throws Exception {
        CountDownLatch threeRuns = new CountDownLatch(3);
        ScheduledFuture<?> repeating = scheduler.scheduleAtFixedRate(() -> {
            threeRuns.countDown();
            throw new IllegalStateException("logged, and the schedule goes on");
        }, Duration.ofMillis(5));
        assertThat(threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
        repeating.cancel(false);

        ScheduledFuture<?> once = scheduler.schedule(() -> {
            throw new IllegalStateException("boom");
        }, Instant.now());
        assertThatThrownBy(() -> once.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("boom");
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> scheduler.scheduleAtFixedRate(() -> { }, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period must be positive");
        assertThatThrownBy(() -> scheduler.schedule(null, Instant.now())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> scheduler.schedule(() -> { }, (Instant) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void stopHoldsTheExecutionsThatFallDueUntilStart() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> rate = scheduler.scheduleAtFixedRate(runs::incrementAndGet, Duration.ofMillis(5));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
        CountDownLatch stopped = new CountDownLatch(1);
        scheduler.stop(stopped::countDown);
        assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
        int atStop = runs.get();
        Thread.sleep(100); // twenty periods
        assertThat(runs.get()).as("no execution while stopped").isEqualTo(atStop);
        scheduler.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= atStop + 3);
        rate.cancel(false);
    }

    @Test
    void onceItsContextClosesNoExecutionStartsAndNewSchedulesAreRefused() throws Exception {
        org.springframework.context.support.GenericApplicationContext context =
                new org.springframework.context.support.GenericApplicationContext();
        scheduler.setApplicationContext(context);
        ScheduledFuture<?> later = scheduler.schedule(() -> { }, Instant.now().plusMillis(200));
        scheduler.onApplicationEvent(new org.springframework.context.event.ContextClosedEvent(context));
        assertThatThrownBy(() -> later.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        assertThatThrownBy(() -> scheduler.schedule(() -> { }, Instant.now()))
                .isInstanceOf(org.springframework.core.task.TaskRejectedException.class);
    }

    @Test
    void executionsOfScheduledMethodsAreNamedAfterTheBeanAndMethod() throws Exception {
        Housekeeping bean = new Housekeeping();
        ScheduledFuture<?> once = scheduler.schedule(new org.springframework.scheduling.support.ScheduledMethodRunnable(
                bean, Housekeeping.class.getMethod("sweep")), Instant.now());
        once.get(10, TimeUnit.SECONDS);
        assertThat(bean.name.get(10, TimeUnit.SECONDS)).isEqualTo("scheduling-AsynkitTaskSchedulerTests.Housekeeping.sweep");
        CompletableFuture<String> lambda = new CompletableFuture<>();
        scheduler.schedule(() -> lambda.complete(Task.current().name()), Instant.now());
        assertThat(lambda.get(10, TimeUnit.SECONDS)).as("a lambda's class name tells nobody anything").matches("scheduling-\\d+");
    }

    public static class Housekeeping {
        final CompletableFuture<String> name = new CompletableFuture<>();

        public void sweep() {
            name.complete(Task.current().name());
        }
    }

    @Test
    void aScheduleOnAClosedLoopIsRejectedAsSpringExpects() {
        loop.close();
        assertThatThrownBy(() -> scheduler.schedule(() -> { }, Instant.now()))
                .isInstanceOf(org.springframework.core.task.TaskRejectedException.class)
                .hasMessageContaining("scheduler-test");
    }
}
