package io.asynkit.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A carrier: a platform thread of the loop that takes the next entry, runs it until it parks or ends, and
 * repeats. A core carrier owns a {@link RunQueue}; a spare (started while a core carrier is pinned) owns
 * none and only takes from the others; so does a carrier on loan ({@link Lender}), which takes only entries
 * of the band it was lent for, and ends as soon as there are none.
 *
 * <p>One turn ({@link #run}): under its own queue's lock, finish the dispatch that just returned, drain the
 * inbox, and take the head, unless another queue publishes a strictly better key (then take that one, under
 * that queue's lock, after releasing its own). With nothing of its own, take from the injection queue, else
 * steal the best head another carrier has. With nothing anywhere, park ({@link Idle}).
 */
final class Carrier implements Runnable {

    private static final VarHandle CURRENT;
    private static final VarHandle SERIAL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CURRENT = lookup.findVarHandle(Carrier.class, "current", ReadyEntry.class);
            SERIAL = lookup.findVarHandle(Carrier.class, "serial", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Scheduler scheduler;
    /** Its own queue; null for a spare or a loan. */
    final RunQueue queue;
    /** Started for a pinned carrier. */
    final boolean spare;
    /** On loan from a latency guard: takes only entries whose key is below {@link #loanLimit}. */
    final boolean loan;
    final double loanLimit;
    /** System.nanoTime() when the loan was made. */
    final long loanedAt;
    final CarrierThread thread;
    /** The carrier clock: System.nanoTime() at the start of its latest turn. */
    long clock;
    final Deferred deferred = new Deferred();
    /** A test's hold on this carrier's turns; null in production. */
    private final TurnGate gate;

    // Sampled by the watchdog with opaque reads: it needs to see them eventually, not in order, and a
    // volatile store would cost a full fence per dispatch.
    private ReadyEntry current;
    private long serial;
    volatile boolean failed;       // ended by an internal error: the watchdog replaces it
    volatile boolean killForTest;  // fault injection (tests only): fail at the next turn
    long lastSeenSerial = -1;      // watchdog-private
    boolean seenParked;            // watchdog-private

    /** The current task, handed back on this thread during its dispatch (a yield): queued at the finish. */
    private Task<?> keptBack;
    /** The dispatch number of {@link #current}, when it is a task. */
    private long currentDispatch;
    /** Parked by {@link Idle}, waiting for a wake-up. */
    volatile boolean parked;

    /** A core carrier of {@code queue}, or a spare when it is null. */
    Carrier(Scheduler scheduler, RunQueue queue, String name) {
        this(scheduler, queue, name, Double.NaN, 0);
    }

    private Carrier(Scheduler scheduler, RunQueue queue, String name, double loanLimit, long loanedAt) {
        this.scheduler = scheduler;
        this.queue = queue;
        this.loan = !Double.isNaN(loanLimit);
        this.spare = queue == null && !loan;
        this.loanLimit = loanLimit;
        this.loanedAt = loanedAt;
        this.thread = new CarrierThread(this, name);
        this.gate = scheduler.config.turnGate();
    }

    /** A carrier on loan that runs entries whose priority key is below {@code limit} while there are any. */
    static Carrier loan(Scheduler scheduler, String name, double limit, long now) {
        return new Carrier(scheduler, null, name, limit, now);
    }

    ReadyEntry currentOpaque() {
        return (ReadyEntry) CURRENT.getOpaque(this);
    }

    long serialOpaque() {
        return (long) SERIAL.getOpaque(this);
    }

    /**
     * Keeps {@code task} back if it is the task of the dispatch this carrier runs right now, handed back on this
     * carrier's own thread (it yielded, or was woken while parking): it is queued when the dispatch is finished,
     * under the same lock hold, and no other carrier can take it meanwhile.
     *
     * <p>Only while the task's word still says this very dispatch is running. The JDK may finish a virtual
     * thread's yield on a carrier (its {@code afterYield}) after the thread was woken and has run elsewhere: if
     * it has parked again by then, with a permit, that late {@code afterYield} hands over its continuation,
     * for the new park, on this carrier's thread. That hand-over is queued at once, as any other.
     */
    boolean keepBack(Task<?> task) {
        if (task == current && keptBack == null && task.sched() == Task.runningWord(task.sched(), currentDispatch)) {
            keptBack = task;
            return true;
        }
        return false;
    }

    @Override
    public void run() {
        if (scheduler.config.carrierNice() != 0 && !loan) { // a loan runs the better band: it keeps its value
            ThreadNice.set(scheduler.config.carrierNice()).ifPresent(problem -> Engine.log().log(System.Logger.Level.WARNING,
                    "asynkit loop ''{0}'': carrier {1} keeps its nice value: {2}", scheduler.name(), thread.getName(), problem));
        }
        Turn turn = new Turn();
        ReadyEntry ran = null; // the entry dispatched last, for the failure log
        try {
            for (;;) {
                if (killForTest) {
                    throw new Error("carrier " + thread.getName() + " killed by a fault-injection test");
                }
                if (gate != null) {
                    gate.awaitTurn(this);
                }
                long now = System.nanoTime();
                clock = now;
                ReadyEntry next = takeNext(turn, now);
                if (next == null) {
                    if (scheduler.lifecycle.isTerminated() || loan || scheduler.watchdog().spareRetires(this)) {
                        if (gate != null) {
                            gate.turnEnded(this, false);
                        }
                        return;
                    }
                    if (gate == null || !gate.turnEnded(this, false)) {
                        scheduler.idle.park(this, scheduler);
                    }
                    continue;
                }
                ran = next;
                CURRENT.setOpaque(this, next);
                SERIAL.setOpaque(this, serial + 1); // only this carrier writes it
                try {
                    next.runOnCarrier();
                } catch (Throwable failure) {
                    scheduler.reportUncaught(next, failure);
                }
                if (gate != null) {
                    gate.turnEnded(this, true);
                }
            }
        } catch (Throwable internal) { // a failure of the loop's own code, never of a task's
            failed = true;
            try {
                settle(turn); // its dispatch returned: account for it, or the loop waits for it forever
            } catch (Throwable alsoFailed) {
                internal.addSuppressed(alsoFailed);
            }
            scheduler.watchdog().carrierFailed();
            Engine.log().log(System.Logger.Level.ERROR, "asynkit loop '" + scheduler.name() + "': carrier "
                    + thread.getName() + " failed and ends" + (ran != null ? " after running " + ran : "")
                    + "; the watchdog starts a replacement", internal);
        } finally {
            if (spare) {
                scheduler.watchdog().spareEnded();
            } else if (loan) {
                scheduler.watchdog().lender().loanEnded(loanedAt);
            }
        }
    }

    /** What the carrier dispatched last: finished at the start of the next turn. */
    private static final class Turn {
        ReadyEntry last;
        long dispatch;
        RunQueue from;
    }

    /**
     * Finishes the previous dispatch and begins the next one; returns its entry, or null when there is
     * nothing to run (or the loop has terminated).
     */
    private ReadyEntry takeNext(Turn turn, long now) {
        RunQueue own = queue != null ? queue : turn.from;
        for (boolean first = true; ; first = false) {
            ReadyEntry next = null;
            RunQueue better = null;
            double mine = Double.POSITIVE_INFINITY;
            boolean takesOwn = queue != null && !scheduler.lifecycle.isTerminated();
            if (own != null) {
                own.lock();
                try {
                    finishLast(own, turn, now);
                    if (!deferred.isEmpty()) {
                        // The finish woke someone (a drive's caller resumes at the head): that must be queued
                        // before the choice below, and waking takes no lock of ours.
                        own.unlock();
                        try {
                            deferred.run();
                        } finally {
                            own.lock();
                        }
                    }
                    if (takesOwn) {
                        scheduler.dispatch.drain(own, now, deferred);
                        mine = own.ready.headKey();
                        better = first ? scheduler.betterThan(own, mine) : null; // a second try takes its own
                        while (better == null && next == null && !own.ready.isEmpty()) {
                            next = begin(own, own.poll(), turn, now, own.ready.lastPollBoosted());
                        }
                    }
                } finally {
                    own.unlock();
                }
                deferred.run();
            }
            if (next != null || scheduler.lifecycle.isTerminated()) {
                return next;
            }
            if (better != null) {
                next = takeFrom(better, mine, turn, now);
                if (next == null && mine != Double.POSITIVE_INFINITY) {
                    continue; // the better head was taken meanwhile, or its queue is busy: take its own after all
                }
            }
            return next != null ? next : loan ? takeWithinLoan(turn, now) : takeAny(turn, now);
        }
    }

    /**
     * A loan's turn: the oldest entry of the best level any queue publishes below the loan's limit (the
     * injection queue's inbox drained first), taken without a boost; null when there is none.
     */
    private ReadyEntry takeWithinLoan(Turn turn, long now) {
        scheduler.drainInjection(now, deferred);
        for (;;) {
            RunQueue best = null;
            double bestKey = loanLimit;
            for (RunQueue q : scheduler.queues) {
                if (q.stealableKey() < bestKey) {
                    best = q;
                    bestKey = q.stealableKey();
                }
            }
            if (best == null) {
                return null;
            }
            ReadyEntry next = null;
            best.lock(); // published keys are fresh after each release: a stale one is seen once
            try {
                ReadyEntry e = best.ready.bestLevelHead();
                double key = e == null ? Double.POSITIVE_INFINITY : ReadyQueue.keyOf(e);
                if (key < loanLimit && best.remove(e)) {
                    best.lastPolledKey = key;
                    next = begin(best, e, turn, now, false);
                }
            } finally {
                best.unlock();
            }
            deferred.run();
            if (next != null) {
                return next;
            }
        }
    }

    /**
     * With nothing of its own: the better of the injection queue's head and the best entry another carrier
     * has (the injection queue on a tie, and when its inbox holds pushes not keyed yet and no steal is better).
     */
    private ReadyEntry takeAny(Turn turn, long now) {
        RunQueue injection = scheduler.injection;
        RunQueue victim = null;
        double best = Double.POSITIVE_INFINITY;
        for (RunQueue q : scheduler.queues) {
            if (q != queue && q != injection && q.stealableKey() < best) {
                best = q.stealableKey();
                victim = q;
            }
        }
        if (injection != queue && injection.hasWork()) {
            ReadyEntry e = takeFrom(injection, Math.nextUp(best), turn, now); // its head, if at least as good
            if (e != null) {
                return e;
            }
        }
        return victim != null ? takeFrom(victim, Double.POSITIVE_INFINITY, turn, now) : null;
    }

    /**
     * Takes one entry from {@code q} under its lock if its key is strictly better than {@code bound}: the head
     * of the injection queue (drained first), or the best level entry of another carrier's queue.
     */
    private ReadyEntry takeFrom(RunQueue q, double bound, Turn turn, long now) {
        if (!q.tryLock()) {
            return null; // another carrier is there
        }
        ReadyEntry next = null;
        try {
            boolean injection = q == scheduler.injection;
            if (injection) {
                scheduler.dispatch.drain(q, now, deferred);
            }
            while (next == null && (injection ? q.ready.headKey() : q.ready.stealableKey()) < bound) {
                ReadyEntry e = injection ? q.poll() : q.pollStealable();
                if (e == null) {
                    break;
                }
                next = begin(q, e, turn, now, q.ready.lastPollBoosted());
            }
        } finally {
            q.unlock();
        }
        if (q == scheduler.injection && q.hasWork()) {
            scheduler.idle.wakeOne(); // what it drained and left was invisible until now: let another carrier help
        }
        deferred.run();
        return next;
    }

    /** Begins the dispatch of {@code e}, just taken from {@code q}; null if it went to a lane instead. */
    private ReadyEntry begin(RunQueue q, ReadyEntry e, Turn turn, long now, boolean boosted) {
        long d = scheduler.dispatch.begin(q, e, this, now, boosted, deferred, false);
        if (d < 0) {
            return null;
        }
        turn.last = e;
        turn.dispatch = d;
        turn.from = q;
        currentDispatch = d;
        if (gate != null) {
            gate.beginning(this, q, e);
        }
        return e;
    }

    /** Finishes the dispatch that returned last, if any. Under {@code q}'s lock. */
    private void finishLast(RunQueue q, Turn turn, long now) {
        ReadyEntry last = turn.last;
        if (last == null) {
            return;
        }
        turn.last = null; // finished at most once, even if finishing fails
        CURRENT.setOpaque(this, (ReadyEntry) null);
        if (last instanceof Task<?> task) {
            boolean requeue = keptBack == task;
            keptBack = null;
            scheduler.dispatch.finish(q, task, turn.dispatch, requeue, now, deferred);
        }
    }

    /** After an internal failure: finishes the last dispatch, so that nothing waits for it. */
    private void settle(Turn turn) {
        RunQueue q = queue != null ? queue : turn.from;
        if (q == null || turn.last == null) {
            return;
        }
        if (!q.isHeldByCurrentThread()) {
            q.lock();
        }
        try {
            finishLast(q, turn, System.nanoTime());
        } finally {
            while (q.isHeldByCurrentThread()) {
                q.unlock();
            }
        }
        deferred.run();
    }
}
