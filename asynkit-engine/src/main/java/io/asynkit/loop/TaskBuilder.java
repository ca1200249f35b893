package io.asynkit.loop;

import io.asynkit.priority.Priority;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

/**
 * Options for a new task; obtained from {@link Loop#newTask()}.
 *
 * <pre>{@code
 * Task<Integer> answer = loop.newTask().name("answer").priority(Priority.HIGH).start(() -> 42);
 * }</pre>
 *
 * <p>Unless set, the name is {@code "task-<id>"} and the priority is inherited from the creating
 * task (or {@link Priority#NORMAL} when created outside any task).
 */
public final class TaskBuilder {

    private final Loop loop;
    private String name;
    private double priority = Double.NaN; // NaN: inherit
    private ScopedValueBindings scopedValues;

    TaskBuilder(Loop loop) {
        this.loop = loop;
    }

    /** Names the task (and its virtual thread, as seen in thread dumps). */
    public TaskBuilder name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Sets the task's priority; lower runs first.
     *
     * @throws IllegalArgumentException for NaN or an infinite value
     */
    public TaskBuilder priority(double priority) {
        this.priority = Priority.check(priority);
        return this;
    }

    /**
     * Gives the task these {@link ScopedValue} bindings (for example {@link ScopedValueBindings#capture()}
     * to inherit the creating thread's).
     */
    public TaskBuilder scopedValues(ScopedValueBindings bindings) {
        this.scopedValues = Objects.requireNonNull(bindings, "bindings");
        return this;
    }

    /**
     * Creates the task and makes it runnable.
     *
     * @throws RejectedExecutionException if the loop is shut down
     */
    public <T> Task<T> start(Callable<T> body) {
        Objects.requireNonNull(body, "body");
        Task.rejectInsideSynchronous("create a task");
        return loop.startTask(name, resolvedPriority(), scopedValues, body, false);
    }

    /**
     * Starts a fire-and-forget task for {@code body}, as {@link Loop#execute} does, with this builder's
     * options: nobody holds its future, so a failure goes to the loop's
     * {@link Loop.ExceptionHandler} (and still completes the returned task exceptionally).
     *
     * @throws RejectedExecutionException if the loop is shut down
     */
    public Task<Void> execute(Runnable body) {
        Objects.requireNonNull(body, "body");
        Task.rejectInsideSynchronous("create a task");
        return loop.startTask(name, resolvedPriority(), scopedValues, () -> {
            body.run();
            return null;
        }, true);
    }

    /** Creates a task for {@code body} and makes it runnable; its result is {@code null}. */
    public Task<Void> start(Runnable body) {
        Objects.requireNonNull(body, "body");
        return start(() -> {
            body.run();
            return null;
        });
    }

    /**
     * Creates the task without starting it: for {@link Drive#of(Task)}, which starts it on the
     * caller's behalf. A task that is never driven never runs.
     */
    public <T> Task<T> unstarted(Callable<T> body) {
        Objects.requireNonNull(body, "body");
        return loop.newTask(name, resolvedPriority(), scopedValues, body, true);
    }

    /** {@link #unstarted}, for a drive that starts it at once: not remembered for {@code close()} to settle. */
    <T> Task<T> unstartedForDrive(Callable<T> body) {
        Objects.requireNonNull(body, "body");
        return loop.newTask(name, resolvedPriority(), scopedValues, body, false);
    }

    /** The loop the task will run on. */
    Loop loop() {
        return loop;
    }

    private double resolvedPriority() {
        if (!Double.isNaN(priority)) {
            return priority;
        }
        Task<?> creator = Task.currentOrNull();
        return creator != null ? creator.priority() : Priority.NORMAL;
    }
}
