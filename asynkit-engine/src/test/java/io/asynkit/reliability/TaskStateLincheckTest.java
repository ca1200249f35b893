package io.asynkit.reliability;

import io.asynkit.loop.Handle;
import io.asynkit.loop.Loop;
import io.asynkit.loop.LoopStatistics;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Test;
import io.asynkit.testing.LincheckRounds;
import io.asynkit.testing.Stress;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lincheck checks the task state machine: concurrent operations on two tasks of a real two-carrier
 * loop, from three threads, must be linearizable as the small sequential {@link TaskSpec}, in which a
 * task is <em>pending</em> until the first of a cancellation, a value released into its body or an
 * exception thrown into it <em>settles</em> it, for good. That checks, in every execution Lincheck
 * runs:
 * <ul>
 *   <li>{@code cancel(true)} and {@code cancel(false)} return true at most once per task, and only
 *       while it is pending; a task settles exactly once, and its outcome (value, cancellation or the
 *       thrown exception, read with {@code get}) never changes;</li>
 *   <li>{@code isDone()} and {@code isCancelled()} agree with that outcome and never go back;</li>
 *   <li>a value released into the body or an exception thrown into it ({@code throwInto}, raised at its
 *       {@link Scheduling#await}) settles a pending task, and what settles it first wins;</li>
 *   <li>operations on one task never touch the other.</li>
 * </ul>
 * Besides the specification, the operations check invariants that no sequential specification can
 * state, and return an {@code "ANOMALY: ..."} string (which the specification never returns) when one
 * is broken: {@code taskState()} never goes back from {@code DONE} and never returns to {@code NEW};
 * a task in state {@code DONE} reports {@code isDone()}; {@code throwInto} is refused only for a task
 * that is settled; the loop's {@link LoopStatistics} always satisfy
 * {@code tasksStarted == tasksCompleted + liveTasks} and never count a task in state {@code DONE} as
 * live; a callback ({@link Loop#callLater} with a random delay of up to 100 µs, so that it reaches a
 * carrier while the operations run) cancelled meanwhile never reports
 * both {@code isCancelled()} and {@code hasRun()}. After each execution the validation function lets
 * every task end and checks that each reaches {@code DONE}, ran its body at most once, was counted
 * started and completed exactly once, and that its future completed exactly once; and, once both
 * carriers have passed a fence, that the callback was either cancelled by exactly one {@code cancel()}
 * that returned true or run exactly once, never both.
 *
 * <p>It found two bugs, both fixed: {@code Task.cancel} returned true for every call once the task was
 * cancelled (it used {@code CompletableFuture.cancel}); {@code Handle.cancel} racing the carrier could
 * return true while the callback still ran, and two cancels could both return true (this test at its
 * default size failed on that in 3 of 3 runs before the fix). {@code LoopLifecycleTest} and
 * {@code MultiCarrierStressTest} reproduce each directly.
 *
 * <p><b>Stress mode only.</b> The tasks run on the loop's carriers, platform threads the loop starts
 * itself, and on virtual threads the JDK mounts on them; Lincheck's model checker controls only the
 * threads it creates and cannot switch (or see) the carriers, so it cannot explore these
 * interleavings. (Tried: Lincheck 2.39's model checker does not get that far on JDK 25; preparing the
 * test instance, it walks the objects the instance reaches, the loop and its threads among them, and
 * fails with "can't get field offset on a record class".) Stress testing runs the operations on real
 * threads against the real loop; {@link PriorityLockLincheckTest} model-checks the priority lock, which
 * runs entirely on the calling threads.
 *
 * <p><b>Left out of the specification.</b> Whether {@code throwInto} succeeds or is refused right as
 * the body returns is timing (it is refused once the thread has ended, a moment after
 * {@code isDone()}), so the operation returns the task's outcome, and the refusal is checked as an
 * invariant (refused implies settled). Which of {@code RUNNABLE}, {@code RUNNING} and {@code BLOCKED}
 * {@code taskState()} returns depends on the carriers, and {@code DONE} comes a moment after the future
 * completes, so states are checked as invariants. Whether a callback's {@code cancel()} wins depends on
 * when a carrier takes it, so its result is checked in the validation, not against the specification.
 *
 * <p>Sizes: by time, not by count ({@link Stress}): rounds of 5 scenarios × 1,000 invocations of 3 threads
 * × 3 operations, with one operation before and one after (so that the parallel part mostly meets pending
 * tasks), new scenarios every round, for 12 s; {@code -Dasynkit.stress.scale=...} scales the time.
 */
@Timeout(180)
@Param(name = "task", gen = IntGen.class, conf = "0:1")
@Param(name = "value", gen = IntGen.class, conf = "1:2")
public class TaskStateLincheckTest {

    private static final int TASKS = 2;
    /** The loop every execution's tasks run on: two carriers, shared by all executions of one check. */
    private static volatile Loop loop;
    /** Tasks started by any instance and not yet seen ending by a validation. */
    private static final ConcurrentLinkedQueue<Probe> unfinished = new ConcurrentLinkedQueue<>();
    private static final AtomicLong started = new AtomicLong();

    private final Probe[] probes = new Probe[TASKS];
    private final CallbackProbe callback;

    public TaskStateLincheckTest() {
        if (loop == null) {
            callback = null;
            return; // the instance JUnit makes to run stressTesting(): no tasks
        }
        for (int i = 0; i < TASKS; i++) {
            probes[i] = new Probe(loop, "lincheck-" + i);
            unfinished.add(probes[i]);
            started.incrementAndGet();
        }
        callback = new CallbackProbe(loop);
    }

    /** A callback ({@link Loop#callLater}) that a carrier may run at any moment, racing the cancels. */
    private static final class CallbackProbe {
        final AtomicInteger actionRuns = new AtomicInteger();
        final AtomicInteger cancelsThatWon = new AtomicInteger();
        final Handle handle;

        CallbackProbe(Loop loop) {
            // a random delay, so that the timer hands it to a carrier while the operations run
            handle = loop.callLater(Duration.ofNanos(ThreadLocalRandom.current().nextInt(100_000)),
                    actionRuns::incrementAndGet);
        }

        /** A callback has run or been cancelled, never both. */
        String observe() {
            boolean cancelled = handle.isCancelled();
            boolean ran = handle.hasRun();
            return cancelled && ran ? "ANOMALY: " + handle + " reports both isCancelled() and hasRun()" : null;
        }
    }

    /** The exception thrown into the tasks. */
    static final class Thrown extends RuntimeException {
        Thrown(String task) {
            super("thrown into " + task, null, false, false);
        }
    }

    /** One task: its body waits on a gate for a value; what it was settled by is read from its future. */
    private static final class Probe {
        final CompletableFuture<Integer> gate = new CompletableFuture<>();
        final AtomicInteger bodyRuns = new AtomicInteger();
        final AtomicInteger completions = new AtomicInteger();
        final AtomicBoolean sawDone = new AtomicBoolean();
        final AtomicBoolean sawStarted = new AtomicBoolean();
        final Task<Integer> task;

        Probe(Loop loop, String name) {
            task = loop.newTask().name(name).start(() -> {
                bodyRuns.incrementAndGet();
                return Scheduling.await(gate); // raises an exception thrown into the task, interrupted by cancel(true)
            });
            task.asCompletionStage().whenComplete((value, failure) -> completions.incrementAndGet());
        }

        /** The outcome once done: "value:v", "cancelled", "thrown" (our {@link Thrown}) or an anomaly. */
        String outcome() {
            try {
                return "value:" + task.get(0, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return "pending";
            } catch (CancellationException e) {
                return "cancelled";
            } catch (ExecutionException e) {
                return e.getCause() instanceof Thrown ? "thrown" : "ANOMALY: failed with " + e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "ANOMALY: interrupted";
            }
        }

        /** Waits (bounded) until the future is done, then reads the outcome. */
        String awaitOutcome() {
            try {
                task.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                return "ANOMALY: not settled within 10 s, state " + task.taskState();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "ANOMALY: interrupted";
            } catch (CancellationException | ExecutionException settled) {
                // read below
            }
            return outcome();
        }

        /** Reads taskState() and checks that DONE and not-NEW never go back and that DONE implies isDone(). */
        String observeState() {
            boolean doneBefore = sawDone.get();
            boolean startedBefore = sawStarted.get();
            TaskState state = task.taskState();
            boolean done = task.isDone();
            if (doneBefore && state != TaskState.DONE) {
                return "ANOMALY: " + task.name() + " went back from DONE to " + state;
            }
            if (startedBefore && state == TaskState.NEW) {
                return "ANOMALY: " + task.name() + " went back to NEW";
            }
            if (state == TaskState.DONE && !done) {
                return "ANOMALY: " + task.name() + " is DONE but isDone() is false";
            }
            if (state == TaskState.DONE) {
                sawDone.set(true);
            }
            if (state != TaskState.NEW) {
                sawStarted.set(true);
            }
            return null;
        }
    }

    @Operation
    public boolean cancelInterrupting(@Param(name = "task") int i) {
        return probes[i].task.cancel(true);
    }

    @Operation
    public boolean cancelQuietly(@Param(name = "task") int i) {
        return probes[i].task.cancel(false);
    }

    /** Releases {@code value} to the task's body and waits until the task is settled (by this or anything else). */
    @Operation
    public String release(@Param(name = "task") int i, @Param(name = "value") int value) {
        probes[i].gate.complete(value);
        return probes[i].awaitOutcome();
    }

    /** Throws an exception into the task (refused only if it is settled) and waits until it is settled. */
    @Operation
    public String throwInto(@Param(name = "task") int i) {
        Probe probe = probes[i];
        try {
            probe.task.throwInto(new Thrown(probe.task.name()));
        } catch (IllegalStateException refused) {
            if (!probe.task.isDone()) {
                return "ANOMALY: throwInto refused for a pending task: " + refused.getMessage();
            }
        }
        return probe.awaitOutcome();
    }

    @Operation
    public boolean isDone(@Param(name = "task") int i) {
        return probes[i].task.isDone();
    }

    @Operation
    public boolean isCancelled(@Param(name = "task") int i) {
        return probes[i].task.isCancelled();
    }

    /** {@code get} with a zero timeout: the outcome, or "pending". */
    @Operation
    public String outcome(@Param(name = "task") int i) {
        return probes[i].outcome();
    }

    /** {@code taskState()} checked against the invariants; returns {@code isDone()} read after it. */
    @Operation
    public Object taskState(@Param(name = "task") int i) {
        String anomaly = probes[i].observeState();
        return anomaly != null ? anomaly : probes[i].task.isDone();
    }

    /** The loop's counters, checked against the tasks' states read before them; returns "consistent". */
    @Operation
    public String statistics() {
        boolean allDone = true;
        for (Probe probe : probes) {
            String anomaly = probe.observeState();
            if (anomaly != null) {
                return anomaly;
            }
            allDone &= probe.sawDone.get();
        }
        LoopStatistics stats = loop.statistics();
        if (stats.tasksStarted() != stats.tasksCompleted() + stats.liveTasks()) {
            return "ANOMALY: started " + stats.tasksStarted() + " != completed " + stats.tasksCompleted() + " + live "
                    + stats.liveTasks();
        }
        if (stats.liveTasks() > TASKS || (allDone && stats.liveTasks() != 0)) {
            return "ANOMALY: " + stats.liveTasks() + " live tasks while " + (allDone ? "both tasks are DONE" : "at most "
                    + TASKS + " can be");
        }
        return "consistent";
    }

    /**
     * Cancels the callback; whether that wins against the carrier that runs it is timing, so the result is
     * recorded for the validation (at most one cancel wins, and then the action never runs) and not returned.
     */
    @Operation
    public String cancelCallback() {
        if (callback.handle.cancel()) {
            callback.cancelsThatWon.incrementAndGet();
        }
        String anomaly = callback.observe();
        return anomaly != null ? anomaly : "consistent";
    }

    /** The callback's {@code isCancelled()} and {@code hasRun()}, never both true. */
    @Operation
    public String callbackState() {
        String anomaly = callback.observe();
        return anomaly != null ? anomaly : "consistent";
    }

    /**
     * After each execution: lets every task end (a {@code cancel(false)} leaves its body waiting), waits until
     * each is {@code DONE}, and checks what ended it and the loop's counters.
     */
    @Validate
    public void everyTaskEndsOnceAndIsCountedOnce() throws InterruptedException {
        for (Probe probe; (probe = unfinished.poll()) != null; ) {
            probe.gate.complete(0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (probe.task.taskState() != TaskState.DONE) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(probe.task + " did not reach DONE within 10 s after its gate opened");
                }
                Thread.yield();
            }
            check(probe.task.isDone(), probe.task + " is DONE but not isDone()");
            check(probe.bodyRuns.get() <= 1, probe.task + " ran its body " + probe.bodyRuns + " times");
            check(probe.bodyRuns.get() == 1 || probe.task.isCancelled() || "thrown".equals(probe.outcome()),
                    probe.task + " never ran its body, yet ended with " + probe.outcome());
            // the completion callback runs on the completing thread, which may still be on its way
            long callbackDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (probe.completions.get() == 0 && System.nanoTime() < callbackDeadline) {
                Thread.yield();
            }
            check(probe.completions.get() == 1, probe.task + "'s future completed " + probe.completions + " times");
        }
        long timerDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!callback.handle.hasRun() && !callback.handle.isCancelled()) { // its timer has not fired yet
            check(System.nanoTime() < timerDeadline, callback.handle + " neither ran nor was cancelled within 10 s");
            Thread.yield();
        }
        carrierFence();
        int wins = callback.cancelsThatWon.get();
        int runs = callback.actionRuns.get();
        check(wins <= 1, wins + " calls of " + callback.handle + ".cancel() returned true");
        check(wins + runs == 1, callback.handle + ": " + wins + " cancel() returned true and the action ran " + runs
                + " times (exactly one of the two must happen)");
        check(callback.handle.isCancelled() == (wins == 1) && callback.handle.hasRun() == (runs == 1),
                callback.handle + ": isCancelled()=" + callback.handle.isCancelled() + ", hasRun()="
                        + callback.handle.hasRun() + " after " + wins + " winning cancel(s) and " + runs + " run(s)");
        LoopStatistics stats = loop.statistics();
        check(stats.liveTasks() == 0, "live tasks left after every task ended: " + stats);
        check(stats.tasksStarted() == started.get() && stats.tasksCompleted() == started.get(),
                started.get() + " tasks started, but the loop counts " + stats.tasksStarted() + " started and "
                        + stats.tasksCompleted() + " completed");
    }

    /**
     * Returns once every carrier has finished whatever it was running: two callbacks, queued after everything
     * already queued, that must occupy both carriers at once.
     */
    private static void carrierFence() throws InterruptedException {
        CountDownLatch both = new CountDownLatch(loop.carrierCount());
        CountDownLatch passed = new CountDownLatch(loop.carrierCount());
        for (int i = 0; i < loop.carrierCount(); i++) {
            loop.callSoon(() -> {
                both.countDown();
                try {
                    if (both.await(10, TimeUnit.SECONDS)) {
                        passed.countDown();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        check(passed.await(20, TimeUnit.SECONDS), "the carriers did not all reach the fence within 20 s");
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    @Test
    void stressTesting() throws Exception {
        loop = Loop.builder().name("lincheck-tasks").carriers(2).build();
        Throwable failure = null;
        try {
            Stress.repeatFor(Duration.ofSeconds(12), 1, round -> LincheckRounds.round(round, () ->
                    LinChecker.check(TaskStateLincheckTest.class, new StressOptions()
                            .executionGenerator(LincheckRounds.Generator.class)
                            .iterations(5)
                            .invocationsPerIteration(1_000)
                            .threads(3)
                            .actorsPerThread(3)
                            .actorsBefore(1)
                            .actorsAfter(1)
                            .sequentialSpecification(TaskSpec.class))));
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            try {
                loop.close();
            } catch (RuntimeException closing) { // keep Lincheck's report: it says more than the close
                if (failure == null) {
                    throw closing;
                }
                failure.addSuppressed(closing);
            }
        }
    }

    /**
     * The sequential specification: each task is pending until its first settle; the first cancellation,
     * released value or thrown exception settles it for good.
     */
    public static final class TaskSpec {
        private final String[] outcome = new String[TASKS]; // null: pending

        private boolean settle(int i, String how) {
            if (outcome[i] != null) {
                return false;
            }
            outcome[i] = how;
            return true;
        }

        public boolean cancelInterrupting(int i) {
            return settle(i, "cancelled");
        }

        public boolean cancelQuietly(int i) {
            return settle(i, "cancelled");
        }

        public String release(int i, int value) {
            settle(i, "value:" + value);
            return outcome[i];
        }

        public String throwInto(int i) {
            settle(i, "thrown");
            return outcome[i];
        }

        public boolean isDone(int i) {
            return outcome[i] != null;
        }

        public boolean isCancelled(int i) {
            return "cancelled".equals(outcome[i]);
        }

        public String outcome(int i) {
            return outcome[i] != null ? outcome[i] : "pending";
        }

        public Object taskState(int i) {
            return outcome[i] != null;
        }

        public String statistics() {
            return "consistent";
        }

        public String cancelCallback() {
            return "consistent";
        }

        public String callbackState() {
            return "consistent";
        }
    }
}
