package io.asynkit.loop;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
 * <p><b>Run order.</b> <em>One carrier:</em> the run order is exact. Entries run by effective priority,
 * first-in first-out among equals; positional operations ({@link Scheduling#taskReinsert},
 * {@link Scheduling#taskSwitch}, {@link #callAtPosition}) behave as {@code List.add} on the ready queue;
 * boosting gives every priority with runnable work at least one dispatch in every
 * {@code boostAfter + 1}. <em>N carriers:</em> each carrier has its own ready queue with exactly those
 * guarantees, and work handed in from outside the loop waits in one more, shared queue. When a carrier
 * picks its next entry, it takes the head of its own queue unless another queue publishes a strictly
 * better priority, and then takes that entry instead; a carrier with nothing of its own takes the shared
 * queue's head, or one entry of the carrier queue with the best priority. So no carrier <em>starts</em>
 * an entry while it can see a strictly better one that nobody has claimed. Entries of equal priority on
 * different carriers may run in either order. Positional operations address the queue of the caller's
 * carrier (or of the task they move), and such entries never move to another carrier. (A custom
 * scheduler cannot preempt a mounted virtual thread: priority acts when a carrier picks, and only then.)
 * Task states, counts and statistics are exact at every snapshot.
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
 * exact and together make up {@link #allTasks()}. {@code RUNNING} means held by a thread that carries
 * tasks (a carrier, a spare, an inline caller), so there are never more running tasks than such threads;
 * a task that waits for a task it drives (an eager call, {@code awaitSync}) is {@code BLOCKED}, with
 * {@link Task#drivenTask()} saying for which.
 *
 * <p><b>Pinned tasks.</b> A task that parks while holding its carrier (a native frame on its stack,
 * a class initializer, blocking file I/O that the JDK does not compensate for custom schedulers)
 * would stall every other task. A watchdog notices a carrier parked inside a task for one check
 * interval and starts a spare carrier, up to {@link Builder#maxSpareCarriers(int)}; spares retire when
 * the pinning ends or the queue runs dry. {@link LoopStatistics#compensations()} counts them. Blocking
 * file I/O keeps the carrier busy rather than parked and is not detected: prefer NIO channels. For better
 * work stuck behind busy carriers, a {@link LatencyGuard} lends a carrier.
 *
 * <p><b>Shutdown.</b> {@link #shutdown()} stops accepting tasks; running tasks continue and the loop
 * terminates when the last one ends. {@link #close()} shuts down, waits up to
 * {@link Builder#shutdownTimeout(Duration)}, then cancels (interrupts) what is left, waits up to
 * {@link Builder#cancelTimeout(Duration)} for it to unwind, and stops its threads. Tasks that ignore
 * the interrupt beyond that are abandoned and reported in the log. Callbacks and timers are accepted
 * until the loop terminates; pending ones are then cancelled.
 *
 * <p><b>Threads.</b> Carriers are daemon platform threads named {@code <loop>-carrier-N} (spares
 * {@code -spare-N}, carriers on loan {@code -loan-N}); the loop also owns a watchdog thread and, once a
 * timer is used, a timer thread. All of them end when the loop terminates.
 */
public final class Loop extends AbstractExecutorService {

    /** The default starvation bound: see {@link Builder#boostAfter(int)}. */
    public static final int DEFAULT_BOOST_AFTER = 100;

    private final LoopConfig config;
    private final Engine engine;

    private Loop(Builder b) {
        this.config = b.config();
        SchedulerHook hook = SchedulerHook.get();
        if (hook.isAvailable()) {
            this.engine = new Scheduler(this, config, hook);
        } else if (b.missingHook == MissingHookPolicy.FAIL) {
            throw new HookUnavailableException("cannot build loop '" + config.name() + "': " + hook.problem()
                    + ". To run without it in a degraded mode instead, build the loop with "
                    + "missingHook(MissingHookPolicy.DEGRADE).");
        } else {
            this.engine = new DegradedEngine(this, config, hook.problem());
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
        return config.name();
    }

    /** The number of carrier threads (not counting temporary spares). */
    public int carrierCount() {
        return config.carriers();
    }

    /** The Linux nice value the carriers run at (see {@link Builder#carrierNice}); 0 if left unchanged. */
    public int carrierNice() {
        return config.carrierNice();
    }

    /** The latency guard the loop was built with (see {@link Builder#latencyGuard}), if any. */
    public Optional<LatencyGuard> latencyGuard() {
        return Optional.ofNullable(config.latencyGuard());
    }

    /** How the ready queue is ordered. */
    public SchedulingPolicy policy() {
        return config.policy();
    }

    /** True if tasks created from this loop's tasks start eagerly (see {@link Builder#eagerTasks}). */
    public boolean isEagerTasks() {
        return config.eagerTasks();
    }

    /**
     * True if tasks are scheduled by this loop; false for a degraded loop (see
     * {@link MissingHookPolicy#DEGRADE}).
     */
    public boolean isHookAvailable() {
        return engine.isHooked();
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

    /** A task made without starting it; {@code track}: remembered so that {@link #close()} can settle it. */
    <T> Task<T> newTask(String taskName, double priority, ScopedValueBindings bindings, Callable<T> body, boolean track) {
        engine.lifecycle.rejectIfShutDown(taskName);
        Task<T> task = new Task<>(this, engine, taskName, priority, bindings, body, false);
        if (track) {
            engine.madeUnstarted(task);
        }
        return task;
    }

    <T> Task<T> startTask(String taskName, double priority, ScopedValueBindings bindings, Callable<T> body,
            boolean reportFailures) {
        Task<T> task = new Task<>(this, engine, taskName, priority, bindings, body, reportFailures);
        engine.starting(task);
        task.start(); // hooked: the first dispatch registers the task (see Scheduler.execute)
        if (config.eagerTasks() && engine.isHooked()) {
            Task<?> creator = Task.currentOrNull();
            if (creator != null && creator.engine() == engine) {
                engine.descend(creator, task);
            }
        }
        return task;
    }

    /** Runs {@code child} at once, depth first, after the current task first parks (see Scheduling). */
    void descend(Task<?> current, Task<?> child) {
        engine.descend(current, child);
    }

    /** The engine behind this loop. */
    Engine engine() {
        return engine;
    }

    /** Every live task: runnable, running and blocked. */
    public List<Task<?>> allTasks() {
        return engine.tasks(t -> true);
    }

    /** The tasks waiting for a carrier, in the order they will run (see the class comment for several carriers). */
    public List<Task<?>> runnableTasks() {
        return engine.runnableTasks();
    }

    /** The tasks mounted on a carrier (or an inline caller) right now. */
    public List<Task<?>> runningTasks() {
        return engine.tasks(t -> engine.stateOf(t) == TaskState.RUNNING);
    }

    /** The tasks parked outside the ready queue right now (a task waiting for a coroutine it drives included). */
    public List<Task<?>> blockedTasks() {
        return engine.tasks(t -> engine.stateOf(t) == TaskState.BLOCKED);
    }

    // ---- ready queue extensions (the Python library's SchedulingMixin) ---------------------------

    /** The number of entries (tasks and callbacks) in the ready queues. */
    public int queueLength() {
        return engine.queueLength();
    }

    /**
     * The first task in the ready queue, in run order, that matches {@code filter}.
     */
    public Optional<Task<?>> queueFind(Predicate<? super Task<?>> filter) {
        Objects.requireNonNull(filter, "filter");
        return runnableTasks().stream().filter(filter).findFirst();
    }

    /**
     * Moves a runnable task so that exactly {@code position} entries of the queue that holds it run before it;
     * the counterpart of the Python library's {@code task_reinsert} and {@code queue_insert_pos}.
     *
     * <pre>{@code
     * loop.moveToPosition(urgent, 0); // urgent runs next
     * }</pre>
     *
     * @throws IllegalStateException     if the task is not in this loop's ready queue
     * @throws IndexOutOfBoundsException if {@code position} is not in {@code 0..queueLength()-1}
     */
    public void moveToPosition(Task<?> task, int position) {
        Objects.requireNonNull(task, "task");
        engine.queueInsertPosition(task, position);
    }

    /** The Python library's name ({@code queue_insert_pos}) for {@link #moveToPosition}: the same call. */
    public void queueInsertPosition(Task<?> task, int position) {
        moveToPosition(task, position);
    }

    // ---- callbacks and timers -------------------------------------------------------------------

    /** Runs {@code action} on a carrier after the entries already in the ready queue. */
    public Handle callSoon(Runnable action) {
        Handle handle = newHandle(action);
        engine.callSoon(handle);
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
        engine.callAtPosition(position, handle);
        return handle;
    }

    /** Runs {@code action} on a carrier once {@code delay} has passed. */
    public Handle callLater(Duration delay, Runnable action) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, but was " + delay);
        }
        Handle handle = newHandle(action);
        engine.timers.schedule(handle, delay);
        return handle;
    }

    private Handle newHandle(Runnable action) {
        return new Handle(engine, Objects.requireNonNull(action, "action"));
    }

    // ---- statistics -----------------------------------------------------------------------------

    /** A consistent snapshot of the loop's counters. */
    public LoopStatistics statistics() {
        return engine.statistics();
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    /** Stops accepting new tasks; tasks already started run to their end. */
    @Override
    public void shutdown() {
        engine.shutdown();
    }

    /**
     * Stops accepting new tasks and cancels (interrupts) every live task.
     *
     * @return always empty: tasks that had not started yet are cancelled, not returned, so their
     *         futures report the cancellation
     */
    @Override
    public List<Runnable> shutdownNow() {
        engine.cancelAll(null);
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return engine.lifecycle.isShutDown();
    }

    @Override
    public boolean isTerminated() {
        return engine.lifecycle.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return engine.lifecycle.awaitTermination(Objects.requireNonNull(unit, "unit").toNanos(timeout));
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
            throw new IllegalStateException("loop '" + name() + "' cannot be closed from its own task " + caller.name()
                    + ": it would wait for itself; call shutdown() instead, or close it from outside the loop");
        }
        engine.close();
    }

    void requireHookFor(String operation) {
        if (!engine.isHooked()) {
            throw new UnsupportedOperationException(operation + " needs a loop that schedules its own tasks, but loop '"
                    + name() + "' runs degraded: " + SchedulerHook.get().problem());
        }
    }

    @Override
    public String toString() {
        return "Loop['" + name() + "' " + policy() + " carriers=" + carrierCount() + (engine.isHooked() ? "" : " DEGRADED")
                + "]";
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
            return (loop, source, error) -> Engine.log().log(System.Logger.Level.WARNING,
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
        private TurnGate turnGate;
        private int boostAfter = DEFAULT_BOOST_AFTER;
        private int carrierNice;
        private LatencyGuard latencyGuard;

        private Builder() {
        }

        /**
         * The Linux nice value of the carrier threads, from 0 (the default: leave them as the JVM made
         * them) to 19 (give way to every other thread). With a value such as 10, CPU-bound tasks still get
         * every core that nothing else wants, but the threads that feed the loop (a web server's poller, the
         * JVM's GC and JIT threads) preempt a carrier as soon as they wake, instead of waiting for its time
         * slice to end: on a saturated 2-core machine a quick endpoint's p99 went from about 4.4 ms to under
         * 1 ms. The price: any other process of the host at a lower nice value wins the CPU over the loop too,
         * and platform threads that tasks start inherit the value (docs/operations.md has the details).
         *
         * <p>Linux only, through {@code setpriority(2)} with the FFM API, a restricted method: run with
         * {@code --enable-native-access=ALL-UNNAMED} to avoid the JDK's warning. Elsewhere each carrier logs a
         * warning and keeps its value; a degraded loop has no carriers of its own and ignores it.
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

        /**
         * Bounds how long a runnable task waits while every carrier runs work of a strictly worse priority
         * band: then the loop lends an extra carrier for the better band (see {@link LatencyGuard}, which
         * says what the bound is and what it costs). Default: no guard.
         *
         * <pre>{@code
         * Loop loop = Loop.builder().carriers(2).latencyGuard(LatencyGuard.after(Duration.ofMillis(1))).build();
         * }</pre>
         *
         * <p>{@link #build()} refuses a guard on a FIFO loop, and on a one-carrier loop unless the guard says
         * {@link LatencyGuard#evenOnOneCarrier()}.
         */
        public Builder latencyGuard(LatencyGuard guard) {
            this.latencyGuard = Objects.requireNonNull(guard, "latencyGuard");
            return this;
        }

        /** For tests only: the carriers take their turns through {@code gate} (see {@link TurnGate}). */
        Builder turnGate(TurnGate gate) {
            this.turnGate = gate;
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
         * @throws IllegalArgumentException if the {@link #latencyGuard latency guard} does not fit the loop
         */
        public Loop build() {
            if (latencyGuard != null) {
                latencyGuard.checkFits(carriers, policy);
            }
            return new Loop(this);
        }

        LoopConfig config() {
            int bound = policy == SchedulingPolicy.PRIORITY ? boostAfter : 0;
            return new LoopConfig(name, carriers, maxSpareCarriers, policy, missingHook,
                    Timers.saturatedNanos(shutdownTimeout), Timers.saturatedNanos(cancelTimeout),
                    Timers.saturatedNanos(pinnedCheckInterval), carrierNice, exceptionHandler, eagerTasks, bound,
                    latencyGuard, turnGate);
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
                        loop.engine.cancelAll(Task.current());
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
