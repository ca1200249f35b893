package io.asynkit.priority;

import io.asynkit.loop.Task;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A task or platform thread as the inheritance graph sees it: while it waits for a
 * {@link PriorityLock}, or owns priority locks that have waiters. Every field is guarded by
 * {@link InheritanceGraph#LOCK}.
 */
final class Party {

    /** Waiter order: effective priority when queued (lower first), then arrival (FIFO among equals). */
    static final Comparator<Party> WAITER_ORDER = Comparator.<Party>comparingDouble(p -> p.key)
            .thenComparingLong(p -> p.sequence);

    /** The {@link Task}, or the platform {@link Thread}: what a lock records as its owner. */
    final Object identity;
    final Task<?> task;
    /** The waiting thread, to unpark; null unless waiting. */
    Thread thread;
    /** The lock it waits for, or null. */
    PriorityLock waitingOn;
    /** Owned locks that have waiters: what it inherits from. */
    final List<PriorityLock> held = new ArrayList<>(2);
    /** The best effective priority among the waiters of {@link #held}; +infinity when none. */
    double inherited = Double.POSITIVE_INFINITY;
    /** Its key in {@link #waitingOn}'s waiter set, and its arrival there. */
    double key;
    long sequence;

    Party(Object identity) {
        this.identity = identity;
        this.task = identity instanceof Task<?> t ? t : null;
    }

    /** Its own priority: a task's, or {@link Priority#NORMAL} for a platform thread. */
    double ownPriority() {
        return ownPriorityOf(identity);
    }

    /** The own priority of an owner identity (a Task or a Thread), with or without a party. */
    static double ownPriorityOf(Object identity) {
        return identity instanceof Task<?> t ? t.priority() : Priority.NORMAL;
    }

    double effectivePriority() {
        return Math.min(ownPriority(), inherited);
    }

    boolean isIdle() {
        return waitingOn == null && held.isEmpty();
    }
}
