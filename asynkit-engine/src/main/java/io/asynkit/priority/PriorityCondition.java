package io.asynkit.priority;

import io.asynkit.internal.Throwables;
import io.asynkit.loop.Task;

import java.util.Comparator;
import java.util.Date;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@link Condition} of a {@link PriorityLock} ({@link PriorityLock#newCondition()}): signals wake
 * waiters by effective priority (lower first; FIFO among equals), taken when they began waiting.
 *
 * <pre>{@code
 * PriorityLock lock = new PriorityLock("queue");
 * PriorityCondition notEmpty = lock.newCondition();
 *
 * lock.lock();
 * try {
 *     while (items.isEmpty()) {
 *         notEmpty.await();            // a HIGH consumer is woken before a LOW one
 *     }
 *     return items.remove();
 * } finally {
 *     lock.unlock();
 * }
 * }</pre>
 *
 * <p>It behaves as the JDK's conditions do: every wait releases all holds of the lock and takes them
 * back before it returns <em>or throws</em>; an interrupt before a signal throws
 * {@link InterruptedException}, an interrupt after a signal returns normally with the interrupt
 * status set, so no signal is lost. Calling any method without holding the lock throws
 * {@link IllegalMonitorStateException}.
 *
 * <p><b>Interrupts.</b> An exception thrown into the waiting task ({@link Task#throwInto}, asynkit's
 * interrupts and timeouts) ends every kind of wait, {@link #awaitUninterruptibly()} included: the lock
 * is taken back first, then that very exception instance is thrown. If the waiter had already been
 * signalled, the signal is passed on to the next waiter, so it is not lost either. (This is what the
 * Python library's {@code InterruptCondition} adds to asyncio's condition.)
 */
public final class PriorityCondition implements Condition {

    /** One waiting task or thread. {@code signalled} is written under the graph lock only. */
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        final double key;
        final long sequence;
        /** Set (once, for good) before the waiter is unparked; the wait loop reads it without the graph lock. */
        volatile boolean signalled;

        Waiter(double key, long sequence) {
            this.key = key;
            this.sequence = sequence;
        }
    }

    private static final Comparator<Waiter> ORDER = Comparator.<Waiter>comparingDouble(w -> w.key)
            .thenComparingLong(w -> w.sequence);

    private final PriorityLock lock;
    private final TreeSet<Waiter> waiters = new TreeSet<>(ORDER); // guarded by the graph lock

    PriorityCondition(PriorityLock lock) {
        this.lock = lock;
    }

    /** The lock this condition belongs to. */
    public PriorityLock lock() {
        return lock;
    }

    @Override
    public void await() throws InterruptedException {
        await(true, false, 0);
    }

    @Override
    public void awaitUninterruptibly() {
        try {
            await(false, false, 0);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, nanosTimeout);
        await(true, true, deadline);
        return deadline - System.nanoTime();
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return awaitNanos(unit.toNanos(time)) > 0;
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        Objects.requireNonNull(deadline, "deadline");
        return awaitNanos(TimeUnit.MILLISECONDS.toNanos(deadline.getTime() - System.currentTimeMillis())) > 0;
    }

    /** Wakes the best waiter, if any. */
    @Override
    public void signal() {
        lock.checkOwner(PriorityLock.self(), "signal a condition of");
        InheritanceGraph.LOCK.lock();
        try {
            signalBest();
        } finally {
            InheritanceGraph.LOCK.unlock();
        }
    }

    /** Wakes every waiter; they take the lock in priority order. */
    @Override
    public void signalAll() {
        lock.checkOwner(PriorityLock.self(), "signal a condition of");
        InheritanceGraph.LOCK.lock();
        try {
            while (signalBest()) {
                // all of them
            }
        } finally {
            InheritanceGraph.LOCK.unlock();
        }
    }

    /** The number of tasks and threads waiting on this condition. */
    public int getWaitQueueLength() {
        lock.checkOwner(PriorityLock.self(), "inspect a condition of");
        InheritanceGraph.LOCK.lock();
        try {
            return waiters.size();
        } finally {
            InheritanceGraph.LOCK.unlock();
        }
    }

    private boolean signalBest() {
        Waiter best = waiters.pollFirst();
        if (best == null) {
            return false;
        }
        best.signalled = true;
        LockSupport.unpark(best.thread);
        return true;
    }

    private void await(boolean interruptible, boolean timed, long deadline) throws InterruptedException {
        Object me = PriorityLock.self();
        Task<?> task = me instanceof Task<?> t ? t : null;
        lock.checkOwner(me, "wait on a condition of");
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException("interrupted before waiting on a condition of " + lock.name());
        }
        Waiter waiter;
        InheritanceGraph.LOCK.lock();
        try {
            double key = task != null ? task.effectivePriority() : Priority.NORMAL;
            waiter = new Waiter(key, InheritanceGraph.nextArrival());
            waiters.add(waiter);
        } finally {
            InheritanceGraph.LOCK.unlock();
        }
        int holds = lock.releaseFully(me, "wait on a condition of");
        Throwable thrown = null;
        boolean interrupted = false;
        boolean throwInterrupted = false;
        try {
            for (;;) {
                if (task != null && (thrown = Task.takeThrownException()) != null) {
                    break; // checked first: an exception thrown after the signal still wins (see withdraw)
                }
                if (waiter.signalled) {
                    break; // read without the graph lock, as PriorityLock's waiters read owner; withdraw decides
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (interruptible) {
                        throwInterrupted = true;
                        break;
                    }
                    continue;
                }
                if (timed) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(this, remaining);
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            boolean signalled = withdraw(waiter, thrown != null);
            if (signalled && throwInterrupted) {
                throwInterrupted = false; // signalled first: return normally, the interrupt status set
            }
            Throwable duringReacquire = lock.reacquire(me, holds);
            if (duringReacquire != null && thrown == null) {
                thrown = duringReacquire;
                throwInterrupted = false;
                if (signalled) {
                    signal(); // the lock is held again: the unused signal goes to the next waiter
                }
            }
            if (interrupted && !throwInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (thrown != null) {
            throw Throwables.unchecked(thrown);
        }
        if (throwInterrupted) {
            throw new InterruptedException("interrupted while waiting on a condition of " + lock.name());
        }
    }

    /**
     * Leaves the waiters unless signalled already; returns whether it had been signalled. A signalled
     * waiter that is {@code leavingWithException} passes its signal on to the next waiter.
     */
    private boolean withdraw(Waiter waiter, boolean leavingWithException) {
        InheritanceGraph.LOCK.lock();
        try {
            if (!waiter.signalled) {
                waiters.remove(waiter);
            } else if (leavingWithException) {
                signalBest();
            }
            return waiter.signalled;
        } finally {
            InheritanceGraph.LOCK.unlock();
        }
    }
}
