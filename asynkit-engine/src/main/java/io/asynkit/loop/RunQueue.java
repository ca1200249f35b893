package io.asynkit.loop;

import io.asynkit.priority.PriorityBand;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One ready queue of a loop (a carrier's own, or the injection queue that takes the pushes of threads
 * outside the loop) and everything its lock guards: the entries, their inboxes, a stripe of the loop's
 * registry of live tasks, and this queue's share of the loop's counters.
 *
 * <p><b>The lock.</b> Taken only through {@link #lock()} and {@link #tryLock()}: a virtual thread spins
 * for it instead of parking, since a task parked on it could only be resumed by a carrier, and the
 * carriers may all be waiting for this lock, which would hand itself to the parked task first; a platform
 * thread (a carrier, a thread taking a snapshot) parks. Not a {@link SpinLock}, although its release is
 * cheaper: foreign threads taking snapshots in a loop, spinning for it on a busy machine, starved the carrier
 * of a one-carrier loop ({@code SpareCarrierTest}). Critical sections are short and never park. No thread
 * holds two queue locks, except a snapshot, which takes all of them in index order
 * ({@link Scheduler#snapshot}).
 *
 * <p><b>Counts are deltas.</b> A state change of a task counts where it happens: under the lock of the
 * queue it leaves or enters, or of the carrier that finishes its dispatch. So one queue's counts may be
 * negative; their sums over all queues, in a snapshot that holds every lock after draining every inbox,
 * are exact.
 *
 * <p><b>Published for other carriers</b> each time the lock is released, and read without it: the best
 * priority key of the entries other carriers may take ({@link #stealableKey()}: the levels, never the
 * positional front), the best key of all ({@link #headKey()}) and the size.
 */
final class RunQueue {

    final int index;
    final ReadyQueue ready;
    /** Tasks pushed by threads that do not take the lock (threads outside the loop), drained under it. */
    final Inbox inbox = new Inbox();
    /** Tasks of this stripe that ended under another queue's lock, unlinked under this one. */
    final Inbox departures = new Inbox();
    private final ReentrantLock lock = new ReentrantLock();

    // Published with release stores when the lock is released, read with acquire loads: a reader sees a state
    // at least as new as the last release it synchronised with. Wake-ups order them with a full fence (Idle).
    private double stealableKey = Double.POSITIVE_INFINITY;
    private double headKey = Double.POSITIVE_INFINITY;
    private int size;
    private static final VarHandle STEALABLE;
    private static final VarHandle HEAD;
    private static final VarHandle SIZE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STEALABLE = lookup.findVarHandle(RunQueue.class, "stealableKey", double.class);
            HEAD = lookup.findVarHandle(RunQueue.class, "headKey", double.class);
            SIZE = lookup.findVarHandle(RunQueue.class, "size", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- guarded by the lock: the registry stripe and the counters ----------------------------------
    /** The best key when the latest entry was polled: that entry's key, unless the poll was a boost. */
    double lastPolledKey;
    Task<?> liveHead;
    int liveCount;
    /** Changes of the task counts by state (indexed by the state ordinals of {@link Task}). */
    final int[] states = new int[5];
    long started;
    long completed;
    long adopted;
    long dispatches;
    long callbacksRun;
    final long[] bandDispatches = new long[PriorityBand.values().length];
    final long[] bandBoosts = new long[PriorityBand.values().length];
    final long[] bandWaitNanos = new long[PriorityBand.values().length];
    final long[] bandMaxWaitNanos = new long[PriorityBand.values().length];

    RunQueue(int index, boolean prioritized, int boostAfter) {
        this.index = index;
        this.ready = new ReadyQueue(prioritized, boostAfter > 0 ? boostAfter : ReadyQueue.NEVER);
    }

    void lock() {
        if (Thread.currentThread().isVirtual()) {
            while (!lock.tryLock()) {
                Thread.onSpinWait();
            }
        } else {
            lock.lock();
        }
    }

    boolean tryLock() {
        return lock.tryLock();
    }

    /** Publishes what other carriers look at, and releases the lock. */
    void unlock() {
        publish();
        lock.unlock();
    }

    boolean isHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /** Publishes the state other carriers look at. Under the lock. */
    private void publish() {
        double stealable = ready.stealableKey();
        STEALABLE.setRelease(this, stealable);
        HEAD.setRelease(this, ready.frontSize() > 0 ? Double.NEGATIVE_INFINITY : stealable);
        SIZE.setRelease(this, ready.size());
    }

    /** The best priority key another carrier may take; +infinity when there is none. As published. */
    double stealableKey() {
        return (double) STEALABLE.getAcquire(this);
    }

    /** The best key of any entry, the positional front included (-infinity). As published. */
    double headKey() {
        return (double) HEAD.getAcquire(this);
    }

    /** True if this queue has entries or pushes waiting in its inbox, as published. */
    boolean hasWork() {
        return (int) SIZE.getAcquire(this) > 0 || !inbox.isEmpty();
    }

    // ---- the entries (under the lock; published when it is released) -----------------------------

    /** Adds {@code e} in priority order. */
    void add(ReadyEntry e, double priority) {
        ready.add(e, priority);
        e.queuedIn = this;
    }

    /** Inserts {@code e} so that exactly {@code position} entries run before it (clamped to the length). */
    void insert(int position, ReadyEntry e) {
        ready.insert(Math.min(position, ready.size()), e);
        e.queuedIn = this;
    }

    /** The next entry to run here, or null. */
    ReadyEntry poll() {
        lastPolledKey = ready.headKey();
        ReadyEntry e = ready.poll();
        taken(e);
        return e;
    }

    /** The next entry another carrier may take (never the positional front), or null. */
    ReadyEntry pollStealable() {
        lastPolledKey = ready.stealableKey();
        ReadyEntry e = ready.pollLevelsOnly();
        taken(e);
        return e;
    }

    /** Removes {@code e} if it is queued here; returns whether it was. */
    boolean remove(ReadyEntry e) {
        if (e.queuedIn != this || !ready.remove(e)) {
            return false;
        }
        taken(e);
        return true;
    }

    /** Takes {@code e} out of this queue under its lock, to place it elsewhere; false if it is not queued here. */
    boolean takeOut(ReadyEntry e) {
        lock();
        try {
            return remove(e);
        } finally {
            unlock();
        }
    }

    private void taken(ReadyEntry e) {
        if (e != null) {
            e.queuedIn = null;
        }
    }

    // ---- the registry stripe (under the lock) --------------------------------------------------

    void register(Task<?> task) {
        task.home = this;
        task.nextLive = liveHead;
        if (liveHead != null) {
            liveHead.previousLive = task;
        }
        liveHead = task;
        liveCount++;
    }

    void unregister(Task<?> task) {
        if (task.previousLive != null) {
            task.previousLive.nextLive = task.nextLive;
        } else {
            liveHead = task.nextLive;
        }
        if (task.nextLive != null) {
            task.nextLive.previousLive = task.previousLive;
        }
        task.previousLive = null;
        task.nextLive = null;
        liveCount--;
    }

    /** Counts a task's change of state here. */
    void count(int from, int to) {
        states[from]--;
        states[to]++;
    }

    /** Counts a dispatch of a task of {@code band} that waited {@code waitNanos}; {@code boosted} if it was a boost. */
    void countDispatch(int band, long waitNanos, boolean boosted) {
        dispatches++;
        bandDispatches[band]++;
        bandWaitNanos[band] += waitNanos;
        if (waitNanos > bandMaxWaitNanos[band]) {
            bandMaxWaitNanos[band] = waitNanos;
        }
        if (boosted) {
            bandBoosts[band]++;
        }
    }

    @Override
    public String toString() {
        return "RunQueue#" + index + "[size=" + size + "]";
    }
}
