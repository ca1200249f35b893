package io.asynkit.reliability;

import io.asynkit.coro.Context;
import io.asynkit.coro.ContextPropagator;
import io.asynkit.coro.CoroStart;
import io.asynkit.coro.Coroutines;
import io.asynkit.coro.GeneratorObject;
import io.asynkit.group.TaskGroup;
import io.asynkit.interrupt.InterruptCondition;
import io.asynkit.interrupt.Interrupts;
import io.asynkit.loop.Drive;
import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.ScopedValueBindings;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskBuilder;
import io.asynkit.loop.TaskState;
import io.asynkit.priority.PriorityCondition;
import io.asynkit.priority.PriorityLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.asynkit.testing.Tasks.awaitBlocked;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Calls from the wrong place, swept by reflection (in the spirit of {@link NullArgumentsTest}):
 * <ol>
 *   <li>every public static method of the task-context API, called from a plain platform thread and
 *       from a plain virtual thread (neither runs a task): it works as documented for such threads (an
 *       explicit allowlist, each with its reason), or it throws {@link IllegalStateException} whose
 *       message says it needs an asynkit task; never another exception, never a hang;</li>
 *   <li>every public method that takes a {@link Task} (or a {@link TaskBuilder}), given one of another
 *       loop than the calling task's: where it needs the caller's loop it throws
 *       {@link IllegalArgumentException} or {@link IllegalStateException} naming both loops, and the
 *       other loop is untouched (the target is still runnable at its place, no task was started, and
 *       the target later ends with its own value); the others are allowlisted with the reason they may
 *       act on any loop's task;</li>
 *   <li>submitting to a loop that is shut down, in every way there is (14, from a platform thread and
 *       from a task of that loop, plus {@code createTaskDescend} and the first run of a {@link Drive} of a
 *       task made before the shutdown), is refused with {@link RejectedExecutionException} naming the loop,
 *       and nothing runs; callbacks are accepted until the loop terminates, as documented, and refused
 *       after.</li>
 * </ol>
 * The sweep found two methods that did not check: {@code createTaskDescend(TaskBuilder, Callable)} with a
 * builder of another loop started the task there before refusing; and a {@link Drive} whose first run
 * was refused (the loop shut down after the task was made) left the driving task marked as handing off
 * (reported {@code RUNNING} while parked) and the drive active, and the task's future pending forever,
 * which made a {@link TaskGroup} racing a shutdown wait forever for a child that could never run. Both
 * now check; {@link #aDriveRefusedBecauseItsLoopIsShutDownLeavesTheDrivingTaskAsItWas} and
 * {@code MultiCarrierStressTest.taskGroupsRacingShutdownCompleteOrAreRefusedNeverHang} show the second.
 */
@Timeout(120)
class WrongContextTest {

    /** The classes whose static methods make up the task-context API. */
    private static final List<Class<?>> TASK_CONTEXT_API = List.of(Scheduling.class, Interrupts.class,
            Coroutines.class, CoroStart.class, TaskGroup.class, Task.class, Loop.class, Drive.class, Context.class,
            ScopedValueBindings.class, InterruptCondition.class);

    /** The classes whose public methods (static or not) may take a task or a task builder. */
    private static final List<Class<?>> TASK_TAKING_API = List.of(Scheduling.class, Interrupts.class, Coroutines.class,
            CoroStart.class, TaskGroup.class, Task.class, TaskBuilder.class, Loop.class, Drive.class, Context.class,
            PriorityLock.class, PriorityCondition.class, InterruptCondition.class);

    /** Static methods that work outside any task, as documented; any overload of the name. */
    private static final Map<String, String> WORK_OUTSIDE_A_TASK = Map.ofEntries(
            entry("Scheduling.taskReinsert", "moves the given task within its own loop's queue"),
            entry("Drive.forNewTask", "drives are run from any thread: the new task runs on the builder's loop"),
            entry("Scheduling.taskIsBlocked", "reads the given task's state"),
            entry("Scheduling.taskIsRunnable", "reads the given task's state"),
            entry("Scheduling.yieldNow", "documented: outside a task it is Thread.yield()"),
            entry("Scheduling.sleep", "documented: suspends the current task or thread"),
            entry("Scheduling.await", "documented: inside a task it parks the task, elsewhere the thread"),
            entry("Interrupts.taskThrow", "throws into the given task, from anywhere"),
            entry("Coroutines.eager", "documented: from outside a loop the call runs on Loop.common() (or the given loop)"),
            entry("Coroutines.awaitSync", "documented: runs the call on the caller's behalf, on Loop.common() outside a loop"),
            entry("Coroutines.awaitSyncStrict", "as awaitSync"),
            entry("Coroutines.iterateSync", "as awaitSync, for each step"),
            entry("Coroutines.callIn", "starts the call eagerly, on Loop.common() outside a loop, and waits"),
            entry("CoroStart.start", "documented: a task of Loop.common() (or the given loop) when started outside a loop"),
            entry("TaskGroup.run", "documented: from a platform thread the children run on Loop.common() (or the given loop)"),
            entry("Task.currentOrNull", "documented: null outside any task"),
            entry("Task.isInTask", "documented: false outside any task"),
            entry("Task.takeThrownException", "null outside any task: nothing can be thrown into a plain thread"),
            entry("Loop.builder", "builds loops; no task involved"),
            entry("Loop.run", "builds a loop and runs main on it, like asyncio.run"),
            entry("Loop.common", "the shared loop for work started outside any loop"),
            entry("Loop.hookProblem", "reads the JVM's capability"),
            entry("Drive.of", "a drive may be created and run from any thread"),
            entry("Context.capture", "captures the calling thread's context, whatever thread it is"),
            entry("Context.empty", "a constant"),
            entry("Context.register", "the JVM-wide propagator registry"),
            entry("Context.unregister", "the JVM-wide propagator registry"),
            entry("ScopedValueBindings.capture", "captures the calling thread's bindings"),
            entry("ScopedValueBindings.none", "a constant"),
            entry("InterruptCondition.of", "wraps a condition; the waits serve threads and tasks alike"));

    /** Methods taking a task (or builder) of any loop, from a task of another loop, by design; any overload. */
    private static final Map<String, String> TAKE_ANY_LOOPS_TASK = Map.ofEntries(
            entry("Scheduling.taskReinsert", "moves the task within its own loop's queue, from anywhere"),
            entry("Scheduling.taskIsBlocked", "reads the task's state"),
            entry("Scheduling.taskIsRunnable", "reads the task's state"),
            entry("Interrupts.taskThrow", "documented for any task, from anywhere; raised on the task's own loop"),
            entry("Drive.of", "drives are run from any thread or loop: the task runs on its own loop"),
            entry("Drive.forNewTask", "drives are run from any thread or loop: the task runs on the builder's loop"));

    /** Methods that need the task (or builder) to be of the calling task's loop. */
    private static final Set<String> NEED_THE_CALLERS_LOOP = Set.of("Scheduling.taskSwitch",
            "Scheduling.createTaskDescend", "Interrupts.taskInterrupt", "Loop.queueInsertPosition", "Loop.moveToPosition");

    private Loop free;
    /** A loop whose only carrier is held by a callback: its tasks stay runnable, in a known order. */
    private Loop held;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Task<?>> targets = new ArrayList<>();
    private int serial;

    @BeforeEach
    void loops() throws InterruptedException {
        free = Loop.builder().name("free").build();
        held = Loop.builder().name("held").maxSpareCarriers(0).build(); // no spare carrier may run its tasks
        CountDownLatch holding = new CountDownLatch(1);
        held.callSoon(() -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @AfterEach
    void closeLoops() {
        release.countDown();
        held.close();
        free.close();
    }

    /** A new task of the held loop: runnable, at the end of its queue, returning its name when it runs. */
    private Task<String> target() {
        String name = "target-" + ++serial;
        Task<String> task = held.newTask().name(name).start(() -> name);
        targets.add(task);
        return task;
    }

    private static String key(Method m) {
        return m.getDeclaringClass().getSimpleName() + "." + m.getName();
    }

    private static List<Method> publicMethods(Class<?> type, Predicate<Method> filter) {
        return Arrays.stream(type.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && filter.test(m))
                .sorted(Comparator.comparing(Method::toString))
                .toList();
    }

    /** A valid argument of {@code type} for {@code method}. */
    private Object sample(Method method, Class<?> type) {
        if (type == Task.class) {
            return method.getDeclaringClass() == Drive.class ? free.newTask().unstarted(() -> "driven") : target();
        }
        if (type == Callable.class) {
            return (Callable<String>) () -> "value";
        }
        if (type == Runnable.class) {
            return (Runnable) () -> { };
        }
        if (type == Duration.class) {
            return Duration.ofMillis(1);
        }
        if (type == Future.class) {
            return CompletableFuture.completedFuture("value");
        }
        if (type == Loop.class) {
            return free;
        }
        if (type == String.class) {
            return "sweep";
        }
        if (type == Context.class) {
            return Context.capture();
        }
        if (type == TaskBuilder.class) {
            return free.newTask();
        }
        if (type == Throwable.class) {
            return new Swept();
        }
        if (type == io.asynkit.coro.Generator.class) {
            return new GeneratorObject<String>().generate(() -> null);
        }
        if (type == Condition.class) {
            return new ReentrantLock().newCondition();
        }
        if (type == ContextPropagator.class) {
            return NoPropagation.INSTANCE;
        }
        if (type == TaskGroup.Body.class) {
            return (TaskGroup.Body<String>) group -> "value";
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0.0;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        throw new AssertionError("the sweep has no sample for a parameter of type " + type + " of " + method);
    }

    private Object[] samples(Method method) {
        Class<?>[] types = method.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = sample(method, types[i]);
        }
        return args;
    }

    /** What a call did: returned, threw, or did not end within 10 s. */
    private record Outcome(Object returned, Throwable thrown, boolean hung) {
        @Override
        public String toString() {
            return hung ? "did not return within 10 s" : thrown != null ? "threw " + thrown : "returned " + returned;
        }
    }

    /** Calls {@code method} on a new thread of the given kind, which runs no task. */
    private static Outcome callOnAPlainThread(Method method, Object[] args, boolean virtual) throws InterruptedException {
        AtomicReference<Outcome> outcome = new AtomicReference<>();
        Runnable call = () -> {
            try {
                outcome.set(new Outcome(method.invoke(null, args), null, false));
            } catch (InvocationTargetException e) {
                outcome.set(new Outcome(null, e.getCause(), false));
            } catch (IllegalAccessException | IllegalArgumentException e) {
                throw new AssertionError("the sweep cannot call " + method + " with " + Arrays.toString(args), e);
            }
        };
        Thread thread = virtual ? Thread.ofVirtual().name("plain-virtual").start(call)
                : Thread.ofPlatform().name("plain-platform").daemon().start(call);
        if (!thread.join(Duration.ofSeconds(10))) {
            thread.interrupt();
            return new Outcome(null, null, true);
        }
        return Objects.requireNonNull(outcome.get(), () -> "the sweep's call of " + method + " failed");
    }

    @ParameterizedTest(name = "from a plain {0} thread")
    @ValueSource(strings = {"platform", "virtual"})
    void everyTaskContextMethodWorksOutsideATaskOrSaysItNeedsOne(String kind) throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        int calls = 0;
        for (Class<?> type : TASK_CONTEXT_API) {
            for (Method method : publicMethods(type, m -> Modifier.isStatic(m.getModifiers()))) {
                String key = key(method);
                seen.add(key);
                calls++;
                Outcome outcome = callOnAPlainThread(method, samples(method), kind.equals("virtual"));
                closeIfNeeded(outcome.returned());
                String reason = WORK_OUTSIDE_A_TASK.get(key);
                if (outcome.hung()) {
                    problems.add(method + ": " + outcome);
                } else if (reason != null) {
                    if (outcome.thrown() != null) {
                        problems.add(method + " should work outside a task (" + reason + ") but " + outcome);
                    }
                } else if (outcome.thrown() == null) {
                    problems.add(method + " works outside a task (" + outcome + "): if that is right, add it to "
                            + "WORK_OUTSIDE_A_TASK with the reason; otherwise it must say it needs a task");
                } else if (!(outcome.thrown() instanceof IllegalStateException)
                        || outcome.thrown().getMessage() == null
                        || !outcome.thrown().getMessage().contains("asynkit task")) {
                    problems.add(method + " must throw IllegalStateException saying it needs an asynkit task, but "
                            + outcome);
                }
            }
        }
        Context.unregister(NoPropagation.INSTANCE);
        assertThat(problems).as("task-context methods called from a plain %s thread", kind).isEmpty();
        assertThat(seen).as("allowlisted methods that no longer exist").containsAll(WORK_OUTSIDE_A_TASK.keySet());
        assertThat(calls).as("static methods swept").isGreaterThanOrEqualTo(42);
        // the allowlisted calls that took a target left it on its loop: each ends when the loop runs again
        release.countDown();
        for (Task<?> target : targets) {
            try {
                target.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException thrownInto) {
                assertThat(thrownInto.getCause()).isInstanceOf(Swept.class); // Interrupts.taskThrow's
            }
        }
    }

    @Test
    void aTaskOfAnotherLoopIsRefusedWhereTheCallersLoopIsNeededAndLeftAsItWas() throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> classified = new TreeSet<>();
        List<Method> taking = new ArrayList<>();
        for (Class<?> type : TASK_TAKING_API) {
            taking.addAll(publicMethods(type, m -> Arrays.stream(m.getParameterTypes())
                    .anyMatch(p -> p == Task.class || p == TaskBuilder.class)));
        }
        Loop.builder().name("caller").run(() -> {
            Loop caller = Loop.current();
            for (Method method : taking) {
                String key = key(method);
                if (TAKE_ANY_LOOPS_TASK.containsKey(key)) {
                    classified.add(key);
                    continue;
                }
                if (!NEED_THE_CALLERS_LOOP.contains(key)) {
                    problems.add(method + " takes a task but is in neither TAKE_ANY_LOOPS_TASK nor NEED_THE_CALLERS_LOOP");
                    continue;
                }
                classified.add(key);
                Object[] args = new Object[method.getParameterCount()];
                Class<?>[] types = method.getParameterTypes();
                Task<?> target = null;
                for (int i = 0; i < args.length; i++) {
                    if (types[i] == Task.class) {
                        target = target();
                        args[i] = target;
                    } else if (types[i] == TaskBuilder.class) {
                        args[i] = held.newTask().name("would-be-" + ++serial);
                    } else {
                        args[i] = sample(method, types[i]);
                    }
                }
                List<String> queueBefore = names(held.runnableTasks());
                long startedBefore = startedOn(held);
                Object receiver = Modifier.isStatic(method.getModifiers()) ? null : caller;
                Throwable thrown = null;
                try {
                    method.invoke(receiver, args);
                } catch (InvocationTargetException e) {
                    thrown = e.getCause();
                } catch (IllegalArgumentException e) {
                    throw new AssertionError("the sweep cannot call " + method + " with " + Arrays.toString(args), e);
                }
                String message = thrown == null ? null : thrown.getMessage();
                if (thrown == null) {
                    problems.add(method + " accepted a task of loop 'held' from a task of loop 'caller'");
                } else if (!(thrown instanceof IllegalArgumentException || thrown instanceof IllegalStateException)
                        || message == null || !message.contains("'held'") || !message.contains("'caller'")) {
                    problems.add(method + " must refuse with IllegalArgumentException or IllegalStateException naming "
                            + "both loops, but threw " + thrown);
                }
                if (target != null && target.taskState() != TaskState.RUNNABLE) {
                    problems.add(method + " changed the foreign target's state to " + target.taskState());
                }
                if (!names(held.runnableTasks()).equals(queueBefore) || startedOn(held) != startedBefore) {
                    problems.add(method + " changed the other loop: queue " + queueBefore + " became "
                            + names(held.runnableTasks()) + ", tasks started " + startedBefore + " became "
                            + startedOn(held));
                }
            }
            return null;
        });
        assertThat(problems).as("methods given a task of another loop").isEmpty();
        assertThat(taking).as("methods that take a task or a task builder").hasSizeGreaterThanOrEqualTo(10);
        assertThat(classified).as("every classified method exists and was met")
                .containsAll(TAKE_ANY_LOOPS_TASK.keySet()).containsAll(NEED_THE_CALLERS_LOOP);
        release.countDown();
        for (Task<?> target : targets) {
            assertThat(target.get(10, TimeUnit.SECONDS)).as("%s ends with its own value", target.name())
                    .isEqualTo(target.name());
        }
    }

    /** One way to hand work to a loop; {@code ran} is what its work sets if it ever runs. */
    private record Submission(String name, ThrowingConsumer<Runnable> submit) {
    }

    @FunctionalInterface
    private interface ThrowingConsumer<T> {
        void accept(T value) throws Exception;
    }

    /** Every way to hand work to {@code loop}, from the calling thread (a platform thread or a task). */
    private static List<Submission> submissions(Loop loop) {
        return List.of(
                new Submission("submit(Callable)", work -> loop.submit(() -> {
                    work.run();
                    return null;
                })),
                new Submission("submit(Runnable)", work -> loop.submit(work)),
                new Submission("submit(Runnable, T)", work -> loop.submit(work, "value")),
                new Submission("execute(Runnable)", work -> loop.execute(work)),
                new Submission("invokeAll", work -> loop.invokeAll(List.of(Executors.callable(work)))),
                new Submission("invokeAny", work -> loop.invokeAny(List.of(Executors.callable(work)))),
                new Submission("newTask().start(Callable)", work -> loop.newTask().name("late").start(() -> {
                    work.run();
                    return null;
                })),
                new Submission("newTask().start(Runnable)", work -> loop.newTask().start(work)),
                new Submission("newTask().execute(Runnable)", work -> loop.newTask().execute(work)),
                new Submission("newTask().unstarted(Callable)", work -> loop.newTask().unstarted(() -> {
                    work.run();
                    return null;
                })),
                new Submission("Coroutines.eager(loop, ...)", work -> Coroutines.eager(loop, "late", () -> {
                    work.run();
                    return null;
                })),
                new Submission("CoroStart.start(loop, ...)", work -> CoroStart.start(loop, "late", () -> {
                    work.run();
                    return null;
                })),
                new Submission("TaskGroup.run(loop, startSoon)", work -> TaskGroup.run(loop, group -> group.startSoon(() -> {
                    work.run();
                    return null;
                }))),
                new Submission("TaskGroup.run(loop, start)", work -> TaskGroup.run(loop, group -> group.start(status -> {
                    work.run();
                    status.started(null);
                }))));
    }

    /** Refused with RejectedExecutionException naming the loop, or a problem is recorded. */
    private static void expectRejected(String what, ThrowingConsumer<Runnable> attempt, Runnable work, String loopName,
            List<String> problems) {
        try {
            attempt.accept(work);
            problems.add(what + " was accepted");
        } catch (RejectedExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().contains("'" + loopName + "'")) {
                problems.add(what + " was refused without naming loop '" + loopName + "': " + e);
            }
        } catch (Exception | Error e) {
            problems.add(what + " failed with " + e + " instead of RejectedExecutionException");
        }
    }

    @Test
    void afterShutdownEveryWayToSubmitIsRefusedAndNothingRuns() throws Exception {
        List<String> problems = new CopyOnWriteArrayList<>();
        List<String> ran = new CopyOnWriteArrayList<>();
        Loop loop = Loop.builder().name("shut").build();
        CountDownLatch shutDown = new CountDownLatch(1);
        // a live task keeps the loop shut down but not terminated, and tries from inside too
        Task<?> live = loop.submit(() -> {
            shutDown.await();
            for (Submission s : submissions(Loop.current())) {
                expectRejected("from a task: " + s.name(), s.submit(), () -> ran.add("from a task: " + s.name()), "shut",
                        problems);
            }
            expectRejected("from a task: Scheduling.createTaskDescend", work -> Scheduling.createTaskDescend(() -> {
                work.run();
                return null;
            }), () -> ran.add("createTaskDescend"), "shut", problems);
            return null;
        });
        Task<String> unstarted = loop.newTask().name("made-before").unstarted(() -> {
            ran.add("a task made before shutdown, driven after");
            return "driven";
        });
        loop.shutdown();
        for (Submission s : submissions(loop)) {
            expectRejected(s.name(), s.submit(), () -> ran.add(s.name()), "shut", problems);
        }
        expectRejected("Drive.of(task made before shutdown).run", work -> Drive.of(unstarted).run(Drive.Until.PARK),
                () -> { }, "shut", problems);
        // callbacks are accepted until the loop terminates (documented), and run
        CountDownLatch callbackRan = new CountDownLatch(1);
        loop.callSoon(callbackRan::countDown);
        assertThat(callbackRan.await(10, TimeUnit.SECONDS)).as("a callback accepted while shutting down runs").isTrue();
        shutDown.countDown();
        live.get(10, TimeUnit.SECONDS);
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        expectRejected("callSoon after termination", work -> loop.callSoon(work), () -> ran.add("callSoon"), "shut", problems);
        expectRejected("callAtPosition after termination", work -> loop.callAtPosition(0, work),
                () -> ran.add("callAtPosition"), "shut", problems);
        expectRejected("callLater after termination", work -> loop.callLater(Duration.ZERO, work),
                () -> ran.add("callLater"), "shut", problems);
        loop.close();
        assertThat(problems).as("submissions to a loop that is shut down").isEmpty();
        assertThat(ran).as("work that ran although refused").isEmpty();
        assertThat(unstarted.taskState()).as("a task whose first start was refused is done").isEqualTo(TaskState.DONE);
        assertThatThrownBy(unstarted::get).hasCauseInstanceOf(RejectedExecutionException.class);
        assertThat(loop.statistics().tasksStarted()).as("only the live task ever started").isEqualTo(1);
    }

    @Test
    void aDriveRefusedBecauseItsLoopIsShutDownLeavesTheDrivingTaskAsItWas() throws Exception {
        Loop shut = Loop.builder().name("shut").build();
        Task<String> unstarted = shut.newTask().name("made-before").unstarted(() -> "never");
        shut.shutdown();
        Drive drive = Drive.of(unstarted);
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        try (Loop caller = Loop.builder().name("caller").build()) {
            Task<Throwable> driver = caller.submit(() -> {
                Throwable refused = null;
                try {
                    drive.run(Drive.Until.PARK);
                } catch (RejectedExecutionException e) {
                    refused = e;
                }
                parked.countDown();
                wake.await(); // a real park: the driver must now be BLOCKED, not still "handing off"
                return refused;
            });
            assertThat(parked.await(10, TimeUnit.SECONDS)).isTrue();
            awaitBlocked(driver); // a refused drive must not leave the driver marked as handing off (RUNNING)
            wake.countDown();
            assertThat(driver.get(10, TimeUnit.SECONDS)).isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("'shut'");
        }
        assertThat(drive.isActive()).as("the refused drive is not left active").isFalse();
        assertThat(unstarted.taskState()).as("the task that can never start is done").isEqualTo(TaskState.DONE);
        assertThatThrownBy(unstarted::get).as("and its future says why")
                .hasCauseInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> drive.run(Drive.Until.PARK)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has ended");
        shut.close();
    }

    private static List<String> names(List<Task<?>> tasks) {
        return tasks.stream().map(Task::name).collect(Collectors.toList());
    }

    private static long startedOn(Loop loop) {
        return loop.statistics().tasksStarted();
    }

    private static void closeIfNeeded(Object returned) throws Exception {
        if (returned instanceof CoroStart<?> start) {
            start.close();
        } else if (returned instanceof Loop loop && loop != Loop.common()) {
            loop.close();
        }
    }

    /** The exception the sweep throws into tasks. */
    static final class Swept extends RuntimeException {
        Swept() {
            super("thrown by the sweep", null, false, false);
        }
    }

    /** A propagator that propagates nothing, for {@link Context#register}. */
    private enum NoPropagation implements ContextPropagator<Object> {
        INSTANCE;

        @Override
        public Object capture() {
            return null;
        }

        @Override
        public void restore(Object snapshot) {
        }
    }
}
