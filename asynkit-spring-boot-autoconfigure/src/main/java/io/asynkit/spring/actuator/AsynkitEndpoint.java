package io.asynkit.spring.actuator;

import io.asynkit.loop.BandStatistics;
import io.asynkit.loop.LatencyGuard;
import io.asynkit.loop.Loop;
import io.asynkit.loop.LoopStatistics;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@code asynkit} Actuator endpoint: a read-only view of an asynkit {@link Loop}, its counters and
 * its tasks. Boot's {@code threaddump} lists platform threads only; this endpoint shows the virtual
 * threads the loop schedules, which are runnable (in the order they will run), which are blocked, and,
 * when stacks are enabled, where.
 *
 * <pre>
 * management.endpoints.web.exposure.include=health,asynkit
 * asynkit.actuator.include-stacks=true   # optional: stacks reveal code paths
 *
 * GET /actuator/asynkit        the loop, its counters, the task lists and the boosting statistics
 * GET /actuator/asynkit/{id}   one live task by {@link Task#id()}, or 404
 * </pre>
 *
 * <p><b>Times</b> ({@code timeInState}, {@code longestWait}, {@code meanWait}, {@code maxWait}) are
 * ISO-8601 durations as {@link Duration#toString()} writes them, exact to the nanosecond:
 * {@code "PT0.000412S"}, {@code "PT1M3.5S"}.
 *
 * <p><b>Lists</b> hold at most {@code maxTasks} tasks each ({@code asynkit.actuator.max-tasks});
 * {@code truncated} tells that one was cut. The {@code counts} always cover every task. Counts and
 * lists are read from the loop one after the other, so under load they may differ by the tasks that
 * changed state in between; each task's {@code state} is read when it is described.
 *
 * <p><b>Stacks</b> ({@code stackTrace}, and {@code waitingAt} for blocked tasks) are included only
 * when {@code includeStacks} is set ({@code asynkit.actuator.include-stacks=true}): they reveal code
 * paths and cost a stack walk per task listed.
 *
 * <p>The endpoint is {@link Access#READ_ONLY} by default, has no write operations, and is not
 * exposed over HTTP unless {@code management.endpoints.web.exposure.include} names it.
 */
@Endpoint(id = "asynkit", defaultAccess = Access.READ_ONLY)
public class AsynkitEndpoint {

    private final Loop loop;
    private final boolean includeStacks;
    private final int maxTasks;

    /**
     * @param loop          the loop to describe
     * @param includeStacks whether task descriptions carry their stack ({@code stackTrace},
     *                      {@code waitingAt})
     * @param maxTasks      the most tasks each list holds; 0 lists none (the counts remain)
     * @throws IllegalArgumentException if {@code maxTasks} is negative
     */
    public AsynkitEndpoint(Loop loop, boolean includeStacks, int maxTasks) {
        this.loop = Objects.requireNonNull(loop, "loop");
        if (maxTasks < 0) {
            throw new IllegalArgumentException("maxTasks must not be negative (it is the most tasks listed per "
                    + "state; 0 lists none and keeps the counts), but was " + maxTasks);
        }
        this.includeStacks = includeStacks;
        this.maxTasks = maxTasks;
    }

    /** The whole view: {@code GET /actuator/asynkit}. */
    @ReadOperation
    public AsynkitDescriptor asynkit() {
        LoopStatistics stats = loop.statistics();
        List<Task<?>> runnable = loop.runnableTasks();
        List<Task<?>> running = loop.runningTasks();
        List<Task<?>> blocked = loop.blockedTasks();
        boolean truncated = runnable.size() > maxTasks || running.size() > maxTasks || blocked.size() > maxTasks;
        return new AsynkitDescriptor(
                new LoopDescriptor(stats.name(), stats.hookAvailable() ? "scheduled" : "degraded",
                        stats.policy().name(), stats.carriers(), stats.spareCarriers(), stats.boostAfter(),
                        loop.carrierNice()),
                new CountsDescriptor(stats.queueLength(), stats.runnable(), stats.running(), stats.blocked(),
                        stats.tasksStarted(), stats.tasksCompleted(), stats.dispatches(), stats.callbacksRun(),
                        stats.compensations(), stats.carrierFailures()),
                truncated, describe(runnable), describe(running), describe(blocked), boosting(stats),
                loop.latencyGuard().map(guard -> latencyGuard(guard, stats)).orElse(null));
    }

    /**
     * One live task (runnable, running or blocked): {@code GET /actuator/asynkit/{id}}.
     *
     * @param id the task's {@link Task#id()}
     * @return the task, or {@code null} (HTTP 404) when no live task of the loop has that id, e.g.
     *         because it has ended
     */
    @ReadOperation
    public @Nullable TaskDescriptor task(@Selector long id) {
        for (Task<?> task : loop.allTasks()) {
            if (task.id() == id) {
                return describe(task);
            }
        }
        return null;
    }

    private List<TaskDescriptor> describe(List<Task<?>> tasks) {
        return tasks.stream().limit(maxTasks).map(this::describe).toList();
    }

    private TaskDescriptor describe(Task<?> task) {
        TaskState state = task.taskState();
        long nanosInState = task.nanosInState();
        List<StackFrameDescriptor> stack = null;
        StackFrameDescriptor waitingAt = null;
        if (includeStacks) {
            stack = Arrays.stream(task.stackTrace()).map(StackFrameDescriptor::of).toList();
            if (state == TaskState.BLOCKED) {
                waitingAt = task.blockingPoint().map(StackFrameDescriptor::of).orElse(null);
            }
        }
        Task<?> driven = task.drivenTask();
        TaskReference waitingFor = driven != null ? new TaskReference(driven.id(), driven.name()) : null;
        return new TaskDescriptor(task.id(), task.name(), task.priority(), task.effectivePriority(),
                state.name(), duration(nanosInState), task.dispatchCount(), task.isAdopted(), waitingFor, waitingAt,
                stack);
    }

    private static BoostingDescriptor boosting(LoopStatistics stats) {
        List<BandDescriptor> bands = stats.bands().stream().map(AsynkitEndpoint::band).toList();
        return new BoostingDescriptor(stats.boosts(), duration(stats.longestWaitNanos()), bands);
    }

    private static LatencyGuardDescriptor latencyGuard(LatencyGuard guard, LoopStatistics stats) {
        return new LatencyGuardDescriptor(guard.bound().toString(), guard.maxExtraCarriers(), stats.carriersOnLoan(),
                stats.carrierLoans(), duration(stats.carrierLoanNanos()));
    }

    private static BandDescriptor band(BandStatistics band) {
        return new BandDescriptor(band.band().name(), band.dispatches(), band.boosts(),
                duration(Math.round(band.meanWaitNanos())), duration(band.maxWaitNanos()));
    }

    private static String duration(long nanos) {
        return Duration.ofNanos(nanos).toString();
    }

    /**
     * The response of {@code GET /actuator/asynkit}.
     *
     * @param loop      the loop's configuration
     * @param counts    the loop's counters, covering every task
     * @param truncated true if a list holds fewer tasks than there are, cut at {@code max-tasks}
     * @param runnable  tasks in the ready queue, in the order they will run
     * @param running   tasks mounted on a carrier
     * @param blocked   tasks parked outside the ready queue (a lock, a future, a sleep, I/O)
     * @param boosting  queue waits and anti-starvation boosts
     * @param latencyGuard the latency guard and its loans; null (absent from the JSON) without a guard
     */
    public record AsynkitDescriptor(LoopDescriptor loop, CountsDescriptor counts, boolean truncated,
            List<TaskDescriptor> runnable, List<TaskDescriptor> running, List<TaskDescriptor> blocked,
            BoostingDescriptor boosting, @Nullable LatencyGuardDescriptor latencyGuard) implements OperationResponseBody {
    }

    /**
     * The loop's latency guard ({@code asynkit.latency-guard.*}); absent without one.
     *
     * @param bound            how long a task may wait behind worse-band work on every carrier, ISO-8601
     * @param maxExtraCarriers the most extra carriers on loan at once
     * @param onLoan           extra carriers on loan now
     * @param loans            carriers lent since the loop was built
     * @param timeOnLoan       the time the ended loans were out, ISO-8601
     */
    public record LatencyGuardDescriptor(String bound, int maxExtraCarriers, int onLoan, long loans, String timeOnLoan) {
    }

    /**
     * The loop's configuration.
     *
     * @param name          the loop's name ({@code asynkit.name})
     * @param mode          {@code "scheduled"}: the loop schedules its tasks; {@code "degraded"}: the JVM
     *                      lacks {@code --add-opens java.base/java.lang=ALL-UNNAMED}, and the JDK's
     *                      default scheduler runs the tasks without priorities (the lists are then
     *                      incomplete: no task is ever seen runnable)
     * @param policy        {@code PRIORITY} or {@code FIFO}
     * @param carriers      configured carrier threads
     * @param spareCarriers extra carriers alive now, compensating for tasks pinning theirs
     * @param boostAfter    dispatches of better work that may overtake a waiting priority level before
     *                      it is boosted; 0 when boosting is off or the policy is FIFO
     * @param carrierNice   the Linux nice value the carriers run at ({@code asynkit.carrier-nice}); 0 if unchanged
     */
    public record LoopDescriptor(String name, String mode, String policy, int carriers, int spareCarriers,
            int boostAfter, int carrierNice) {
    }

    /**
     * The loop's counters, from one consistent snapshot.
     *
     * @param queueLength    entries in the ready queue: runnable tasks and callbacks
     * @param runnable       tasks in the ready queue
     * @param running        tasks mounted on a carrier
     * @param blocked        tasks parked outside the ready queue
     * @param tasksStarted   tasks started since the loop was built, adopted virtual threads included
     * @param tasksCompleted tasks whose thread has ended
     * @param dispatches     times a carrier mounted a task or ran a callback
     * @param callbacks      callbacks run ({@code callSoon}, {@code callLater}, timers)
     * @param compensations  spare carriers started because a task held its carrier while parked
     * @param carrierFailures carriers that died of an internal error and were replaced (0 when healthy)
     */
    public record CountsDescriptor(int queueLength, int runnable, int running, int blocked, long tasksStarted,
            long tasksCompleted, long dispatches, long callbacks, long compensations, long carrierFailures) {
    }

    /**
     * One task; also the response of {@code GET /actuator/asynkit/{id}}.
     *
     * @param id                the task's id, unique in the JVM
     * @param name              the task's name: a request's route once known ({@code GET /api/quote}), else
     *                          the name it was created with
     * @param priority          its own priority (lower runs first: HIGH -10, NORMAL 0, LOW 10)
     * @param effectivePriority the priority it is queued by: its own, or a better one inherited through a
     *                          {@code PriorityLock} it holds
     * @param state             {@code RUNNABLE}, {@code RUNNING} or {@code BLOCKED} (read when described)
     * @param timeInState       how long it has been in that state, ISO-8601
     * @param dispatches        how many times a carrier has mounted it
     * @param adopted           true for a virtual thread started by library code inside a task
     * @param waitingFor        for a task that waits for a task it drives (an {@code @Eager} call, a generator
     *                          step): that task; absent otherwise
     * @param waitingAt         for a blocked task with stacks enabled: where the application waits, the first
     *                          frame outside the JDK and asynkit's engine ({@link Task#blockingPoint()});
     *                          absent otherwise
     * @param stackTrace        the task's stack, top first, with stacks enabled; absent otherwise
     */
    public record TaskDescriptor(long id, String name, double priority, double effectivePriority, String state,
            String timeInState, long dispatches, boolean adopted, @Nullable TaskReference waitingFor,
            @Nullable StackFrameDescriptor waitingAt, @Nullable List<StackFrameDescriptor> stackTrace)
            implements OperationResponseBody {
    }

    /**
     * Another task, named by a task's description.
     *
     * @param id   its id ({@code GET /actuator/asynkit/{id}} describes it)
     * @param name its name
     */
    public record TaskReference(long id, String name) {
    }

    /**
     * One stack frame, with the fields of Boot's {@code threaddump}.
     *
     * @param className  the class
     * @param methodName the method
     * @param fileName   the source file, absent when unknown
     * @param lineNumber the line; negative when unknown, -2 for a native method
     * @param moduleName the named module of the class ({@code java.base}...), absent for the class path
     */
    public record StackFrameDescriptor(String className, String methodName, @Nullable String fileName,
            int lineNumber, @Nullable String moduleName) {

        static StackFrameDescriptor of(StackTraceElement frame) {
            return new StackFrameDescriptor(frame.getClassName(), frame.getMethodName(), frame.getFileName(),
                    frame.getLineNumber(), frame.getModuleName());
        }
    }

    /**
     * How long tasks waited in the ready queue, and how often boosting ran a task ahead of better work.
     *
     * @param boosts      dispatches that were boosts, all bands together
     * @param longestWait the longest time any task waited in the ready queue, ISO-8601
     * @param bands       the same by band of effective priority: HIGH, NORMAL, LOW
     */
    public record BoostingDescriptor(long boosts, String longestWait, List<BandDescriptor> bands) {
    }

    /**
     * One band of effective priority: {@code HIGH} (below 0), {@code NORMAL} (0), {@code LOW} (above 0).
     *
     * @param band       the band
     * @param dispatches task dispatches in this band
     * @param boosts     dispatches that were boosts
     * @param meanWait   the mean time from becoming runnable to being mounted, ISO-8601
     * @param maxWait    the longest such wait, ISO-8601
     */
    public record BandDescriptor(String band, long dispatches, long boosts, String meanWait, String maxWait) {
    }
}
