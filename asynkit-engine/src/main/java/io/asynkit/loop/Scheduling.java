package io.asynkit.loop;

import io.asynkit.internal.Throwables;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Scheduling helpers for code running inside a task: the Python library's {@code sleep_insert},
 * {@code task_reinsert}, {@code task_switch}, {@code create_task_descend} and friends.
 *
 * <pre>{@code
 * import static io.asynkit.loop.Scheduling.*;
 *
 * Task<?> child = createTaskDescend(() -> fetch(url)); // child runs now; we resume when it first parks
 * sleepInsert(1);                                       // let exactly one other entry run, then resume
 * taskSwitch(worker, 1);                                // run worker next, and us right after it
 * }</pre>
 *
 * <p>Positions count entries of the ready queue (tasks and callbacks) in the order they will run:
 * position 0 is the head. Every method that reads or changes the ready queue needs a loop that
 * schedules its own tasks (see {@link MissingHookPolicy}); the current task's loop is used. On a
 * loop with several carriers, other carriers keep taking entries from the queue while these helpers
 * work, so positions are exact only on a single-carrier loop.
 */
public final class Scheduling {

    private Scheduling() {
    }

    /**
     * Suspends the current task so that it resumes after exactly {@code position} ready-queue entries
     * have run ({@code 0}: before everything queued, {@code queueLength()}: after all of it). About a place
     * in the queue, not a time: nothing sleeps. The Python library's {@code sleep_insert} ({@link #sleepInsert}).
     *
     * <pre>{@code
     * Scheduling.yieldToPosition(1); // let exactly one queued entry run first, then continue
     * }</pre>
     *
     * @throws IllegalStateException     outside a task
     * @throws IndexOutOfBoundsException if {@code position} is negative or beyond the queue's length
     */
    public static void yieldToPosition(int position) {
        Task<?> current = Task.current();
        current.loop().engine().yieldToPosition(current, position);
    }

    /** The Python library's name for {@link #yieldToPosition}: the same call. */
    public static void sleepInsert(int position) {
        yieldToPosition(position);
    }

    /**
     * Moves a runnable task so that exactly {@code position} entries run before it.
     *
     * @throws IllegalStateException     if {@code task} is not in the ready queue (running, blocked, done)
     * @throws IndexOutOfBoundsException if {@code position} is not in {@code 0..queueLength()-1}
     */
    public static void taskReinsert(Task<?> task, int position) {
        Objects.requireNonNull(task, "task");
        task.loop().queueInsertPosition(task, position);
    }

    /**
     * Switches to a runnable task at once: {@code target} moves to the head of the ready queue and the
     * current task yields, re-entering the queue in its normal (priority) place.
     *
     * @throws IllegalStateException    outside a task, or if {@code target} is not runnable
     * @throws IllegalArgumentException if {@code target} is the current task or belongs to another loop
     */
    public static void taskSwitch(Task<?> target) {
        switchTo(target, -1);
    }

    /**
     * Switches to {@code target} and puts the current task at {@code insertPosition} in the queue as it
     * stands with the target at its head: {@code 1} runs the current task right after the target,
     * {@code 0} right before it.
     *
     * @throws IndexOutOfBoundsException if {@code insertPosition} is negative or beyond the queue
     */
    public static void taskSwitch(Task<?> target, int insertPosition) {
        if (insertPosition < 0) {
            throw new IndexOutOfBoundsException("insertPosition must not be negative, but was " + insertPosition);
        }
        switchTo(target, insertPosition);
    }

    private static void switchTo(Task<?> target, int insertPosition) {
        Objects.requireNonNull(target, "target");
        Task<?> current = Task.current();
        current.loop().engine().switchTo(current, target, insertPosition);
    }

    /**
     * Creates a task and runs it at once, depth first: the caller resumes right after the new task
     * first parks (or ends). Unlike eager execution a task is always created.
     *
     * @throws IllegalStateException outside a task
     */
    public static <T> Task<T> createTaskDescend(Callable<T> body) {
        Objects.requireNonNull(body, "body");
        Task<?> current = Task.current();
        Task<T> task = current.loop().submit(body);
        descendInto(current, task);
        return task;
    }

    /**
     * Like {@link #createTaskDescend(Callable)} with the new task's options given by a builder of the current loop.
     *
     * @throws IllegalArgumentException if {@code options} is a builder of another loop (no task is created then)
     */
    public static <T> Task<T> createTaskDescend(TaskBuilder options, Callable<T> body) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(body, "body");
        Task<?> current = Task.current();
        if (options.loop() != current.loop()) { // before starting it: a refused call must not leave a task running
            throw new IllegalArgumentException("createTaskDescend needs a task builder of the current loop '"
                    + current.loop().name() + "', not of loop '" + options.loop().name() + "': the new task must run "
                    + "on the caller's loop to descend into it; use Loop.current().newTask()");
        }
        Task<T> task = options.start(body);
        descendInto(current, task);
        return task;
    }

    private static void descendInto(Task<?> current, Task<?> task) {
        if (!current.loop().isEagerTasks()) { // an eager-tasks loop has descended already
            current.loop().descend(current, task);
        }
    }

    /** True if {@code task} is parked, waiting for something, and not in the ready queue. */
    public static boolean taskIsBlocked(Task<?> task) {
        return Objects.requireNonNull(task, "task").taskState() == TaskState.BLOCKED;
    }

    /**
     * True if {@code task} is in the ready queue or running (as in the Python library, the current
     * task counts as runnable).
     */
    public static boolean taskIsRunnable(Task<?> task) {
        TaskState state = Objects.requireNonNull(task, "task").taskState();
        return state == TaskState.RUNNABLE || state == TaskState.RUNNING;
    }

    /**
     * Lets every entry already in the ready queue (at the current task's priority or better) run before
     * the current task continues. Outside a task it is {@link Thread#yield()}.
     */
    public static void yieldNow() {
        Thread.yield();
        raiseThrownInto();
    }

    /**
     * Suspends the current task (or thread) for {@code duration}.
     *
     * @throws InterruptedException if the task is cancelled or interrupted while sleeping
     */
    public static void sleep(Duration duration) throws InterruptedException {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, but was " + duration);
        }
        if (duration.isZero()) {
            yieldNow();
            return;
        }
        raiseThrownInto();
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            throw rethrowThrownInto(e);
        }
    }

    /**
     * Waits for {@code future} and returns its value; inside a task this parks the task, not a thread.
     * Failures are thrown as {@link CompletionException} with the original cause, as
     * {@link java.util.concurrent.CompletableFuture#join()} does.
     *
     * @throws CancellationException if the future was cancelled
     * @throws InterruptedException  if the waiting task is cancelled or interrupted
     */
    public static <T> T await(Future<T> future) throws InterruptedException {
        Objects.requireNonNull(future, "future");
        boolean blocks = !future.isDone(); // no blocking point otherwise: nothing thrown into the task is raised
        if (blocks) {
            raiseThrownInto();
        }
        try {
            T value = future.get();
            if (blocks) {
                // Thrown into the task after the future completed but before the task ran on: the task was still
                // at its blocking point, so the exception wins over the outcome, as taskInterrupt promises.
                raiseThrownInto();
            }
            return value;
        } catch (ExecutionException e) {
            if (blocks) {
                raiseThrownInto();
            }
            throw new CompletionException(e.getCause());
        } catch (InterruptedException e) {
            throw rethrowThrownInto(e);
        }
    }

    /** Raises an exception thrown into the current task that is still pending, on entering a blocking point. */
    private static void raiseThrownInto() {
        Throwable thrown = Task.takeThrownException();
        if (thrown != null) {
            throw Throwables.unchecked(thrown);
        }
    }

    /** If an exception was thrown into the current task ({@link Task#throwInto}), throws it; else returns {@code e}. */
    private static InterruptedException rethrowThrownInto(InterruptedException e) {
        Throwable thrown = Task.takeThrownException();
        if (thrown == null) {
            return e;
        }
        thrown.addSuppressed(e);
        if (thrown instanceof InterruptedException interrupted) {
            return interrupted;
        }
        throw Throwables.unchecked(thrown);
    }

}
