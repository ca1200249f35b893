package io.asynkit.loop;

import io.asynkit.internal.Throwables;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
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
 * While a task waits for a task it drives, it is not "blocked": it keeps the state
 * {@link TaskState#RUNNING} and its own driver (if any) keeps waiting. Nested drives of any depth
 * therefore compose.
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
    private final Loop loop;

    // Guarded by loop's lock.
    private Until until;
    private volatile boolean active; // written under the lock; read without it by waiting callers
    private Outcome outcome;
    private Thread caller;
    private Task<?> callerTask;
    private InlineCarrier inline;
    private volatile Task<?> suspended; // the task parked in signal(); written under the lock
    private Throwable resumeWith;       // raised by signal() in a task resumed by abandon()
    private volatile Function<String, ? extends Throwable> exitFactory = CancellationException::new;
    private boolean started;
    private InlineCarrier held; // after a synchronous drive parked: holds the task for the next run()

    private Drive(Task<?> task) {
        this.task = task;
        this.loop = task.loop();
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
        InlineCarrier carrying;
        loop.lock();
        try {
            if (active) {
                throw new IllegalStateException("task " + task.name() + " is already being driven (already running)");
            }
            if (started && task.state == TaskState.DONE && suspended == null) {
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
            active = true;
            outcome = null;
            caller = self;
            callerTask = selfTask;
            inline = selfTask != null ? selfTask.carrier : INLINE_CARRYING && !self.isVirtual() ? new InlineCarrier() : null;
            carrying = inline != null && inline.thread == self ? inline : null;
            task.drive = this;
            if (held == null && inline != null && task.carrier == null) {
                task.carrier = inline;
                inline.carried.add(task);
                if (task.state == TaskState.RUNNABLE && task.isQueued()) { // woken meanwhile: carry it now
                    loop.unqueueTask(task);
                    inline.post(task, true);
                }
            }
            start = !started;
            started = true;
            if (start) {
                task.insertPosition = 0; // runs before anything else queued
            }
            if (selfTask != null) {
                selfTask.handingOff = true; // waiting for the segment is not blocking
            }
            if (afterStart == null) {
                releaseAndResume(start);
            }
        } finally {
            loop.unlock();
        }
        if (afterStart != null) {
            afterStart.run(); // a held task stays held: whatever this wakes waits for the release below
            loop.lock();
            try {
                releaseAndResume(start);
            } finally {
                loop.unlock();
            }
        }
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
        loop.lock();
        try {
            active = false;
            outcome = null;
            caller = null;
            callerTask = null;
            task.drive = null;
            task.synchronous = false;
            inline = null;
            if (selfTask != null) {
                selfTask.handingOff = false;
            }
            loop.neverStarted(task);
        } finally {
            loop.unlock();
        }
        task.startRefused(refused); // completes its future: outside the lock
    }

    /** Lets a held task go to this segment's carrier and resumes a task suspended in signal(). Under the lock. */
    private void releaseAndResume(boolean start) {
        if (held != null) {
            loop.takeFromHoldingPen(task, held, inline);
            held = null;
        }
        if (!start && suspended != null) {
            Task<?> resumed = suspended;
            suspended = null;
            loop.coroutineResumed(this);
            loop.resumeAtHead(resumed);
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
        loop.lock();
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
            loop.coroutineSuspended(this);
            end(Outcome.SIGNALLED);
        } finally {
            loop.unlock();
        }
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
        loop.lock();
        try {
            if (suspended != self) {
                return null;
            }
            suspended = null;
            loop.coroutineResumed(this);
        } finally {
            loop.unlock();
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
        loop.lock();
        try {
            return abandonLocked(exception);
        } finally {
            loop.unlock();
        }
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

    /** {@link #abandon}, under the loop's lock. */
    boolean abandonLocked(Throwable exception) {
        Task<?> resumed = suspended;
        if (active || resumed == null) {
            return false;
        }
        resumeWith = exception;
        suspended = null; // after resumeWith: the resumed task reads it once it sees this
        loop.coroutineResumed(this);
        resumed.reportFailuresOtherThan(exception);
        LockSupport.unpark(resumed.thread);
        return true;
    }

    /**
     * Stops driving: a segment in progress goes on without its caller (the task running on as an ordinary
     * task of its loop), and a task held after a synchronous drive parked goes back to its loop. A task
     * suspended in {@link #signal()} stays suspended. Called by the caller of {@link #run} after it gave
     * up on the task (for example when it ignored an abort and was cancelled).
     */
    public void release() {
        loop.lock();
        try {
            detach();
            if (held != null) {
                loop.releaseFromInline(task);
                held = null;
            }
        } finally {
            loop.unlock();
        }
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
    private Outcome awaitSegmentEnd(InlineCarrier carrying, long deadline) {
        boolean interrupted = false;
        Throwable undelivered = null;
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
                    loop.lock();
                    try {
                        if (detach()) {
                            return Outcome.TIMED_OUT;
                        }
                    } finally {
                        loop.unlock();
                    }
                    continue; // it ended an instant ago
                }
                Task<?> next = carrying != null ? carrying.poll() : null;
                if (next != null) {
                    next.loop().runInline(next);
                } else if (deadline == NO_DEADLINE) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, deadline - System.nanoTime());
                }
            }
            return outcome; // written before active was cleared (a volatile write): no lock needed to read it
        } finally {
            if (carrying != null) {
                loop.releaseInline(carrying);
            }
            if (undelivered != null) {
                Task.current().restoreThrown(undelivered); // the task had ended: the caller keeps its exception
            } else if (interrupted) {
                Thread.currentThread().interrupt();
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
        loop.lock();
        try {
            if (!active) {
                return null;
            }
            if (until == Until.BLOCK) {
                until = Until.BLOCK_OR_YIELD; // a yield loop would otherwise never let the caller go
            }
            mode = until;
        } finally {
            loop.unlock();
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

    /**
     * Called by the loop (under its lock) after a dispatch of the driven task returned: decides whether
     * the segment ended. {@code requeued}: the task was made runnable again during the dispatch (a yield,
     * or a park that was woken at once).
     */
    void afterDispatch(boolean ended, boolean requeued) {
        if (!active) {
            return;
        }
        if (ended) {
            end(Outcome.FINISHED);
        } else if (task.handingOff || suspended == task || requeued) {
            // driving a task of its own, or suspended in signal(): neither ends this segment here;
            // a requeue during the dispatch was already judged by requeuedWhileMounted()
        } else if (until.endsAtPark()) {
            end(Outcome.PARKED);
        }
    }

    /**
     * Called by the loop (under its lock) when the driven task is made runnable again while still
     * mounted: it yielded, or parked and was woken at once. Judged here, at once, because on a
     * multi-carrier loop another carrier could otherwise run the task on before its first carrier
     * reports the end of the dispatch.
     */
    void requeuedWhileMounted() {
        if (active && !task.handingOff && suspended != task && until.endsAtYield()) {
            end(Outcome.PARKED);
        }
    }

    /** Ends the segment and wakes the caller. Under the loop's lock. */
    private void end(Outcome result) {
        outcome = result; // before active is cleared: a waiting caller reads it once it sees active false
        active = false;
        task.drive = null;
        if (result == Outcome.PARKED && (until == Until.BLOCK || until == Until.BLOCK_OR_YIELD)) {
            held = InlineCarrier.holdingPen(); // it is about to be aborted: nothing may run it meanwhile
            loop.moveToHoldingPen(task, held);
        } else if (result == Outcome.PARKED && inline != null) {
            loop.releaseFromInline(task);
        }
        if (callerTask != null) {
            loop.resumeAtHead(callerTask);
            // Cleared only now: while the caller was being made runnable above, a still-mounted caller
            // must not look as if it had parked for its own driver (requeuedWhileMounted).
            callerTask.handingOff = false;
        } else if (caller != null) {
            LockSupport.unpark(caller);
        }
    }

    /**
     * The caller stops waiting for the segment in progress, if one is: the task runs on as an ordinary
     * task of its loop, and nobody is woken when the segment ends. Returns whether a segment was in
     * progress. Called by the caller itself, under the lock.
     */
    private boolean detach() {
        if (!active) {
            return false;
        }
        outcome = Outcome.TIMED_OUT;
        active = false;
        task.drive = null;
        if (inline != null && held == null) {
            loop.releaseFromInline(task);
        }
        if (callerTask != null) {
            callerTask.handingOff = false; // it is the running caller itself
        }
        caller = null;
        callerTask = null;
        return true;
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
