package io.asynkit.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Carriers with nothing to run, parked until a push wakes one; the first to go idle spins a moment first.
 *
 * <p>A carrier that goes idle ({@link #park}) sets its {@code parked} flag, counts itself in, issues a full
 * fence, and looks once more for work before it parks. A pusher makes its work visible (a queue's lock
 * release, an inbox push), issues a full fence, and then reads the count ({@link #wakeOne}). So either the
 * pusher sees the idle carrier and wakes it, or the carrier sees the work: a wake-up is never lost (the
 * Dekker argument). A drain moves pushes out of an inbox, where they were visible, into a ready queue, where
 * they are visible only once the lock is released: a thread that drains and leaves work behind (a snapshot,
 * a carrier that takes one entry of the injection queue) is a pusher too, and wakes one after the release.
 *
 * <p>The first carrier to go idle spins for {@link #SPIN_NANOS} first, looking for work, and a pusher that
 * sees it spinning wakes nobody: the spinner sees the work, since it looks once more after it stops spinning
 * (the same Dekker argument, with the spinning flag for the count). So a steady stream of pushes keeps one
 * carrier awake instead of paying an OS wake-up per push, as the JDK's and Tokio's schedulers do. A waker wins a parked carrier by a compare-and-set of its flag, so each carrier is
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

    /**
     * How long the one carrier that may spin looks for work before it parks. Work that comes back within it
     * (a platform thread's generator step, a request burst) finds a carrier awake instead of paying an OS
     * wake-up; bounded per idle period, so an idle loop spends at most this once per wake-up. The spinner
     * yields its core between looks: spinning on a core that a submitter needs halved (b)'s throughput on
     * two cores (measured: 1.8 us per spawned task with a busy spin, 0.96 without spinning, 0.76 yielding).
     */
    static final long SPIN_NANOS = 20_000;

    private final List<Carrier> carriers;
    private final AtomicInteger idle = new AtomicInteger();
    /** A thread sleeping until no carrier is parked (the latency guard's watchdog, see {@link #dozeUntilAllBusy}). */
    private volatile Thread dozer;
    /** 1 while a carrier spins before parking: at most one does, so idle carriers never crowd a core. */
    private final AtomicInteger spinning = new AtomicInteger();

    /** @param carriers the loop's carriers, spares included, as they come and go */
    Idle(List<Carrier> carriers) {
        this.carriers = carriers;
    }

    /** Parks {@code carrier} until woken, unless {@code scheduler} shows work (or has terminated) first. */
    void park(Carrier carrier, Scheduler scheduler) {
        if (spinning.get() == 0 && spinning.compareAndSet(0, 1)) {
            try {
                long end = System.nanoTime() + SPIN_NANOS;
                do {
                    Thread.yield(); // a spinner never keeps a thread that has work (a submitter) off the core
                    if (scheduler.anyWork() || scheduler.lifecycle.isTerminated()) {
                        return;
                    }
                } while (System.nanoTime() - end < 0);
            } finally {
                spinning.set(0);
            }
        }
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
            if (idle.decrementAndGet() == 0) {
                Thread d = dozer; // read after the decrement, a full fence: see dozeUntilAllBusy
                if (d != null) {
                    dozer = null;
                    LockSupport.unpark(d);
                }
            }
        }
    }

    /**
     * Lets the calling thread sleep for up to {@code nanos} while some carrier is parked here: a loop with a
     * parked carrier needs no carrier on loan, since any push wakes that one. The carrier that leaves the
     * last park wakes the sleeper. Returns at once if no carrier is parked now. The sleeper publishes itself,
     * fences, then reads the count; a carrier decrements the count (a fence), then reads the sleeper: so
     * either the sleeper sees no parked carrier, or the carrier sees the sleeper (the Dekker argument again).
     */
    void dozeUntilAllBusy(long nanos) {
        Thread me = Thread.currentThread();
        dozer = me;
        VarHandle.fullFence();
        if (idle.get() > 0) {
            LockSupport.parkNanos(this, nanos);
        }
        dozer = null;
    }

    /** Wakes one parked carrier, if any. Called after work was made visible. */
    void wakeOne() {
        VarHandle.fullFence(); // the work before, the look at the spinner and the idle count after
        if (idle.get() == 0 || spinning.get() != 0) {
            return; // nobody parked, or a spinning carrier will see the work (it looks again before it parks)
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
