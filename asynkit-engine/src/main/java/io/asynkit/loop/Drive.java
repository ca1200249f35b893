package io.asynkit.loop;

import io.asynkit.internal.Throwables;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The engine's one primitive: <em>run a task on the caller's behalf and give control back to the
 * caller the moment the task next parks, signals or ends</em>. Eager calls, {@code CoroStart},
 * {@code awaitSync}, monitors and generators ({@code io.asynkit.coro}) are all built on it.
 *
 * <pre>{@code
 * Task<String> task = loop.newTask().unstarted(() -> fetch(url));
 * Drive drive = Drive.of(task);
 * if (drive.run(Drive.Until.PARK) == Drive.Outcome.FINISHED) {
 *     return task.resultNow();            // it never parked: no task switch happened at all
 * }
 * }</pre>
 *
 * <p>How the task is carried depends on the caller:
 * <ul>
 *   <li>a <b>task</b> of a loop: the driven task goes to the head of its loop's ready queue and the
 *       caller parks until the segment ends, then resumes at the head: depth-first execution at the
 *       cost of two task switches;</li>
 *   <li>any other thread (a {@code main} method, a test, a servlet thread, a virtual thread of another
 *       scheduler): the task runs at the head of its loop's queue and the caller parks until the segment
 *       ends;</li>
 *   <li>optionally (system property {@code asynkit.inlineCarrier=true}) a <b>platform thread</b> carries
 *       the task itself, running its continuation inline with no thread hand-off at all, and tasks the
 *       driven task in turn drives are carried the same way. Off by default: see
 *       {@link #INLINE_CARRYING} for the JDK constraint behind that.</li>
 * </ul>
 * While a task waits for a task it drives it is parked, and reports {@link TaskState#BLOCKED} with
 * the task it waits for ({@link Task#drivenTask()}); but that park does not end a segment of its own
 * drive: its own driver (if any) keeps waiting. Nested drives of any depth therefore compose.
 *
 * <p><b>Interrupts.</b> A caller that awaits the task as a whole ({@link Until#SIGNAL}, {@link Until#END})
 * passes an interruption on to it, as if the task's code ran on the caller's own thread: an exception
 * thrown into the calling task ({@link Task#throwInto}) is thrown into the driven task, and a plain
 * interrupt (a cancellation) interrupts it; the caller then keeps waiting for the segment to end, which
 * it now does promptly. A synchronous caller ({@link Until#BLOCK}) that is interrupted ends its segment
 * at the task's next yield as well. Callers of the short segments ({@link Until#PARK}) finish the segment
 * first and keep their interrupt status.
 *
 * <p>A {@code Drive} belongs to one driven task for its whole life. Segments never overlap: a second
 * {@link #run} while one is active is an {@link IllegalStateException}.
 *
 * <p>Memory effects: everything the driven task did in a segment happens-before {@link #run}
 * returns; everything the caller did before {@code run} happens-before the segment starts.
 */
public final class Drive {

    /**
     * When a segment ends (besides the task ending, which always ends it). Drives that stop at a
     * block ({@link #BLOCK}, {@link #BLOCK_OR_YIELD}) are <em>synchronous</em>: the task is marked
     * {@link Task#isSynchronous()}, and every drive nested inside it stops at a block too.
     */
    public enum Until {
        /** At the task's first scheduling point: any park, including a yield. Eager calls, CoroStart. */
        PARK,
        /** At the first park that waits for something; yields (sleep of zero) do not count. awaitSync. */
        BLOCK,
        /** Only at a {@link #signal()} (or the end): real parks are carried across. Monitors, generators. */
        SIGNAL,
        /** Like {@link #BLOCK}, and yields count as blocking too: awaitSync in strict mode. */
        BLOCK_OR_YIELD,
        /**
         * Only at the task's end: every park is carried across, and {@link #signal()} is refused. A call
         * awaited as a whole: {@code callIn}, closing a coroutine.
         */
        END;

        boolean endsAtPark() {
            return this == PARK || this == BLOCK || this == BLOCK_OR_YIELD;
        }

        boolean endsAtYield() {
            return this == PARK || this == BLOCK_OR_YIELD;
        }

        /** True if the caller waits for the task as a whole, and so passes interruptions on to it. */
        boolean awaitsTheWhole() {
            return this == SIGNAL || this == END;
        }
    }

    /** Why a segment ended. */
    public enum Outcome {
        /** The task parked (see {@link Until}); it continues on its loop when woken. */
        PARKED,
        /** Some task called {@link #signal()} and is suspended until the next {@link #run}. */
        SIGNALLED,
        /** The task's thread ended; its future is complete. */
        FINISHED,
        /**
         * The caller stopped waiting ({@link #run(Until, Duration)}): the segment goes on without it, the
         * task running on as an ordinary task of its loop. A later {@link #run} waits for it again.
         */
        TIMED_OUT
    }

    /**
     * Whether a platform-thread caller carries the driven task itself. Off unless the system property
     * {@code asynkit.inlineCarrier} is {@code true}: on JDK 25 a platform thread that holds a monitor
     * ({@code synchronized}) while it mounts a virtual thread corrupts the JVM's lock bookkeeping (seen
     * here as a hang, and as a crash in {@code ThawBase::recurse_thaw_interpreted_frame}), and there is
     * no cheap way to know whether the caller holds one. Enable it only where no thread that drives
     * coroutines ever does. Interrupting a thread while it carries a task inline is best effort: the JDK
     * clears a carrier's interrupt status when it mounts a virtual thread, so an interrupt that arrives just
     * before a mount is lost.
     */
    static final boolean INLINE_CARRYING = Boolean.getBoolean("asynkit.inlineCarrier");

    private static final long NO_DEADLINE = 0;

    private final Task<?> task;
    private final Scheduler scheduler;
    /**
     * Guards the segment's fields. Taken by the caller, by the driven task (signal), and by a carrier or a
     * pusher under a queue's lock (the scheduler asks the drive whether a park or a requeue ends the
     * segment): a queue lock may be held while this one is taken, never the reverse, so the drive leaves
     * its scheduler work (waking a caller, moving a task between a lane and a queue) to after its release
     * ({@link Deferred}). A virtual thread spins for it, as for a queue's lock.
     */
    private final SpinLock lock = new SpinLock();

    // Guarded by lock.
    private Until until;
    private volatile boolean active; // written under the lock; read without it by waiting callers
    private Outcome outcome;
    private Thread caller;
    private Task<?> callerTask;
    private Lane inline;
    private volatile Task<?> suspended; // the task parked in signal(); written under the lock
    private Throwable resumeWith;       // raised by signal() in a task resumed by abandon()
    private boolean started;
    private Lane held; // after a synchronous drive parked: holds the task for the next run()
    private volatile Function<String, ? extends Throwable> exitFactory = CancellationException::new;

    private Drive(Task<?> task) {
        this.task = task;
        this.scheduler = (Scheduler) task.engine();
    }

    /**
     * A drive for {@code task}, which must not have been started: the first {@link #run} starts it.
     *
     * @throws IllegalArgumentException if the task has already started
     * @throws UnsupportedOperationException if the task's loop runs degraded (no scheduler hook)
     */
    public static Drive of(Task<?> task) {
        Objects.requireNonNull(task, "task");
        task.loop().requireHookFor("driving a task");
        if (task.taskState() != TaskState.NEW || task.isAdopted()) {
            throw new IllegalArgumentException("a drive needs a task that has not started yet, but " + task
                    + " has; create it with TaskBuilder.unstarted(...)");
        }
        return new Drive(task);
    }

    /**
     * A drive for a new task made with {@code options} that runs {@code body}, to be run at once: the
     * coroutine tools start each coroutine so. Unlike a task made with {@link TaskBuilder#unstarted},
     * {@code close()} does not look for it, so a drive made here should be run.
     *
     * <pre>{@code
     * Drive drive = Drive.forNewTask(loop.newTask().name("eager"), () -> fetch(url));
     * drive.run(Drive.Until.PARK);
     * }</pre>
     *
     * @throws UnsupportedOperationException if the loop runs degraded (no scheduler hook)
     */
    public static Drive forNewTask(TaskBuilder options, Callable<?> body) {
        Objects.requireNonNull(options, "options");
        options.loop().requireHookFor("driving a task");
        return new Drive(options.unstartedForDrive(body));
    }

    /** The driven task. */
    public Task<?> task() {
        return task;
    }

    /**
     * Starts (the first time) or resumes the task and waits until the segment ends.
     *
     * <p>Resuming means: if a task is suspended in {@link #signal()}, it continues; otherwise (the
     * task is parked for real, or runnable) the caller simply waits for the segment to end.
     *
     * @throws IllegalStateException      if a segment of this drive is already running, or the task ended
     * @throws RejectedExecutionException if the first run finds the task's loop shut down: the task never
     *                                    runs, is {@code DONE}, and its future completes with this exception
     */
    public Outcome run(Until until) {
        return run(until, null, NO_DEADLINE);
    }

    /**
     * Like {@link #run(Until)}, but waits at most {@code timeout}: then the segment goes on without the
     * caller, the task running on as an ordinary task of its loop, and this returns
     * {@link Outcome#TIMED_OUT}. A zero or negative timeout waits for nothing but what the start itself
     * takes; a timeout too long for nanoseconds waits as long as it takes.
     */
    public Outcome run(Until until, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return run(until, null, deadlineAfter(timeout));
    }

    /**
     * Like {@link #run(Until)}, and runs {@code afterStart} (for example throwing an exception into the
     * parked task) once the segment is set up, so that whatever it wakes is carried by this drive; a task
     * held after a synchronous drive parked cannot run before {@code afterStart} has run.
     */
    public Outcome run(Until until, Runnable afterStart) {
        return run(until, afterStart, NO_DEADLINE);
    }

    /** {@link #run(Until, Runnable)}, waiting at most {@code timeout} as {@link #run(Until, Duration)} does. */
    public Outcome run(Until until, Runnable afterStart, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return run(until, afterStart, deadlineAfter(timeout));
    }

    /** {@link #run(Until, Runnable)} that gives up waiting at {@code deadline} ({@link #NO_DEADLINE}: never). */
    private Outcome run(Until until, Runnable afterStart, long deadline) {
        Objects.requireNonNull(until, "until");
        Thread self = Thread.currentThread();
        Task<?> selfTask = Task.currentOrNull();
        if (selfTask == task) {
            throw new IllegalStateException("task " + task.name() + " cannot drive itself");
        }
        boolean start;
        Lane carrying;
        Lane bind = null;
        lock();
        try {
            if (active) {
                throw new IllegalStateException("task " + task.name() + " is already being driven (already running)");
            }
            if (started && Task.stateOf(task.sched()) == Task.DONE && suspended == null) {
                throw new IllegalStateException("task " + task.name() + " has ended; nothing to drive");
            }
            if (selfTask != null && selfTask.synchronous) {
                until = Until.BLOCK; // inside awaitSync every nested drive must complete synchronously too
            }
            if (until == Until.BLOCK && self.isInterrupted()) {
                until = Until.BLOCK_OR_YIELD; // an interrupted synchronous caller does not wait across yields
            }
            task.synchronous = until == Until.BLOCK || until == Until.BLOCK_OR_YIELD;
            this.until = until;
            outcome = null;
            caller = self;
            callerTask = selfTask;
            Lane callersLane = selfTask != null ? selfTask.lane : null;
            inline = callersLane != null && callersLane.thread != null ? callersLane // nested in a carried caller
                    : selfTask == null && INLINE_CARRYING && !self.isVirtual() ? Lane.inline() : null;
            carrying = inline != null && inline.thread == self ? inline : null;
            task.drive = this;
            if (held == null && inline != null && task.lane == null) {
                bind = inline;
            }
            start = !started;
            started = true;
            if (start) {
                task.insertPosition = 0; // runs before anything else queued
            }
            if (selfTask != null) {
                selfTask.driving = task; // the caller's own driver (if any) goes on while it waits here
            }
            active = true;
        } finally {
            unlock();
        }
        if (bind != null) {
            scheduler.bindLane(task, bind, true); // a segment ending before this: the session's end releases it
        }
        if (afterStart != null) {
            afterStart.run(); // a held task stays held: whatever this wakes waits for the release below
        }
        releaseAndResume(start);
        if (start) {
            try {
                task.start();
            } catch (RuntimeException | Error refused) { // RejectedExecutionException: the loop shut down meanwhile
                abandonRefusedStart(selfTask, refused);
                throw refused;
            }
        }
        return awaitSegmentEnd(carrying, deadline);
    }

    /**
     * The task's first start was refused (its loop was shut down after the task was made, so it never
     * runs): undoes the segment, so that the caller is not left handing off to a segment that never
     * comes and a later run says the task has ended, and settles the task with the refusal.
     */
    private void abandonRefusedStart(Task<?> selfTask, Throwable refused) {
        Lane lane;
        lock();
        try {
            active = false;
            outcome = null;
            caller = null;
            callerTask = null;
            task.drive = null;
            task.synchronous = false;
            lane = inline;
            inline = null;
            if (selfTask != null) {
                selfTask.driving = null;
            }
        } finally {
            unlock();
        }
        if (lane != null) {
            lane.release(task);
        }
        scheduler.neverStarted(task, refused);
    }

    /** Lets a held task go to this segment's lane, or a queue, and resumes a task suspended in signal(). */
    private void releaseAndResume(boolean start) {
        Lane pen;
        Task<?> resumed = null;
        lock();
        try {
            pen = held;
            held = null;
            if (!start && suspended != null) {
                resumed = suspended;
                suspended = null;
                scheduler.suspendedDrives.resumed(resumed);
            }
        } finally {
            unlock();
        }
        if (pen != null) {
            scheduler.takeFromPen(task, pen, inline, inline != null);
        }
        if (resumed != null) {
            Scheduler.resumeAtHead(resumed);
        }
    }

    /**
     * Ends the current segment with {@link Outcome#SIGNALLED} and suspends the calling task until the
     * next {@link #run}. Callable from the driven task at any depth of calls, and from other tasks.
     *
     * <p>A suspended task that is cancelled, or has an exception thrown into it ({@link Task#throwInto}),
     * stops waiting: this throws a {@link CancellationException}, or that exception (a checked one wrapped
     * in {@link java.util.concurrent.CompletionException}), and the task runs on as an ordinary task of
     * its loop. So does a task the drive {@linkplain #abandon abandons}. A plain interrupt is kept for
     * later, as by {@link java.util.concurrent.locks.Condition#awaitUninterruptibly()}.
     *
     * @throws IllegalStateException outside a task, when no segment is running (nobody drives the task),
     *                               or when the drive runs {@link Until#END to the end}
     */
    public void signal() {
        Task<?> self = Task.current();
        Deferred deferred = new Deferred();
        lock();
        try {
            if (!active) {
                throw new IllegalStateException("nobody is driving task " + task.name() + " right now: signal() needs "
                        + "an active drive (is the coroutine being awaited through its monitor?)");
            }
            if (until == Until.END) {
                throw new IllegalStateException("task " + task.name() + " is being driven to its end: signal() is "
                        + "not accepted by a drive that runs Until.END");
            }
            suspended = self;
            resumeWith = null;
            scheduler.suspendedDrives.suspended(this, self);
            end(Outcome.SIGNALLED, deferred);
        } finally {
            unlock();
        }
        deferred.run();
        scheduler.suspendedDrives.closeIfNothingElseIsLive();
        boolean interrupted = false;
        while (suspended == self) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
                if (self.isCancelled() || self.hasPendingThrow()) {
                    Throwable reason = leaveSuspension(self);
                    if (reason != null) {
                        throw Throwables.unchecked(reason);
                    }
                }
            }
        }
        Throwable abandoned = resumeWith; // written before suspended was cleared
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (abandoned != null) {
            throw Throwables.unchecked(abandoned);
        }
    }

    /**
     * A suspended task that was cancelled or thrown into stops waiting; returns the exception it raises,
     * or null if it had been resumed meanwhile (then it returns from signal() as resumed).
     */
    private Throwable leaveSuspension(Task<?> self) {
        lock();
        try {
            if (suspended != self) {
                return null;
            }
            suspended = null;
            scheduler.suspendedDrives.resumed(self);
        } finally {
            unlock();
        }
        Throwable thrown = Task.takeThrownException();
        return thrown != null ? thrown
                : new CancellationException("task " + self.name() + " was cancelled while suspended in signal()");
    }

    /**
     * Lets go of a task suspended in {@link #signal()} that nobody will resume (a generator that became
     * unreachable, a coroutine whose loop shuts down): {@code signal()} throws {@code exception} in it,
     * and it runs on, undriven, as an ordinary task of its loop until it ends. A failure it ends with,
     * other than {@code exception} itself, goes to its loop's {@link Loop.ExceptionHandler}.
     *
     * @return true if a suspended task was let go; false if none was suspended or a segment is running
     */
    public boolean abandon(Throwable exception) {
        Objects.requireNonNull(exception, "exception");
        Task<?> resumed;
        lock();
        try {
            resumed = suspended;
            if (active || resumed == null) {
                return false;
            }
            resumeWith = exception;
            suspended = null; // after resumeWith: the resumed task reads it once it sees this
            scheduler.suspendedDrives.resumed(resumed);
        } finally {
            unlock();
        }
        resumed.reportFailuresOtherThan(exception);
        LockSupport.unpark(resumed.thread);
        return true;
    }

    /**
     * What a suspended task that nobody can resume any more is closed with when its loop shuts down (see
     * {@link Loop#shutdown()}): the exception {@code signal()} then throws, made from a message saying why.
     * Default {@link CancellationException}; the coroutine tools close with their {@code CoroutineExit}.
     */
    public void closeWith(Function<String, ? extends Throwable> exitFactory) {
        this.exitFactory = Objects.requireNonNull(exitFactory, "exitFactory");
    }

    /** The exception to close a suspended task with (see {@link #closeWith}). */
    Throwable exitFor(String reason) {
        return exitFactory.apply(reason);
    }

    /**
     * Stops driving: a segment in progress goes on without its caller (the task running on as an ordinary
     * task of its loop), and a task held after a synchronous drive parked goes back to its loop. A task
     * suspended in {@link #signal()} stays suspended. Called by the caller of {@link #run} after it gave
     * up on the task (for example when it ignored an abort and was cancelled).
     */
    public void release() {
        Deferred deferred = new Deferred();
        lock();
        try {
            detach(deferred);
            Lane pen = held;
            if (pen != null) {
                held = null;
                deferred.add(() -> scheduler.releaseLane(task, pen));
            }
        } finally {
            unlock();
        }
        deferred.run();
    }

    /** True while a segment runs. */
    public boolean isActive() {
        return active;
    }

    /** The task suspended in {@link #signal()}, or {@code null}. */
    public Task<?> suspendedTask() {
        return suspended;
    }

    /**
     * Waits until the segment has ended (or {@code deadline} passed): a platform thread that carries the
     * task inline runs what is posted to it; any other caller parks. An interruption of the caller is
     * passed on to the task as the class comment says; interrupts are re-asserted afterwards. Returns how
     * the segment ended.
     */
    private Outcome awaitSegmentEnd(Lane carrying, long deadline) {
        boolean interrupted = false;
        Throwable undelivered = null;
        if (carrying == null && !Thread.currentThread().isVirtual()) {
            spinWhileActive(); // a short segment then costs the caller no OS wake-up
        }
        try {
            while (active) {
                // Checked before each inline run too: mounting a virtual thread clears its carrier's interrupt
                // status, so a caller that carries the task would lose its own interrupt otherwise.
                if (Thread.interrupted()) {
                    Throwable thrown = passOnInterruption();
                    if (thrown == null) {
                        interrupted = true;
                    } else if (thrown != DELIVERED) {
                        undelivered = thrown;
                    }
                }
                if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
                    Deferred deferred = new Deferred();
                    boolean detached;
                    lock();
                    try {
                        detached = detach(deferred);
                    } finally {
                        unlock();
                    }
                    deferred.run();
                    if (detached) {
                        return Outcome.TIMED_OUT;
                    }
                    continue; // it ended an instant ago
                }
                Task<?> next = carrying != null ? carrying.poll() : null;
                if (next != null) {
                    ((Scheduler) next.engine()).runInline(next);
                } else if (deadline == NO_DEADLINE) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, deadline - System.nanoTime());
                }
            }
            return outcome; // written before active was cleared (a volatile write): no lock needed to read it
        } finally {
            if (carrying != null) {
                scheduler.releaseSession(carrying);
            }
            if (undelivered != null) {
                Task.current().restoreThrown(undelivered); // the task had ended: the caller keeps its exception
            } else if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * How long a platform caller spins for a segment to end before it parks: about what a carrier takes for a
     * generator step, well below an OS park and wake-up, which costs tens of microseconds.
     */
    private static final long CALLER_SPIN_NANOS = 20_000;

    private void spinWhileActive() {
        long end = System.nanoTime() + CALLER_SPIN_NANOS;
        while (active && System.nanoTime() - end < 0) {
            for (int i = 0; i < 32 && active; i++) {
                Thread.onSpinWait();
            }
        }
    }

    /** Marks an exception the driven task accepted from its caller. */
    private static final Throwable DELIVERED = new Throwable("delivered", null, false, false) { };

    /**
     * The waiting caller was interrupted. Returns null if it keeps its interrupt status for later,
     * {@link #DELIVERED} if an exception thrown into it went to the driven task instead, or that
     * exception if the driven task could not take it.
     */
    private Throwable passOnInterruption() {
        Until mode;
        lock();
        try {
            if (!active) {
                return null;
            }
            if (until == Until.BLOCK) {
                until = Until.BLOCK_OR_YIELD; // a yield loop would otherwise never let the caller go
            }
            mode = until;
        } finally {
            unlock();
        }
        if (!mode.awaitsTheWhole()) {
            return null;
        }
        Throwable thrown = callerTask != null ? Task.takeThrownException() : null;
        if (thrown != null) {
            try {
                task.throwInto(thrown);
                return DELIVERED;
            } catch (IllegalStateException doneOrCancelled) {
                return thrown;
            }
        }
        Thread t = task.thread;
        if (t != null) {
            t.interrupt(); // a cancellation, or a plain interrupt: the awaited code sees it where it waits
        }
        return null;
    }

    // ---- called by the scheduler, under the lock of a queue -------------------------------------------

    /**
     * A dispatch of the driven task returned with the task parked: moves its word RUNNING(d) → BLOCKED, into a
     * holding pen if this park ends a synchronous segment (atomically: a wake-up then goes to the pen, and
     * nothing can run the task before the next drive), and ends the segment if the park ends it.
     */
    void parked(RunQueue q, long word, long now, Deferred deferred) {
        lock();
        try {
            boolean ends = active && task.driving == null && suspended != task && until.endsAtPark();
            boolean hold = ends && (until == Until.BLOCK || until == Until.BLOCK_OR_YIELD);
            Lane pen = null;
            Lane previous = task.lane;
            if (hold) {
                pen = previous != null ? previous : Lane.holdingPen(); // an inline lane holds it as well
                task.lane = pen;
            }
            if (scheduler.dispatch.park(q, task, word, hold, now)) {
                if (hold) {
                    pen.uncarry(task); // the session's end must not let it go: the next drive takes it
                    held = pen;
                }
                if (ends) {
                    end(Outcome.PARKED, deferred);
                }
            } else if (hold) {
                task.lane = previous; // made runnable meanwhile: judged by requeuedWhileMounted
            }
        } finally {
            unlock();
        }
    }

    /**
     * The driven task was made runnable while still mounted: it yielded, or parked and was woken at once.
     * Judged here, at once, because on a multi-carrier loop another carrier could otherwise run the task
     * on before its first carrier reports the end of the dispatch. Returns true if the segment ends here
     * holding the task: it is in a holding pen, and the caller must not queue it.
     */
    boolean requeuedWhileMounted(Deferred deferred) {
        lock();
        try {
            if (!active || task.driving != null || suspended == task || !until.endsAtYield()) {
                return false;
            }
            boolean hold = until == Until.BLOCK_OR_YIELD;
            if (hold) {
                Lane pen = Lane.holdingPen();
                pen.bind(task, false);
                pen.post(task, true);
                held = pen;
            }
            end(Outcome.PARKED, deferred);
            return hold;
        } finally {
            unlock();
        }
    }

    /** The driven task's thread ended. */
    void ended(Deferred deferred) {
        lock();
        try {
            if (active) {
                end(Outcome.FINISHED, deferred);
            }
        } finally {
            unlock();
        }
    }

    /** Ends the segment; waking the caller is deferred. Under the drive's lock. */
    private void end(Outcome result, Deferred deferred) {
        outcome = result; // before active is cleared: a waiting caller reads it once it sees active false
        active = false;
        task.drive = null;
        Lane lane = inline;
        if (result == Outcome.PARKED && lane != null && held == null) {
            deferred.add(() -> scheduler.releaseLane(task, lane)); // it continues on its loop when woken
        }
        Task<?> waitingTask = callerTask;
        Thread waitingThread = caller;
        if (waitingTask != null) {
            deferred.add(() -> {
                Scheduler.resumeAtHead(waitingTask);
                // Cleared only now: while the caller was being made runnable above, a still-mounted caller
                // must not look as if it had parked for its own driver (requeuedWhileMounted).
                waitingTask.driving = null;
            });
        } else if (waitingThread != null) {
            deferred.add(() -> LockSupport.unpark(waitingThread));
        }
    }

    /**
     * The caller stops waiting for the segment in progress, if one is: the task runs on as an ordinary
     * task of its loop, and nobody is woken when the segment ends. Returns whether a segment was in
     * progress. Called by the caller itself, under the drive's lock.
     */
    private boolean detach(Deferred deferred) {
        if (!active) {
            return false;
        }
        outcome = Outcome.TIMED_OUT;
        active = false;
        task.drive = null;
        Lane lane = inline;
        if (lane != null && held == null) {
            deferred.add(() -> scheduler.releaseLane(task, lane));
        }
        if (callerTask != null) {
            callerTask.driving = null; // it is the running caller itself
        }
        caller = null;
        callerTask = null;
        return true;
    }

    private void lock() {
        lock.lock(); // spins: a task must not park on it (see SpinLock)
    }

    private void unlock() {
        lock.unlock();
    }

    /** The deadline {@code timeout} from now, never {@link #NO_DEADLINE}; saturated for huge timeouts. */
    private static long deadlineAfter(Duration timeout) {
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        long deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2); // stays comparable by difference
        return deadline == NO_DEADLINE ? 1 : deadline;
    }
}
