package io.asynkit.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A carrier killed by an internal failure (injected: user code cannot kill one, see FaultsTest): the
 * failure is logged and counted, the watchdog starts a replacement, and the loop keeps running every
 * task on its full number of carriers.
 */
@Timeout(60)
class CarrierFailureTest {

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    /**
     * Every task is counted as ended, including the one the failed carrier ran last (its dispatch had
     * returned but was not accounted for): otherwise close() would wait for it for its whole grace period.
     */
    private static void assertNothingLeftLive(Loop loop) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (loop.statistics().liveTasks() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        LoopStatistics stats = loop.statistics();
        assertThat(stats.liveTasks()).as("live tasks after all completed: %s", stats).isZero();
        assertThat(stats.tasksCompleted()).isEqualTo(stats.tasksStarted());
    }

    @Test
    void aFailedCarrierIsReplacedAndNoTaskIsLost() throws Exception {
        try (Loop loop = Loop.builder().name("carrier-fail").carriers(2).build()) {
            List<Task<Integer>> before = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int n = i;
                before.add(loop.submit(() -> n));
            }
            ((Scheduler) loop.engine()).killCarrierForTest(0);
            List<Task<Integer>> after = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int n = i;
                after.add(loop.submit(() -> {
                    Thread.yield();
                    return n;
                }));
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(before.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(i);
                assertThat(after.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(i);
            }
            // The killed carrier fails at its next turn. On a busy machine every task above may have run on the
            // other carrier while it stayed parked, and an idle carrier takes a turn only when woken for work: give
            // it some (two tasks at once, so that the second push wakes a parked carrier), then wait for its
            // replacement.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((loop.statistics().carrierFailures() != 1 || threadsNamed("carrier-fail-carrier-") != 2)
                    && System.nanoTime() < deadline) {
                if (loop.statistics().carrierFailures() == 0) {
                    Task<?> first = loop.submit(() -> spinFor(1_000_000));
                    Task<?> second = loop.submit(() -> spinFor(1_000_000));
                    first.get(20, TimeUnit.SECONDS);
                    second.get(20, TimeUnit.SECONDS);
                } else {
                    Thread.sleep(5);
                }
            }
            assertThat(loop.statistics().carrierFailures()).isEqualTo(1);
            assertThat(threadsNamed("carrier-fail-carrier-")).isEqualTo(2);
            Set<String> carriersSeen = ConcurrentHashMap.newKeySet();
            List<Task<?>> parallel = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                parallel.add(loop.submit(() -> {
                    carriersSeen.add(Thread.currentThread().toString().replaceAll(".*@", ""));
                    long end = System.nanoTime() + 200_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                    return null;
                }));
            }
            for (Task<?> task : parallel) {
                task.get(20, TimeUnit.SECONDS);
            }
            assertThat(carriersSeen).hasSize(2); // both carriers work: the replacement and the survivor
            assertNothingLeftLive(loop);
        }
        assertThat(threadsNamed("carrier-fail-")).isZero();
    }

    private static Void spinFor(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        return null;
    }

    @Test
    void aLoopWhoseOnlyCarrierFailsStillRunsTasks() throws Exception {
        try (Loop loop = Loop.builder().name("only-carrier").build()) {
            assertThat(loop.submit(() -> "before").get(10, TimeUnit.SECONDS)).isEqualTo("before");
            ((Scheduler) loop.engine()).killCarrierForTest(0);
            assertThat(loop.submit(() -> "after").get(20, TimeUnit.SECONDS)).isEqualTo("after");
            assertThat(loop.statistics().carrierFailures()).isEqualTo(1);
            assertNothingLeftLive(loop);
        }
        assertThat(threadsNamed("only-carrier-")).isZero();
    }
}
