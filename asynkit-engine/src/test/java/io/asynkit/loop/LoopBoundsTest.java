package io.asynkit.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Extreme settings and inputs: saturated, refused with a clear message, or settled; never overflowed or hung. */
class LoopBoundsTest {

    private static List<Thread> threadsOf(String loopName) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(loopName + "-")).toList();
    }

    @Test
    @Timeout(30)
    void durationsTooLongForNanosecondsSaturateInsteadOfOverflowing() throws Exception {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        Loop loop = Loop.builder().name("huge-durations").shutdownTimeout(forever).cancelTimeout(forever)
                .pinnedCheckInterval(forever).build();
        assertThat(loop.submit(() -> "ran").get()).isEqualTo("ran");
        assertThat(loop.callLater(forever, () -> { }).isCancelled()).isFalse();
        loop.close();
        assertThat(loop.isTerminated()).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!threadsOf("huge-durations").isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertThat(threadsOf("huge-durations")).isEmpty();
    }

    @Test
    void aPinnedCheckIntervalBelowOneMillisecondIsRefused() {
        assertThatThrownBy(() -> Loop.builder().pinnedCheckInterval(Duration.ofNanos(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pinnedCheckInterval must be at least 1 ms").hasMessageContaining("PT0.000000001S");
        Loop.builder().pinnedCheckInterval(Duration.ofMillis(1));
    }

    @Test
    @Timeout(30)
    void anUnstartedTaskThatWasNeverDrivenIsCancelledWhenItsLoopCloses() throws Exception {
        Loop loop = Loop.builder().name("unstarted").build();
        Task<String> neverDriven = loop.newTask().name("never driven").unstarted(() -> "never");
        assertThat(neverDriven.taskState()).isEqualTo(TaskState.NEW);
        loop.close();
        assertThat(neverDriven.isCancelled()).isTrue();
        assertThat(neverDriven.taskState()).isEqualTo(TaskState.DONE);
        assertThatThrownBy(neverDriven::get).isInstanceOf(CancellationException.class);
    }

    @Test
    @Timeout(60)
    void closeWaitsNoLongerThanItsTimeoutsForACarrierHeldByATaskThatIgnoresInterrupts() throws Exception {
        Loop loop = Loop.builder().name("spinning").shutdownTimeout(Duration.ofMillis(100))
                .cancelTimeout(Duration.ofMillis(200)).build();
        boolean[] stop = new boolean[1];
        Object guard = new Object();
        loop.execute(() -> {
            while (true) {
                synchronized (guard) {
                    if (stop[0]) {
                        return;
                    }
                }
                Thread.onSpinWait(); // never parks, never looks at its interrupt status
            }
        });
        try {
            long start = System.nanoTime();
            loop.close();
            // 0.1 s + 0.2 s, and the stuck carrier is not waited for beyond the cancel timeout
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThat(loop.isTerminated()).isTrue();
        } finally {
            synchronized (guard) {
                stop[0] = true;
            }
        }
    }

    /**
     * Earliest-deadline-first users give every task a key of its own: a new priority key costs O(log k),
     * not O(k), so this takes about as long as with a handful of priorities (200,000 keys took minutes
     * when a key cost O(k)).
     */
    @Test
    @Timeout(60)
    void manyDistinctPrioritiesAreScheduledInPriorityOrderWithoutQuadraticCost() throws Exception {
        List<Double> strict = runDistinctPriorities(Loop.builder().name("edf").boosting(false), 200_000);
        assertThat(strict).hasSize(200_000).isSorted();
        List<Double> boosted = runDistinctPriorities(Loop.builder().name("edf-boosted"), 200_000);
        assertThat(boosted).hasSize(200_000); // boosting reorders them, within its bound
    }

    /** Starts {@code count} tasks with distinct random priorities; each yields once, then logs its priority. */
    private static List<Double> runDistinctPriorities(Loop.Builder builder, int count) throws Exception {
        return builder.run(() -> {
            SplittableRandom random = new SplittableRandom(42);
            List<Double> ran = new ArrayList<>(count);
            List<Task<?>> tasks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                double priority = random.nextDouble(-1e6, 1e6);
                tasks.add(Loop.current().newTask().priority(priority).start(() -> {
                    Thread.yield(); // back into the queue once, by its priority
                    ran.add(Task.current().priority());
                }));
            }
            for (Task<?> task : tasks) {
                task.get();
            }
            return ran;
        });
    }
}
