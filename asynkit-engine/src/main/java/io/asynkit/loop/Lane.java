package io.asynkit.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a task's continuations go while it is bound to a caller instead of its loop's queues: the platform
 * thread that carries it inline while it drives it ({@code asynkit.inlineCarrier}), or a holding pen that
 * keeps a task a synchronous drive is about to abort until the next drive takes it.
 *
 * <p>A task is bound by the {@link Task#LANE} bit of its scheduling word together with its {@code lane}
 * field. A push that finds the bit set posts the task here ({@link #post}) under this lane's own lock; a
 * release clears the binding under the same lock ({@link #release}), so a continuation is posted to a lane
 * that is still its own or goes to a queue, never lost in between.
 *
 * <p>Lock order: a queue's lock, then a {@link Drive}'s, then a lane's; a lane's lock is never held while
 * another lock is taken, except the next lane's in {@link #handOver}.
 */
final class Lane {

    /** The carrying platform thread; null for a holding pen, which runs nothing. */
    final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentLinkedDeque<Task<?>> posted = new ConcurrentLinkedDeque<>();
    /** Tasks carried by an inline session (bound while it lasts): released when the session ends. */
    private final ConcurrentLinkedDeque<Task<?>> carried = new ConcurrentLinkedDeque<>();

    private Lane(Thread thread) {
        this.thread = thread;
    }

    /** A lane carried by the calling platform thread. */
    static Lane inline() {
        return new Lane(Thread.currentThread());
    }

    /** A lane that holds continuations until the next drive. */
    static Lane holdingPen() {
        return new Lane(null);
    }

    /**
     * Posts {@code task}, whose word was just made RUNNABLE with the lane bit, if it is still bound here;
     * returns false if a release came first (the caller then queues it as any other task).
     */
    boolean post(Task<?> task, boolean atFront) {
        lock.lock();
        try {
            if (task.lane != this) {
                return false;
            }
            if (atFront) {
                posted.addFirst(task);
            } else {
                posted.addLast(task);
            }
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** The next posted task, for the carrying thread to run. */
    Task<?> poll() {
        return posted.pollFirst();
    }

    /** Binds {@code task} to this lane; an inline session remembers it to release it at its end. */
    void bind(Task<?> task, boolean carriedBySession) {
        lock.lock();
        try {
            task.lane = this;
            long w;
            do {
                w = task.sched();
            } while (!task.casSched(w, w | Task.LANE));
            if (carriedBySession) {
                carried.add(task);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unbinds {@code task} if it is bound here: clears the lane bit, and returns true if its continuation had
     * been posted here (the caller then queues it: it is RUNNABLE).
     */
    boolean release(Task<?> task) {
        lock.lock();
        try {
            carried.remove(task);
            if (task.lane != this) {
                return false;
            }
            long w;
            do {
                w = task.sched();
            } while (!task.casSched(w, w & ~Task.LANE));
            task.lane = null;
            return posted.remove(task);
        } finally {
            lock.unlock();
        }
    }

    /** Moves a task bound here to {@code next} (the next drive's lane); returns true if it was posted here. */
    boolean handOver(Task<?> task, Lane next, boolean carriedBySession) {
        lock.lock();
        try {
            boolean wasPosted = posted.remove(task);
            next.bindFrom(task, carriedBySession);
            return wasPosted;
        } finally {
            lock.unlock();
        }
    }

    private void bindFrom(Task<?> task, boolean carriedBySession) {
        lock.lock();
        try {
            task.lane = this; // the lane bit stays set
            if (carriedBySession) {
                carried.add(task);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forgets that the session carries {@code task}: it stays bound here, for the next drive to take. */
    void uncarry(Task<?> task) {
        lock.lock();
        try {
            carried.remove(task);
        } finally {
            lock.unlock();
        }
    }

    /** The tasks an inline session still carries. */
    List<Task<?>> carried() {
        return new ArrayList<>(carried);
    }
}
