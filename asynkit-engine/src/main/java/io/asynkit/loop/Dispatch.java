package io.asynkit.loop;

import io.asynkit.priority.PriorityBand;

/**
 * The task state machine: every change of a task's scheduling word ({@link Task#sched()}) that goes with a
 * queue, and the counts, registration and drive judgements that go with it, for carriers and inline lanes
 * alike. Each method runs under the lock of the queue it names.
 *
 * <table>
 *   <caption>Task state transitions (the word is changed by compare-and-set; d: the dispatch number)</caption>
 *   <tr><th>from</th><th>to</th><th>by</th></tr>
 *   <tr><td>NEW</td><td>RUNNABLE</td><td>the first start: the starting thread ({@link Scheduler#push})</td></tr>
 *   <tr><td>BLOCKED(d)</td><td>RUNNABLE(d)</td><td>the thread that hands its continuation over (a wake-up)</td></tr>
 *   <tr><td>RUNNING(d)</td><td>RUNNABLE(d)</td><td>the same, during dispatch d (woken while parking); for a yield, the
 *       carrier of dispatch d, at its end ({@link #finish} with {@code requeueNow})</td></tr>
 *   <tr><td>RUNNABLE(d)</td><td>RUNNABLE(d)</td><td>nobody: a second hand-over of a runnable task is dropped
 *       ({@link #makeRunnable})</td></tr>
 *   <tr><td>DONE</td><td>DONE</td><td>nobody: a hand-over of an ended task is dropped ({@link #makeRunnable})</td></tr>
 *   <tr><td>RUNNABLE(d)</td><td>RUNNING(d+1)</td><td>the thread that takes it from a queue or a lane, under that lock
 *       ({@link #begin})</td></tr>
 *   <tr><td>RUNNING(d)</td><td>BLOCKED(d)</td><td>the carrier of dispatch d, when the dispatch returns and the thread
 *       is alive ({@link #finish}); fails if the task was made runnable meanwhile</td></tr>
 *   <tr><td>RUNNING(d)</td><td>DONE</td><td>the carrier of dispatch d, when the thread has ended</td></tr>
 * </table>
 * The {@link Task#LANE} bit rides along: set, the task's continuations go to its lane (an inline carrier or
 * a holding pen) instead of a queue. A push by a thread that does not take a lock makes the word RUNNABLE at
 * once (so {@code taskState()} is one read and exact) and the counts follow when the inbox is drained.
 */
final class Dispatch {

    private final Scheduler scheduler;

    Dispatch(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Counts a task whose word was made RUNNABLE (from {@code from}) and queues it in {@code q}: at the
     * position it asked for, else by its effective priority. A first start registers it in {@code q}'s stripe;
     * a task made runnable while mounted has its drive judge the segment at once ({@code deferred} must then
     * be non-null: the drive may have a caller to wake).
     */
    void enqueue(RunQueue q, Task<?> task, int from, long since, Deferred deferred) {
        account(q, task, from, since);
        if (from == Task.RUNNING && heldByDrive(task, deferred)) {
            task.insertPosition = -1;
            return; // held in a pen for the next drive
        }
        int position = task.insertPosition;
        task.insertPosition = -1;
        if (position >= 0) {
            q.insert(position, task);
        } else {
            q.add(task, task.effectivePriority());
        }
    }

    /**
     * {@link #enqueue} for a task bound to a lane: counts it and returns true if it is to be posted to its
     * lane (after the lock is released), false if its drive holds it for the next drive instead.
     */
    boolean admitToLane(RunQueue q, Task<?> task, int from, long since, Deferred deferred) {
        account(q, task, from, since);
        return !(from == Task.RUNNING && heldByDrive(task, deferred));
    }

    /** A driven task made runnable while mounted: its drive judges the segment, and may hold the task. */
    private static boolean heldByDrive(Task<?> task, Deferred deferred) {
        Drive drive = task.drive;
        return drive != null && drive.requeuedWhileMounted(deferred);
    }

    /** The counting part of {@link #enqueue}. */
    private void account(RunQueue q, Task<?> task, int from, long since) {
        if (from == Task.NEW) {
            q.register(task);
            q.started++;
            if (task.isAdopted()) {
                q.adopted++;
            }
        }
        q.count(from, Task.RUNNABLE);
        task.stateSince = since;
    }

    /**
     * NEW, BLOCKED or RUNNING → RUNNABLE, by the thread that hands the task's continuation over, before it
     * knows where the task goes; returns the word before. Counted when the task is queued ({@link #enqueue}).
     *
     * <p>A word that is RUNNABLE already is returned unchanged: the hand-over is a duplicate, and the caller
     * drops it. The JDK hands a runnable continuation over twice by design, for instance after taking the
     * stack trace of an unmounted runnable virtual thread ({@code Thread.getStackTrace}), since the thread
     * may have been dispatched while it was suspended; its own scheduler runs both, and the second run does
     * nothing. Here a task is its own queue entry, so the second hand-over must not queue it twice: the
     * entry already queued runs the continuation, and if the JDK's state machine makes that run a no-op, the
     * thread hands the continuation over again when it is next runnable.
     */
    long makeRunnable(Task<?> task) {
        long w;
        do {
            w = task.sched();
            if (Task.stateOf(w) == Task.RUNNABLE || Task.stateOf(w) == Task.DONE) {
                return w; // queued already; or ended, with nothing left to run
            }
        } while (!task.casSched(w, Task.withState(w, Task.RUNNABLE)));
        return w;
    }

    /**
     * RUNNING(d) → BLOCKED for dispatch d that returned with the task parked, binding it to its lane as well
     * if {@code toLane} (a drive holds it). False if the task was made runnable meanwhile. Under {@code q}'s lock.
     */
    boolean park(RunQueue q, Task<?> task, long word, boolean toLane, long now) {
        if (!task.casSched(word, Task.withState(word, Task.BLOCKED) | (toLane ? Task.LANE : 0))) {
            return false;
        }
        q.count(Task.RUNNING, Task.BLOCKED);
        task.stateSince = now;
        return true;
    }

    /** Moves {@code q}'s inbox into its ready queue in push order, and unlinks the tasks that ended elsewhere. */
    void drain(RunQueue q, long now, Deferred deferred) {
        if (!q.departures.isEmpty()) {
            for (Task<?> t = q.departures.drain(); t != null; ) {
                Task<?> next = t.nextInInbox;
                t.nextInInbox = null;
                q.unregister(t);
                t = next;
            }
        }
        if (!q.inbox.isEmpty()) {
            for (Task<?> t = q.inbox.drain(); t != null; ) {
                Task<?> next = t.nextInInbox;
                t.nextInInbox = null;
                enqueue(q, t, t.pushedFrom, t.pushedAt != 0 ? t.pushedAt : now, deferred); // (a nanoTime of 0 loses precision)
                t = next;
            }
        }
    }

    /**
     * RUNNABLE(d) → RUNNING(d+1) for an entry just taken from {@code q} (or from a lane counted in {@code q}).
     *
     * @return the dispatch number; 0 for a callback; -1 for a task bound to a lane after it was queued, which
     *         is posted there instead (after the lock is released)
     */
    long begin(RunQueue q, ReadyEntry entry, Carrier by, long now, boolean boosted, Deferred deferred, boolean fromLane) {
        if (!(entry instanceof Task<?> task)) {
            q.dispatches++;
            q.callbacksRun++;
            return 0;
        }
        long w;
        long next;
        do {
            w = task.sched();
            if (Task.inLane(w) && !fromLane) { // bound to a lane while it waited here: its lane runs it
                deferred.add(() -> scheduler.postToLane(task, true));
                return -1;
            }
            next = Task.nextDispatch(w);
        } while (!task.casSched(w, next));
        q.count(Task.RUNNABLE, Task.RUNNING);
        q.countDispatch(PriorityBand.of(task.effectivePriority()).ordinal(), Math.max(0, now - task.stateSince), boosted);
        task.stateSince = now;
        task.runningOn = by;
        return Task.dispatchOf(next);
    }

    /**
     * After dispatch {@code d} of {@code task} returned: RUNNING(d) → DONE if its thread ended, RUNNABLE if the
     * carrier kept its continuation back ({@code requeueNow}: it yielded), else BLOCKED. Nothing happens if
     * the task was made runnable during the dispatch (and maybe dispatched again since). Under {@code q}'s lock.
     */
    void finish(RunQueue q, Task<?> task, long d, boolean requeueNow, long now, Deferred deferred) {
        long w = task.sched();
        if (Task.stateOf(w) != Task.RUNNING || Task.dispatchOf(w) != d) {
            if (requeueNow) { // a hand-over kept back for a dispatch that was overtaken: never dropped
                deferred.add(() -> scheduler.push(task));
            } else if (Task.stateOf(w) == Task.BLOCKED && hasEnded(task.thread)
                    && task.casSched(w, Task.withState(w, Task.RUNNING))) {
                // The thread ended in this dispatch, while a repeated hand-over had been taken for a wake-up
                // and its (empty) dispatch had parked the task: nothing else would ever end it.
                q.count(Task.BLOCKED, Task.RUNNING);
                end(q, task, Task.dispatchOf(w), now, deferred);
            }
            return; // made runnable during the dispatch: counted and judged then
        }
        task.runningOn = null;
        if (hasEnded(task.thread)) {
            end(q, task, d, now, deferred);
        } else if (requeueNow) {
            do {
                w = task.sched();
                if (Task.stateOf(w) != Task.RUNNING || Task.dispatchOf(w) != d) {
                    return; // a repeated hand-over (see makeRunnable) made it runnable meanwhile, and queued it
                }
            } while (!task.casSched(w, Task.withState(w, Task.RUNNABLE))); // else only the lane bit changes
            if (Task.inLane(w)) {
                if (admitToLane(q, task, Task.RUNNING, now, deferred)) {
                    deferred.add(() -> scheduler.postToLane(task, false));
                }
            } else {
                enqueue(q, task, Task.RUNNING, now, deferred);
            }
        } else {
            Drive drive = task.drive;
            if (drive != null) {
                drive.parked(q, w, now, deferred);
            } else {
                park(q, task, w, false, now);
            }
        }
    }

    private static boolean hasEnded(Thread thread) {
        return thread != null && !thread.isAlive();
    }

    /**
     * RUNNING(d) → DONE: the task's thread has ended. Nobody can push it any more. Nothing happens if the word
     * has left RUNNING(d) since the caller looked: a repeated hand-over made the task runnable and queued it
     * (counted then), and whoever finishes that entry's dispatch, an empty one, ends the task. Changing the
     * word unconditionally here once ended a task twice: a second carrier finishing that empty dispatch saw
     * RUNNING and the dead thread too, and both counted the task completed (TaskStateLincheckTest).
     */
    private void end(RunQueue q, Task<?> task, long d, long now, Deferred deferred) {
        long w;
        do {
            w = task.sched();
            if (Task.stateOf(w) != Task.RUNNING || Task.dispatchOf(w) != d) {
                return;
            }
        } while (!task.casSched(w, Task.withState(w, Task.DONE) & ~Task.LANE)); // only the lane bit may differ
        q.count(Task.RUNNING, Task.DONE);
        q.completed++;
        task.stateSince = now;
        if (task.home == q) {
            q.unregister(task);
        } else {
            task.home.departures.push(task); // unlinked under its own stripe's lock
        }
        if (task.isAdopted()) {
            scheduler.adoptedThreadEnded(task, deferred);
        } else {
            task.thread = null; // a finished task kept as a future keeps nothing of its thread
        }
        task.continuation = null;
        Lane lane = task.lane;
        if (lane != null) {
            deferred.add(() -> lane.release(task));
        }
        Drive drive = task.drive;
        if (drive != null) {
            drive.ended(deferred);
        }
        scheduler.taskEnded(deferred);
    }
}
