package io.asynkit.loop;

import io.asynkit.priority.PriorityBand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue wait the loop measures (band statistics, the Actuator, the meters) for a submitted task. */
@Timeout(30)
class QueueWaitTest {

    /**
     * A task submitted by a platform thread while the only carrier is busy waits from its submission,
     * not from the start of the busy dispatch: the measured wait can be no longer than the time between
     * the submission and the task's first line (no wall-clock bound: an inequality between two clocks).
     */
    @Test
    void aTaskSubmittedDuringALongDispatchWaitsFromItsSubmission() throws Exception {
        // one carrier; a watchdog that stays out of the way (its checks take the lock, which drains the inbox)
        try (Loop loop = Loop.builder().name("wait").pinnedCheckInterval(Duration.ofSeconds(30)).build()) {
            CountDownLatch busy = new CountDownLatch(1);
            AtomicBoolean submitted = new AtomicBoolean();
            Task<?> hog = loop.submit(() -> {
                busy.countDown();
                while (!submitted.get()) {
                    Thread.onSpinWait(); // no park: the carrier stays in this one dispatch
                }
                long end = System.nanoTime() + 20_000_000; // and 20 ms more of it after the submission
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                return null;
            });
            busy.await();
            Thread.sleep(20); // the hog's dispatch is 20 ms old when the task is submitted
            long before = normalWait(loop);
            AtomicLong firstLine = new AtomicLong();
            long submittedAt = System.nanoTime();
            Task<?> waiter = loop.submit(() -> firstLine.set(System.nanoTime()));
            submitted.set(true);
            waiter.get();
            hog.get();
            long measured = normalWait(loop) - before;
            assertThat(measured).as("measured wait (ns)").isPositive()
                    .isLessThanOrEqualTo(firstLine.get() - submittedAt);
        }
    }

    private static long normalWait(Loop loop) {
        return loop.statistics().bands().get(PriorityBand.NORMAL.ordinal()).totalWaitNanos();
    }
}
