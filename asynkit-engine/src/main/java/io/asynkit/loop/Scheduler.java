package io.asynkit.loop;

import io.asynkit.priority.Priority;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The engine of a loop with the JDK's scheduler hook: the virtual-thread scheduler of the loop's tasks.
 *
 * <h2>Implementation overview</h2>
 *
 * <p><b>Queues.</b> Each core carrier owns a {@link RunQueue}: a lock, a {@link ReadyQueue} (priority
 * levels, FIFO among equals, a positional front, boosting), an inbox and a stripe of the registry of live
 * tasks. A loop with N &gt; 1 carriers has one more queue, the <em>injection</em> queue, for work handed
 * over by threads outside the loop; with one carrier, its own queue is the injection queue, so a
 * one-carrier loop has exactly one queue, as before the per-carrier queues existed.
 *
 * <p><b>Routing.</b> The JDK hands a task's continuation to the task's dispatcher, which calls
 * {@link #execute}: at the thread's start and after every park. {@link #push} makes the task's word
 * RUNNABLE and picks one destination: a task bound to a lane goes there; a push made on a carrier of this
 * loop, or by a task mounted on one, goes to that carrier's queue (the carrier's own task handed back on its
 * own thread, a yield, is kept back and queued when its dispatch is finished, under the same lock hold);
 * anything else goes to the injection queue's inbox, without a lock.
 *
 * <p><b>Dispatch.</b> A carrier's turn ({@link Carrier}): under its own lock it finishes the dispatch it ran
 * last, drains its inbox and takes its own head, unless another queue publishes a strictly better key, or
 * its own queue is empty: then it takes from the injection queue, or the best head it can steal from
 * another carrier (never a positional entry, which was placed for its queue). One entry at a time, under
 * the lock of the queue it leaves, so no entry is ever in transit between two queues.
 *
 * <p><b>States.</b> A task's scheduling state is one word, changed by compare-and-set ({@link Dispatch}
 * has the table). {@code taskState()} is one read, and exact. Counts are kept per queue as deltas, exact
 * in a {@link #snapshot} that takes every queue lock in index order and drains every inbox.
 *
 * <p><b>Idle carriers</b> park ({@link Idle}); a push into a queue that had work already, or into the
 * injection inbox, wakes one.
 *
 * <p><b>Lock rules.</b> (1) No thread holds two queue locks, except a snapshot (ascending index, the
 * injection queue last). (2) A queue lock may be held while a drive's lock is taken, never the reverse.
 * (3) No lock is held while a future is completed or a thread is unparked: that work is {@link Deferred}.
 * (4) The JDK's calls into {@link #execute} never come with a lock of ours held.
 *
 * <p><b>Memory effects.</b> Everything a task did before it parked happens-before its next dispatch, by
 * the JDK's own park and unpark; the queues publish their keys with release stores that other carriers
 * read with acquire loads; a wake-up orders the push before the idle check with a full fence.
 *
 * <p><b>Shutdown</b> ({@link Lifecycle} has the run-state table): a start racing {@code shutdown()} is
 * admitted and waited for, or refused. The loop terminates when no task is live, no foreign start is in
 * flight and every inbox is empty, checked in a snapshot whenever a task ends after the shutdown.
 */
final class Scheduler extends Engine {

    private final SchedulerHook hook;
    /** The carriers' queues, in index order, then the injection queue (the same as queues[0] with one carrier). */
    final RunQueue[] queues;
    final RunQueue injection;
    final Dispatch dispatch = new Dispatch(this);
    final List<Carrier> carriers = new CopyOnWriteArrayList<>();
    final Idle idle = new Idle(carriers);
    private final Map<Runnable, Task<?>> adoptedByContinuation = new ConcurrentHashMap<>();
    final SuspendedDrives suspendedDrives = new SuspendedDrives(this);
    private final Positional positional = new Positional(this);
    private final Watchdog watchdog;

    Scheduler(Loop loop, LoopConfig config, SchedulerHook hook) {
        super(loop, config);
        this.hook = hook;
        int n = config.carriers();
        queues = new RunQueue[n == 1 ? 1 : n + 1];
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new RunQueue(i, config.prioritized(), config.boostAfter());
        }
        injection = queues[queues.length - 1];
        watchdog = new Watchdog(this);
        for (int i = 0; i < n; i++) {
            watchdog.startCarrier(queues[i]);
        }
        watchdog.start();
        if (config.carrierNice() != 0) {
            timers.prestart(); // a thread started lazily from a task would inherit the carriers' nice value
        }
    }

    @Override
    boolean isHooked() {
        return true;
    }

    @Override
    Thread.Builder.OfVirtual threadBuilder(Executor dispatcher) {
        return hook.builder(dispatcher);
    }

    // ---- the JDK hands over continuations ---------------------------------------------------------

    /**
     * The JDK hands us {@code continuation}, the Runnable that mounts a virtual thread, through the
     * dispatcher of {@code owner}: at the thread's start and after every park. One other than owner's own
     * belongs to a thread that owner started (it inherited the dispatcher): adopted as a task of this loop,
     * unless the JDK started it for itself ({@link JdkThreads}). Never blocks beyond a queue lock.
     */
    @Override
    void execute(Task<?> owner, Runnable continuation) {
        if (owner.continuation == continuation) { // a resume: the hot path
            if (hook.hasSomethingToRun(owner.thread)) {
                push(owner);
            } // else a repeated hand-over of a thread that has run on since (see SchedulerHook)
        } else if (owner.awaitsFirstStart()) {
            firstStart(owner, continuation);
        } else if (!JdkThreads.runIfForwarded(continuation)) {
            Task<?> adopted = adoptedByContinuation.get(continuation);
            if (adopted == null) {
                if (JdkThreads.forwardIfStartedByTheJdk(continuation)) {
                    return; // it belongs to the JVM, not to this loop
                }
                adopted = Task.adopt(loop, this, hook.threadOf(continuation), owner.priority());
                adopted.firstStarted(continuation);
                adoptedByContinuation.put(continuation, adopted);
            }
            push(adopted);
        }
    }

    /** A task's first start; refused once the loop is shut down (see {@link Lifecycle}). */
    private void firstStart(Task<?> task, Runnable continuation) {
        // Only a live task of this loop keeps the loop from terminating while it starts another; any other
        // starter (a thread outside, a callback on a carrier) is counted in.
        boolean foreign = !isOwnTask(Task.currentOrNull());
        if (foreign) {
            if (!lifecycle.enterForeignStart()) {
                if (lifecycle.exitForeignStart()) {
                    tryTerminate(); // a refused start, too, may be the last one termination waited for
                }
                throw lifecycle.rejection(task);
            }
        } else if (!lifecycle.isAccepting()) {
            throw lifecycle.rejection(task);
        }
        try {
            task.firstStarted(continuation);
            startedOrSettled(task);
            push(task);
        } finally {
            if (foreign && lifecycle.exitForeignStart()) {
                tryTerminate();
            }
        }
    }

    /** Makes {@code task} runnable and sends it to its one destination (see the overview). */
    void push(Task<?> task) {
        Thread thread = Thread.currentThread();
        Carrier carrier = thread instanceof CarrierThread ct ? ct.carrierOf(this) : null;
        if (carrier != null && carrier.keepBack(task)) {
            return; // its own task, handed back on its thread: queued when the dispatch is finished
        }
        long w = dispatch.makeRunnable(task);
        int from = Task.stateOf(w);
        if (from == Task.RUNNABLE || from == Task.DONE) {
            return; // a duplicate hand-over: the task is queued (or in an inbox, a lane or a pen) already, or ended
        }
        if (Task.inLane(w)) {
            RunQueue home = task.home != null ? task.home : queueFor(carrier, thread);
            Deferred deferred = from == Task.RUNNING ? new Deferred() : null;
            boolean post;
            home.lock();
            try {
                post = dispatch.admitToLane(home, task, from, System.nanoTime(), deferred);
            } finally {
                home.unlock();
            }
            if (deferred != null) {
                deferred.run();
            }
            if (post) {
                postToLane(task, false);
            }
            return;
        }
        Carrier local = carrier != null ? carrier : carrierOfCurrentTask(thread);
        RunQueue q = local == null ? null : local.queue != null ? local.queue : injection;
        if (q == null) { // a thread outside the loop: the injection queue's inbox, without its lock
            task.pushedFrom = from;
            task.pushedAt = System.nanoTime();
            injection.inbox.push(task);
            idle.wakeOne();
            return;
        }
        Deferred deferred = from == Task.RUNNING || from == Task.NEW && task.isAdopted() ? new Deferred() : null;
        boolean hadWork;
        q.lock();
        try {
            hadWork = q.ready.size() > 0;
            dispatch.enqueue(q, task, from, local.clock, deferred); // the time the pusher's turn began
        } finally {
            q.unlock();
        }
        if (deferred != null) {
            deferred.run();
        }
        if (hadWork) {
            idle.wakeOne(); // more work than the pushing carrier takes next: another carrier may take some
        }
    }

    /** Sends a RUNNABLE task with the lane bit to its lane, or, if the lane let it go meanwhile, to a queue. */
    void postToLane(Task<?> task, boolean atFront) {
        int position = task.insertPosition;
        task.insertPosition = -1;
        for (;;) {
            Lane lane = task.lane;
            if (lane == null || !Task.inLane(task.sched())) {
                requeue(task, position >= 0 ? position : -1);
                return;
            }
            if (lane.post(task, atFront || position == 0)) {
                return;
            }
        }
    }

    /** Queues a task that is RUNNABLE already (counted), in the current carrier's queue or the injection queue. */
    void requeue(Task<?> task, int position) {
        Thread thread = Thread.currentThread();
        RunQueue q = queueFor(thread instanceof CarrierThread ct ? ct.carrierOf(this) : null, thread);
        q.lock();
        try {
            task.insertPosition = position;
            dispatch.enqueue(q, task, Task.RUNNABLE, System.nanoTime(), null);
        } finally {
            q.unlock();
        }
        idle.wakeOne();
    }

    /**
     * A queue whose published head is strictly better than {@code ownKey}, the key of the head of
     * {@code own}: the injection queue (also while pushes wait in its inbox, whose keys nobody knows yet), or
     * the carrier queue with the best stealable key. Null if none is: the carrier takes its own head.
     */
    RunQueue betterThan(RunQueue own, double ownKey) {
        if (queues.length == 1) {
            return null;
        }
        RunQueue best = null;
        double bestKey = ownKey;
        if (injection != own) {
            if (!injection.inbox.isEmpty()) {
                return injection;
            }
            if (injection.headKey() < bestKey) {
                best = injection;
                bestKey = injection.headKey();
            }
        }
        for (RunQueue q : queues) {
            if (q != own && q != injection && q.stealableKey() < bestKey) {
                best = q;
                bestKey = q.stealableKey();
            }
        }
        return best;
    }

    /** True if some queue has entries, or pushes waiting in an inbox (as published). */
    boolean anyWork() {
        for (RunQueue q : queues) {
            if (q.hasWork()) {
                return true;
            }
        }
        return false;
    }

    Watchdog watchdog() {
        return watchdog;
    }

    /** The queue a push from this thread goes to: its carrier's, else the injection queue. */
    private RunQueue queueFor(Carrier carrier, Thread thread) {
        if (carrier != null) {
            return carrier.queue != null ? carrier.queue : injection;
        }
        RunQueue local = localQueue(thread);
        return local != null ? local : injection;
    }

    /** The queue of the carrier the calling thread runs on (a carrier, or a task mounted on one), or null. */
    RunQueue localQueue(Thread thread) {
        Carrier on = thread instanceof CarrierThread ct ? ct.carrierOf(this) : carrierOfCurrentTask(thread);
        return on == null ? null : on.queue != null ? on.queue : injection;
    }

    /** The carrier of this loop that the calling virtual thread, a task of this loop, is mounted on; or null. */
    private Carrier carrierOfCurrentTask(Thread thread) {
        if (!thread.isVirtual()) {
            return null;
        }
        Task<?> current = Task.currentOrNull();
        return current != null && current.engine() == this ? current.runningOn : null;
    }

    private boolean isOwnTask(Task<?> task) {
        return task != null && task.engine() == this;
    }


    /** An adopted thread ended (its continuation not dropped yet): its future completes after the lock. */
    void adoptedThreadEnded(Task<?> task, Deferred deferred) {
        adoptedByContinuation.remove(task.continuation);
        deferred.add(task::adoptedThreadEnded);
    }

    // ---- the state of a task --------------------------------------------------------------------

    @Override
    void starting(Task<?> task) {
        // registered at its first start, by the queue that admits it
    }

    @Override
    void bodyFinished(Task<?> task) {
        // counted by the carrier that finishes its last dispatch
    }

    @Override
    TaskState stateOf(Task<?> task) {
        return Task.taskStateOf(task.sched());
    }

    @Override
    long nanosInState(Task<?> task) {
        return Task.stateOf(task.sched()) == Task.NEW ? 0 : System.nanoTime() - task.stateSince;
    }

    @Override
    void priorityChanged(Task<?> task) {
        RunQueue q = task.queuedIn;
        if (q == null) {
            return;
        }
        q.lock();
        try {
            if (task.queuedIn == q) {
                q.ready.reprioritize(task, task.effectivePriority());
            }
        } finally {
            q.unlock();
        }
    }

    // ---- positional scheduling ({@link Positional}) --------------------------------------------------

    @Override
    void yieldToPosition(Task<?> current, int position) {
        positional.yieldToPosition(current, position);
    }

    @Override
    void switchTo(Task<?> current, Task<?> target, int insertPosition) {
        positional.switchTo(current, target, insertPosition);
    }

    @Override
    void descend(Task<?> current, Task<?> child) {
        positional.descend(current, child);
    }

    @Override
    void queueInsertPosition(Task<?> task, int position) {
        positional.queueInsertPosition(task, position);
    }

    // ---- callbacks --------------------------------------------------------------------------------

    @Override
    void callSoon(Handle handle) {
        RunQueue q = callbackQueue();
        q.lock();
        try {
            lifecycle.rejectIfTerminated("callSoon");
            q.add(handle, Priority.NORMAL);
        } finally {
            q.unlock();
        }
        idle.wakeOne();
    }

    @Override
    void callAtPosition(int position, Handle handle) {
        RunQueue q = callbackQueue();
        q.lock();
        try {
            lifecycle.rejectIfTerminated("callAtPosition");
            checkPosition(position, q.ready.size());
            q.insert(position, handle);
        } finally {
            q.unlock();
        }
        idle.wakeOne();
    }

    private RunQueue callbackQueue() {
        RunQueue local = localQueue(Thread.currentThread());
        return local != null ? local : injection;
    }

    @Override
    void callbackDue(Handle handle) {
        injection.lock();
        try {
            if (lifecycle.isTerminated()) { // the termination sweep has passed this queue, or comes after us
                handle.cancelQuietly();
                return;
            }
            injection.add(handle, Priority.NORMAL);
        } finally {
            injection.unlock();
        }
        idle.wakeOne();
    }

    @Override
    void unqueue(Handle handle) {
        timers.forget(handle);
        RunQueue q = handle.queuedIn;
        if (q != null) {
            q.lock();
            try {
                q.remove(handle);
            } finally {
                q.unlock();
            }
        }
    }

    // ---- snapshots and introspection ----------------------------------------------------------------

    /**
     * Runs {@code reader} with every queue locked, in index order, every inbox drained: the counts and the
     * registry are exact, and nothing changes until it returns.
     */
    <R> R snapshot(Function<RunQueue[], R> reader) {
        Deferred deferred = new Deferred();
        long now = System.nanoTime();
        int locked = 0;
        try {
            for (RunQueue q : queues) {
                q.lock();
                locked++;
            }
            for (RunQueue q : queues) {
                dispatch.drain(q, now, deferred);
            }
            return reader.apply(queues);
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                queues[i].unlock();
            }
            wakeIfDrained();
            deferred.run();
        }
    }

    /**
     * Drains the injection queue's inbox for a thread that may take none of what it moves (the latency guard's
     * lender, a carrier on loan, which takes only its band): under the queue's lock, then a wake-up for what
     * became visible ({@link #wakeIfDrained}). Nothing when the inbox is empty.
     */
    void drainInjection(long now, Deferred deferred) {
        if (injection.inbox.isEmpty()) {
            return;
        }
        injection.lock();
        try {
            dispatch.drain(injection, now, deferred);
        } finally {
            injection.unlock();
        }
        deferred.run();
        wakeIfDrained();
    }

    /**
     * After a drain by a thread that runs nothing from the queue: the pushes it moved were visible in the
     * inbox and were invisible, under the lock, until its release published them, so a carrier may have gone
     * idle in between, having seen neither; wake one now (its own check and this one are the two sides of
     * the Dekker argument in {@link Idle}).
     */
    void wakeIfDrained() {
        if (anyWork()) {
            idle.wakeOne();
        }
    }

    @Override
    List<Task<?>> tasks(Predicate<Task<?>> filter) {
        return snapshot(qs -> Snapshots.liveTasks(qs, filter));
    }

    @Override
    List<Task<?>> runnableTasks() {
        return snapshot(Snapshots::runnableTasks);
    }

    @Override
    int queueLength() {
        return snapshot(Snapshots::queueLength);
    }

    @Override
    LoopStatistics statistics() {
        return snapshot(qs -> Snapshots.statistics(config, qs, watchdog));
    }

    // ---- lifecycle --------------------------------------------------------------------------------

    /** A task ended: after a shutdown, the loop may terminate, or be left with only suspended coroutines. */
    void taskEnded(Deferred deferred) {
        if (lifecycle.state() == Lifecycle.SHUTDOWN) {
            deferred.add(() -> {
                tryTerminate();
                suspendedDrives.closeIfNothingElseIsLive();
            });
        }
    }

    @Override
    void shutdown() {
        super.shutdown();
        suspendedDrives.closeIfNothingElseIsLive();
    }

    @Override
    void tryTerminate() {
        if (lifecycle.state() != Lifecycle.SHUTDOWN || lifecycle.foreignStartsInFlight()) {
            return;
        }
        boolean idleNow = snapshot(qs -> Snapshots.liveCount(qs) == 0 && Snapshots.inboxesEmpty(qs));
        if (idleNow && !lifecycle.foreignStartsInFlight() && lifecycle.terminate()) {
            terminated();
        }
    }

    @Override
    void terminated() {
        super.terminated();
        for (RunQueue q : queues) { // callbacks that can never run now; a due one queued after this sees TERMINATED
            q.lock();
            try {
                for (ReadyEntry e : q.ready.inRunOrder()) {
                    if (e instanceof Handle handle) {
                        handle.cancelQuietly();
                        q.remove(handle);
                    }
                }
            } finally {
                q.unlock();
            }
        }
        idle.wakeAll();
        watchdog.wake();
    }

    @Override
    void joinThreads(long deadline) {
        for (Carrier carrier : carriers) {
            joinQuietly(carrier.thread, deadline);
        }
        watchdog.join(deadline);
        timers.stop();
        for (Thread timerThread : timers.threads()) {
            joinQuietly(timerThread, deadline);
        }
    }

    // ---- support for Drive ------------------------------------------------------------------------

    /** Wakes a task parked in an engine hand-off so that it runs next. */
    static void resumeAtHead(Task<?> task) {
        if (Task.stateOf(task.sched()) != Task.RUNNING) { // still mounted: the unpark only leaves the permit
            task.insertPosition = 0;
        }
        LockSupport.unpark(task.thread);
    }

    /** Binds {@code task} to {@code lane}; a continuation waiting in a queue moves there. */
    void bindLane(Task<?> task, Lane lane, boolean carriedBySession) {
        lane.bind(task, carriedBySession);
        RunQueue q = task.queuedIn;
        if (q != null && q.takeOut(task)) {
            postToLane(task, true);
        }
    }

    /** Unbinds {@code task} from {@code lane}; a continuation posted there goes to a queue. */
    void releaseLane(Task<?> task, Lane lane) {
        if (lane.release(task)) {
            requeue(task, -1);
        }
    }

    /** The next drive takes a held task: to its inline lane, or to the head of the caller's queue. */
    void takeFromPen(Task<?> task, Lane pen, Lane inline, boolean carriedBySession) {
        if (inline != null) {
            if (pen.handOver(task, inline, carriedBySession)) {
                inline.post(task, true);
            }
        } else if (pen.release(task)) {
            requeue(task, 0);
        }
    }

    /** Ends an inline session: every task it still carries goes back to its loop. */
    void releaseSession(Lane inline) {
        for (Task<?> task : inline.carried()) {
            ((Scheduler) task.engine()).releaseLane(task, inline);
        }
    }

    /** Runs a task posted to an inline lane on the calling platform thread, until it parks or ends. */
    void runInline(Task<?> task) {
        RunQueue q = task.home;
        Deferred deferred = new Deferred();
        long dispatchNumber;
        q.lock();
        try {
            dispatchNumber = dispatch.begin(q, task, null, System.nanoTime(), false, deferred, true);
        } finally {
            q.unlock();
        }
        try {
            task.runOnCarrier();
        } catch (Throwable failure) {
            reportUncaught(task, failure);
        } finally {
            q.lock();
            try {
                dispatch.finish(q, task, dispatchNumber, false, System.nanoTime(), deferred);
            } finally {
                q.unlock();
            }
            deferred.run();
        }
    }

    /** Fault injection, for tests only: makes core carrier {@code index} fail at its next turn. */
    void killCarrierForTest(int index) {
        watchdog.killCarrierForTest(index);
    }
}
