package io.asynkit.reliability;

import io.asynkit.loop.Loop;
import io.asynkit.loop.LoopStatistics;
import io.asynkit.loop.Task;
import io.asynkit.priority.PriorityLock;
import io.asynkit.testing.Stress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load: tasks submitted from eight threads into a two-carrier loop for 20 seconds (up to ten million) while
 * tasks spawn tasks, park on futures, locks and timers; every task runs exactly once and the loop's counters
 * add up. And a million tasks blocked at once, then released: none lost, and the memory comes back.
 */
@Timeout(600)
class LoadTest {

    private static final int SUBMITTERS = 8;
    /** At most ten million tasks: the size of the bookkeeping arrays. */
    private static final int MAX_TASKS = 10_000_000;
    /** Submitting stops after this long ({@link Stress#budget}): sized by time, not by count. */
    private static final Duration SUBMITTING = Duration.ofSeconds(20);
    /** Submitters wait while more tasks than this are submitted and not finished: the time bound holds. */
    private static final int IN_FLIGHT = 200_000;

    @Test
    void tasksSubmittedFromEightThreadsForTwentySecondsEachRunExactlyOnce() throws Exception {
        AtomicIntegerArray runs = new AtomicIntegerArray(MAX_TASKS);
        AtomicIntegerArray childRuns = new AtomicIntegerArray(MAX_TASKS / 10);
        AtomicInteger nextId = new AtomicInteger();
        AtomicLong finished = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        PriorityLock priorityLock = new PriorityLock("load");
        ReentrantLock jdkLock = new ReentrantLock();
        int[] guarded = {0, 0}; // by priorityLock, by jdkLock
        try (Loop loop = Loop.builder().name("load").carriers(2)
                .exceptionHandler((l, source, error) -> failures.incrementAndGet()).build()) {
            long stop = System.nanoTime() + Stress.budget(SUBMITTING).toNanos();
            List<Thread> submitters = new ArrayList<>();
            for (int s = 0; s < SUBMITTERS; s++) {
                submitters.add(Thread.ofPlatform().name("submitter-" + s).start(() -> {
                    for (int id; System.nanoTime() - stop < 0 && (id = nextId.getAndIncrement()) < MAX_TASKS; ) {
                        while (id - finished.get() > IN_FLIGHT) { // keep the loop busy, not the heap full
                            LockSupport.parkNanos(100_000);
                        }
                        int task = id;
                        loop.execute(() -> {
                            body(loop, task, runs, childRuns, finished, priorityLock, jdkLock, guarded);
                            finished.incrementAndGet();
                        });
                    }
                }));
            }
            for (Thread submitter : submitters) {
                submitter.join();
            }
            int tasks = Math.min(nextId.get(), MAX_TASKS); // ids 0..tasks-1 were submitted, each once
            int children = (tasks + 9) / 10;
            long expected = (long) tasks + children;
            System.out.printf("load: %,d tasks and %,d children submitted in %s%n", tasks, children, Stress.budget(SUBMITTING));
            waitUntil(() -> finished.get() >= expected);
            assertThat(finished.get()).isEqualTo(expected);
            assertThat(failures).hasValue(0);
            for (int i = 0; i < tasks; i++) {
                if (runs.get(i) != 1) {
                    throw new AssertionError("task " + i + " ran " + runs.get(i) + " times");
                }
            }
            for (int i = 0; i < children; i++) {
                if (childRuns.get(i) != 1) {
                    throw new AssertionError("child " + i + " ran " + childRuns.get(i) + " times");
                }
            }
            assertThat(guarded[0] + guarded[1]).isEqualTo(countOfResidues(tasks, 3) + countOfResidues(tasks, 4));
            waitUntil(() -> loop.statistics().liveTasks() == 0);
            LoopStatistics stats = loop.statistics();
            assertThat(stats.tasksStarted()).isEqualTo(expected);
            assertThat(stats.tasksCompleted()).isEqualTo(expected);
            assertThat(stats.dispatches()).isGreaterThanOrEqualTo(expected);
            long byBand = stats.bands().stream().mapToLong(b -> b.dispatches()).sum();
            assertThat(byBand).isEqualTo(stats.dispatches() - stats.callbacksRun());
        }
    }

    /** How many of 0..tasks-1 leave {@code residue} modulo 25. */
    private static int countOfResidues(int tasks, int residue) {
        return tasks / 25 + (tasks % 25 > residue ? 1 : 0);
    }

    private static void body(Loop loop, int id, AtomicIntegerArray runs, AtomicIntegerArray childRuns,
                             AtomicLong finished, PriorityLock priorityLock, ReentrantLock jdkLock, int[] guarded) {
        runs.incrementAndGet(id);
        if (id % 10 == 0) { // one task in ten spawns a child
            loop.execute(() -> {
                childRuns.incrementAndGet(id / 10);
                finished.incrementAndGet();
            });
        }
        try {
            switch (id % 25) {
                case 2 -> { // park on a future that another thread completes
                    CompletableFuture<Integer> future = new CompletableFuture<>();
                    CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS).execute(() -> future.complete(id));
                    assertThat(future.get()).isEqualTo(id);
                }
                case 3 -> { // a priority lock
                    priorityLock.lock();
                    try {
                        guarded[0]++;
                    } finally {
                        priorityLock.unlock();
                    }
                }
                case 4 -> { // a JDK lock
                    jdkLock.lock();
                    try {
                        guarded[1]++;
                    } finally {
                        jdkLock.unlock();
                    }
                }
                case 5 -> { // a timer (one in 250 tasks sleeps a millisecond)
                    if (id % 250 == 5) {
                        Thread.sleep(1);
                    } else {
                        Thread.yield();
                    }
                }
                default -> {
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMillionBlockedTasksAreAllReleasedAndTheMemoryComesBack() throws Exception {
        int blocked = 1_000_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicLong released = new AtomicLong();
        try (Loop loop = Loop.builder().name("blocked").carriers(2).build()) {
            for (int i = 0; i < blocked; i++) {
                loop.execute(() -> {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    released.incrementAndGet();
                });
            }
            waitUntil(() -> loop.statistics().blocked() == blocked);
            long whileBlocked = usedAfterGc(memory);
            assertThat(loop.statistics().liveTasks()).isEqualTo(blocked);
            gate.countDown();
            waitUntil(() -> released.get() == blocked && loop.statistics().liveTasks() == 0);
            assertThat(loop.statistics().tasksCompleted()).isEqualTo(blocked);
            long after = usedAfterGc(memory);
            System.out.printf("1M blocked tasks: heap used %d MB before, %d MB while blocked (%d bytes per task), "
                    + "%d MB after%n", before >> 20, whileBlocked >> 20, (whileBlocked - before) / blocked, after >> 20);
            assertThat(after - before).as("memory returns once the tasks have ended")
                    .isLessThan((whileBlocked - before) / 10);
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(20);
        }
    }
}
