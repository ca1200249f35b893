package io.asynkit.loop;

import io.asynkit.priority.Priority;

import io.asynkit.internal.TaskInternals;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A unit of concurrent work on a {@link Loop}: a virtual thread whose scheduler is the loop, and the
 * {@link Future} of its result.
 *
 * <pre>{@code
 * try (Loop loop = Loop.builder().name("api").carriers(2).build()) {
 *     Task<String> page = loop.newTask().name("fetch").priority(Priority.HIGH).start(() -> http.get(url));
 *     System.out.println(page.get());
 * }
 * }</pre>
 *
 * <p><b>States.</b> {@link #taskState()} is tracked by the loop at every scheduling point: a task is
 * {@code RUNNABLE} while it waits in the ready queue, {@code RUNNING} while mounted on a carrier,
 * {@code BLOCKED} while parked for any reason (a lock, a future, a sleep, socket I/O), and
 * {@code DONE} once its thread has ended. {@link #isDone()} follows the {@code Future} contract instead:
 * it becomes true as soon as the result is set or the task is cancelled, which may be a moment before
 * the thread itself has unwound.
 *
 * <p><b>Cancellation</b> ({@link #cancel(boolean)} with {@code true}) completes the future with a
 * {@link CancellationException} at once and interrupts the task's thread, so a blocked task wakes up
 * with {@link InterruptedException} (or a closed channel) at its blocking point. A task cancelled
 * before it first ran never runs its body.
 *
 * <p><b>Priority.</b> {@link #setPriority} may be called from any thread. A task waiting in the ready
 * queue is re-ordered at once; otherwise the new priority applies the next time the task becomes
 * runnable. {@link #effectivePriority()} is what the queue uses.
 *
 * <p><b>Adopted threads.</b> A virtual thread that library code starts with {@code Thread.ofVirtual()}
 * from inside a task inherits the task's scheduler (a JDK rule). The loop adopts such threads as tasks
 * of its own: they are scheduled, counted and listed like any other task ({@link #isAdopted()} is
 * true), and their future completes with {@code null} when the thread ends.
 *
 * <p>Memory effects: actions of a task happen-before the completion of its future, as for
 * {@link CompletableFuture}.
 *
 * @param <T> the result type
 */
public final class Task<T> extends ReadyEntry implements Future<T> {

    /** Only where the scheduler of a thread cannot be read (a degraded loop): the task of the current thread. */
    private static final ScopedValue<Task<?>> CURRENT = ScopedValue.newInstance();
    private static final SchedulerHook HOOK = SchedulerHook.get();
    /** VirtualThread.scheduler, or null: a static final handle, so that reading it compiles to a field load. */
    private static final VarHandle SCHEDULER_OF = HOOK.schedulerHandle();
    private static final AtomicLong IDS = new AtomicLong();
    /** Adopted tasks by thread: they do not run our body, so CURRENT is never bound for them. */
    private static final Map<Thread, Task<?>> ADOPTED = new ConcurrentHashMap<>();
    private static final VarHandle PENDING_THROW;
    private static final VarHandle SCHED;

    static {
        try {
            PENDING_THROW = MethodHandles.lookup().findVarHandle(Task.class, "pendingThrow", Throwable.class);
            SCHED = MethodHandles.lookup().findVarHandle(Task.class, "sched", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        TaskInternals.register(new TaskInternals.Access() {
            @Override
            public void setInheritedPriority(Task<?> task, double inherited) {
                if (task.inherited != inherited) {
                    task.inherited = inherited;
                    task.engine.priorityChanged(task);
                }
            }

            @Override
            public double inheritedPriority(Task<?> task) {
                return task.inherited;
            }

            @Override
            public boolean withdrawThrow(Task<?> task, Throwable exception) {
                return task.withdrawThrow(exception);
            }
        });
    }

    private final Loop loop;
    private final Engine engine;
    private final long id;
    private volatile String name;                   // null: "task-<id>"
    private Callable<? extends T> body;         // null for adopted threads; dropped once run
    private final boolean reportFailures;       // fire-and-forget: nobody holds the future
    private final boolean adopted;              // a virtual thread started by other code, adopted
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private ScopedValueBindings scopedValues; // installed before the body runs; null: none
    /**
     * The task's virtual thread; dropped (null) once it has ended, so that a finished task kept as a
     * future does not keep the thread, its stack and its continuation reachable.
     */
    volatile Thread thread;
    private volatile double priority;
    /** Inherited from waiters on priority locks this task holds; +infinity: nothing inherited. */
    private volatile double inherited = Double.POSITIVE_INFINITY;
    private volatile Throwable pendingThrow;        // raised at the next asynkit-aware blocking point
    private volatile Throwable abandonedWith;       // let go undriven with this exception: report other failures
    volatile boolean synchronous;                   // runs inside awaitSync: must not block or create tasks
    /**
     * True from creation until the JDK first hands over this task's continuation (set by {@code start()});
     * afterwards a continuation other than the task's own is a thread the task started, also once the task
     * has ended and dropped its own.
     */
    private volatile boolean awaitingFirstStart;
    /**
     * Made by {@code TaskBuilder.unstarted}: in the engine's set of unstarted tasks until it starts or is
     * settled. Written before the task is handed out; a stale read only leaves it in that weak set.
     */
    boolean remembered;

    // ---- owned by the scheduler (see Scheduler's overview for who writes what) ----------------------
    /**
     * The scheduling word: the {@link TaskState} ordinal (bits 0-2), {@link #LANE} (bit 3: continuations go to
     * {@link #lane}, not to a queue) and the dispatch number (bits 4-63), changed only by compare-and-set.
     */
    private volatile long sched;
    long stateSince;              // System.nanoTime() when the task entered its state
    Runnable continuation;        // the JDK's Runnable that mounts this thread; set on first start
    int insertPosition = -1;      // >= 0: the next time it becomes runnable, insert at this position
    RunQueue home;                // the queue whose registry stripe lists it; set when admitted
    Task<?> previousLive;         // links of its home stripe's list of live tasks, under that lock
    Task<?> nextLive;
    Carrier runningOn;            // the carrier of its current dispatch, or null; set when begun
    volatile Lane lane;           // where continuations go while LANE is set: an inline carrier or a pen
    volatile Drive drive;         // non-null while a caller waits for this task's segment to end
    volatile Drive suspendedIn;   // the drive whose signal() this task is suspended in, or null (SuspendedDrives)
    /** The task this one waits for in a drive hand-off (its own driver's segment goes on meanwhile), or null. */
    volatile Task<?> driving;
    Task<?> nextInInbox;          // link in an inbox; written before the push publishes it
    long pushedAt;                // System.nanoTime() of a push by a foreign thread, else 0; published with it
    int pushedFrom;               // the state an inbox push took it from; published with it

    Task(Loop loop, Engine engine, String name, double priority, ScopedValueBindings scopedValues,
            Callable<? extends T> body, boolean reportFailures) {
        this.loop = loop;
        this.engine = engine;
        this.id = IDS.incrementAndGet();
        this.name = name;
        this.priority = Priority.check(priority);
        this.scopedValues = scopedValues;
        this.body = body;
        this.reportFailures = reportFailures;
        this.adopted = false;
        this.awaitingFirstStart = true;
        Dispatcher dispatcher = new Dispatcher(this);
        Thread.Builder.OfVirtual builder = engine.threadBuilder(dispatcher);
        if (name != null) {
            builder.name(name);
        }
        this.thread = builder.unstarted(dispatcher); // also the thread's body: one object fewer per task
    }

    /** An adopted virtual thread: started by other code, inheriting a task's scheduler. */
    private Task(Loop loop, Engine engine, Thread thread, double priority) {
        this.loop = loop;
        this.engine = engine;
        this.id = IDS.incrementAndGet();
        this.name = thread == null || thread.getName().isEmpty() ? null : thread.getName();
        this.priority = priority;
        this.scopedValues = null;
        this.body = null;
        this.reportFailures = false;
        this.adopted = true;
        this.thread = thread;
    }

    static Task<Void> adopt(Loop loop, Engine engine, Thread thread, double priority) {
        Task<Void> task = new Task<>(loop, engine, thread, priority);
        if (thread != null) {
            ADOPTED.put(thread, task);
        }
        return task;
    }

    /**
     * The task the calling code runs in.
     *
     * @throws IllegalStateException if the caller is not running inside an asynkit task
     */
    public static Task<?> current() {
        Task<?> task = currentOrNull();
        if (task == null) {
            throw new IllegalStateException("not inside an asynkit task: the current thread is " + Thread.currentThread()
                    + "; call this from code that runs as a task (Loop.newTask(), Loop.submit(), Loop.run())");
        }
        return task;
    }

    /** The task the calling code runs in, or {@code null} outside any task. */
    public static Task<?> currentOrNull() {
        Thread thread = Thread.currentThread();
        if (!thread.isVirtual()) {
            return null;
        }
        if (SCHEDULER_OF != null && SCHEDULER_OF.get(thread) instanceof Dispatcher dispatcher) {
            Task<?> owner = dispatcher.task;
            return owner.thread == thread ? owner : ADOPTED.get(thread);
        }
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /** True if the calling code runs inside an asynkit task. */
    public static boolean isInTask() {
        return currentOrNull() != null;
    }

    // ---- identity -------------------------------------------------------------------------------

    /** A process-wide unique id, increasing in creation order. */
    public long id() {
        return id;
    }

    /** The name given at creation or by {@link #setName}, or {@code "task-<id>"}. */
    public String name() {
        String n = name;
        return n != null ? n : "task-" + id;
    }

    /**
     * Renames the task and its virtual thread (as thread dumps and log patterns show it), from any thread:
     * for work that is only known once the task runs, such as a web request named after its route once the
     * handler is chosen.
     *
     * <pre>{@code
     * Task.current().setName("GET /api/quote");
     * }</pre>
     *
     * @throws NullPointerException if {@code name} is null
     */
    public void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
        Thread t = thread;
        if (t != null) {
            t.setName(name);
        }
    }

    /** The loop that schedules this task. */
    public Loop loop() {
        return loop;
    }

    /** True for a virtual thread started by other code from inside a task, which the loop adopted. */
    public boolean isAdopted() {
        return adopted;
    }

    // ---- scheduling state -----------------------------------------------------------------------

    /**
     * The state of this task's <em>result</em>, as for any {@link Future}: {@code RUNNING} until it is
     * settled, then {@code SUCCESS}, {@code FAILED} or {@code CANCELLED}. For where the task is in its loop
     * (runnable, running on a carrier, blocked) read {@link #taskState()} instead.
     */
    @Override
    public State state() {
        return Future.super.state();
    }

    /**
     * The scheduling state, exact at the moment of the call (see the class comment): {@code NEW},
     * {@code RUNNABLE}, {@code RUNNING} (on a carrier), {@code BLOCKED} or {@code DONE}. Not
     * {@link #state()}, which is {@link Future}'s state of the result.
     *
     * <pre>{@code
     * if (task.taskState() == TaskState.BLOCKED) {
     *     log.info("{} waits at {}", task.name(), task.blockingPoint().orElse(null));
     * }
     * }</pre>
     */
    public TaskState taskState() {
        return engine.stateOf(this);
    }

    /** Nanoseconds since the task entered its current {@link #taskState()}. */
    public long nanosInState() {
        return engine.nanosInState(this);
    }

    /** How many times a carrier has mounted this task so far. */
    public long dispatchCount() {
        return dispatchOf(sched);
    }

    /**
     * The task's current stack: where it is blocked when {@code BLOCKED}, a sample when
     * {@code RUNNING}, empty when not started or done.
     */
    public StackTraceElement[] stackTrace() {
        Thread t = thread;
        return t == null ? new StackTraceElement[0] : t.getStackTrace();
    }

    /**
     * True while the task runs inside {@code awaitSync} (or is driven by such a task): it must
     * complete without blocking, and creating tasks or using the loop from it is an error.
     */
    public boolean isSynchronous() {
        return synchronous;
    }

    /**
     * Where the task is, as a user means it: the first frame of {@link #stackTrace()} outside the JDK and
     * asynkit's engine (the caller of the lock, future, sleep or socket read it waits in), or empty when it is
     * not started, done, or its stack holds no such frame. A sample for a {@code RUNNING} task.
     *
     * <pre>{@code
     * for (Task<?> t : loop.blockedTasks()) {
     *     System.out.println(t.name() + " waits at " + t.blockingPoint().map(String::valueOf).orElse("?"));
     * }
     * }</pre>
     */
    public Optional<StackTraceElement> blockingPoint() {
        return BlockingPoint.of(stackTrace());
    }

    /**
     * The task this one waits for in a drive hand-off (an eager call, {@code awaitSync}, a generator or
     * monitor step: see {@link Drive}), or null. While it waits, this task is {@code BLOCKED}; it resumes
     * the moment the driven task parks, signals or ends.
     */
    public Task<?> drivenTask() {
        return driving;
    }

    static void rejectInsideSynchronous(String action) {
        Task<?> current = currentOrNull();
        if (current != null && current.synchronous) {
            throw new IllegalStateException("cannot " + action + " inside awaitSync (task " + current.name() + "): "
                    + "code run synchronously must complete without a loop; use eager(...) for nested calls");
        }
    }

    // ---- interrupts -----------------------------------------------------------------------------

    /**
     * Raises {@code exception} in this task at its current blocking point: the task is interrupted,
     * so a JDK blocking call (sleep, {@code Future.get}, a lock, an interruptible channel) returns with
     * {@link InterruptedException} (or {@code ClosedByInterruptException}), and asynkit's own waits
     * ({@link Scheduling#await}, {@link Scheduling#sleep}, monitors, generators) throw
     * {@code exception} itself. A second call before delivery replaces the first exception.
     *
     * @throws NullPointerException  if {@code exception} is null
     * @throws IllegalStateException if the task is done, cancelled, or the calling task itself
     */
    public void throwInto(Throwable exception) {
        Objects.requireNonNull(exception, "exception");
        if (currentOrNull() == this) {
            throw new IllegalStateException("task " + name() + " cannot throw into itself; just throw");
        }
        if (isCancelled()) {
            throw new IllegalStateException("task " + name() + " has a pending cancellation; cannot throw into it");
        }
        Thread t = thread;
        if (taskState() == TaskState.DONE || t == null || (taskState() != TaskState.NEW && !t.isAlive())) {
            throw new IllegalStateException("task " + name() + " is done; cannot throw into it");
        }
        pendingThrow = exception;
        t.interrupt();
    }

    /**
     * For asynkit-aware waits: if an exception was thrown into the current task with
     * {@link #throwInto}, clears it and the interrupt status and returns it; otherwise null.
     */
    public static Throwable takeThrownException() {
        Task<?> current = currentOrNull();
        if (current == null) {
            return null;
        }
        if (current.pendingThrow == null) {
            return null;
        }
        Throwable pending = (Throwable) PENDING_THROW.getAndSet(current, null);
        if (pending != null) {
            Thread.interrupted(); // the interrupt only carried the exception
        }
        return pending;
    }

    /** True if an exception thrown into this task waits to be raised. */
    boolean hasPendingThrow() {
        return pendingThrow != null;
    }

    /**
     * On the task's own thread: makes {@code exception}, taken with {@link #takeThrownException()} but not
     * raised, pending again (unless another one arrived meanwhile), with the interrupt that carries it.
     */
    void restoreThrown(Throwable exception) {
        if (PENDING_THROW.compareAndSet(this, null, exception)) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The task runs on undriven after a {@link Drive} let it go with {@code exception}: a failure other than
     * that one has nobody to see it but the loop's exception handler.
     */
    void reportFailuresOtherThan(Throwable exception) {
        abandonedWith = exception;
    }

    /** On the task's own thread: see {@link TaskInternals.Access#withdrawThrow}. */
    private boolean withdrawThrow(Throwable exception) {
        if (currentOrNull() != this) {
            throw new IllegalStateException("only task " + name() + " itself can withdraw an exception thrown into it");
        }
        if (PENDING_THROW.compareAndSet(this, exception, null)) {
            Thread.interrupted();
            return true;
        }
        return false;
    }

    // ---- priority -------------------------------------------------------------------------------

    /** The task's own priority (lower runs first). */
    public double priority() {
        return priority;
    }

    /**
     * Changes the task's priority. If the task waits in the ready queue it is re-ordered at once;
     * otherwise the priority applies at its next scheduling point.
     *
     * @throws IllegalArgumentException for NaN or an infinite value
     */
    public void setPriority(double priority) {
        this.priority = Priority.check(priority);
        engine.priorityChanged(this);
        TaskInternals.ownPriorityChanged(this); // re-orders a priority lock it waits on, and that lock's owner
    }

    /**
     * The priority the ready queue and priority locks order this task by: the better (lower) of its own
     * {@link #priority()} and the priority it inherits, while it holds a
     * {@link io.asynkit.priority.PriorityLock}, from the tasks waiting (directly or through a chain of
     * locks) for that lock. Anti-starvation boosts do not change it: a boost is a single dispatch ahead
     * of turn (see {@link Loop.Builder#boostAfter(int)}).
     */
    public double effectivePriority() {
        return Math.min(priority, inherited);
    }

    // ---- Future ---------------------------------------------------------------------------------

    /**
     * Cancels the task: completes its future with a {@link CancellationException} unless it is already
     * done and, with {@code mayInterruptIfRunning}, interrupts its thread. A task cancelled before it
     * first ran never runs its body.
     *
     * <p>Only the call that cancels the task returns true. A {@code cancel(true)} of a task that is already
     * cancelled still interrupts its thread (returning false): that is how a later cancellation, such as
     * {@link Loop#close()}'s, reaches a task that was cancelled without interruption or ignored it.
     *
     * @return true if this call cancelled the task; false if it was already done or cancelled
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        // Not result.cancel(): CompletableFuture.cancel returns true for every call once cancelled.
        boolean cancelled = result.completeExceptionally(new CancellationException());
        Thread t = thread;
        if (mayInterruptIfRunning && t != null && result.isCancelled()) {
            t.interrupt();
        }
        return cancelled;
    }

    /** Cancels the task and interrupts its thread: {@code cancel(true)}. */
    public boolean cancel() {
        return cancel(true);
    }

    @Override
    public boolean isCancelled() {
        return result.isCancelled();
    }

    @Override
    public boolean isDone() {
        return result.isDone();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        return result.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return result.get(timeout, Objects.requireNonNull(unit, "unit"));
    }

    /**
     * A {@link CompletableFuture} that completes with this task. Completing it does not affect the
     * task; cancelling it cancels the task.
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> view = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                Task.this.cancel(true);
                return super.cancel(mayInterruptIfRunning);
            }
        };
        result.whenComplete((value, failure) -> {
            if (failure != null) {
                view.completeExceptionally(failure);
            } else {
                view.complete(value);
            }
        });
        return view;
    }

    /** This task's result as a read-only {@link CompletionStage}. */
    public CompletionStage<T> asCompletionStage() {
        return result.minimalCompletionStage();
    }

    @Override
    public String toString() {
        return "Task[#" + id + " '" + name() + "' " + taskState() + " priority=" + Priority.describe(priority)
                + " loop=" + loop.name() + (isAdopted() ? " adopted" : "") + "]";
    }

    // ---- engine internals ----------------------------------------------------------------------

    static final int NEW = 0;
    static final int RUNNABLE = 1;
    static final int RUNNING = 2;
    static final int BLOCKED = 3;
    static final int DONE = 4;
    static final long LANE = 8;
    private static final int DISPATCH_SHIFT = 4;
    private static final TaskState[] STATES = {TaskState.NEW, TaskState.RUNNABLE, TaskState.RUNNING,
            TaskState.BLOCKED, TaskState.DONE};

    /** The engine that schedules this task. */
    Engine engine() {
        return engine;
    }

    long sched() {
        return sched;
    }

    boolean casSched(long expected, long updated) {
        return SCHED.compareAndSet(this, expected, updated);
    }

    /** Sets the word without a compare-and-set: for a degraded loop, under its lock (see DegradedEngine). */
    void setSched(long word) {
        sched = word;
    }

    /** NEW → DONE for a task that will never start; false if it has started (or was settled) already. */
    boolean settleBeforeStart() {
        long w = sched;
        if (stateOf(w) != NEW || !casSched(w, withState(w, DONE))) {
            return false;
        }
        stateSince = System.nanoTime();
        return true;
    }

    static int stateOf(long word) {
        return (int) (word & 7);
    }

    static long dispatchOf(long word) {
        return word >>> DISPATCH_SHIFT;
    }

    /** {@code word} as it reads while dispatch {@code d} runs: RUNNING(d), its lane bit kept. */
    static long runningWord(long word, long d) {
        return (d << DISPATCH_SHIFT) | (word & LANE) | RUNNING;
    }

    static boolean inLane(long word) {
        return (word & LANE) != 0;
    }

    /** A word with {@code state}, the dispatch number and lane bit of {@code word}. */
    static long withState(long word, int state) {
        return (word & ~7L) | state;
    }

    /** A word in state RUNNING with the next dispatch number. */
    static long nextDispatch(long word) {
        return (((word >>> DISPATCH_SHIFT) + 1) << DISPATCH_SHIFT) | (word & LANE) | RUNNING;
    }

    static TaskState taskStateOf(long word) {
        return STATES[stateOf(word)];
    }

    /**
     * The Executor the JDK hands this thread's continuation to (and those of threads it starts, which
     * inherit it). Being a class of its own, it also tells which task a virtual thread belongs to. It is the
     * thread's body as well ({@link #run}), so that a task costs one small object less.
     */
    static final class Dispatcher implements Executor, Runnable {
        final Task<?> task;

        Dispatcher(Task<?> task) {
            this.task = task;
        }

        @Override
        public void execute(Runnable continuation) {
            task.engine.execute(task, continuation);
        }

        /** The body of the task's thread. */
        @Override
        public void run() {
            task.runBody();
        }
    }

    @Override
    void runOnCarrier() {
        continuation.run();
    }

    /** True until the first continuation of this task's own thread was handed over. */
    boolean awaitsFirstStart() {
        return awaitingFirstStart;
    }

    /** The JDK handed over this task's continuation for the first time. */
    void firstStarted(Runnable continuation) {
        this.continuation = continuation;
        awaitingFirstStart = false;
    }

    /** Starts the thread; the first dispatch registers the task with the loop. */
    void start() {
        Thread t = thread;
        if (t == null) { // settled before it was ever started (its loop closed)
            throw new RejectedExecutionException("task " + name() + " cannot start: loop '" + loop.name()
                    + "' settled it (" + (isCancelled() ? "cancelled" : "done") + ") before it was started");
        }
        t.start();
    }

    /** The body of the task's virtual thread. */
    private void runBody() {
        try {
            if (!result.isDone()) { // cancelled before it first ran: never run the body
                Throwable thrownBeforeStart = (Throwable) PENDING_THROW.getAndSet(this, null);
                if (thrownBeforeStart != null) { // thrown into a new task: raised where the body would begin
                    Thread.interrupted();
                    throw thrownBeforeStart;
                }
                if (scopedValues != null) {
                    SchedulerHook.get().installScopedValueBindings(scopedValues.snapshot);
                    scopedValues = null;
                }
                T value = SCHEDULER_OF != null && engine.isHooked() ? body.call()
                        : ScopedValue.where(CURRENT, this).call(body::call);
                result.complete(value);
            }
        } catch (Throwable failure) {
            // As FutureTask does: a body that throws a CancellationException failed, it was not cancelled.
            Throwable stored = failure instanceof CancellationException ? new CompletionException(failure) : failure;
            Throwable expected = abandonedWith;
            if (result.completeExceptionally(stored) && (reportFailures || (expected != null && failure != expected))) {
                engine.reportUncaught(this, failure);
            }
        } finally {
            body = null; // a finished task kept as a future must not keep what its body captured
            engine.bodyFinished(this);
        }
    }

    /** The first start was refused (the loop shut down, or closed first): the body never runs; the future says why. */
    void startRefused(Throwable refusal) {
        thread = null;
        body = null;
        result.completeExceptionally(refusal);
    }

    /** Called by the loop when an adopted thread has ended. */
    void adoptedThreadEnded() {
        Thread t = thread;
        if (t != null) {
            ADOPTED.remove(t, this);
            thread = null;
        }
        result.complete(null);
    }
}
