package io.asynkit.loop;

import io.asynkit.priority.Priority;
import io.asynkit.priority.PriorityBand;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A scheduler for virtual threads: every task is a virtual thread whose scheduler is this loop.
 *
 * <p>The JDK hands the loop every start of a task and every resume after the task parked (on a lock,
 * a future, a sleep, socket I/O, anything). The loop keeps those in a <em>ready queue</em> it can
 * order and inspect, and runs them on its own platform <em>carrier</em> threads:
 * <ul>
 *   <li>With one carrier exactly one task runs at a time, like an asyncio event loop: task switches
 *       happen only where a task parks, so orderings are deterministic.</li>
 *   <li>With N carriers, N tasks run in parallel.</li>
 * </ul>
 *
 * <pre>{@code
 * // asyncio.run style: run main as a task, return its result, leave no thread behind
 * String greeting = Loop.run(() -> {
 *     Task<String> world = Loop.current().submit(() -> "world");
 *     return "hello " + world.get();
 * });
 *
 * // a long-lived loop, as an ExecutorService
 * try (Loop loop = Loop.builder().name("workers").carriers(2).policy(SchedulingPolicy.PRIORITY).build()) {
 *     Task<Report> report = loop.newTask().priority(Priority.LOW).start(this::buildReport);
 *     ...
 * }   // close(): graceful shutdown, then cancel what is left
 * }</pre>
 *
 * <p><b>Introspection.</b> The loop tracks every task's {@link TaskState} exactly, so
 * {@link #runnableTasks()} (in run order), {@link #runningTasks()} and {@link #blockedTasks()} are
 * exact and together make up {@link #allTasks()}.
 *
 * <p><b>Pinned tasks.</b> A task that parks while holding its carrier (a native frame on its stack,
 * a class initializer, blocking file I/O that the JDK does not compensate for custom schedulers)
 * would stall every other task. A watchdog notices a carrier parked inside a task for one check
 * interval and starts a spare carrier, up to {@link Builder#maxSpareCarriers(int)}; spares retire when
 * the pinning ends or the queue runs dry. {@link LoopStatistics#compensations()} counts them. Blocking
 * file I/O keeps the carrier busy rather than parked and is not detected: prefer NIO channels.
 *
 * <p><b>Shutdown.</b> {@link #shutdown()} stops accepting tasks; running tasks continue and the loop
 * terminates when the last one ends. {@link #close()} shuts down, waits up to
 * {@link Builder#shutdownTimeout(Duration)}, then cancels (interrupts) what is left, waits up to
 * {@link Builder#cancelTimeout(Duration)} for it to unwind, and stops its threads. Tasks that ignore
 * the interrupt beyond that are abandoned and reported in the log. Callbacks and timers are accepted
 * until the loop terminates; pending ones are then cancelled.
 *
 * <p><b>Threads.</b> Carriers are daemon platform threads named {@code <loop>-carrier-N}; the loop
 * also owns a watchdog thread and, once a timer is used, a timer thread. All of them end when the
 * loop terminates.
 */
public final class Loop extends AbstractExecutorService {

    private static final System.Logger LOG = System.getLogger(Loop.class.getName());

    /** The default starvation bound: see {@link Builder#boostAfter(int)}. */
    public static final int DEFAULT_BOOST_AFTER = 100;

    private enum RunState { RUNNING, SHUTDOWN, TERMINATED }

    private final String name;
    private final int carrierCount;
    private final int maxSpareCarriers;
    private final SchedulingPolicy policy;
    private final long shutdownNanos;
    private final long cancelNanos;
    private final long pinnedCheckNanos;
    private final int carrierNice;
    private final ExceptionHandler exceptionHandler;
    private final boolean eagerTasks;
    private final int boostAfter; // 0: never
    private final SchedulerHook hook;
    private final boolean hooked;

    /**
     * Guards the ready queue, the registry, every task's scheduling fields and the counters. Taken only
     * through {@link #acquire()}: a task must never park on it (see there), and no code may park while
     * holding it.
     */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final ReadyQueue queue;
    private final Map<Runnable, Task<?>> adoptedByContinuation = new IdentityHashMap<>();
    private final Set<Handle> pendingTimers = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Drives whose task is suspended in {@link Drive#signal()}: only their awaiter can resume them. */
    private final Set<Drive> suspendedDrives = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Tasks made with {@link TaskBuilder#unstarted} and not started yet, weakly: settled at termination. */
    private final Set<Task<?>> unstarted = Collections.newSetFromMap(new WeakHashMap<>());
    private final int[] stateCounts = new int[TaskState.values().length];
    private final List<Carrier> carriers = new CopyOnWriteArrayList<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private Task<?> liveHead;
    private int liveTasks;
    private volatile int idleCarriers; // written under the lock, read by pushers (see schedule)
    private int sparesAlive;
    private int pinnedCarriers;
    private int carrierSerial;
    private RunState runState = RunState.RUNNING;
    /**
     * The inbox: tasks handed over by threads that do not hold the lock, pushed without taking it (a
     * Treiber stack linked through {@link Task#nextInInbox}). Every acquisition of the lock drains it
     * into the ready queue first, in the order of the pushes, so everything done under the lock sees
     * every task exactly where it would have been had it been queued directly.
     */
    private final AtomicReference<Task<?>> inbox = new AtomicReference<>();
    private volatile boolean accepting = true;                    // false once shut down
    private final AtomicInteger startsInFlight = new AtomicInteger(); // first starts between check and push
    private long tasksStarted;
    private long tasksCompleted;
    private long adoptedThreads;
    private long dispatches;
    private long callbacksRun;
    private long compensations;
    private long carrierFailures;
    private final long[] bandDispatches = new long[PriorityBand.values().length];
    private final long[] bandBoosts = new long[PriorityBand.values().length];
    private final long[] bandWaitNanos = new long[PriorityBand.values().length];
    private final long[] bandMaxWaitNanos = new long[PriorityBand.values().length];
    private long clock; // System.nanoTime() at the latest dispatch of any carrier

    private volatile ScheduledThreadPoolExecutor timer; // created on first callLater
    private final List<Thread> timerThreads = new CopyOnWriteArrayList<>();
    private final Thread watchdog;

    private Loop(Builder b) {
        this.name = b.name;
        this.carrierCount = b.carriers;
        this.maxSpareCarriers = b.maxSpareCarriers;
        this.policy = b.policy;
        this.shutdownNanos = saturatedNanos(b.shutdownTimeout);
        this.cancelNanos = saturatedNanos(b.cancelTimeout);
        this.pinnedCheckNanos = saturatedNanos(b.pinnedCheckInterval);
        this.carrierNice = b.carrierNice;
        this.exceptionHandler = b.exceptionHandler;
        this.eagerTasks = b.eagerTasks;
        this.hook = SchedulerHook.get();
        this.hooked = hook.isAvailable();
        this.boostAfter = policy == SchedulingPolicy.PRIORITY ? b.boostAfter : 0;
        this.queue = new ReadyQueue(policy == SchedulingPolicy.PRIORITY, boostAfter > 0 ? boostAfter : ReadyQueue.NEVER);
        if (!hooked) {
            if (b.missingHook == MissingHookPolicy.FAIL) {
                throw new HookUnavailableException("cannot build loop '" + name + "': " + hook.problem()
                        + ". To run without it in a degraded mode instead, build the loop with "
                        + "missingHook(MissingHookPolicy.DEGRADE).");
            }
            LOG.log(System.Logger.Level.WARNING, "asynkit loop ''{0}'' runs DEGRADED on the JDK''s default scheduler "
                    + "(no priorities, no positional scheduling, RUNNABLE reported as RUNNING): {1}", name, hook.problem());
            this.watchdog = null;
            return;
        }
        acquire();
        try {
            for (int i = 0; i < carrierCount; i++) {
                startCarrier(false);
            }
        } finally {
            lock.unlock();
        }
        this.watchdog = Thread.ofPlatform().daemon().name(name + "-watchdog").unstarted(this::watch);
        this.watchdog.start();
        if (carrierNice != 0) {
            // Linux threads inherit the nice value of the thread that starts them: started lazily from a
            // task, the timer thread would run at the carriers' value and fire late under load.
            timer().prestartCoreThread();
        }
    }

    /** Starts building a loop. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code main} as a task on a new single-carrier priority loop and returns its result, in the
     * manner of {@code asyncio.run}: when main ends, any tasks it left behind are cancelled and the
     * loop is closed, leaving no thread behind.
     *
     * @throws Exception whatever {@code main} threw, unwrapped
     */
    public static <T> T run(Callable<T> main) throws Exception {
        return builder().name("main").run(main);
    }

    /**
     * The shared loop for work started outside any loop, such as an eager call from a platform
     * thread that then blocks: built on first use with one carrier per available processor and the
     * PRIORITY policy, never closed (its threads are daemons).
     *
     * @throws HookUnavailableException if this JVM lacks the scheduler hook
     */
    public static Loop common() {
        return CommonLoop.INSTANCE;
    }

    private static final class CommonLoop {
        static final Loop INSTANCE = builder().name("asynkit-common")
                .carriers(Runtime.getRuntime().availableProcessors()).build();
    }

    /**
     * The loop of the task the caller runs in.
     *
     * @throws IllegalStateException outside any task
     */
    public static Loop current() {
        Task.rejectInsideSynchronous("use the current loop");
        return Task.current().loop();
    }

    // ---- configuration --------------------------------------------------------------------------

    /** The name given to the builder; carriers are named after it. */
    public String name() {
        return name;
    }

    /** The number of carrier threads (not counting temporary spares). */
    public int carrierCount() {
        return carrierCount;
    }

    /** The Linux nice value the carriers run at (see {@link Builder#carrierNice}); 0 if left unchanged. */
    public int carrierNice() {
        return carrierNice;
    }

    /** How the ready queue is ordered. */
    public SchedulingPolicy policy() {
        return policy;
    }

    /** True if tasks created from this loop's tasks start eagerly (see {@link Builder#eagerTasks}). */
    public boolean isEagerTasks() {
        return eagerTasks;
    }

    /**
     * True if tasks are scheduled by this loop; false for a degraded loop (see
     * {@link MissingHookPolicy#DEGRADE}).
     */
    public boolean isHookAvailable() {
        return hooked;
    }

    /**
     * Why this JVM cannot give virtual threads a custom scheduler, with the flag that fixes it, or
     * empty when it can.
     */
    public static Optional<String> hookProblem() {
        return Optional.ofNullable(SchedulerHook.get().problem());
    }

    // ---- tasks ----------------------------------------------------------------------------------

    /** Options for a new task: name, priority. */
    public TaskBuilder newTask() {
        return new TaskBuilder(this);
    }

    /**
     * Starts {@code body} as a task.
     *
     * @throws RejectedExecutionException if the loop is shut down
     */
    @Override
    public <T> Task<T> submit(Callable<T> body) {
        return newTask().start(body);
    }

    @Override
    public Task<?> submit(Runnable body) {
        return newTask().start(body);
    }

    @Override
    public <T> Task<T> submit(Runnable body, T result) {
        Objects.requireNonNull(body, "body");
        return newTask().start(() -> {
            body.run();
            return result;
        });
    }

    /**
     * Starts {@code body} as a fire-and-forget task: since nobody holds its future, an exception it
     * throws is also passed to the loop's {@link ExceptionHandler}.
     */
    @Override
    public void execute(Runnable body) {
        newTask().execute(body);
    }

    <T> Task<T> newTask(String taskName, double priority, ScopedValueBindings bindings, Callable<T> body) {
        Task<T> task = new Task<>(this, taskName, priority, bindings, body, false);
        acquire();
        try {
            if (runState != RunState.RUNNING) {
                throw new RejectedExecutionException("loop '" + name + "' is shut down and accepts no new tasks; task "
                        + (taskName != null ? taskName : "(unnamed)") + " rejected");
            }
            unstarted.add(task);
        } finally {
            lock.unlock();
        }
        return task;
    }

    <T> Task<T> startTask(String taskName, double priority, ScopedValueBindings bindings, Callable<T> body,
            boolean reportFailures) {
        Task<T> task = new Task<>(this, taskName, priority, bindings, body, reportFailures);
        if (!hooked) {
            acquire();
            try {
                rejectIfShutDown(task);
                register(task);
                setState(task, TaskState.RUNNING, System.nanoTime());
                tasksStarted++;
            } finally {
                lock.unlock();
            }
        }
        task.start(); // hooked: the first dispatch registers the task (see schedule)
        if (eagerTasks && hooked) {
            Task<?> creator = Task.currentOrNull();
            if (creator != null && creator.loop() == this) {
                descend(creator, task);
            }
        }
        return task;
    }

    /**
     * Runs {@code child} at once, depth first: the current task resumes right after the child first
     * parks or ends. On a multi-carrier loop another carrier may already have taken the child, and then
     * there is nothing to switch to.
     */
    void descend(Task<?> current, Task<?> child) {
        try {
            switchTo(current, child, 1);
        } catch (IllegalStateException alreadyTaken) {
            if (child.taskState() == TaskState.RUNNABLE) {
                throw alreadyTaken;
            }
        }
    }

    /** Every live task: runnable, running and blocked. */
    public List<Task<?>> allTasks() {
        return tasksMatching(t -> true);
    }

    /** The tasks in the ready queue, in the order they will run. */
    public List<Task<?>> runnableTasks() {
        if (!hooked) {
            return List.of();
        }
        acquire();
        try {
            List<Task<?>> result = new ArrayList<>();
            for (ReadyEntry e : queue.inRunOrder()) {
                if (e instanceof Task<?> t) {
                    result.add(t);
                }
            }
            for (Task<?> t = liveHead; t != null; t = t.nextLive) {
                if (t.state == TaskState.RUNNABLE && t.carrier != null) {
                    result.add(t); // posted to a platform thread that carries it inline
                }
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** The tasks mounted on a carrier right now. */
    public List<Task<?>> runningTasks() {
        return tasksMatching(t -> stateHeld(t) == TaskState.RUNNING);
    }

    /** The tasks parked outside the ready queue right now. */
    public List<Task<?>> blockedTasks() {
        return tasksMatching(t -> stateHeld(t) == TaskState.BLOCKED);
    }

    private List<Task<?>> tasksMatching(Predicate<Task<?>> filter) {
        acquire();
        try {
            List<Task<?>> result = new ArrayList<>(liveTasks);
            for (Task<?> t = liveHead; t != null; t = t.nextLive) {
                if (filter.test(t)) {
                    result.add(t);
                }
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    // ---- ready queue extensions (the Python library's SchedulingMixin) ---------------------------

    /** The number of entries (tasks and callbacks) in the ready queue. */
    public int queueLength() {
        acquire();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The first task in the ready queue, in run order, that matches {@code filter}.
     */
    public Optional<Task<?>> queueFind(Predicate<? super Task<?>> filter) {
        Objects.requireNonNull(filter, "filter");
        return runnableTasks().stream().filter(filter).findFirst();
    }

    /**
     * Moves a runnable task so that exactly {@code position} entries run before it; the counterpart of
     * the Python library's {@code task_reinsert} and {@code queue_insert_pos}.
     *
     * @throws IllegalStateException     if the task is not in this loop's ready queue
     * @throws IndexOutOfBoundsException if {@code position} is not in {@code 0..queueLength()-1}
     */
    public void queueInsertPosition(Task<?> task, int position) {
        Objects.requireNonNull(task, "task");
        requireHook("queueInsertPosition");
        requireOwn(task);
        acquire();
        try {
            if (!task.isQueued()) {
                throw notRunnable(task, "reinsert");
            }
            checkPosition(position, queue.size() - 1);
            queue.remove(task);
            queue.insert(position, task);
        } finally {
            lock.unlock();
        }
    }

    // ---- callbacks and timers -------------------------------------------------------------------

    /** Runs {@code action} on a carrier after the entries already in the ready queue. */
    public Handle callSoon(Runnable action) {
        Handle handle = newHandle(action);
        acquire();
        try {
            rejectIfTerminated("callSoon");
            queue.add(handle, Priority.NORMAL);
            signalWork();
        } finally {
            lock.unlock();
        }
        return handle;
    }

    /**
     * Runs {@code action} on a carrier with exactly {@code position} ready-queue entries before it
     * (0 = next); the Python library's {@code call_pos}.
     *
     * @throws IndexOutOfBoundsException if {@code position} is not in {@code 0..queueLength()}
     */
    public Handle callAtPosition(int position, Runnable action) {
        Handle handle = newHandle(action);
        requireHook("callAtPosition");
        acquire();
        try {
            rejectIfTerminated("callAtPosition");
            checkPosition(position, queue.size());
            queue.insert(position, handle);
            signalWork();
        } finally {
            lock.unlock();
        }
        return handle;
    }

    /** Runs {@code action} on a carrier once {@code delay} has passed. */
    public Handle callLater(Duration delay, Runnable action) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, but was " + delay);
        }
        Handle handle = newHandle(action);
        ScheduledThreadPoolExecutor t = timer();
        acquire();
        try {
            rejectIfTerminated("callLater");
            pendingTimers.add(handle);
        } finally {
            lock.unlock();
        }
        // outside the lock: the timer's own lock may park, and nothing may park holding ours
        ScheduledFuture<?> scheduled = t.schedule(() -> enqueueTimedOut(handle), saturatedNanos(delay), TimeUnit.NANOSECONDS);
        handle.timer = scheduled;
        if (handle.isCancelled()) {
            scheduled.cancel(false);
        }
        return handle;
    }

    private void enqueueTimedOut(Handle handle) {
        acquire();
        try {
            handle.timer = null;
            pendingTimers.remove(handle);
            if (runState == RunState.TERMINATED || handle.isCancelled()) {
                handle.cancelQuietly();
                return;
            }
            queue.add(handle, Priority.NORMAL);
            signalWork();
        } finally {
            lock.unlock();
        }
    }

    private Handle newHandle(Runnable action) {
        return new Handle(this, Objects.requireNonNull(action, "action"));
    }

    void unqueue(Handle handle) {
        acquire();
        try {
            pendingTimers.remove(handle);
            queue.remove(handle);
        } finally {
            lock.unlock();
        }
    }

    private ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = timer;
        if (t == null) {
            acquire();
            try {
                rejectIfTerminated("callLater");
                t = timer;
                if (t == null) {
                    ThreadFactory platform = Thread.ofPlatform().daemon().name(name + "-timer").factory();
                    t = new ScheduledThreadPoolExecutor(1, runnable -> {
                        Thread thread = platform.newThread(runnable);
                        timerThreads.add(thread); // joined at close: awaitTermination returns before it has ended
                        return thread;
                    });
                    t.setRemoveOnCancelPolicy(true);
                    timer = t;
                }
            } finally {
                lock.unlock();
            }
        }
        return t;
    }

    // ---- statistics -----------------------------------------------------------------------------

    /** A consistent snapshot of the loop's counters. */
    public LoopStatistics statistics() {
        acquire();
        try {
            int runnable;
            int running;
            int blocked;
            if (hooked) {
                runnable = stateCounts[TaskState.RUNNABLE.ordinal()];
                running = stateCounts[TaskState.RUNNING.ordinal()];
                blocked = stateCounts[TaskState.BLOCKED.ordinal()];
            } else {
                runnable = 0;
                blocked = 0;
                for (Task<?> t = liveHead; t != null; t = t.nextLive) {
                    blocked += stateHeld(t) == TaskState.BLOCKED ? 1 : 0;
                }
                running = liveTasks - blocked;
            }
            List<BandStatistics> bands = new ArrayList<>(PriorityBand.values().length);
            long longestWait = 0;
            for (PriorityBand band : PriorityBand.values()) {
                int i = band.ordinal();
                bands.add(new BandStatistics(band, bandDispatches[i], bandBoosts[i], bandWaitNanos[i], bandMaxWaitNanos[i]));
                longestWait = Math.max(longestWait, bandMaxWaitNanos[i]);
            }
            return new LoopStatistics(name, policy, hooked, carrierCount, sparesAlive, queue.size(), runnable, running,
                    blocked, tasksStarted, tasksCompleted, adoptedThreads, dispatches, callbacksRun, compensations,
                    boostAfter, queue.boosts(), longestWait, bands, carrierFailures);
        } finally {
            lock.unlock();
        }
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    /** Stops accepting new tasks; tasks already started run to their end. */
    @Override
    public void shutdown() {
        acquire();
        try {
            if (runState == RunState.RUNNING) {
                runState = RunState.SHUTDOWN;
                accepting = false;
            }
            terminateIfIdle();
            closeCoroutinesNobodyCanResume();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting new tasks and cancels (interrupts) every live task.
     *
     * @return always empty: tasks that had not started yet are cancelled, not returned, so their
     *         futures report the cancellation
     */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        for (Task<?> task : allTasks()) {
            task.cancel(true);
        }
        return List.of();
    }

    private void cancelAllBut(Task<?> survivor) {
        shutdown();
        for (Task<?> task : allTasks()) {
            if (task != survivor) {
                task.cancel(true);
            }
        }
    }

    @Override
    public boolean isShutdown() {
        acquire();
        try {
            return runState != RunState.RUNNING;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, Objects.requireNonNull(unit, "unit"));
    }

    /**
     * Orderly shutdown: stop accepting tasks, give live tasks {@link Builder#shutdownTimeout} to end,
     * cancel the rest and give them {@link Builder#cancelTimeout} to unwind, then stop the loop's
     * threads. Tasks still alive after that are abandoned and named in a warning.
     *
     * @throws IllegalStateException if called from one of this loop's own tasks (it would wait for itself)
     */
    @Override
    public void close() {
        Task<?> caller = Task.currentOrNull();
        if (caller != null && caller.loop() == this) {
            throw new IllegalStateException("loop '" + name + "' cannot be closed from its own task " + caller.name()
                    + ": it would wait for itself; call shutdown() instead, or close it from outside the loop");
        }
        boolean interrupted = false;
        try {
            shutdown();
            if (!terminated.await(shutdownNanos, TimeUnit.NANOSECONDS)) {
                shutdownNow();
                if (!terminated.await(cancelNanos, TimeUnit.NANOSECONDS)) {
                    abandonRemainingTasks();
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            shutdownNow();
            abandonRemainingTasks();
        }
        joinThreads();
        settleUnstartedTasks();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Tasks made with {@link TaskBuilder#unstarted} that were never driven will never run once the loop has
     * terminated: closing cancels them, so that nobody waits for them forever. (Until then a drive of one is
     * refused with a {@link RejectedExecutionException}, which settles it too.) Outside the lock.
     */
    private void settleUnstartedTasks() {
        List<Task<?>> never;
        acquire();
        try {
            if (runState != RunState.TERMINATED || unstarted.isEmpty()) {
                return;
            }
            never = new ArrayList<>(unstarted);
            unstarted.clear();
            for (Task<?> task : never) {
                neverStarted(task);
            }
        } finally {
            lock.unlock();
        }
        for (Task<?> task : never) {
            task.startRefused(new CancellationException("loop '" + name + "' terminated before task " + task.name()
                    + " was started"));
        }
    }

    private void abandonRemainingTasks() {
        List<Task<?>> stuck = allTasks();
        acquire();
        try {
            terminate();
        } finally {
            lock.unlock();
        }
        if (!stuck.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "asynkit loop ''{0}'' closed with {1} task(s) that ignored cancellation "
                    + "and were abandoned: {2}", name, stuck.size(), stuck);
        }
    }

    /** Stops the timer thread once the loop has terminated; never under the loop's lock. */
    private void stopTimer() {
        ScheduledThreadPoolExecutor t = timer;
        if (t != null && isTerminated()) {
            t.shutdownNow();
        }
    }

    /**
     * Waits for the loop's threads to end, all of them within one budget: the cancel timeout, but at
     * least {@link #MIN_JOIN} and at most {@link #MAX_JOIN}. Idle threads end at once; only a carrier still
     * running a task that ignored cancellation (a spin) takes the whole budget, and is then left behind.
     */
    private void joinThreads() {
        long deadline = System.nanoTime() + Math.clamp(cancelNanos, MIN_JOIN.toNanos(), MAX_JOIN.toNanos());
        for (Carrier carrier : carriers) {
            if (carrier.thread != Thread.currentThread()) {
                joinQuietly(carrier.thread, deadline);
            }
        }
        if (watchdog != null) {
            LockSupport.unpark(watchdog);
            joinQuietly(watchdog, deadline);
        }
        stopTimer();
        for (Thread timerThread : timerThreads) {
            if (timerThread != Thread.currentThread()) {
                joinQuietly(timerThread, deadline);
            }
        }
    }

    private static final Duration MIN_JOIN = Duration.ofSeconds(1);
    private static final Duration MAX_JOIN = Duration.ofSeconds(10);

    private static void joinQuietly(Thread thread, long deadline) {
        try {
            thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the scheduler (called by the JDK through each task's dispatcher) -----------------------

    Thread.Builder.OfVirtual threadBuilder(Executor dispatcher) {
        return hooked ? hook.builder(dispatcher) : Thread.ofVirtual();
    }

    /**
     * The JDK hands us {@code continuation}, the Runnable that mounts a virtual thread, through the
     * dispatcher of {@code owner}: at the thread's start and after every park. A continuation other
     * than owner's own belongs to a virtual thread that owner started with the public API (it
     * inherited owner's dispatcher); it is adopted as a task of this loop.
     *
     * <p>May be called from any thread, including a task that is still mounted (pinned) while it wakes
     * another: it never blocks beyond the loop's lock.
     */
    void schedule(Task<?> owner, Runnable continuation) {
        if (owner.carrier == null && !lock.isHeldByCurrentThread()) {
            if (owner.continuation == continuation) { // a resume: the hot path, no lock
                push(owner);
                return;
            }
            if (owner.awaitsFirstStart()) {
                admitFirstStart(owner, continuation);
                return;
            }
        }
        if (!owner.awaitsFirstStart() && (JdkThreads.runIfForwarded(continuation)
                || (!isAdopted(continuation) && JdkThreads.forwardIfStartedByTheJdk(continuation)))) {
            return; // a thread the JDK started for itself: it belongs to the JVM, not to this loop
        }
        acquire();
        try {
            Task<?> task = owner;
            if (owner.awaitsFirstStart()) {
                rejectIfShutDown(owner);
                owner.firstStarted(continuation);
                unstarted.remove(owner);
            } else if (owner.continuation != continuation) {
                // a thread owner started (owner may have ended since: its continuation is gone, not this one's)
                task = adoptedByContinuation.get(continuation);
                if (task == null) {
                    task = Task.adopt(this, hook.threadOf(continuation), owner.priority());
                    task.continuation = continuation;
                    adoptedByContinuation.put(continuation, task);
                    adoptedThreads++;
                }
            }
            admit(task);
        } finally {
            lock.unlock();
        }
    }

    private boolean isAdopted(Runnable continuation) {
        acquire();
        try {
            return adoptedByContinuation.containsKey(continuation);
        } finally {
            lock.unlock();
        }
    }

    /** A first start through the inbox; a start racing with shutdown either gets in or is rejected. */
    private void admitFirstStart(Task<?> task, Runnable continuation) {
        startsInFlight.incrementAndGet();
        try {
            if (!accepting) {
                throw rejection(task);
            }
            task.firstStarted(continuation);
            push(task);
        } finally {
            if (startsInFlight.decrementAndGet() == 0 && !accepting) {
                acquire(); // shutdown may be waiting for this start to land before it terminates
                try {
                    terminateIfIdle();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void push(Task<?> task) {
        // A foreign thread (a web server's poller, a submitter, a timer) stamps the push: the task waits
        // from now, and a carrier may drain the inbox only after a long dispatch, with the clock read at its
        // start. Carriers and tasks (yields, wake-ups between tasks: the hot paths) use the carrier clock.
        Thread pusher = Thread.currentThread();
        task.pushedAt = pusher instanceof CarrierThread || pusher.isVirtual() ? 0 : System.nanoTime();
        Task<?> head;
        do {
            head = inbox.get();
            task.nextInInbox = head;
        } while (!inbox.compareAndSet(head, task));
        if (idleCarriers > 0) { // pairs with the carrier's re-check of the inbox before it waits
            acquire();          // draining makes the task runnable and signals an idle carrier
            lock.unlock();
        }
    }

    /** Moves the inbox into the ready queue, oldest push first. Under the lock. */
    private void drainInbox() {
        Task<?> stack = inbox.getAndSet(null);
        Task<?> fifo = null;
        while (stack != null) {
            Task<?> next = stack.nextInInbox;
            stack.nextInInbox = fifo;
            fifo = stack;
            stack = next;
        }
        long now = ownClock();
        while (fifo != null) {
            Task<?> next = fifo.nextInInbox;
            fifo.nextInInbox = null;
            admit(fifo, fifo.pushedAt != 0 ? fifo.pushedAt : now); // (a nanoTime of exactly 0 just loses precision)
            fifo = next;
        }
    }

    /**
     * The time to stamp a state change with: a carrier, or a task mounted on one, uses the carrier clock
     * (read at every dispatch); other threads (timers, unblockers, submitters) read the time. See also
     * finishDispatch.
     */
    private long ownClock() {
        Thread caller = Thread.currentThread();
        return caller instanceof CarrierThread || caller.isVirtual() ? clock : System.nanoTime();
    }

    /** Registers a task at its first start, and makes it runnable. Under the lock. */
    private void admit(Task<?> task) {
        admit(task, ownClock());
    }

    /** {@link #admit(Task)}, runnable since {@code since}. Under the lock. */
    private void admit(Task<?> task, long since) {
        if (task.state == TaskState.NEW) {
            register(task);
            tasksStarted++;
            if (!unstarted.isEmpty()) {
                unstarted.remove(task);
            }
        }
        setState(task, TaskState.RUNNABLE, since);
        int position = task.insertPosition;
        task.insertPosition = -1;
        if (task.carrier != null) {
            task.carrier.post(task, position == 0);
        } else {
            if (position >= 0) {
                queue.insert(Math.min(position, queue.size()), task);
            } else {
                queue.add(task, task.effectivePriority());
            }
            signalWork();
        }
        if (task.mounted && task.drive != null) {
            task.drive.requeuedWhileMounted();
        }
    }

    private void signalWork() {
        if (idleCarriers > 0) {
            workAvailable.signal();
        }
    }

    private void register(Task<?> task) {
        task.nextLive = liveHead;
        if (liveHead != null) {
            liveHead.previousLive = task;
        }
        liveHead = task;
        liveTasks++;
        stateCounts[TaskState.NEW.ordinal()]++;
    }

    private void unregister(Task<?> task) {
        if (task.previousLive != null) {
            task.previousLive.nextLive = task.nextLive;
        } else {
            liveHead = task.nextLive;
        }
        if (task.nextLive != null) {
            task.nextLive.previousLive = task.previousLive;
        }
        task.previousLive = null;
        task.nextLive = null;
        liveTasks--;
    }

    private void setState(Task<?> task, TaskState state, long now) {
        stateCounts[task.state.ordinal()]--;
        stateCounts[state.ordinal()]++;
        task.state = state;
        task.stateSince = now;
    }

    /** A carrier's platform thread: lets the loop recognise calls made on its own carriers. */
    private static final class CarrierThread extends Thread {
        CarrierThread(Runnable body, String name) {
            super(null, body, name, 0, false);
            setDaemon(true);
        }
    }

    /** Runs on each carrier thread: take the next entry, run it until it parks or ends, repeat. */
    private final class Carrier implements Runnable {
        final boolean spare;
        final Thread thread;
        // What the carrier runs, and a dispatch counter: written by the carrier at every dispatch, sampled by
        // the watchdog. Opaque accesses: the watchdog needs to see them eventually, not in order, and a
        // volatile store would cost the carrier a full fence per dispatch.
        private ReadyEntry current;
        private long serial;
        volatile boolean failed;  // ended by an internal error: the watchdog replaces it
        volatile boolean killForTest; // fault injection (tests only): fail at the next turn of the loop
        long lastSeenSerial = -1; // watchdog-private
        boolean seenParked;       // watchdog-private

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

        Carrier(boolean spare, int number) {
            this.spare = spare;
            this.thread = new CarrierThread(this, name + (spare ? "-spare-" : "-carrier-") + number);
        }

        @Override
        public void run() {
            if (carrierNice != 0) {
                ThreadNice.set(carrierNice).ifPresent(problem -> LOG.log(System.Logger.Level.WARNING,
                        "asynkit loop ''{0}'': carrier {1} keeps its nice value: {2}", name, thread.getName(), problem));
            }
            ReadyEntry last = null;   // the entry whose dispatch returned but is not finished yet
            ReadyEntry ran = null;    // the entry dispatched last, for the failure log
            long lastDispatch = 0;
            Task<?> endedAdopted = null;
            Task<?> settledAdopted = null; // an adopted task whose dispatch a failure settled
            acquire();
            try {
                for (;;) {
                    if (killForTest) {
                        throw new Error("carrier " + thread.getName() + " killed by a fault-injection test");
                    }
                    long now = System.nanoTime(); // the carrier clock: one read per dispatch
                    clock = now;
                    if (last != null) {
                        ReadyEntry finishing = last;
                        last = null; // finished at most once, even if finishing fails
                        endedAdopted = finishDispatch(finishing, lastDispatch, now);
                        CURRENT.setOpaque(this, (ReadyEntry) null);
                        if (endedAdopted != null) {
                            lock.unlock();
                            try {
                                endedAdopted.adoptedThreadEnded(); // completes a future: never under our lock
                            } finally {
                                acquire();
                            }
                            endedAdopted = null;
                        }
                    }
                    if (runState == RunState.TERMINATED || (spare && (queue.isEmpty() || sparesAlive > pinnedCarriers))) {
                        return;
                    }
                    drainInbox(); // also after a wait, which re-takes the lock without acquire()
                    ReadyEntry next = queue.poll();
                    if (next == null) {
                        idleCarriers++;
                        try {
                            if (inbox.get() == null) { // a push that missed idleCarriers is seen here
                                workAvailable.awaitUninterruptibly();
                            }
                        } finally {
                            idleCarriers--;
                        }
                        continue;
                    }
                    lastDispatch = beginDispatch(next, now);
                    last = next;
                    ran = next;
                    CURRENT.setOpaque(this, next);
                    SERIAL.setOpaque(this, serial + 1); // only this carrier writes it
                    lock.unlock();
                    try {
                        next.runOnCarrier();
                    } catch (Throwable failure) {
                        reportUncaught(next, failure);
                    } finally {
                        acquire();
                    }
                }
            } catch (Throwable internal) { // a failure of the loop's own code, never of a task's
                if (!lock.isHeldByCurrentThread()) {
                    lock.lock(); // a platform thread: no need for acquire()'s spin
                }
                failed = true;
                carrierFailures++;
                if (last != null) { // its dispatch returned: account for it, or the loop waits for it forever
                    try {
                        settledAdopted = finishDispatch(last, lastDispatch, System.nanoTime());
                    } catch (Throwable alsoFailed) {
                        internal.addSuppressed(alsoFailed);
                    }
                }
                LOG.log(System.Logger.Level.ERROR, "asynkit loop '" + name + "': carrier " + thread.getName()
                        + " failed and ends" + (ran != null ? " after running " + ran : "")
                        + "; the watchdog starts a replacement", internal);
            } finally {
                if (spare) {
                    sparesAlive--;
                }
                if (lock.isHeldByCurrentThread()) {
                    lock.unlock(); // stays in carriers until joined (close) or, retired or failed, pruned (watch)
                }
                if (settledAdopted != null) {
                    settledAdopted.adoptedThreadEnded(); // completes a future: never under our lock
                }
            }
        }
    }

    private long beginDispatch(ReadyEntry entry, long now) {
        dispatches++;
        if (entry instanceof Task<?> task) {
            int band = PriorityBand.of(task.effectivePriority()).ordinal();
            long wait = Math.max(0, now - task.stateSince);
            bandDispatches[band]++;
            bandWaitNanos[band] += wait;
            if (wait > bandMaxWaitNanos[band]) {
                bandMaxWaitNanos[band] = wait;
            }
            if (queue.lastPollBoosted()) {
                bandBoosts[band]++;
            }
            setState(task, TaskState.RUNNING, now);
            task.mounted = true;
            return ++task.dispatches;
        }
        callbacksRun++;
        return 0;
    }

    /**
     * After a carrier's run of {@code entry} returned: the task parked (BLOCKED, unless it was made
     * runnable again meanwhile) or ended (DONE). {@code dispatch} guards against a stale view: by the
     * time this carrier gets the lock, another carrier may already have resumed the task.
     *
     * @return an adopted task that ended, whose future the caller must complete outside the lock
     */
    private Task<?> finishDispatch(ReadyEntry entry, long dispatch, long now) {
        if (!(entry instanceof Task<?> task) || task.dispatches != dispatch) {
            return null;
        }
        task.mounted = false;
        Drive drive = task.drive;
        Thread thread = task.thread;
        if (thread != null && !thread.isAlive()) {
            setState(task, TaskState.DONE, now);
            unregister(task);
            tasksCompleted++;
            Task<?> adopted = null;
            if (task.isAdopted()) {
                adoptedByContinuation.remove(task.continuation);
                adopted = task; // its thread is dropped once its future is completed
            } else {
                task.thread = null; // a finished task kept as a future keeps nothing of its thread
            }
            task.continuation = null;
            detachFromInline(task);
            if (drive != null) {
                drive.afterDispatch(true, false);
            }
            terminateIfIdle();
            closeCoroutinesNobodyCanResume();
            return adopted;
        }
        boolean requeued = task.state != TaskState.RUNNING; // made runnable again during the dispatch
        if (requeued) {
            task.stateSince = now; // queued during the run, with the clock of the dispatch's start
        } else if (!task.handingOff) {
            setState(task, TaskState.BLOCKED, now);
        }
        if (drive != null) {
            drive.afterDispatch(false, requeued);
        }
        return null;
    }

    /** Called on the task's own thread as its body ends. Only a degraded loop needs it. */
    void bodyFinished(Task<?> task) {
        if (hooked) {
            return;
        }
        acquire();
        try {
            setState(task, TaskState.DONE, System.nanoTime());
            unregister(task);
            tasksCompleted++;
            terminateIfIdle();
        } finally {
            lock.unlock();
        }
    }

    private void terminateIfIdle() {
        if (runState == RunState.SHUTDOWN && liveTasks == 0 && startsInFlight.get() == 0 && inbox.get() == null) {
            terminate();
        }
    }

    private void terminate() {
        if (runState == RunState.TERMINATED) {
            return;
        }
        runState = RunState.TERMINATED;
        for (ReadyEntry entry : queue.inRunOrder()) {
            if (entry instanceof Handle handle) {
                handle.cancelQuietly();
                queue.remove(handle);
            }
        }
        for (Handle handle : pendingTimers) {
            handle.cancelQuietly();
        }
        pendingTimers.clear();
        workAvailable.signalAll();
        terminated.countDown();
        if (watchdog != null) {
            LockSupport.unpark(watchdog);
        }
    }

    // ---- compensation for pinned carriers -------------------------------------------------------

    private void startCarrier(boolean spare) {
        Carrier carrier = new Carrier(spare, ++carrierSerial);
        if (spare) {
            sparesAlive++;
            compensations++;
        }
        carriers.add(carrier);
        carrier.thread.start();
    }

    /**
     * The watchdog: a carrier that stays parked inside one dispatch for a whole check interval holds
     * a pinned task. While some are pinned and work is waiting, keep one spare per pinned carrier.
     */
    private void watch() {
        while (!isTerminated()) {
            LockSupport.parkNanos(this, pinnedCheckNanos);
            carriers.removeIf(carrier -> carrier.spare && !carrier.thread.isAlive());
            int pinned = 0;
            for (Carrier carrier : carriers) {
                if (carrier.spare) {
                    continue;
                }
                boolean parked = Carrier.CURRENT.getOpaque(carrier) != null && isPinnedPark(carrier.thread);
                long serial = (long) Carrier.SERIAL.getOpaque(carrier);
                if (parked && carrier.seenParked && serial == carrier.lastSeenSerial) {
                    pinned++;
                }
                carrier.seenParked = parked;
                carrier.lastSeenSerial = serial;
            }
            acquire();
            try {
                if (runState == RunState.TERMINATED) {
                    break;
                }
                pinnedCarriers = pinned;
                while (sparesAlive < Math.min(pinned, maxSpareCarriers) && !queue.isEmpty()) {
                    startCarrier(true);
                }
                for (Carrier carrier : carriers) {
                    if (carrier.failed && !carrier.spare && runState == RunState.RUNNING) {
                        carriers.remove(carrier);
                        startCarrier(false); // the loop keeps its number of carriers
                        signalWork();
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        stopTimer();
    }

    /**
     * True if a carrier that is inside a dispatch is parked by the task it carries: the JDK parks the
     * carrier itself (with no blocker) when a pinned virtual thread parks, or the carrier waits to enter a
     * monitor. A carrier parked with a blocker waits in platform code of its own, such as this loop's lock
     * as it hands a yielding task back: that is not pinning, and compensating it would let a spare run a
     * second task alongside it.
     */
    private static boolean isPinnedPark(Thread carrier) {
        return switch (carrier.getState()) {
            case BLOCKED -> true;
            case WAITING, TIMED_WAITING -> LockSupport.getBlocker(carrier) == null;
            default -> false;
        };
    }

    /**
     * Takes the loop's lock. A virtual thread spins instead of parking: a task parked on this lock could
     * only be resumed by a carrier, and the carriers may all be waiting for this very lock, which the
     * lock would hand to the parked task first: a deadlock. Critical sections are short and never park,
     * so the spin is brief. Platform threads (carriers, timers, submitters) park as usual.
     */
    private void acquire() {
        if (Thread.currentThread().isVirtual()) {
            while (!lock.tryLock()) {
                Thread.onSpinWait();
            }
        } else {
            lock.lock();
        }
        if (inbox.get() != null) {
            drainInbox();
        }
    }

    // ---- support for Drive ----------------------------------------------------------------------

    void lock() {
        acquire();
    }

    void unlock() {
        lock.unlock();
    }

    /** Fault injection, for tests only: makes core carrier {@code index} fail at its next turn. */
    void killCarrierForTest(int index) {
        acquire();
        try {
            carriers.stream().filter(c -> !c.spare).skip(index).findFirst().orElseThrow().killForTest = true;
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void requireHookFor(String operation) {
        requireHook(operation);
    }

    /**
     * A task whose first start was refused (the loop shut down after it was made) never runs: it is
     * {@code DONE} at once. It was never registered, so no counter changes. Under the lock.
     */
    void neverStarted(Task<?> task) {
        unstarted.remove(task);
        task.state = TaskState.DONE;
        task.stateSince = System.nanoTime();
        task.insertPosition = -1;
        detachFromInline(task);
    }

    /** Unbinds a task that will not run again from the inline carrier it was bound to, if any. Under the lock. */
    private static void detachFromInline(Task<?> task) {
        if (task.carrier != null) {
            task.carrier.carried.remove(task);
            task.carrier = null;
        }
    }

    /** Takes a runnable task out of the ready queue (it stays RUNNABLE; the caller re-homes it). Under the lock. */
    void unqueueTask(Task<?> task) {
        queue.remove(task);
    }

    /**
     * Wakes a task parked in an engine hand-off so that it runs next. Under the lock. A task that has
     * not unmounted yet just gets the permit, and its park returns at once.
     */
    void resumeAtHead(Task<?> task) {
        if (!task.mounted) {
            task.insertPosition = 0;
        }
        LockSupport.unpark(task.thread);
    }

    /** Runs a task posted to an inline carrier on the calling platform thread, until it parks or ends. */
    void runInline(Task<?> task) {
        long dispatch;
        Task<?> endedAdopted;
        acquire();
        try {
            dispatch = beginDispatch(task, System.nanoTime());
        } finally {
            lock.unlock();
        }
        try {
            task.runOnCarrier();
        } catch (Throwable failure) {
            reportUncaught(task, failure);
        } finally {
            acquire();
            try {
                endedAdopted = finishDispatch(task, dispatch, System.nanoTime());
            } finally {
                lock.unlock();
            }
        }
        if (endedAdopted != null) {
            endedAdopted.adoptedThreadEnded();
        }
    }

    /** Hands a task carried inline back to this loop; a continuation already posted is queued. Under the lock. */
    void releaseFromInline(Task<?> task) {
        InlineCarrier inline = task.carrier;
        if (inline == null) {
            return;
        }
        task.carrier = null;
        inline.carried.remove(task);
        if (inline.unpost(task)) {
            queue.add(task, task.effectivePriority());
            signalWork();
        }
    }

    /** Holds a parked task in {@code pen}: its wake-ups wait there for the next drive. Under the lock. */
    void moveToHoldingPen(Task<?> task, InlineCarrier pen) {
        InlineCarrier inline = task.carrier;
        boolean posted;
        if (inline != null) {
            inline.carried.remove(task);
            posted = inline.unpost(task);
        } else {
            posted = queue.remove(task);
        }
        task.carrier = pen;
        if (posted) {
            pen.post(task, true);
        }
    }

    /** The next drive takes a held task: to its inline carrier, or to the head of the queue. Under the lock. */
    void takeFromHoldingPen(Task<?> task, InlineCarrier pen, InlineCarrier inline) {
        boolean posted = pen.unpost(task);
        task.carrier = inline;
        if (inline != null) {
            inline.carried.add(task);
            if (posted) {
                inline.post(task, true);
            }
        } else if (posted) {
            queue.insert(0, task);
            signalWork();
        }
    }

    /** Ends an inline carrier's session: every task it still carries goes back to its loop. */
    void releaseInline(InlineCarrier inline) {
        acquire();
        try {
            for (Task<?> task : new ArrayList<>(inline.carried)) {
                task.loop().releaseFromInlineLocked(task);
            }
        } finally {
            lock.unlock();
        }
    }

    private void releaseFromInlineLocked(Task<?> task) {
        acquire();
        try {
            releaseFromInline(task);
        } finally {
            lock.unlock();
        }
    }

    /** {@code drive}'s task is now suspended in signal(). Under the lock. */
    void coroutineSuspended(Drive drive) {
        suspendedDrives.add(drive);
        closeCoroutinesNobodyCanResume();
    }

    /** {@code drive}'s task is no longer suspended in signal(). Under the lock. */
    void coroutineResumed(Drive drive) {
        suspendedDrives.remove(drive);
    }

    /**
     * A shut-down loop whose only live tasks are coroutines suspended in a drive (a generator at its
     * ayield, a monitored coroutine at its oob) would wait for them forever: nothing left on the loop can
     * resume them. They are closed, as Python closes the async generators left at the end of
     * {@code asyncio.run}: each raises the exception its drive closes with ({@link Drive#closeWith}) where
     * it is suspended, and unwinds. Under
     * the lock.
     */
    private void closeCoroutinesNobodyCanResume() {
        if (runState != RunState.SHUTDOWN || suspendedDrives.isEmpty() || liveTasks != suspendedDrives.size()
                || startsInFlight.get() != 0 || inbox.get() != null) {
            return;
        }
        for (Drive drive : new ArrayList<>(suspendedDrives)) {
            drive.abandonLocked(drive.exitFor("loop '" + name + "' shut down while coroutine "
                    + drive.task().name() + " was suspended, and nothing left on it could resume it"));
        }
    }

    // ---- support for Task and Scheduling --------------------------------------------------------

    TaskState stateOf(Task<?> task) {
        if (!hooked) {
            return stateHeld(task); // read from the thread: no lock needed
        }
        acquire();
        try {
            return stateHeld(task);
        } finally {
            lock.unlock();
        }
    }

    /** A task's state for a caller that holds the lock (or runs a degraded loop, which needs none). */
    private TaskState stateHeld(Task<?> task) {
        if (hooked || task.state == TaskState.DONE || task.state == TaskState.NEW) {
            return task.state;
        }
        return switch (task.thread.getState()) {
            case NEW -> TaskState.NEW;
            case RUNNABLE -> TaskState.RUNNING;
            case BLOCKED, WAITING, TIMED_WAITING -> TaskState.BLOCKED;
            case TERMINATED -> TaskState.DONE;
        };
    }

    long nanosInState(Task<?> task) {
        acquire();
        try {
            return task.state == TaskState.NEW ? 0 : System.nanoTime() - task.stateSince;
        } finally {
            lock.unlock();
        }
    }

    long dispatchCountOf(Task<?> task) {
        acquire();
        try {
            return task.dispatches;
        } finally {
            lock.unlock();
        }
    }

    void priorityChanged(Task<?> task) {
        if (!hooked) {
            return;
        }
        acquire();
        try {
            queue.reprioritize(task, task.effectivePriority());
        } finally {
            lock.unlock();
        }
    }

    /** Yields the current task so that it resumes after exactly {@code position} entries have run. */
    void yieldToPosition(Task<?> current, int position) {
        requireHook("sleepInsert");
        acquire();
        try {
            checkPosition(position, queue.size());
            current.insertPosition = position;
        } finally {
            lock.unlock();
        }
        yieldCurrent(current);
    }

    /** Moves {@code target} to the head of the queue and yields the current task. */
    void switchTo(Task<?> current, Task<?> target, int insertPosition) {
        requireHook("taskSwitch");
        requireOwn(target);
        if (target == current) {
            throw new IllegalArgumentException("task " + current.name() + " cannot switch to itself");
        }
        acquire();
        try {
            if (!target.isQueued()) {
                throw notRunnable(target, "switch to");
            }
            if (insertPosition >= 0) {
                checkPosition(insertPosition, queue.size());
            }
            queue.remove(target);
            queue.insert(0, target);
            current.insertPosition = insertPosition;
        } finally {
            lock.unlock();
        }
        yieldCurrent(current);
    }

    private void yieldCurrent(Task<?> current) {
        try {
            Thread.yield();
        } finally {
            acquire();
            try {
                current.insertPosition = -1; // only still set if the yield did not unmount (a pinned task)
            } finally {
                lock.unlock();
            }
        }
    }

    void requireOwn(Task<?> task) {
        if (task.loop() != this) {
            throw new IllegalArgumentException("task " + task.name() + " belongs to loop '" + task.loop().name()
                    + "', not to loop '" + name + "'");
        }
    }

    private void requireHook(String operation) {
        if (!hooked) {
            throw new UnsupportedOperationException(operation + " needs a loop that schedules its own tasks, but loop '"
                    + name + "' runs degraded: " + hook.problem());
        }
    }

    private static void checkPosition(int position, int max) {
        if (position < 0 || position > max) {
            throw new IndexOutOfBoundsException("position " + position + " is outside the ready queue (valid: 0.."
                    + max + ")");
        }
    }

    private IllegalStateException notRunnable(Task<?> task, String action) {
        return new IllegalStateException("cannot " + action + " task " + task.name() + ": it is not in the ready queue "
                + "(state " + task.state + "); only RUNNABLE tasks can be moved");
    }

    private void rejectIfShutDown(Task<?> task) {
        if (runState != RunState.RUNNING) {
            throw rejection(task);
        }
    }

    private RejectedExecutionException rejection(Task<?> task) {
        return new RejectedExecutionException("loop '" + name + "' is shut down and accepts no new tasks; task "
                + task.name() + " rejected");
    }

    private void rejectIfTerminated(String operation) {
        if (runState == RunState.TERMINATED) {
            throw new RejectedExecutionException("loop '" + name + "' has terminated; " + operation + " rejected");
        }
    }

    void reportUncaught(Object source, Throwable failure) {
        try {
            exceptionHandler.uncaughtException(this, source, failure);
        } catch (Throwable handlerFailure) {
            handlerFailure.addSuppressed(failure);
            LOG.log(System.Logger.Level.ERROR, "asynkit loop '" + name + "': the exception handler failed while handling "
                    + "an exception from " + source, handlerFailure);
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "Loop['" + name + "' " + policy + " carriers=" + carrierCount + (hooked ? "" : " DEGRADED") + "]";
    }

    // ---- nested types ---------------------------------------------------------------------------

    /**
     * Receives exceptions nobody else will see: from fire-and-forget tasks ({@link #execute}) and from
     * callbacks. Tasks with a future always complete it exceptionally as well.
     */
    @FunctionalInterface
    public interface ExceptionHandler {
        /**
         * @param loop   the loop
         * @param source the {@link Task} or {@link Handle} that threw
         * @param error  what it threw
         */
        void uncaughtException(Loop loop, Object source, Throwable error);

        /** The default: log at WARNING through {@link System.Logger}. */
        static ExceptionHandler logging() {
            return (loop, source, error) -> LOG.log(System.Logger.Level.WARNING,
                    "asynkit loop '" + loop.name() + "': uncaught exception in " + source, error);
        }
    }

    /** Configures and builds a {@link Loop}. */
    public static final class Builder {
        private String name = "asynkit";
        private int carriers = 1;
        private int maxSpareCarriers = 64;
        private SchedulingPolicy policy = SchedulingPolicy.PRIORITY;
        private MissingHookPolicy missingHook = MissingHookPolicy.FAIL;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Duration cancelTimeout = Duration.ofSeconds(5);
        private Duration pinnedCheckInterval = Duration.ofMillis(10);
        private ExceptionHandler exceptionHandler = ExceptionHandler.logging();
        private boolean eagerTasks;
        private int boostAfter = DEFAULT_BOOST_AFTER;
        private int carrierNice;

        private Builder() {
        }

        /**
         * The Linux nice value of the carrier threads, from 0 (the default: leave them as the JVM made
         * them) to 19 (give way to every other thread). With a value such as 10, CPU-bound tasks still get
         * every core that nothing else wants, but the threads that feed the loop and need a core for
         * microseconds (a web server's poller and acceptor, the JVM's GC and JIT threads, a load balancer's
         * health check on the same host) preempt a carrier as soon as they wake, instead of waiting for
         * its time slice to end. On a saturated 2-core machine that took a quick endpoint's p99 from about
         * 4.4 ms to under 1 ms (see docs/operations.md). The price: any other process of the host at a
         * lower nice value wins the CPU over the loop too.
         *
         * <p>Platform threads that tasks start inherit the value (Linux semantics) and cannot lower it again
         * without privileges; the loop's own timer thread is therefore started up front. A degraded loop
         * has no carriers of its own and ignores the value.
         *
         * <p>Linux only, through {@code setpriority(2)} with the FFM API, which is a restricted method: run
         * with {@code --enable-native-access=ALL-UNNAMED} (or the manifest entry
         * {@code Enable-Native-Access: ALL-UNNAMED}) to avoid the JDK's warning. Where it is not supported,
         * each carrier logs a warning saying why and runs at its old value.
         *
         * <pre>{@code
         * Loop loop = Loop.builder().carriers(2).carrierNice(10).build();
         * }</pre>
         *
         * @throws IllegalArgumentException if {@code nice} is outside 0..19
         */
        public Builder carrierNice(int nice) {
            if (nice < 0 || nice > 19) {
                throw new IllegalArgumentException("carrierNice must be between 0 (unchanged) and 19 (lowest CPU "
                        + "priority), but was " + nice + "; a negative value would need privileges and would let the "
                        + "carriers starve the threads that feed them");
            }
            this.carrierNice = nice;
            return this;
        }

        /**
         * The starvation bound of a PRIORITY loop: the oldest runnable task of a priority may be
         * overtaken by at most this many dispatches of better-priority work; then it is <em>boosted</em>
         * and runs next, once, and the count starts again for the next task of its priority. So every
         * priority with runnable tasks gets at least one dispatch in every {@code boostAfter + 1}, however
         * much better work keeps arriving. Boosts are counted in {@link LoopStatistics#boosts()}.
         * Default {@value Loop#DEFAULT_BOOST_AFTER}; ignored by a FIFO loop, which cannot starve anyone.
         *
         * <pre>{@code
         * Loop loop = Loop.builder().carriers(4).boostAfter(20).build(); // LOW work gets >= 1 dispatch in 21
         * }</pre>
         *
         * @throws IllegalArgumentException if {@code overtakes} is less than 1
         */
        public Builder boostAfter(int overtakes) {
            if (overtakes < 1) {
                throw new IllegalArgumentException("boostAfter must be at least 1 (a task may be overtaken that "
                        + "many times before it is boosted), but was " + overtakes + "; use boosting(false) to turn "
                        + "boosting off");
            }
            this.boostAfter = overtakes;
            return this;
        }

        /**
         * Turns anti-starvation boosting on (the default) or off. Off, a PRIORITY loop is strictly
         * ordered: a task runs only when no better task is runnable, and can wait forever.
         */
        public Builder boosting(boolean enabled) {
            this.boostAfter = enabled ? (boostAfter > 0 ? boostAfter : DEFAULT_BOOST_AFTER) : 0;
            return this;
        }

        /**
         * Makes every task created from a task of this loop start eagerly, as the Python library's eager
         * task factory does: the new task runs at once, and its creator resumes right after it first
         * parks or ends (depth-first execution, as {@link Scheduling#createTaskDescend}). Tasks created
         * from outside the loop are queued as usual. Default false.
         */
        public Builder eagerTasks(boolean eagerTasks) {
            this.eagerTasks = eagerTasks;
            return this;
        }

        /** Names the loop and its threads. Default {@code "asynkit"}. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("loop name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * The number of carrier threads: 1 (the default) runs one task at a time, deterministically;
         * N runs N tasks in parallel. Use {@code Runtime.getRuntime().availableProcessors()} for CPU work.
         */
        public Builder carriers(int carriers) {
            if (carriers < 1 || carriers > 32_767) {
                throw new IllegalArgumentException("carriers must be between 1 and 32767, but was " + carriers);
            }
            this.carriers = carriers;
            return this;
        }

        /** The most spare carriers started to compensate for pinned tasks; 0 disables it. Default 64. */
        public Builder maxSpareCarriers(int maxSpareCarriers) {
            if (maxSpareCarriers < 0) {
                throw new IllegalArgumentException("maxSpareCarriers must not be negative, but was " + maxSpareCarriers);
            }
            this.maxSpareCarriers = maxSpareCarriers;
            return this;
        }

        /**
         * How often the watchdog looks for pinned carriers: a carrier parked inside one task for a whole
         * interval is compensated. Default 10 ms; at least 1 ms, since a shorter interval only burns a core.
         *
         * @throws IllegalArgumentException if {@code interval} is shorter than 1 ms
         */
        public Builder pinnedCheckInterval(Duration interval) {
            Objects.requireNonNull(interval, "pinnedCheckInterval");
            if (interval.compareTo(MIN_PINNED_CHECK) < 0) {
                throw new IllegalArgumentException("pinnedCheckInterval must be at least 1 ms, but was " + interval
                        + ": the watchdog would keep a core busy looking; use maxSpareCarriers(0) to turn "
                        + "compensation off");
            }
            this.pinnedCheckInterval = interval;
            return this;
        }

        private static final Duration MIN_PINNED_CHECK = Duration.ofMillis(1);

        /** FIFO or PRIORITY (the default). */
        public Builder policy(SchedulingPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** What to do when the JVM lacks {@code --add-opens java.base/java.lang=ALL-UNNAMED}. Default FAIL. */
        public Builder missingHook(MissingHookPolicy missingHook) {
            this.missingHook = Objects.requireNonNull(missingHook, "missingHook");
            return this;
        }

        /**
         * How long {@link Loop#close()} waits for live tasks before cancelling them. Default 30 s; a duration
         * too long for nanoseconds means as long as it takes.
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = notNegative(timeout, "shutdownTimeout");
            return this;
        }

        /**
         * How long {@link Loop#close()} waits for cancelled tasks to unwind. Default 5 s; a duration too long
         * for nanoseconds means as long as it takes. A carrier still held by a task that ignored cancellation
         * (one that spins without ever parking) is waited for within this same budget (at least 1 s, at
         * most 10 s) and then left behind, named in the log with its task.
         */
        public Builder cancelTimeout(Duration timeout) {
            this.cancelTimeout = notNegative(timeout, "cancelTimeout");
            return this;
        }

        /** Where exceptions of fire-and-forget tasks and callbacks go. Default: logged at WARNING. */
        public Builder exceptionHandler(ExceptionHandler handler) {
            this.exceptionHandler = Objects.requireNonNull(handler, "exceptionHandler");
            return this;
        }

        /**
         * Builds the loop and starts its carriers.
         *
         * @throws HookUnavailableException if the scheduler hook is unavailable and the policy is FAIL
         */
        public Loop build() {
            return new Loop(this);
        }

        /**
         * Builds a loop, runs {@code main} on it as a task, and closes the loop once main has ended,
         * cancelling tasks main left behind (as {@code asyncio.run} does).
         *
         * @return main's result
         * @throws Exception what main threw, unwrapped
         */
        public <T> T run(Callable<T> main) throws Exception {
            Objects.requireNonNull(main, "main");
            Loop loop = build();
            try {
                // Cancel what main leaves behind from inside main's task, before anything else can run, so
                // that (as with asyncio.run) nothing runs once main has returned, deterministically.
                Task<T> task = loop.newTask().name(loop.name()).start(() -> {
                    try {
                        return main.call();
                    } finally {
                        loop.cancelAllBut(Task.current());
                    }
                });
                try {
                    return task.get();
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case Exception cause -> throw cause;
                        case Error cause -> throw cause;
                        default -> throw e;
                    }
                } catch (InterruptedException e) {
                    task.cancel(true);
                    throw e;
                }
            } finally {
                loop.shutdownNow();
                loop.close();
            }
        }

        private static Duration notNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, but was " + d);
            }
            return d;
        }
    }
}
