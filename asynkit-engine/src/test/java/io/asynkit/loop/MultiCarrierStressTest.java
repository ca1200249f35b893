package io.asynkit.loop;

import io.asynkit.testing.Stress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;

/** Bounded stress on a multi-carrier loop: nothing lost, nothing run twice, counters add up. */
@Timeout(120)
class MultiCarrierStressTest {

    @Test
    void everyTaskFromManySubmittersCompletesExactlyOnce() throws Exception {
        int submitters = 8;
        int perSubmitter = 20_000;
        int total = submitters * perSubmitter;
        AtomicIntegerArray runs = new AtomicIntegerArray(total * 2);
        ReentrantLock shared = new ReentrantLock();
        try (Loop loop = Loop.builder().name("stress").carriers(2).build()) {
            List<Task<?>> tasks = java.util.Collections.synchronizedList(new ArrayList<>(total * 2));
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < submitters; s++) {
                int base = s * perSubmitter;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                    for (int i = 0; i < perSubmitter; i++) {
                        int id = base + i;
                        tasks.add(loop.submit(() -> {
                            runs.incrementAndGet(id);
                            switch (id % 4) {
                                case 0 -> { // spawn a child and wait for it
                                    Task<?> child = Loop.current().submit(() -> runs.incrementAndGet(total + id));
                                    child.get();
                                }
                                case 1 -> { // contend on a lock
                                    shared.lock();
                                    try {
                                        Thread.yield();
                                    } finally {
                                        shared.unlock();
                                    }
                                }
                                case 2 -> Thread.sleep(0, 1_000); // a timer round trip
                                default -> Thread.yield();
                            }
                            return id;
                        }));
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            for (Task<?> t : tasks) {
                t.get(60, TimeUnit.SECONDS);
            }
            for (int id = 0; id < total; id++) {
                assertThat(runs.get(id)).as("runs of task %d", id).isEqualTo(1);
                assertThat(runs.get(total + id)).as("runs of child %d", id).isEqualTo(id % 4 == 0 ? 1 : 0);
            }
            awaitQuiet(loop);
            LoopStatistics stats = loop.statistics();
            assertThat(stats.tasksStarted()).isEqualTo(total + total / 4);
            assertThat(stats.tasksCompleted()).isEqualTo(stats.tasksStarted());
            assertThat(stats.liveTasks()).isZero();
            assertThat(stats.queueLength()).isZero();
        }
    }

    @Test
    void parkUnparkPingPongLosesNoWakeUp() throws Exception {
        long end = System.nanoTime() + Stress.budget(Duration.ofSeconds(1)).toNanos(); // sized by time
        try (Loop loop = Loop.builder().name("pingpong").carriers(2).build()) {
            CompletableFuture<Thread> pongThread = new CompletableFuture<>();
            java.util.concurrent.atomic.AtomicInteger ball = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
            Task<Integer> ping = loop.submit(() -> {
                Thread pong = pongThread.get();
                for (int i = 0; ; i++) {
                    while (ball.get() != 2 * i) {
                        LockSupport.park();
                    }
                    if (System.nanoTime() - end > 0) {
                        over.set(true); // seen by pong with the ball below
                    }
                    ball.incrementAndGet();
                    LockSupport.unpark(pong);
                    if (over.get()) {
                        return i;
                    }
                }
            });
            Task<Integer> pong = loop.submit(() -> {
                pongThread.complete(Thread.currentThread());
                Thread pingThread = null;
                for (int i = 0; ; i++) {
                    while (ball.get() != 2 * i + 1) {
                        LockSupport.park();
                    }
                    if (over.get()) {
                        return i;
                    }
                    ball.incrementAndGet();
                    if (pingThread == null) {
                        pingThread = threadOf(ping);
                    }
                    LockSupport.unpark(pingThread);
                }
            });
            int rounds = ping.get(60, TimeUnit.SECONDS);
            assertThat(pong.get(60, TimeUnit.SECONDS)).isEqualTo(rounds);
            assertThat(ball.get()).isEqualTo(2 * rounds + 1);
            assertThat(rounds).isPositive();
        }
    }

    private static Thread threadOf(Task<?> task) {
        return task.thread;
    }

    @Test
    void concurrentReprioritisingAndIntrospectionKeepTheRegistryConsistent() throws Exception {
        try (Loop loop = Loop.builder().name("introspect").carriers(2).build()) {
            List<Task<?>> tasks = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                tasks.add(loop.submit(() -> {
                    for (int k = 0; k < 10; k++) {
                        Thread.yield();
                    }
                    return null;
                }));
            }
            java.util.Random random = new java.util.Random(1);
            boolean anyLive = true;
            while (anyLive) {
                for (int i = 0; i < 50; i++) {
                    tasks.get(random.nextInt(tasks.size())).setPriority(random.nextInt(21) - 10);
                }
                LoopStatistics stats = loop.statistics();
                assertThat(stats.liveTasks()).isLessThanOrEqualTo(tasks.size());
                assertThat(stats.running()).isLessThanOrEqualTo(2 + stats.spareCarriers());
                anyLive = tasks.stream().anyMatch(t -> !t.isDone());
            }
            for (Task<?> t : tasks) {
                t.get(30, TimeUnit.SECONDS);
            }
            awaitQuiet(loop);
            assertThat(loop.statistics().tasksCompleted()).isEqualTo(2_000);
        }
    }

    /**
     * Taking the stack trace of an unmounted runnable virtual thread makes the JDK hand its continuation over a
     * second time (it may have been dispatched, as a no-op, while suspended). Tasks that keep yielding while
     * another thread samples their stacks, as {@code /actuator/asynkit} with stacks does: before the fix the
     * second hand-over queued a queued task twice, the ready queue's links broke (a carrier failed with
     * "Cannot assign field head because level is null" within a second, and its length went negative).
     */
    @Test
    void stackTracesOfRunnableTasksNeverQueueThemTwice() throws Exception {
        List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Loop loop = Loop.builder().name("stacks").carriers(2)
                .exceptionHandler((l, source, error) -> uncaught.add(error)).build()) {
            long end = System.nanoTime() + Stress.budget(Duration.ofSeconds(2)).toNanos();
            List<Task<?>> tasks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int priority = i % 3 - 1;
                tasks.add(loop.newTask().name("yielder-" + i).priority(priority).start(() -> {
                    long yields = 0;
                    while (System.nanoTime() - end < 0) {
                        Thread.yield();
                        yields++;
                    }
                    return yields;
                }));
            }
            int sampled = 0;
            while (System.nanoTime() - end < 0) {
                for (Task<?> task : tasks) {
                    task.stackTrace();
                    sampled++;
                }
                LoopStatistics stats = loop.statistics();
                assertThat(stats.running()).as("running in %s", stats).isBetween(0, 2);
                assertThat(stats.runnable()).as("runnable in %s", stats).isBetween(0, 50);
            }
            long yields = 0;
            for (Task<?> task : tasks) {
                yields += (Long) task.get(30, TimeUnit.SECONDS);
            }
            assertThat(yields).isPositive();
            awaitQuiet(loop);
            LoopStatistics stats = loop.statistics();
            assertThat(stats.carrierFailures()).as("carriers failed: %s", stats).isZero();
            assertThat(stats.queueLength()).isZero();
            assertThat(stats.tasksCompleted()).isEqualTo(50);
            assertThat(uncaught).isEmpty();
            assertThat(sampled).isPositive();
        }
    }

    /**
     * {@code RUNNING} counts only tasks a thread carries: tasks that wait in a drive hand-off (callers of eager
     * calls, nested three deep here) report {@code BLOCKED}, with the task they wait for, so a sampler never
     * sees more running tasks than the threads that can carry them. (Before the rebuild, such callers kept
     * {@code RUNNING}: the live view showed 22 tasks "running" on two carriers.)
     */
    @Test
    void runningNeverExceedsTheThreadsThatCarryTasks() throws Exception {
        try (Loop loop = Loop.builder().name("running-bound").carriers(2).build()) {
            long end = System.nanoTime() + Stress.budget(Duration.ofSeconds(3)).toNanos();
            List<Task<?>> workers = new ArrayList<>();
            for (int w = 0; w < 50; w++) {
                workers.add(loop.submit(() -> {
                    while (System.nanoTime() - end < 0) {
                        io.asynkit.coro.Coroutines.eager(() -> io.asynkit.coro.Coroutines.eager(() -> {
                            Scheduling.yieldNow();
                            return io.asynkit.coro.Coroutines.eager(() -> {
                                Scheduling.yieldNow();
                                return 1;
                            }).get();
                        }).get()).get();
                    }
                    return null;
                }));
            }
            int samples = 0;
            int sawDriving = 0;
            while (System.nanoTime() - end < 0) {
                LoopStatistics stats = loop.statistics();
                assertThat(stats.running()).as("running tasks in %s", stats)
                        .isLessThanOrEqualTo(stats.carriers() + stats.spareCarriers());
                List<Task<?>> running = loop.runningTasks();
                assertThat(running.size()).as("runningTasks() %s", running).isLessThanOrEqualTo(2 + stats.spareCarriers());
                for (Task<?> blocked : loop.blockedTasks()) {
                    if (blocked.drivenTask() != null) {
                        sawDriving++;
                    }
                }
                samples++;
            }
            for (Task<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS);
            }
            assertThat(samples).isPositive();
            assertThat(sawDriving).as("blocked tasks that said which task they drive").isPositive();
        }
    }

    /**
     * Tasks contending on a fair {@code ReentrantLock}: every release wakes exactly one parked task, from a
     * task on either carrier, so a wake-up that lands in a queue nobody looks at (or is never made) strands
     * the next owner and, with it, every other contender. Rounds bounded by time; each round by 10 s.
     */
    @Test
    void fairLockContentionNeverStrandsATask() throws Exception {
        try (Loop loop = Loop.builder().name("fair-lock").carriers(2).build()) {
            ReentrantLock fair = new ReentrantLock(true);
            long[] counter = new long[1];
            Stress.repeatFor(Duration.ofSeconds(4), 3, round -> {
                List<Task<?>> tasks = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    tasks.add(loop.submit(() -> {
                        for (int i = 0; i < 2_000; i++) {
                            fair.lock();
                            try {
                                counter[0]++;
                            } finally {
                                fair.unlock();
                            }
                        }
                    }));
                }
                for (Task<?> task : tasks) {
                    try {
                        task.get(10, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException stranded) {
                        Scheduler scheduler = (Scheduler) loop.engine();
                        StringBuilder queues = new StringBuilder();
                        for (RunQueue q : scheduler.queues) {
                            queues.append(q).append(" published size/stealable/head ").append(q.hasWork()).append('/')
                                    .append(q.stealableKey()).append('/').append(q.headKey()).append("; ");
                        }
                        StringBuilder outcomes = new StringBuilder();
                        for (Task<?> other : tasks) {
                            Thread th = other.thread;
                            outcomes.append(th == null ? "-" : th.getState() + " " + th).append(' ');
                            outcomes.append(other).append(other.isDone() ? " done: " + other.state() + " "
                                    + (other.state() == java.util.concurrent.Future.State.FAILED ? other.exceptionNow() : "")
                                    : " pending").append("; ");
                        }
                        throw new AssertionError("round " + round + ": " + task + " stranded; " + fair + "; tasks " + outcomes + loop.statistics()
                                + "; runnable " + loop.runnableTasks() + "; queues " + queues, stranded);
                    }
                }
            });
        }
    }

    @Test
    void shutdownRacingSubmissionLosesNothing() throws Exception {
        for (int round = 0; round < 50; round++) {
            Loop loop = Loop.builder().name("race").carriers(2).build();
            java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger rejected = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> submitters = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int s = 0; s < 4; s++) {
                submitters.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 500; i++) {
                        try {
                            loop.submit(ran::incrementAndGet);
                            accepted.incrementAndGet();
                        } catch (java.util.concurrent.RejectedExecutionException e) {
                            rejected.incrementAndGet();
                        }
                    }
                }));
            }
            go.countDown();
            Thread.sleep(round % 3);
            loop.shutdown();
            for (Thread t : submitters) {
                t.join();
            }
            boolean terminated = loop.awaitTermination(30, TimeUnit.SECONDS);
            assertThat(terminated).as("round %d terminates (accepted %d, ran %d): %s, live %s", round, accepted.get(),
                    ran.get(), loop.statistics(), loop.allTasks()).isTrue();
            assertThat(ran.get()).as("every accepted task ran, round %d", round).isEqualTo(accepted.get());
            assertThat(accepted.get() + rejected.get()).isEqualTo(2_000);
            loop.close();
        }
    }

    /**
     * {@code Handle.cancel()} racing the carrier that runs the callback, and another cancel: for every
     * callback exactly one thing happens, a cancel that returned true (only one) or the action's run, and
     * {@code isCancelled()}/{@code hasRun()} say which. (Before the handle's state became one atomic field,
     * a cancel between the carrier's check and its run returned true and the action still ran.)
     */
    @Test
    void aCallbackIsEitherCancelledOnceOrRunNeverBoth() throws Exception {
        int rounds = 20_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(rounds);
        AtomicIntegerArray wins = new AtomicIntegerArray(rounds);
        Handle[] handles = new Handle[rounds];
        try (Loop loop = Loop.builder().name("callback-race").carriers(2).build()) {
            for (int i = 0; i < rounds; i++) {
                int n = i;
                Handle handle = loop.callSoon(() -> runs.incrementAndGet(n));
                handles[i] = handle;
                Thread other = i % 8 == 0 ? Thread.ofPlatform().start(() -> {
                    if (handle.cancel()) {
                        wins.incrementAndGet(n);
                    }
                }) : null;
                for (int spin = i % 64; spin > 0; spin--) {
                    Thread.onSpinWait(); // cancel at a different moment of the carrier's dispatch each round
                }
                if (handle.cancel()) {
                    wins.incrementAndGet(i);
                }
                if (other != null) {
                    other.join();
                }
            }
            CountDownLatch fence = new CountDownLatch(1);
            loop.callSoon(fence::countDown); // queued after every callback: the carriers have taken all of them
            assertThat(fence.await(30, TimeUnit.SECONDS)).isTrue();
            loop.shutdown();
            assertThat(loop.awaitTermination(30, TimeUnit.SECONDS)).isTrue(); // every carrier's run has returned
        }
        int cancelled = 0;
        for (int i = 0; i < rounds; i++) {
            assertThat(wins.get(i) + runs.get(i)).as("round %d: %d winning cancel(s), %d run(s) of %s", i, wins.get(i),
                    runs.get(i), handles[i]).isEqualTo(1);
            assertThat(handles[i].isCancelled()).as("isCancelled() of round %d", i).isEqualTo(wins.get(i) == 1);
            assertThat(handles[i].hasRun()).as("hasRun() of round %d", i).isEqualTo(runs.get(i) == 1);
            cancelled += wins.get(i);
        }
        assertThat(cancelled).as("some cancels win, some runs win").isBetween(1, rounds - 1);
    }

    /**
     * Task groups started from platform threads while the loop shuts down: each {@code TaskGroup.run} either
     * completes or is refused with {@code RejectedExecutionException}, and never hangs. (Before, a shutdown
     * between the making of a child and its first start left the child registered with the group, never to
     * run, and the group waited for it forever: seen in the first of 300 rounds.)
     */
    @Test
    void taskGroupsRacingShutdownCompleteOrAreRefusedNeverHang() throws Exception {
        for (int round = 0; round < 50; round++) {
            Loop loop = Loop.builder().name("group-race").carriers(2).build();
            java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> starters = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                starters.add(Thread.ofPlatform().daemon().start(() -> {
                    for (;;) {
                        try {
                            io.asynkit.group.TaskGroup.run(loop, group -> group.startSoon(() -> 1));
                            completed.incrementAndGet();
                        } catch (java.util.concurrent.RejectedExecutionException refused) {
                            return;
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }
                }));
            }
            Thread.sleep(round % 3);
            loop.shutdown();
            for (Thread starter : starters) {
                starter.join(Duration.ofSeconds(10));
                assertThat(starter.isAlive()).as("round %d: a TaskGroup.run still waiting after shutdown: %s", round,
                        java.util.Arrays.toString(starter.getStackTrace())).isFalse();
            }
            boolean terminated = loop.awaitTermination(10, TimeUnit.SECONDS);
            assertThat(terminated).as("round %d terminates: %s, live %s", round, loop.statistics(), loop.allTasks())
                    .isTrue();
            loop.close();
        }
    }

    /** Futures complete a moment before their threads end; wait until the loop has seen every end. */
    static void awaitQuiet(Loop loop) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (loop.statistics().liveTasks() > 0) {
            assertThat(System.nanoTime()).as("loop %s goes quiet", loop.name()).isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
