package io.asynkit.priority;

import io.asynkit.internal.Throwables;
import io.asynkit.loop.Task;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reentrant mutual-exclusion {@link Lock} that serves its waiters by priority and lends its owner
 * the priority of its best waiter (priority inheritance).
 *
 * <pre>{@code
 * PriorityLock lock = new PriorityLock("inventory");
 * lock.lock();
 * try {
 *     updateInventory();      // a HIGH task waiting for the lock makes this task run as HIGH meanwhile
 * } finally {
 *     lock.unlock();
 * }
 * }</pre>
 *
 * <p><b>Order.</b> Waiters are served by {@linkplain Task#effectivePriority() effective priority} (lower
 * first), FIFO among equals, and no one ever takes the lock ahead of a strictly better waiter. When the
 * lock is released and its best waiter is strictly better than the releasing task, the lock is handed
 * straight to that waiter. Otherwise the lock is set free and the best waiter woken, and until it runs, a
 * task of the same or better priority may take the lock first, as with a non-fair {@link ReentrantLock}:
 * a hand-off is owed only to a strictly better waiter, and among equals a task that releases and takes
 * the lock again in a loop keeps its carrier instead of switching at every turn. A waiter's place
 * follows its priority while it waits: {@link Task#setPriority} and inherited priority re-order it.
 * {@link #tryLock()} never takes the lock ahead of any waiter. Platform threads may use the lock too;
 * they count as {@link Priority#NORMAL}.
 *
 * <p><b>Inheritance.</b> The owner's effective priority is the best of its own and that of every task
 * waiting for any priority lock it holds, through chains of any length (the owner of lock A waits for
 * lock B: B's owner inherits from A's waiters too). A change anywhere on a chain re-keys the tasks
 * along it in their loops' ready queues and re-orders every lock's waiters on the way, and is undone as
 * soon as the waiter leaves or the lock is released: a partial release drops to the next best waiter.
 *
 * <p><b>Deadlock.</b> A blocking acquisition that would close a cycle of waits (A holds this lock and
 * waits for one that the caller holds) throws {@link DeadlockException} naming the cycle, instead of
 * hanging. Only waits on priority locks are seen.
 *
 * <p><b>Interrupts.</b> {@link #lockInterruptibly()} and {@link #tryLock(long, TimeUnit)} throw
 * {@link InterruptedException} when interrupted, as the {@link Lock} interface promises;
 * {@link #lock()} ignores {@link Thread#interrupt()} and keeps the interrupt status. An exception
 * thrown into the waiting task with {@link Task#throwInto} (or asynkit's interrupts and timeouts) is
 * raised by every acquisition method, {@code lock()} included: the waiter leaves the queue (passing on
 * the lock if it had just been handed it) and the exception propagates, the lock not held.
 *
 * <p>Memory effects are those of {@link ReentrantLock}: an unlock happens-before every subsequent
 * successful lock of the same lock.
 */
public final class PriorityLock implements Lock {

    private static final VarHandle OWNER;

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(PriorityLock.class, "owner", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private enum Mode { UNINTERRUPTIBLE, INTERRUPTIBLE, REACQUIRE }

    private final String name;
    /** The owning {@link Task}, or the platform {@link Thread}; null when free. */
    private volatile Object owner;
    /** Reentrant holds; read and written by the owner only (ownership changes publish it). */
    private int holds;
    /** True while the lock may have waiters: set before a waiter queues, cleared when none is left. */
    private volatile boolean contended;
    /** The best waiter's key, +infinity without waiters: who may take the free lock ahead of them. */
    private volatile double bestWaiting = Double.POSITIVE_INFINITY;
    /**
     * A waiter was woken to take the free lock and has not tried yet: a release need not wake it again. Read
     * without the graph lock by waiters, to know whether to try; written under it.
     */
    private volatile boolean wakePending;
    /** The waiter that {@link #wakePending} is about; guarded by {@link InheritanceGraph#LOCK}. */
    private Party woken;
    /** Guarded by {@link InheritanceGraph#LOCK}. */
    private final TreeSet<Party> waiters = new TreeSet<>(Party.WAITER_ORDER);

    /** A lock named after its identity hash. */
    public PriorityLock() {
        this(null);
    }

    /** A lock with a name, shown in messages, {@link #toString()} and deadlock reports. */
    public PriorityLock(String name) {
        this.name = name != null ? name : "PriorityLock@" + Integer.toHexString(System.identityHashCode(this));
    }

    // ---- Lock -----------------------------------------------------------------------------------

    /**
     * Acquires the lock, waiting as long as it takes; {@link Thread#interrupt()} does not end the wait.
     *
     * @throws DeadlockException if waiting would close a cycle of waits
     */
    @Override
    public void lock() {
        try {
            acquire(self(), Mode.UNINTERRUPTIBLE, false, 0);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Acquires the lock unless the caller is interrupted.
     *
     * @throws InterruptedException if interrupted before or while waiting
     * @throws DeadlockException    if waiting would close a cycle of waits
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before acquiring " + this);
        }
        acquire(self(), Mode.INTERRUPTIBLE, false, 0);
    }

    /** Acquires the lock if it is free and no one waits for it, or already held by the caller. */
    @Override
    public boolean tryLock() {
        Object me = self();
        if (owner == me) {
            addHold();
            return true;
        }
        if (owner == null && !contended && OWNER.compareAndSet(this, null, me)) {
            holds = 1;
            return true;
        }
        return false;
    }

    /**
     * Acquires the lock if it becomes available within the timeout.
     *
     * @return false if the time elapsed first
     * @throws InterruptedException if interrupted before or while waiting
     * @throws DeadlockException    if waiting would close a cycle of waits
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before acquiring " + this);
        }
        return acquire(self(), Mode.INTERRUPTIBLE, true, System.nanoTime() + unit.toNanos(Math.max(0, time)));
    }

    /**
     * Releases one hold; the last one hands the lock to the best waiter.
     *
     * @throws IllegalMonitorStateException if the caller does not hold the lock
     */
    @Override
    public void unlock() {
        Object me = self();
        checkOwner(me, "unlock");
        if (--holds == 0) {
            release(me);
        }
    }

    /**
     * A condition whose waiters are woken by priority (FIFO among equals); see {@link PriorityCondition}.
     */
    @Override
    public PriorityCondition newCondition() {
        return new PriorityCondition(this);
    }

    // ---- queries ---------------------------------------------------------------------------------

    /** True if the calling task (or thread) holds the lock. */
    public boolean isHeldByCurrentThread() {
        return owner == self();
    }

    /** The calling task's (or thread's) holds of the lock; 0 if it does not hold it. */
    public int getHoldCount() {
        return owner == self() ? holds : 0;
    }

    /** True if anyone holds the lock. */
    public boolean isLocked() {
        return owner != null;
    }

    /** The task holding the lock, if a task holds it. */
    public Optional<Task<?>> owner() {
        return owner instanceof Task<?> task ? Optional.of(task) : Optional.empty();
    }

    /** The number of tasks and threads waiting to acquire the lock. */
    public int getQueueLength() {
        InheritanceGraph.LOCK.lock();
        try {
            return waiters.size();
        } finally {
            InheritanceGraph.LOCK.unlock();
        }
    }

    /** The lock's name. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        Object o = owner;
        return "PriorityLock[" + name + (o == null ? " free" : " held by " + InheritanceGraph.describe(o)) + "]";
    }

    // ---- acquisition -----------------------------------------------------------------------------

    /** The identity that owns a lock: the current task, or the current platform thread. */
    static Object self() {
        Task<?> task = Task.currentOrNull();
        return task != null ? task : Thread.currentThread();
    }

    /**
     * Acquires for {@code me}; for {@link Mode#REACQUIRE} (a condition waiter taking its lock back) with
     * no hold added and no exception: the caller sets the holds.
     *
     * @return false only for a timed acquisition that timed out
     */
    boolean acquire(Object me, Mode mode, boolean timed, long deadline) throws InterruptedException {
        return acquire(me, mode, timed, deadline, null);
    }

    /** {@code deferred}, for REACQUIRE only: receives an exception thrown into the task meanwhile. */
    private boolean acquire(Object me, Mode mode, boolean timed, long deadline, Throwable[] deferred)
            throws InterruptedException {
        if (owner == me) {
            addHold();
            return true;
        }
        if (owner == null && (!contended || keyOf(me) <= bestWaiting) && OWNER.compareAndSet(this, null, me)) {
            holds = 1; // free, and no waiter strictly better: waiters lend to the owner when they are re-keyed
            return true;
        }
        Party party;
        InheritanceGraph.LOCK.lock();
        try {
            if (owner == null && (waiters.isEmpty() || keyOf(me) <= waiters.first().key)
                    && OWNER.compareAndSet(this, null, me)) {
                holds = 1;
                if (!waiters.isEmpty()) {
                    InheritanceGraph.propagateFrom(ownerParty()); // they lend it their priority from now on
                }
                return true;
            }
            if (timed && deadline - System.nanoTime() <= 0) {
                return false;
            }
            if (mode != Mode.REACQUIRE) {
                InheritanceGraph.refuseCycle(me, this);
            }
            party = InheritanceGraph.party(me);
            party.thread = Thread.currentThread();
            party.waitingOn = this;
            party.key = party.effectivePriority();
            party.sequence = InheritanceGraph.nextArrival();
            waiters.add(party);
            waitersChanged(); // contended, before the ownership check below: a releaser then sees it (see release)
            if (!handOffIfFree()) {
                InheritanceGraph.propagateFrom(ownerParty());
            }
        } finally {
            InheritanceGraph.LOCK.unlock();
        }
        return await(me, party, mode, timed, deadline, deferred);
    }

    /** Parks until the lock is handed to {@code me}, or the wait ends otherwise. */
    private boolean await(Object me, Party party, Mode mode, boolean timed, long deadline, Throwable[] deferred)
            throws InterruptedException {
        Task<?> task = party.task;
        boolean interrupted = false;
        try {
            for (;;) {
                if (task != null) { // before the ownership check: raised even if the lock was just handed over
                    Throwable thrown = Task.takeThrownException();
                    if (thrown != null && mode == Mode.REACQUIRE) {
                        deferred[0] = thrown; // raised by the condition once the lock is back
                    } else if (thrown != null) {
                        leave(me, party, true); // passes the lock on if it was handed to us
                        throw Throwables.unchecked(thrown);
                    }
                }
                if (owner == me) {
                    holds = 1;
                    return true;
                }
                if (wakePending && claim(me, party)) {
                    holds = 1;
                    return true;
                }
                if (Thread.interrupted()) {
                    if (mode == Mode.INTERRUPTIBLE && !leave(me, party, false)) {
                        throw new InterruptedException("interrupted while waiting for " + this);
                    }
                    interrupted = true;
                    continue; // UNINTERRUPTIBLE/REACQUIRE keep waiting; or the lock was handed over meanwhile
                }
                if (timed) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return leave(me, party, false);
                    }
                    LockSupport.parkNanos(this, remaining);
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops waiting. If the lock was handed to {@code me} meanwhile, it is kept (returns true), unless
     * {@code passOn}: then it goes to the next waiter.
     */
    private boolean leave(Object me, Party party, boolean passOn) {
        InheritanceGraph.LOCK.lock();
        try {
            if (owner == me) {
                if (!passOn) {
                    holds = 1;
                    return true;
                }
                holds = 0;
                releaseLocked(me);
                return false;
            }
            waiters.remove(party);
            waitersChanged();
            party.waitingOn = null;
            party.thread = null;
            if (woken == party) { // woken to take the free lock, it leaves instead: the next one must
                woken = null;
                wakePending = false;
            }
            Party ownerParty = InheritanceGraph.existing(owner);
            if (waiters.isEmpty() && ownerParty != null) {
                ownerParty.held.remove(this); // nothing left to lend
            }
            InheritanceGraph.forgetIfIdle(party);
            InheritanceGraph.propagateFrom(ownerParty); // the owner may inherit less now
            if (owner == null && !waiters.isEmpty()) {
                wakeBest();
            }
            return false;
        } finally {
            InheritanceGraph.LOCK.unlock();
        }
    }

    // ---- release ---------------------------------------------------------------------------------

    private void release(Object me) {
        OWNER.setVolatile(this, null);
        if (contended) { // read after the write above; a queuing waiter writes contended, then reads owner
            InheritanceGraph.LOCK.lock();
            try {
                releaseLocked(me);
            } finally {
                InheritanceGraph.LOCK.unlock();
            }
        }
    }

    /**
     * After {@code me} let go: stop lending it priority, and hand the lock to the best waiter if it is strictly
     * better than {@code me}; else free it and wake the best waiter. Under the graph lock.
     */
    private void releaseLocked(Object me) {
        if (owner == me) {
            OWNER.setVolatile(this, null);
        }
        // Without a party, the releaser neither inherits anything (a party that does outlives its locks'
        // waiters) nor has this lock registered: it barged in past equals, and there is nothing to undo.
        Party previous = InheritanceGraph.existing(me);
        if (previous != null) {
            previous.held.remove(this);
            InheritanceGraph.propagateFrom(previous); // drops to what its other locks' waiters lend it
        }
        if (owner != null || waiters.isEmpty()) {
            return;
        }
        if (waiters.first().key < Party.ownPriorityOf(me)) {
            handOffIfFree();
        } else {
            wakeBest();
        }
    }

    /** Wakes the best waiter to take the free lock, unless one was woken and has not tried yet. Under the graph lock. */
    private void wakeBest() {
        Party best = waiters.first();
        if (wakePending && woken == best) {
            return;
        }
        woken = best;
        wakePending = true;
        LockSupport.unpark(best.thread);
    }

    /**
     * A woken waiter takes the free lock, if no waiter is strictly better; otherwise (taken meanwhile) it
     * waits again, and the next release wakes it. Returns true if it now owns the lock.
     */
    private boolean claim(Object me, Party party) {
        InheritanceGraph.LOCK.lock();
        try {
            if (woken == party) {
                woken = null;
                wakePending = false;
            }
            if (owner == me) {
                return true; // handed over meanwhile
            }
            if (owner != null || party.waitingOn != this || party.key > waiters.first().key
                    || !OWNER.compareAndSet(this, null, me)) {
                if (owner == null && !waiters.isEmpty()) {
                    wakeBest(); // a better waiter is owed it
                }
                return false;
            }
            waiters.remove(party);
            waitersChanged();
            party.waitingOn = null;
            party.thread = null;
            if (!waiters.isEmpty()) {
                party.held.add(this);
            }
            InheritanceGraph.propagateFrom(party);
            return true;
        } finally {
            InheritanceGraph.LOCK.unlock();
        }
    }

    /** Publishes what the waiter set changed: whether the lock is contended and its best waiter's key. Under the graph lock. */
    private void waitersChanged() {
        boolean any = !waiters.isEmpty();
        bestWaiting = any ? waiters.first().key : Double.POSITIVE_INFINITY;
        contended = any;
    }

    /** The effective priority of an identity: a task's, or NORMAL for a platform thread. */
    private static double keyOf(Object identity) {
        return identity instanceof Task<?> task ? task.effectivePriority() : Priority.NORMAL;
    }



    /**
     * If the lock is free and has waiters, hands it to the best one and wakes it. Returns true if the
     * lock is now free or held by a waiter that needs no registration. Under the graph lock.
     */
    private boolean handOffIfFree() {
        if (owner != null || waiters.isEmpty()) {
            return owner == null;
        }
        Party next = waiters.first();
        if (!OWNER.compareAndSet(this, null, next.identity)) {
            return false; // taken on the fast path an instant ago: the caller registers the new owner
        }
        waiters.pollFirst();
        waitersChanged();
        if (woken == next) {
            woken = null;
            wakePending = false;
        }
        Thread thread = next.thread;
        next.waitingOn = null;
        next.thread = null;
        if (!waiters.isEmpty()) {
            next.held.add(this);
        }
        InheritanceGraph.propagateFrom(next);
        if (thread != Thread.currentThread()) { // handed to the caller itself: it is not parked
            LockSupport.unpark(thread);
        }
        return true;
    }

    // ---- for the graph and conditions -------------------------------------------------------------

    /** The best waiter's key, or +infinity without waiters. Under the graph lock. */
    double bestWaiterKey() {
        return waiters.isEmpty() ? Double.POSITIVE_INFINITY : waiters.first().key;
    }

    /** Re-keys a waiter after its effective priority changed. Under the graph lock. */
    void rekey(Party waiter) {
        if (waiters.remove(waiter)) {
            waiter.key = waiter.effectivePriority();
            waiters.add(waiter);
            waitersChanged();
        }
    }

    /** The owner's party, registering this lock with it (it has waiters); null if free. Under the graph lock. */
    Party ownerParty() {
        Object o = owner;
        if (o == null) {
            return null;
        }
        Party party = InheritanceGraph.party(o);
        if (!waiters.isEmpty() && !party.held.contains(this)) {
            party.held.add(this);
        }
        return party;
    }

    Object ownerIdentity() {
        return owner;
    }

    /** Releases every hold of {@code me} for a condition wait; returns how many there were. */
    int releaseFully(Object me, String action) {
        checkOwner(me, action);
        int saved = holds;
        holds = 0;
        release(me);
        return saved;
    }

    /**
     * Takes the lock back after a condition wait, whatever happens meanwhile, with {@code saved} holds.
     *
     * @return an exception thrown into the task while it waited for the lock, for the caller to raise
     */
    Throwable reacquire(Object me, int saved) {
        Throwable[] deferred = new Throwable[1];
        try {
            acquire(me, Mode.REACQUIRE, false, 0, deferred);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
        holds = saved;
        return deferred[0];
    }

    void checkOwner(Object me, String action) {
        Object o = owner;
        if (o != me) {
            throw new IllegalMonitorStateException("cannot " + action + " " + name + ": it is "
                    + (o == null ? "not held" : "held by " + InheritanceGraph.describe(o)) + ", not by the caller, "
                    + InheritanceGraph.describe(me));
        }
    }

    private void addHold() {
        if (holds == Integer.MAX_VALUE) {
            throw new Error("maximum lock count exceeded for " + name);
        }
        holds++;
    }
}
