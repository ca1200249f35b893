package io.asynkit.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * A platform thread that carries tasks itself while it drives them: the caller of
 * {@code awaitSync}, of an eager call or of a generator's {@code next()} outside any loop. Tasks
 * whose {@link Task#carrier} is this object have their continuations posted here instead of to
 * their loop's ready queue, and the thread runs them inline: no thread hand-off at all.
 *
 * <p>One per drive session; a session ends when its drive's segment ends, and tasks still carried
 * are then released to their loops.
 */
final class InlineCarrier {

    final Thread thread; // null for a holding pen: continuations wait here until the next drive

    InlineCarrier() {
        this(Thread.currentThread());
    }

    private InlineCarrier(Thread thread) {
        this.thread = thread;
    }

    /** A carrier that runs nothing: it holds a task's continuation for the next drive. */
    static InlineCarrier holdingPen() {
        return new InlineCarrier(null);
    }
    private final ConcurrentLinkedDeque<Task<?>> posted = new ConcurrentLinkedDeque<>();
    /** Tasks carried by this session; guarded by their loop's lock. */
    final List<Task<?>> carried = new ArrayList<>(2);

    /** Called under the task's loop lock with the task's continuation just handed over by the JDK. */
    void post(Task<?> task, boolean atFront) {
        if (atFront) {
            posted.addFirst(task);
        } else {
            posted.addLast(task);
        }
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    Task<?> poll() {
        return posted.pollFirst();
    }

    /** Removes a posted task, if posted; called under the task's loop lock while releasing it. */
    boolean unpost(Task<?> task) {
        return posted.remove(task);
    }
}
