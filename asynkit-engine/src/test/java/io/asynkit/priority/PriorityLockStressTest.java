package io.asynkit.priority;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many tasks on two carriers and a few platform threads contend for two priority locks, nesting
 * them in one order, with timed attempts and priority changes while they wait: mutual exclusion
 * holds, no acquisition is lost, and the inheritance graph is empty afterwards.
 */
@Timeout(120)
class PriorityLockStressTest {

    private static final int TASKS = 200;
    private static final int ROUNDS = 200;
    private static final int THREADS = 2;

    @Test
    void mutualExclusionAndNoLeftoversUnderContention() throws Exception {
        PriorityLock outer = new PriorityLock("outer");
        PriorityLock inner = new PriorityLock("inner");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        int[] counter = {0}; // guarded by outer
        AtomicInteger timedOut = new AtomicInteger();
        Runnable round = () -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try {
                if (random.nextInt(8) == 0) {
                    if (!outer.tryLock(random.nextInt(50), TimeUnit.MICROSECONDS)) {
                        timedOut.incrementAndGet();
                        return;
                    }
                } else {
                    outer.lock();
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            try {
                if (inside.incrementAndGet() != 1) {
                    violations.incrementAndGet();
                }
                counter[0]++;
                if (random.nextBoolean()) {
                    inner.lock();
                    try {
                        Thread.yield();
                    } finally {
                        inner.unlock();
                    }
                }
                inside.decrementAndGet();
            } finally {
                outer.unlock();
            }
        };
        try (Loop loop = Loop.builder().name("lock-stress").carriers(2).build()) {
            List<Task<?>> tasks = new ArrayList<>();
            for (int i = 0; i < TASKS; i++) {
                double priority = Priority.HIGH + (i % 21);
                tasks.add(loop.newTask().priority(priority).start(() -> {
                    for (int r = 0; r < ROUNDS; r++) {
                        round.run();
                        if (r % 16 == 0) {
                            Task.current().setPriority(Priority.HIGH + ThreadLocalRandom.current().nextInt(21));
                        }
                    }
                }));
            }
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                threads.add(Thread.ofPlatform().name("platform-" + i).start(() -> {
                    for (int r = 0; r < ROUNDS; r++) {
                        round.run();
                    }
                }));
            }
            for (Task<?> task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        assertThat(violations).hasValue(0);
        assertThat(counter[0] + timedOut.get()).isEqualTo((TASKS + THREADS) * ROUNDS);
        assertThat(outer.isLocked()).isFalse();
        assertThat(inner.isLocked()).isFalse();
        assertThat(outer.getQueueLength()).isZero();
        assertThat(InheritanceGraph.size()).isZero();
    }
}
