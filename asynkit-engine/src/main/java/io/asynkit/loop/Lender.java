package io.asynkit.loop;

import io.asynkit.priority.PriorityBand;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mechanism of a {@link LatencyGuard}, run by the {@link Watchdog}'s thread every quarter of the bound.
 *
 * <p>A check ({@link #check}) reads, without locks, the band of the entry each carrier runs; if one runs
 * nothing (it is idle, or between two dispatches), nobody needs a loan. Otherwise it looks, under each
 * queue's lock in turn (never two at once), at the oldest entry of the best priority level, and if that entry
 * is a task of a band strictly better than every running one that has been runnable for the bound, it starts
 * an extra carrier limited to that band or better. An extra carrier ({@link Carrier#loan}) takes the best
 * such entry from any queue, without boosting, for as long as there is one, and then ends.
 *
 * <p>A loan whose thread has started but not yet begun its first dispatch runs nothing, so the next check
 * lends no second carrier for the same wait.
 */
final class Lender {

    private final Scheduler scheduler;
    private final long boundNanos;
    private final int maxExtraCarriers;
    private final AtomicInteger onLoan = new AtomicInteger();
    private final AtomicLong loans = new AtomicLong();
    private final AtomicLong loanNanos = new AtomicLong();
    private final Deferred deferred = new Deferred(); // watchdog-private
    private volatile long checks; // written by the watchdog only

    // A loan takes entries whose priority key is strictly below its limit.
    /** The limit of a loan for HIGH work: keys below 0. */
    static final double HIGH_ONLY = 0.0;
    /** The limit of a loan for NORMAL work: keys up to 0, so HIGH too. */
    static final double UP_TO_NORMAL = Double.MIN_VALUE;

    Lender(Scheduler scheduler, LatencyGuard guard) {
        this.scheduler = scheduler;
        this.boundNanos = Timers.saturatedNanos(guard.bound());
        this.maxExtraCarriers = guard.maxExtraCarriers();
    }

    /** How often the watchdog checks: four times per bound. */
    long checkIntervalNanos() {
        return boundNanos / 4;
    }

    /** Lends a carrier if a task has waited the bound behind strictly worse work on every carrier. */
    void check(long now) {
        checks++; // the watchdog's thread is the only writer
        if (onLoan.get() >= maxExtraCarriers || scheduler.lifecycle.isShutDown()) {
            return;
        }
        int bestRunning = PriorityBand.LOW.ordinal(); // the best band any carrier runs
        for (Carrier carrier : scheduler.carriers) {
            ReadyEntry running = carrier.currentOpaque();
            if (running == null && carrier.loan && !carrier.thread.isAlive()) {
                continue; // a loan that ended, not removed yet
            }
            if (running == null) {
                return; // a carrier is free: it takes the waiting work itself
            }
            bestRunning = Math.min(bestRunning, bandOf(running));
        }
        if (bestRunning == PriorityBand.HIGH.ordinal()) {
            return; // nothing is strictly better than HIGH
        }
        int band = oldestWaiting(bestRunning, now);
        if (band >= 0) {
            lend(band == PriorityBand.HIGH.ordinal() ? HIGH_ONLY : UP_TO_NORMAL, now);
        }
    }

    /**
     * The band of the best waiting task that is better than {@code bestRunning} and has waited the bound, or -1.
     * The injection queue's inbox is drained first, since pushes wait there unseen while every carrier is busy;
     * then a queue whose published keys show nothing better is not locked.
     */
    private int oldestWaiting(int bestRunning, long now) {
        scheduler.drainInjection(now, deferred);
        int found = -1;
        for (RunQueue q : scheduler.queues) {
            if (PriorityBand.of(q.stealableKey()).ordinal() >= bestRunning) {
                continue;
            }
            q.lock();
            try {
                ReadyEntry head = q.ready.bestLevelHead();
                if (head instanceof Task<?> task) {
                    int band = PriorityBand.of(ReadyQueue.keyOf(head)).ordinal();
                    if (band < bestRunning && now - task.stateSince >= boundNanos && (found < 0 || band < found)) {
                        found = band;
                    }
                }
            } finally {
                q.unlock();
            }
        }
        return found;
    }

    private static int bandOf(ReadyEntry entry) {
        return entry instanceof Task<?> task ? PriorityBand.of(task.effectivePriority()).ordinal()
                : PriorityBand.NORMAL.ordinal(); // callbacks run at NORMAL
    }

    private void lend(double limit, long now) {
        onLoan.incrementAndGet();
        loans.incrementAndGet();
        scheduler.watchdog().startLoan(limit, now);
    }

    /** An extra carrier ended, {@code since} the nanoTime it was lent at. */
    void loanEnded(long since) {
        loanNanos.addAndGet(Math.max(0, System.nanoTime() - since));
        onLoan.decrementAndGet();
    }

    /** How many checks the watchdog has made: an idle loop makes few (see Idle#dozeUntilAllBusy). */
    long checks() {
        return checks;
    }

    int onLoan() {
        return onLoan.get();
    }

    long loans() {
        return loans.get();
    }

    long loanNanos() {
        return loanNanos.get();
    }

}
