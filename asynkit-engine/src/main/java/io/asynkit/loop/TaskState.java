package io.asynkit.loop;

/**
 * Where a task is in its life on a loop. The loop tracks these exactly, at every scheduling point:
 * at any moment every started task of a loop is in exactly one of {@link #RUNNABLE},
 * {@link #RUNNING} and {@link #BLOCKED} until it is {@link #DONE}, so
 * {@code allTasks() = runnableTasks() + runningTasks() + blockedTasks()}.
 */
public enum TaskState {
    /** Created, not yet started. */
    NEW,
    /** In the ready queue, waiting for a carrier. */
    RUNNABLE,
    /** Mounted on a carrier and executing. */
    RUNNING,
    /** Parked (waiting for a lock, a future, a timer, I/O...) and not in the ready queue. */
    BLOCKED,
    /** Its thread has ended. */
    DONE
}
