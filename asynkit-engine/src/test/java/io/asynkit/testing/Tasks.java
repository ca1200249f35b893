package io.asynkit.testing;

import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;

import java.util.concurrent.TimeUnit;

/** Waiting for tasks to reach a state, for tests. */
public final class Tasks {

    /** How long {@link #awaitBlocked} waits for each task before it fails. */
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private Tasks() {
    }

    /**
     * Waits until every one of {@code tasks} is {@link TaskState#BLOCKED} (parked outside the ready queue),
     * looking every millisecond; inside a task this parks the task, so a single-carrier loop runs the others
     * meanwhile.
     *
     * @throws AssertionError if a task is not BLOCKED within 10 s, naming the task and its state
     */
    public static void awaitBlocked(Task<?>... tasks) throws InterruptedException {
        for (Task<?> task : tasks) {
            long deadline = System.nanoTime() + WAIT_NANOS;
            TaskState state;
            while ((state = task.taskState()) != TaskState.BLOCKED) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("task " + task.name() + " did not become BLOCKED within 10 s: it is "
                            + state + " (" + task + ")");
                }
                Thread.sleep(1);
            }
        }
    }
}
