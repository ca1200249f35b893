package io.asynkit.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spare carriers compensate only for tasks that really pin their carrier: a carrier that waits for the
 * loop's own bookkeeping is not pinned, so a one-carrier loop never runs two tasks at once because of a spare.
 */
class SpareCarrierTest {

    @Test
    @Timeout(value = 120)
    void aOneCarrierLoopUnderLockContentionNeverStartsASpareNorRunsTwoTasksAtOnce() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch never = new CountDownLatch(1);
        try (Loop loop = Loop.builder().name("no-spare").carriers(1).pinnedCheckInterval(Duration.ofMillis(1))
                .shutdownTimeout(Duration.ofSeconds(1)).build()) {
            for (int i = 0; i < 20_000; i++) {
                loop.submit(() -> {
                    never.await(); // parked: makes every snapshot of the registry take a while
                    return null;
                });
            }
            List<Task<?>> workers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                workers.add(loop.submit(() -> {
                    while (!stop.get()) {
                        int now = running.incrementAndGet();
                        mostAtOnce.accumulateAndGet(now, Math::max);
                        for (int spin = 0; spin < 200; spin++) {
                            Thread.onSpinWait();
                        }
                        running.decrementAndGet();
                        Thread.yield();
                    }
                    return null;
                }));
            }
            List<Thread> snoopers = new ArrayList<>();
            for (int i = 0; i < 2; i++) { // foreign threads holding the loop's lock for long snapshots
                snoopers.add(Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        loop.allTasks();
                        loop.statistics();
                    }
                }));
            }
            Thread.sleep(Duration.ofSeconds(3)); // bounded by time, not by count
            stop.set(true);
            for (Thread snooper : snoopers) {
                snooper.join();
            }
            for (Task<?> worker : workers) {
                worker.get();
            }
            assertThat(mostAtOnce).as("tasks running at once on a one-carrier loop").hasValue(1);
            assertThat(loop.statistics().compensations()).as("spares started without a pinned task").isZero();
            never.countDown();
        }
    }
}
