package io.asynkit.loop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * What runs a {@link Loop}'s tasks: the {@link Scheduler}, a virtual-thread scheduler of the engine's own
 * (the JDK's scheduler hook is available), or a {@link DegradedEngine} on the JDK's default scheduler (it is
 * not). {@code Loop} is a facade over one of them; shared here are the configuration, the run state, the
 * timers, the exception handler, the unstarted tasks and the {@code close()} sequence.
 */
abstract sealed class Engine permits Scheduler, DegradedEngine {

    private static final System.Logger LOG = System.getLogger(Loop.class.getName());
    private static final long MIN_JOIN_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long MAX_JOIN_NANOS = Duration.ofSeconds(10).toNanos();

    final Loop loop;
    final LoopConfig config;
    final Lifecycle lifecycle;
    final Timers timers;
    /** Tasks made with {@link TaskBuilder#unstarted} and not started yet, weakly: settled by close(). */
    private final Set<Task<?>> unstarted = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    Engine(Loop loop, LoopConfig config) {
        this.loop = loop;
        this.config = config;
        this.lifecycle = new Lifecycle(config.name());
        this.timers = new Timers(config.name(), lifecycle, this::callbackDue);
    }

    String name() {
        return config.name();
    }

    // ---- tasks ----------------------------------------------------------------------------------

    abstract boolean isHooked();

    /** A builder of the virtual threads of this loop's tasks, each with its own dispatcher. */
    abstract Thread.Builder.OfVirtual threadBuilder(Executor dispatcher);

    /** The JDK hands over {@code continuation} through the dispatcher of {@code owner}. */
    abstract void execute(Task<?> owner, Runnable continuation);

    /** {@code task} is about to be started by {@link TaskBuilder#start}. */
    abstract void starting(Task<?> task);

    /** Called on a task's own thread as its body ends. */
    abstract void bodyFinished(Task<?> task);

    abstract TaskState stateOf(Task<?> task);

    abstract long nanosInState(Task<?> task);

    abstract void priorityChanged(Task<?> task);

    /** Runs a new task of the current task's loop at once, depth first (see {@link Scheduling#createTaskDescend}). */
    abstract void descend(Task<?> current, Task<?> child);

    abstract void yieldToPosition(Task<?> current, int position);

    abstract void switchTo(Task<?> current, Task<?> target, int insertPosition);

    abstract void queueInsertPosition(Task<?> task, int position);

    /** A task made with {@link TaskBuilder#unstarted}: remembered (weakly) until it starts. */
    void madeUnstarted(Task<?> task) {
        task.remembered = true;
        unstarted.add(task);
    }

    /** An unstarted task has started, or was settled. */
    void startedOrSettled(Task<?> task) {
        if (task.remembered) { // not the synchronized set's isEmpty(): this runs at every task's start
            unstarted.remove(task);
        }
    }

    // ---- introspection --------------------------------------------------------------------------

    abstract List<Task<?>> tasks(Predicate<Task<?>> filter);

    abstract List<Task<?>> runnableTasks();

    abstract int queueLength();

    abstract LoopStatistics statistics();

    // ---- callbacks ------------------------------------------------------------------------------

    abstract void callSoon(Handle handle);

    abstract void callAtPosition(int position, Handle handle);

    /** A {@code callLater} callback is due: queued, or cancelled if the loop has terminated. */
    abstract void callbackDue(Handle handle);

    abstract void unqueue(Handle handle);

    // ---- lifecycle ------------------------------------------------------------------------------

    /** Terminates the loop if it is shut down and nothing is left to wait for. */
    abstract void tryTerminate();

    /** Every live task, for cancellation. */
    List<Task<?>> liveTasks() {
        return tasks(t -> true);
    }

    /** Stops the loop's threads once it has terminated; waits for them until {@code deadline}. */
    abstract void joinThreads(long deadline);

    /** Called once, by whoever terminated the loop: cancels what can never run now. */
    void terminated() {
        timers.cancelPending();
    }

    void shutdown() {
        lifecycle.shutdown();
        tryTerminate();
    }

    /**
     * The close sequence: shut down, wait {@code shutdownTimeout}, cancel what is left, wait
     * {@code cancelTimeout}, abandon what ignored it, then join the loop's threads within one more cancel
     * timeout (at least 1 s, at most 10 s) and settle tasks made but never started.
     */
    void close() {
        boolean interrupted = false;
        try {
            shutdown();
            if (!lifecycle.awaitTermination(config.shutdownNanos())) {
                cancelAll(null);
                if (!lifecycle.awaitTermination(config.cancelNanos())) {
                    abandonRemainingTasks();
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            cancelAll(null);
            abandonRemainingTasks();
        }
        joinThreads(System.nanoTime() + Math.clamp(config.cancelNanos(), MIN_JOIN_NANOS, MAX_JOIN_NANOS));
        settleUnstartedTasks();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Shuts down and cancels (interrupts) every live task but {@code survivor}. */
    void cancelAll(Task<?> survivor) {
        shutdown();
        for (Task<?> task : liveTasks()) {
            if (task != survivor) {
                task.cancel(true);
            }
        }
    }

    private void abandonRemainingTasks() {
        List<Task<?>> stuck = liveTasks();
        forceTermination();
        if (!stuck.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "asynkit loop ''{0}'' closed with {1} task(s) that ignored cancellation "
                    + "and were abandoned: {2}", name(), stuck.size(), stuck);
        }
    }

    /** Terminates a shut-down loop whatever is still live (close gave up on it). */
    void forceTermination() {
        if (lifecycle.terminate()) {
            terminated();
        }
    }

    /**
     * Tasks made with {@link TaskBuilder#unstarted} that were never driven will never run once the loop has
     * terminated: closing cancels them, so that nobody waits for them forever. (Until then a drive of one is
     * refused with a {@link RejectedExecutionException}, which settles it too.)
     */
    private void settleUnstartedTasks() {
        if (!lifecycle.isTerminated()) {
            return;
        }
        List<Task<?>> never;
        synchronized (unstarted) {
            never = new ArrayList<>(unstarted);
            unstarted.clear();
        }
        for (Task<?> task : never) {
            if (task.settleBeforeStart()) {
                task.startRefused(new CancellationException("loop '" + name() + "' terminated before task "
                        + task.name() + " was started"));
            }
        }
    }

    /** A task whose first start was refused never runs: it is DONE, with {@code refusal} as its outcome. */
    void neverStarted(Task<?> task, Throwable refusal) {
        startedOrSettled(task);
        task.settleBeforeStart();
        task.startRefused(refusal);
    }

    // ---- shared checks and reports --------------------------------------------------------------

    void requireOwn(Task<?> task) {
        if (task.engine() != this) {
            throw new IllegalArgumentException("task " + task.name() + " belongs to loop '" + task.loop().name()
                    + "', not to loop '" + name() + "'");
        }
    }

    void reportUncaught(Object source, Throwable failure) {
        try {
            config.exceptionHandler().uncaughtException(loop, source, failure);
        } catch (Throwable handlerFailure) {
            handlerFailure.addSuppressed(failure);
            LOG.log(System.Logger.Level.ERROR, "asynkit loop '" + name() + "': the exception handler failed while "
                    + "handling an exception from " + source, handlerFailure);
        }
    }

    static void checkPosition(int position, int max) {
        if (position < 0 || position > max) {
            throw new IndexOutOfBoundsException("position " + position + " is outside the ready queue (valid: 0.."
                    + max + ")");
        }
    }

    static void joinQuietly(Thread thread, long deadline) {
        if (thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static System.Logger log() {
        return LOG;
    }
}
