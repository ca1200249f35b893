package io.asynkit.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Carriers with nothing to run, parked until a push wakes one.
 *
 * <p>A carrier that goes idle ({@link #park}) sets its {@code parked} flag, counts itself in, issues a full
 * fence, and looks once more for work before it parks. A pusher makes its work visible (a queue's lock
 * release, an inbox push), issues a full fence, and then reads the count ({@link #wakeOne}). So either the
 * pusher sees the idle carrier and wakes it, or the carrier sees the work: a wake-up is never lost (the
 * Dekker argument). A drain moves pushes out of an inbox, where they were visible, into a ready queue, where
 * they are visible only once the lock is released: a thread that drains and leaves work behind (a snapshot,
 * a carrier that takes one entry of the injection queue) is a pusher too, and wakes one after the release. A waker wins a parked carrier by a compare-and-set of its flag, so each carrier is
 * woken once per park.
 */
final class Idle {

    private static final VarHandle PARKED;

    static {
        try {
            PARKED = MethodHandles.lookup().findVarHandle(Carrier.class, "parked", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final List<Carrier> carriers;
    private final AtomicInteger idle = new AtomicInteger();


    /** @param carriers the loop's carriers, spares included, as they come and go */
    Idle(List<Carrier> carriers) {
        this.carriers = carriers;
    }

    /** Parks {@code carrier} until woken, unless {@code scheduler} shows work (or has terminated) first. */
    void park(Carrier carrier, Scheduler scheduler) {
        carrier.parked = true;
        idle.incrementAndGet(); // a full fence: the look for work below cannot move above it
        try {
            while (carrier.parked) {
                if (scheduler.anyWork() || scheduler.lifecycle.isTerminated()) {
                    PARKED.compareAndSet(carrier, true, false);
                    return;
                }
                LockSupport.park(this);
            }
        } finally {
            idle.decrementAndGet();
        }
    }

    /** Wakes one parked carrier, if any. Called after work was made visible. */
    void wakeOne() {
        VarHandle.fullFence(); // the work before, the look at the idle count after
        if (idle.get() == 0) {
            return;
        }
        for (Carrier c : carriers) {
            if (c.parked && PARKED.compareAndSet(c, true, false)) {
                LockSupport.unpark(c.thread);
                return;
            }
        }
    }

    /** Wakes every parked carrier (the loop has terminated). */
    void wakeAll() {
        for (Carrier c : carriers) {
            if (PARKED.compareAndSet(c, true, false)) {
                LockSupport.unpark(c.thread);
            }
        }
    }
}
