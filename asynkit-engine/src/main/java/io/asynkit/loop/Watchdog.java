package io.asynkit.loop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The loop's watchdog thread: compensates pinned carriers with spares, and replaces failed ones.
 *
 * <p>A core carrier that stays parked inside one dispatch for a whole check interval holds a pinned task
 * (a native frame on its stack, a class initializer): while some are pinned and work is waiting, the loop
 * runs one spare carrier per pinned one, up to {@code maxSpareCarriers}. Only a park of the task counts:
 * the JDK parks a pinned virtual thread's carrier itself, with no blocker, or the carrier waits to enter a
 * monitor; a carrier parked with a blocker waits in platform code of the loop's own (a queue's lock), which
 * is not pinning, and a spare started for it would run a second task beside it. Spares retire when the
 * pinning ends or the work runs out.
 *
 * <p>A core carrier can only fail by an internal error of the loop (task failures never reach it); the
 * watchdog replaces it at its next check, on the same queue, so the loop keeps its number of carriers.
 *
 * <p>With a {@link LatencyGuard}, the watchdog also runs its {@link Lender} four times per bound while no
 * carrier is idle, and starts the carriers it lends; while one is, it sleeps until none is, or for a pinned
 * check interval.
 */
final class Watchdog {

    private final Scheduler scheduler;
    private final Thread thread;
    private final AtomicInteger sparesAlive = new AtomicInteger();
    private final AtomicLong compensations = new AtomicLong();
    private final AtomicLong carrierFailures = new AtomicLong();
    private final AtomicInteger serial = new AtomicInteger();
    private volatile int pinnedCarriers;
    /** Threads of failed carriers that were replaced: still joined at close (one may still be logging). */
    private final List<Thread> replaced = new CopyOnWriteArrayList<>();
    /** The latency guard's mechanism, or null without a guard. */
    private final Lender lender;

    Watchdog(Scheduler scheduler) {
        this.scheduler = scheduler;
        LatencyGuard guard = scheduler.config.latencyGuard();
        this.lender = guard == null ? null : new Lender(scheduler, guard);
        this.thread = Thread.ofPlatform().daemon().name(scheduler.name() + "-watchdog").unstarted(this::watch);
    }

    void start() {
        thread.start();
    }

    /** Starts a carrier: a core one for {@code queue}, or a spare when it is null. */
    void startCarrier(RunQueue queue) {
        String kind = queue == null ? "-spare-" : "-carrier-";
        Carrier carrier = new Carrier(scheduler, queue, scheduler.name() + kind + serial.incrementAndGet());
        if (queue == null) {
            sparesAlive.incrementAndGet();
            compensations.incrementAndGet();
        }
        scheduler.carriers.add(carrier);
        carrier.thread.start();
    }

    /** Starts a carrier on loan for {@link Lender}, limited to entries whose key is below {@code limit}. */
    void startLoan(double limit, long now) {
        Carrier carrier = Carrier.loan(scheduler, scheduler.name() + "-loan-" + serial.incrementAndGet(), limit, now);
        scheduler.carriers.add(carrier);
        carrier.thread.start();
    }

    private void watch() {
        long interval = scheduler.config.pinnedCheckNanos();
        long tick = lender == null ? interval : Math.min(interval, lender.checkIntervalNanos());
        long nextPinnedCheck = System.nanoTime() + interval;
        while (!scheduler.lifecycle.isTerminated()) {
            if (lender != null) {
                // At a quarter of the bound only while no carrier is parked: a parked carrier takes any push, so
                // nobody needs a loan, and an idle loop must not pay thousands of wake-ups a second for nothing.
                scheduler.idle.dozeUntilAllBusy(interval);
            }
            LockSupport.parkNanos(this, tick);
            if (scheduler.lifecycle.isTerminated()) {
                break;
            }
            scheduler.carriers.removeIf(c -> c.queue == null && !c.thread.isAlive()); // spares and loans that ended
            long now = System.nanoTime();
            if (lender != null) {
                lender.check(now);
            }
            if (now - nextPinnedCheck < 0) {
                continue;
            }
            nextPinnedCheck = now + interval;
            int pinned = 0;
            for (Carrier carrier : scheduler.carriers) {
                if (carrier.queue == null) {
                    continue; // only a core carrier's pinning is compensated
                }
                boolean parked = carrier.currentOpaque() != null && isPinnedPark(carrier.thread);
                long seen = carrier.serialOpaque();
                if (parked && carrier.seenParked && seen == carrier.lastSeenSerial) {
                    pinned++;
                }
                carrier.seenParked = parked;
                carrier.lastSeenSerial = seen;
            }
            pinnedCarriers = pinned;
            while (sparesAlive.get() < Math.min(pinned, scheduler.config.maxSpareCarriers()) && scheduler.anyWork()) {
                startCarrier(null);
            }
            for (Carrier carrier : scheduler.carriers) {
                if (carrier.failed && carrier.queue != null && !scheduler.lifecycle.isShutDown()) {
                    scheduler.carriers.remove(carrier);
                    replaced.add(carrier.thread);
                    startCarrier(carrier.queue); // the loop keeps its number of carriers
                }
            }
        }
        scheduler.timers.stop();
    }

    /**
     * True if a carrier that is inside a dispatch is parked by the task it carries: the JDK parks the
     * carrier itself (with no blocker) when a pinned virtual thread parks, or the carrier waits to enter a
     * monitor.
     */
    private static boolean isPinnedPark(Thread carrier) {
        return switch (carrier.getState()) {
            case BLOCKED -> true;
            case WAITING, TIMED_WAITING -> LockSupport.getBlocker(carrier) == null;
            default -> false;
        };
    }

    /** True if {@code carrier} is a spare that is no longer needed (it then ends). */
    boolean spareRetires(Carrier carrier) {
        return carrier.spare && (!scheduler.anyWork() || sparesAlive.get() > pinnedCarriers);
    }

    void spareEnded() {
        sparesAlive.decrementAndGet();
    }

    void carrierFailed() {
        carrierFailures.incrementAndGet();
    }

    /** The latency guard's lender, or null without a guard. */
    Lender lender() {
        return lender;
    }

    int sparesAlive() {
        return sparesAlive.get();
    }

    long compensations() {
        return compensations.get();
    }

    long carrierFailures() {
        return carrierFailures.get();
    }

    void wake() {
        LockSupport.unpark(thread);
    }

    void join(long deadline) {
        wake();
        Engine.joinQuietly(thread, deadline);
        for (Thread failed : replaced) {
            Engine.joinQuietly(failed, deadline);
        }
    }

    /** Fault injection, for tests only: makes core carrier {@code index} fail at its next turn. */
    void killCarrierForTest(int index) {
        Carrier carrier = scheduler.carriers.stream().filter(c -> c.queue != null).skip(index).findFirst().orElseThrow();
        carrier.killForTest = true;
        scheduler.idle.wakeAll();
    }
}
