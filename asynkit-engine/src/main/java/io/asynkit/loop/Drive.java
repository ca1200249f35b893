package io.asynkit.loop;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's one primitive: <em>run a task on the caller's behalf and give control back to the
 * caller the moment the task next parks, signals or ends</em>. Eager calls, {@code CoroStart},
 * {@code awaitSync}, monitors and generators ({@code io.asynkit.coro}) are all built on it.
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
        BLOCK_OR_YIELD
    }

    /** Why a segment ended. */
    public enum Outcome {
        /** The task parked (see {@link Until}); it continues on its loop when woken. */
        PARKED,
        /** Some task called {@link #signal()} and is suspended until the next {@link #run}. */
        SIGNALLED,
        /** The task's thread ended; its future is complete. */
        FINISHED
    }

    /**
     * Whether a platform-thread caller carries the driven task itself. Off unless the system property
     * {@code asynkit.inlineCarrier} is {@code true}: on JDK 25 a platform thread that holds a monitor
     * ({@code synchronized}) while it mounts a virtual thread corrupts the JVM's lock bookkeeping (seen
     * here as a hang, and as a crash in {@code ThawBase::recurse_thaw_interpreted_frame}), and there is
     * no cheap way to know whether the caller holds one. Enable it only where no thread that drives
     * coroutines ever does.
     */
    static final boolean INLINE_CARRYING = Boolean.getBoolean("asynkit.inlineCarrier");

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
        return run(until, null);
    }

    /**
     * Like {@link #run(Until)}, and runs {@code afterStart} (for example throwing an exception into the
     * parked task) once the segment is set up, so that whatever it wakes is carried by this drive; a task
     * held after a synchronous drive parked cannot run before {@code afterStart} has run.
     */
    public Outcome run(Until until, Runnable afterStart) {
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
        return awaitSegmentEnd(carrying);
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
            loop.resumeAtHead(resumed);
        }
    }

    /**
     * Ends the current segment with {@link Outcome#SIGNALLED} and suspends the calling task until the
     * next {@link #run}. Callable from the driven task at any depth of calls, and from other tasks.
     *
     * @throws IllegalStateException outside a task, or when no segment is running (nobody drives the task)
     */
    public void signal() {
        Task<?> self = Task.current();
        loop.lock();
        try {
            if (!active) {
                throw new IllegalStateException("nobody is driving task " + task.name() + " right now: signal() needs "
                        + "an active drive (is the coroutine being awaited through its monitor?)");
            }
            suspended = self;
            end(Outcome.SIGNALLED);
        } finally {
            loop.unlock();
        }
        boolean interrupted = false;
        while (suspended == self) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
     * Waits until the segment has ended: a platform thread that carries the task inline runs what is
     * posted to it; any other caller parks. Interrupts are remembered and re-asserted afterwards: the
     * segment runs on the caller's behalf and is finished first. Returns how the segment ended.
     */
    private Outcome awaitSegmentEnd(InlineCarrier carrying) {
        boolean interrupted = false;
        try {
            while (active) {
                Task<?> next = carrying != null ? carrying.poll() : null;
                if (next != null) {
                    next.loop().runInline(next);
                    continue;
                }
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
            return outcome; // written before active was cleared (a volatile write): no lock needed to read it
        } finally {
            if (carrying != null) {
                loop.releaseInline(carrying);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
        } else if (until != Until.SIGNAL) {
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
        if (active && !task.handingOff && suspended != task && (until == Until.PARK || until == Until.BLOCK_OR_YIELD)) {
            end(Outcome.PARKED);
        }
    }

    /** Ends the segment and wakes the caller. Under the loop's lock. */
    private void end(Outcome result) {
        active = false;
        outcome = result;
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
        } else {
            LockSupport.unpark(caller);
        }
    }
}
