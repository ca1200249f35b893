package io.asynkit.loop;

/**
 * Positional scheduling on a loop with the scheduler hook: {@code sleepInsert}, {@code taskSwitch},
 * {@code createTaskDescend} and {@code taskReinsert}. A task that asks to be queued at a position records it
 * and yields; the JDK hands its continuation back and the queue it goes to honours the position. Positions
 * address the queue of the caller's carrier (the injection queue when the caller is not on one), or the queue
 * the moved task waits in: entries placed so never move to another carrier.
 */
final class Positional {

    private final Scheduler scheduler;

    Positional(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** The queue a positional operation of the current task addresses: its carrier's, else the injection queue. */
    private RunQueue positionalQueue(Task<?> current) {
        Carrier on = current.runningOn;
        return on != null && on.queue != null ? on.queue : scheduler.injection;
    }

    void yieldToPosition(Task<?> current, int position) {
        RunQueue q = positionalQueue(current);
        q.lock();
        try {
            Engine.checkPosition(position, q.ready.size());
            current.insertPosition = position;
        } finally {
            q.unlock();
        }
        yieldCurrent(current);
    }

    void switchTo(Task<?> current, Task<?> target, int insertPosition) {
        scheduler.requireOwn(target);
        if (target == current) {
            throw new IllegalArgumentException("task " + current.name() + " cannot switch to itself");
        }
        RunQueue own = positionalQueue(current);
        RunQueue held = queueHolding(target);
        if (held == null || !held.takeOut(target)) {
            throw notRunnable(target, "switch to");
        }
        own.lock(); // the target moves to the head of the caller's queue (on one carrier: the same queue)
        try {
            own.insert(0, target);
            if (insertPosition >= 0) {
                Engine.checkPosition(insertPosition, own.ready.size());
            }
            current.insertPosition = insertPosition;
        } finally {
            own.unlock();
        }
        yieldCurrent(current);
    }

    /**
     * The queue {@code task} waits in, or null; a task pushed from outside the loop and still in the injection
     * inbox is moved into the injection queue first, so that it can be placed like any other.
     */
    private RunQueue queueHolding(Task<?> task) {
        RunQueue q = task.queuedIn;
        if (q != null || Task.stateOf(task.sched()) != Task.RUNNABLE || scheduler.injection.inbox.isEmpty()) {
            return q;
        }
        Deferred deferred = new Deferred();
        scheduler.injection.lock();
        try {
            scheduler.dispatch.drain(scheduler.injection, System.nanoTime(), deferred);
        } finally {
            scheduler.injection.unlock();
        }
        scheduler.wakeIfDrained();
        deferred.run();
        return task.queuedIn;
    }

    private static void yieldCurrent(Task<?> current) {
        try {
            Thread.yield();
        } finally {
            current.insertPosition = -1; // only still set if the yield did not unmount (a pinned task)
        }
    }

    void descend(Task<?> current, Task<?> child) {
        try {
            switchTo(current, child, 1);
        } catch (IllegalStateException alreadyTaken) { // another carrier took it first: nothing to switch to
            if (child.taskState() == TaskState.RUNNABLE) {
                throw alreadyTaken;
            }
        }
    }

    void queueInsertPosition(Task<?> task, int position) {
        scheduler.requireOwn(task);
        RunQueue q = queueHolding(task);
        if (q == null) {
            throw notRunnable(task, "reinsert");
        }
        q.lock();
        try {
            if (task.queuedIn != q) {
                throw notRunnable(task, "reinsert");
            }
            Engine.checkPosition(position, q.ready.size() - 1);
            q.remove(task);
            q.insert(position, task);
        } finally {
            q.unlock();
        }
    }

    private static IllegalStateException notRunnable(Task<?> task, String action) {
        return new IllegalStateException("cannot " + action + " task " + task.name() + ": it is not in the ready "
                + "queue (state " + task.taskState() + "); only RUNNABLE tasks can be moved");
    }
}
