package io.asynkit.priority;

import io.asynkit.internal.Throwables;
import io.asynkit.loop.Task;

import java.util.Comparator;
import java.util.Date;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * A {@link Condition} whose signals wake waiters by effective priority (lower first; FIFO among equals),
 * taken when they began waiting: the condition of a {@link PriorityLock} ({@link PriorityLock#newCondition()}),
 * or one over any other {@link Lock} ({@link #of(Lock)}), as the Python library's
 * {@code PriorityCondition(asyncio.Lock())}.
 *
 * <pre>{@code
 * PriorityLock lock = new PriorityLock("queue");
 * PriorityCondition notEmpty = lock.newCondition();      // or PriorityCondition.of(new ReentrantLock())
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
 * <p><b>Over other locks.</b> Over a {@link ReentrantLock} (or a {@link ReentrantReadWriteLock}'s write
 * lock) every hold is released and restored, and ownership is checked as for a {@code PriorityLock}. Over
 * any other {@code Lock} the condition cannot see who holds it: a wait releases one hold with
 * {@code unlock()} and takes it back with {@code lock()}, and calls without holding the lock are the
 * caller's error, not detected. Only a {@code PriorityLock} lends its owner the waiters' priority.
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

    private final Lock lock;
    private final Holds holds;
    private final TreeSet<Waiter> waiters = new TreeSet<>(ORDER); // guarded by the graph lock

    private PriorityCondition(Lock lock, Holds holds) {
        this.lock = lock;
        this.holds = holds;
    }

    /** The condition of a {@link PriorityLock}: see {@link PriorityLock#newCondition()}. */
    PriorityCondition(PriorityLock lock) {
        this(lock, new PriorityLockHolds(lock));
    }

    /**
     * A priority condition over {@code lock}: {@link PriorityLock#newCondition()} for a priority lock, and
     * otherwise a condition that releases and retakes {@code lock} itself (see the class comment).
     *
     * <pre>{@code
     * ReentrantLock lock = new ReentrantLock();
     * Condition ready = PriorityCondition.of(lock); // HIGH waiters are signalled first
     * }</pre>
     */
    public static PriorityCondition of(Lock lock) {
        Objects.requireNonNull(lock, "lock");
        return switch (lock) {
            case PriorityLock priorityLock -> priorityLock.newCondition();
            case ReentrantLock reentrant -> new PriorityCondition(lock, new CountedHolds(lock,
                    reentrant::isHeldByCurrentThread, reentrant::getHoldCount));
            case ReentrantReadWriteLock.WriteLock write -> new PriorityCondition(lock, new CountedHolds(lock,
                    write::isHeldByCurrentThread, write::getHoldCount));
            default -> new PriorityCondition(lock, new SingleHold(lock));
        };
    }

    /** The lock this condition belongs to. */
    public Lock lock() {
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

    /**
     * As {@link Condition#awaitNanos}: a timeout of zero or less waits for nothing but the lock; one too long
     * to add to the clock waits as long as it takes.
     */
    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.clamp(nanosTimeout, 0, Long.MAX_VALUE / 2); // compared by difference
        await(true, true, deadline);
        return deadline - System.nanoTime();
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return awaitNanos(unit.toNanos(time)) > 0;
    }

    /** As {@link Condition#awaitUntil}: a deadline that has passed (however far) waits for nothing but the lock. */
    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        Objects.requireNonNull(deadline, "deadline");
        long millis;
        try {
            millis = Math.subtractExact(deadline.getTime(), System.currentTimeMillis());
        } catch (ArithmeticException overflow) {
            millis = deadline.getTime() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return awaitNanos(TimeUnit.MILLISECONDS.toNanos(millis)) > 0;
    }

    /** Wakes the best waiter, if any. */
    @Override
    public void signal() {
        holds.check("signal a condition of");
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
        holds.check("signal a condition of");
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
        holds.check("inspect a condition of");
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
        Task<?> task = Task.currentOrNull();
        holds.check("wait on a condition of");
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException("interrupted before waiting on a condition of " + lock);
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
        int saved = holds.releaseAll();
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
            Throwable duringReacquire = holds.restore(saved);
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
            throw new InterruptedException("interrupted while waiting on a condition of " + lock);
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

    /** How a condition checks, releases and retakes the holds of its lock. */
    private interface Holds {
        /** @throws IllegalMonitorStateException if the caller does not hold the lock (where that can be known) */
        void check(String action);

        /** Releases every hold of the caller; returns what {@link #restore} needs. */
        int releaseAll();

        /**
         * Takes the lock back with {@code saved} holds, whatever happens meanwhile; returns an exception thrown
         * into the task while it waited for the lock, for the condition to raise, or null.
         */
        Throwable restore(int saved);
    }

    /**
     * A {@link PriorityLock}: its own release and reacquisition, priority inheritance included. (Classes, not
     * records: Lincheck's model checker cannot instrument record fields.)
     */
    private static final class PriorityLockHolds implements Holds {
        private final PriorityLock lock;

        PriorityLockHolds(PriorityLock lock) {
            this.lock = lock;
        }

        @Override
        public void check(String action) {
            lock.checkOwner(PriorityLock.self(), action);
        }

        @Override
        public int releaseAll() {
            return lock.releaseFully(PriorityLock.self(), "wait on a condition of");
        }

        @Override
        public Throwable restore(int saved) {
            return lock.reacquire(PriorityLock.self(), saved);
        }
    }

    /** A lock that tells its owner and hold count, such as {@link ReentrantLock}. */
    private static final class CountedHolds implements Holds {
        private final Lock lock;
        private final BooleanSupplier heldByCaller;
        private final IntSupplier holdCount;

        CountedHolds(Lock lock, BooleanSupplier heldByCaller, IntSupplier holdCount) {
            this.lock = lock;
            this.heldByCaller = heldByCaller;
            this.holdCount = holdCount;
        }

        @Override
        public void check(String action) {
            if (!heldByCaller.getAsBoolean()) {
                throw new IllegalMonitorStateException("cannot " + action + " " + lock + ": the caller, "
                        + Thread.currentThread() + ", does not hold it");
            }
        }

        @Override
        public int releaseAll() {
            int saved = holdCount.getAsInt();
            for (int i = 0; i < saved; i++) {
                lock.unlock();
            }
            return saved;
        }

        @Override
        public Throwable restore(int saved) {
            for (int i = 0; i < saved; i++) {
                lock.lock();
            }
            return Task.takeThrownException(); // lock() does not raise it: the condition does
        }
    }

    /** Any other lock: one hold, released and taken back; who holds it cannot be checked. */
    private static final class SingleHold implements Holds {
        private final Lock lock;

        SingleHold(Lock lock) {
            this.lock = lock;
        }

        @Override
        public void check(String action) {
        }

        @Override
        public int releaseAll() {
            lock.unlock();
            return 1;
        }

        @Override
        public Throwable restore(int saved) {
            lock.lock();
            return Task.takeThrownException();
        }
    }
}
