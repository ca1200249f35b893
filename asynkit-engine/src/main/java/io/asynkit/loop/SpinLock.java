package io.asynkit.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock of a {@link Drive}: a reentrant spin lock, taken by compare-and-set and released by a release store.
 *
 * <p>Why not a {@link java.util.concurrent.locks.ReentrantLock}: every eager call and generator step takes a
 * drive's lock, and it is never held across anything slow. A {@code ReentrantLock}'s release is a volatile
 * write (a full fence on x86) followed by a look for queued waiters; here it is a release store, which costs
 * no fence, and the lock is one small object. Nobody ever parks on it: a virtual thread must not (it could
 * only be resumed by a carrier, and the carriers may all be waiting for this lock), so it spins; a carrier
 * spins, then yields its core (the holder may have lost its core on a busy machine); any other platform
 * thread also sleeps, for short, growing intervals, once yielding has not helped.
 *
 * <p><b>Not for the queues.</b> A {@link RunQueue}'s lock is also taken by foreign threads reading
 * snapshots, for as long as a snapshot takes; spinning and yielding for it on a busy machine, they took the
 * cores its carrier needed, and a one-carrier loop ran nothing for seconds ({@code SpareCarrierTest} with two
 * CPU-bound processes beside it). A queue's lock parks platform threads instead.
 *
 * <p><b>No barging past waiters.</b> A thread that finds the lock held counts itself as waiting, and while
 * anyone waits, {@link #lock()} does not take a free lock on its first try but joins the waiters, so a thread
 * that takes the lock again and again cannot retake it at once after each release and starve the others.
 *
 * <p><b>Memory effects</b> are those of any lock: actions before a release happen-before actions after a
 * later acquisition. A release is <em>not</em> a full fence: code that must order a write under the lock
 * before a later read of another thread's flag issues its own.
 *
 * <p>Reentrant, as the {@code ReentrantLock} it replaced: the owner and the hold count are written only by
 * the owner.
 */
final class SpinLock {

    private static final VarHandle STATE;
    private static final VarHandle WAITING;
    /** Spins with {@link Thread#onSpinWait()} before a platform thread starts to yield its core. */
    private static final int SPINS = 128;
    /** Yields before a platform thread starts to sleep between tries. */
    private static final int YIELDS = 64;
    private static final long MAX_SLEEP_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SpinLock.class, "state", int.class);
            WAITING = MethodHandles.lookup().findVarHandle(SpinLock.class, "waiting", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through STATE: 0 free, 1 held
    private volatile int state;
    @SuppressWarnings("unused") // through WAITING: the threads in contended()
    private volatile int waiting;
    private Thread owner;   // written by the owner only; read by others only to learn that they are not it
    private int holds;

    /** Takes the lock, waiting as long as it takes. Never parks a virtual thread. */
    void lock() {
        Thread me = Thread.currentThread();
        if ((int) WAITING.getOpaque(this) == 0 && acquire(me)) {
            return;
        }
        if (owner == me) {
            holds++;
            return;
        }
        contended(me);
    }

    /** Releases one hold; the last one frees the lock with a release store. */
    void unlock() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("lock released by " + Thread.currentThread()
                    + ", which does not hold it");
        }
        if (--holds == 0) {
            owner = null;
            STATE.setRelease(this, 0);
        }
    }

    /** Takes the lock for {@code me} if it is free. */
    private boolean acquire(Thread me) {
        if (!STATE.compareAndSet(this, 0, 1)) {
            return false;
        }
        owner = me;
        holds = 1;
        return true;
    }

    private void contended(Thread me) {
        boolean mayYield = !me.isVirtual();
        boolean maySleep = mayYield && !(me instanceof CarrierThread);
        long sleep = 1_000;
        WAITING.getAndAdd(this, 1);
        try {
            for (int tries = 1; ; tries++) {
                if ((int) STATE.getOpaque(this) == 0 && acquire(me)) {
                    return;
                }
                if (!mayYield || tries < SPINS) {
                    Thread.onSpinWait();
                } else if (!maySleep || tries < SPINS + YIELDS) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(this, sleep); // never unparked: the holder does not know about us
                    sleep = Math.min(2 * sleep, MAX_SLEEP_NANOS);
                }
            }
        } finally {
            WAITING.getAndAdd(this, -1);
        }
    }
}
