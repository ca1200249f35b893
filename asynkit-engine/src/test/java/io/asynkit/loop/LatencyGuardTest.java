package io.asynkit.loop;

import io.asynkit.priority.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The latency guard lends a carrier to a task that waited its bound behind strictly worse work on every
 * carrier, and to nobody else. The spinning tasks never park, so without a loan the waiting task would wait
 * until they are released at the end of the test: every wait below is bounded by a generous timeout, never
 * asserted against a tight figure.
 */
@Timeout(60)
class LatencyGuardTest {

    private static final Duration BOUND = Duration.ofMillis(20);
    private static final Duration SPIN_LIMIT = Duration.ofSeconds(30);

    private final AtomicBoolean release = new AtomicBoolean();
    private final List<Task<?>> spinners = new ArrayList<>();
    private Loop loop;

    @AfterEach
    void releaseSpinnersAndClose() throws Exception {
        release.set(true);
        try {
            for (Task<?> spinner : spinners) {
                spinner.get(SPIN_LIMIT.toSeconds() + 10, TimeUnit.SECONDS);
            }
        } finally {
            if (loop != null) {
                loop.close();
            }
        }
    }

    /** Starts {@code count} tasks of {@code priority} that spin without parking until released; returns once all run. */
    private void spin(Loop loop, double priority, int count) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            spinners.add(loop.newTask().name("spinner-" + i).priority(priority).start(() -> {
                running.countDown();
                long deadline = System.nanoTime() + SPIN_LIMIT.toNanos();
                while (!release.get() && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
            }));
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).as("spinners running").isTrue();
    }

    @Test
    void anIdleLoopsWatchdogSleepsInsteadOfCheckingFourTimesPerBound() throws Exception {
        Loop loop = guarded(2, LatencyGuard.after(Duration.ofMillis(1))); // 4,000 checks a second if it never slept
        loop.submit(() -> "started").get();
        Lender lender = ((Scheduler) loop.engine()).watchdog().lender();
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.statistics().running() == 0);
        Thread.sleep(100); // both carriers park once their spin ends (20 us)
        long before = lender.checks();
        Thread.sleep(500);
        long made = lender.checks() - before;
        // Without dozing: about 2,000 checks in 500 ms. Dozing: one per pinned check interval (10 ms), about 50.
        assertThat(made).as("checks of an idle loop's guard in 500 ms").isLessThan(200);

        spin(loop, Priority.LOW, 2); // and once every carrier is busy, the guard watches again at once
        Task<String> high = loop.newTask().name("high").priority(Priority.HIGH).start(() -> "high");
        assertThat(high.get(10, TimeUnit.SECONDS)).isEqualTo("high");
        assertThat(loop.statistics().carrierLoans()).as("loans after the idle period").isEqualTo(1);
    }

    /** The loop under test, closed after the spinners are released. */
    private Loop guarded(int carriers, LatencyGuard guard) {
        loop = Loop.builder().name("guarded").carriers(carriers).latencyGuard(guard)
                .shutdownTimeout(Duration.ofSeconds(5)).build();
        return loop;
    }

    @Test
    void aHighTaskBehindTwoSpinningLowTasksStartsOnALoanedCarrier() throws Exception {
        Loop loop = guarded(2, LatencyGuard.after(BOUND));
        spin(loop, Priority.LOW, 2);
        long queued = System.nanoTime();
        Task<Long> high = loop.newTask().name("high").priority(Priority.HIGH).start(() -> System.nanoTime());
        long waited = high.get(10, TimeUnit.SECONDS) - queued; // without a loan: until the spinners end, 30 s
        assertThat(Duration.ofNanos(waited)).as("the HIGH task's wait").isGreaterThanOrEqualTo(BOUND);
        assertThat(release).as("the spinners were still running").isFalse();
        await("the loan retires").atMost(Duration.ofSeconds(10)).until(() -> loop.statistics().carriersOnLoan() == 0);
        LoopStatistics stats = loop.statistics();
        assertThat(stats.carrierLoans()).as("loans").isEqualTo(1);
        assertThat(stats.carrierLoanNanos()).as("time on loan").isPositive();
        assertThat(stats.running()).as("running after the loan: the two spinners").isEqualTo(2);
    }

    @Test
    void aNormalTaskBehindNormalWorkAndALowTaskBehindAnythingGetNoLoan() throws Exception {
        Loop loop = guarded(2, LatencyGuard.after(BOUND));
        spin(loop, Priority.NORMAL, 2);
        Task<String> normal = loop.newTask().name("normal").start(() -> "normal");
        Task<String> low = loop.newTask().name("low").priority(Priority.LOW).start(() -> "low");
        Thread.sleep(BOUND.multipliedBy(10).toMillis()); // ten bounds: ample time for a wrong loan
        assertThat(loop.statistics().carrierLoans()).as("loans for equal or worse bands").isZero();
        assertThat(normal.isDone()).isFalse();
        assertThat(low.isDone()).isFalse();
        release.set(true);
        assertThat(normal.get(10, TimeUnit.SECONDS)).isEqualTo("normal");
        assertThat(low.get(10, TimeUnit.SECONDS)).isEqualTo("low");
        assertThat(loop.statistics().carrierLoans()).isZero();
    }

    @Test
    void aLoanRunsOnlyTheBandItWasLentForAndThenRetires() throws Exception {
        Loop loop = guarded(2, LatencyGuard.after(BOUND));
        spin(loop, Priority.LOW, 2);
        List<Task<String>> lows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "low-" + i;
            lows.add(loop.newTask().name(name).priority(Priority.LOW).start(() -> name));
        }
        List<Task<?>> highs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            highs.add(loop.newTask().name("high-" + i).priority(Priority.HIGH).start(() -> { }));
        }
        for (Task<?> high : highs) {
            high.get(10, TimeUnit.SECONDS);
        }
        await("the loan retires").atMost(Duration.ofSeconds(10)).until(() -> loop.statistics().carriersOnLoan() == 0);
        assertThat(lows).as("LOW tasks run by the loan").noneMatch(Task::isDone);
        assertThat(loop.statistics().runnable()).as("the LOW tasks still queued").isEqualTo(3);
        release.set(true);
        for (Task<String> low : lows) {
            assertThat(low.get(10, TimeUnit.SECONDS)).startsWith("low-");
        }
    }

    @Test
    void aOneCarrierLoopGetsALoanWhenItAsksForOne() throws Exception {
        Loop loop = guarded(1, LatencyGuard.after(BOUND).evenOnOneCarrier());
        spin(loop, Priority.LOW, 1);
        Task<String> high = loop.newTask().name("high").priority(Priority.HIGH).start(() -> "high");
        assertThat(high.get(10, TimeUnit.SECONDS)).isEqualTo("high");
        assertThat(loop.statistics().carrierLoans()).isEqualTo(1);
    }

    @Test
    void aBetterBandGetsASecondLoanUpToMaxExtraCarriersButAnEqualOneDoesNot() throws Exception {
        Loop loop = guarded(2, LatencyGuard.after(BOUND).maxExtraCarriers(2));
        spin(loop, Priority.LOW, 2);
        spin(loop, Priority.NORMAL, 1); // runs on the first loan: NORMAL behind LOW
        assertThat(loop.statistics().carriersOnLoan()).isEqualTo(1);
        spin(loop, Priority.HIGH, 1); // runs on the second: HIGH behind NORMAL and LOW
        assertThat(loop.statistics().carriersOnLoan()).isEqualTo(2);
        Task<String> high = loop.newTask().name("high").priority(Priority.HIGH).start(() -> "high");
        Thread.sleep(BOUND.multipliedBy(10).toMillis());
        LoopStatistics stats = loop.statistics();
        assertThat(stats.carrierLoans()).as("loans: HIGH behind HIGH gets none, and two is the most").isEqualTo(2);
        assertThat(stats.running()).as("running: 2 carriers and 2 loans").isEqualTo(4);
        assertThat(high.isDone()).isFalse();
        release.set(true);
        assertThat(high.get(10, TimeUnit.SECONDS)).isEqualTo("high");
    }

    @Test
    void aGuardThatDoesNotFitTheLoopIsRefusedSayingWhy() {
        assertThatThrownBy(() -> Loop.builder().carriers(1).latencyGuard(LatencyGuard.after(BOUND)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one-carrier loop").hasMessageContaining("evenOnOneCarrier()");
        assertThatThrownBy(() -> Loop.builder().carriers(2).policy(SchedulingPolicy.FIFO)
                .latencyGuard(LatencyGuard.after(BOUND)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PRIORITY loop");
        assertThatThrownBy(() -> LatencyGuard.after(Duration.ofNanos(100_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 250 µs")
                .hasMessageContaining("PT0.0001S");
        assertThatThrownBy(() -> LatencyGuard.after(BOUND).maxExtraCarriers(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 1024, but was 0");
        assertThatThrownBy(() -> LatencyGuard.after(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("bound");
        assertThat(LatencyGuard.after(BOUND).maxExtraCarriers(3))
                .hasToString("LatencyGuard[after PT0.02S, at most 3 extra carriers]")
                .isEqualTo(LatencyGuard.after(BOUND).maxExtraCarriers(3));
    }

    @Test
    void aLoopWithoutAGuardLendsNothing() throws Exception {
        loop = Loop.builder().name("unguarded").carriers(2).shutdownTimeout(Duration.ofSeconds(5)).build();
        spin(loop, Priority.LOW, 2);
        Task<String> high = loop.newTask().name("high").priority(Priority.HIGH).start(() -> "high");
        Thread.sleep(BOUND.multipliedBy(10).toMillis());
        assertThat(high.isDone()).as("HIGH ran beside two spinning LOW tasks without a guard").isFalse();
        release.set(true);
        assertThat(high.get(10, TimeUnit.SECONDS)).isEqualTo("high");
        assertThat(loop.statistics().carrierLoans()).isZero();
    }
}
