package io.asynkit.benchmarks;

import io.asynkit.loop.Loop;
import io.asynkit.loop.LoopStatistics;
import io.asynkit.loop.SchedulingPolicy;
import io.asynkit.loop.Task;
import io.asynkit.priority.Priority;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * (g) Ready-queue dispatch cost with {@code n} runnable tasks: the time per dispatch of a one-carrier
 * loop whose ready queue holds {@code n - 1} tasks at every moment of the measurement, with the
 * {@link SchedulingPolicy#PRIORITY} policy against the {@link SchedulingPolicy#FIFO} policy.
 *
 * <p><b>Target: priority dispatch at most 2x FIFO at 1k runnable tasks</b> (the ratio
 * {@code policy=priority / policy=fifo} at {@code n=1000} is at most 2.0). At {@code n=10} and
 * {@code n=100000} the ratio is reported only.
 *
 * <p><b>Set-up, outside the measured time.</b> At the start of each trial the {@code n} tasks are
 * started and live for the whole trial. Each one loops on {@link Thread#yield()} until the trial ends, so
 * the carrier never runs out of work and the queue never drains: after every yield the loop re-queues
 * the yielding task and mounts the next one. The set-up waits until the loop counts {@code n} runnable
 * or running tasks before the first iteration. Creating 100,000 tasks therefore costs nothing in the
 * score.
 *
 * <p><b>What one operation is.</b> One dispatch: a task's {@code Thread.yield()} returns after the
 * loop has unmounted it, added it back to the ready queue, polled the next entry and mounted that
 * one. Each task counts its yields in a shared counter. An invocation waits (parked, not spinning)
 * until {@value #DISPATCHES} more dispatches have happened; the task that completes the count unparks
 * the benchmark thread. The score is the invocation time divided by {@value #DISPATCHES}. It includes
 * the wake-up of the benchmark thread once per invocation (tens of microseconds against an invocation
 * of tens of milliseconds, well under 1%), and one volatile counter update per dispatch, the same for
 * both policies.
 *
 * <p><b>Priorities.</b> With {@code keys=5} and {@code policy=priority}, task {@code i} gets the
 * {@code i % 5}-th of {@link #PRIORITIES}: {@code HIGH}, -5, {@code NORMAL}, 5, {@code LOW}, so the queue
 * holds five distinct keys in equal numbers. With {@code keys=n} every task gets a key of its own (that
 * same priority plus {@code i / n}, so the five bands keep their shares), as an earliest-deadline-first
 * program does: the queue then holds {@code n} distinct keys, and a poll must not cost time proportional
 * to them. With {@code policy=fifo} the tasks are given the same priorities,
 * which that policy ignores. The priority loop runs with its default anti-starvation bound
 * ({@code boostAfter} 100): the {@code HIGH} fifth of the tasks take most dispatches, and each lower
 * level gets a boosted turn at least once in every 101, so the scan for due levels and the boosts are
 * part of the measured cost. On the FIFO loop all {@code n} tasks rotate evenly. Both queues hold
 * {@code n - 1} entries at every dispatch, but the priority loop touches the stacks of the
 * {@code HIGH} tasks far more often than the others; at {@code n=100000} that difference in working
 * set (memory, caches) is part of the comparison, and it favours the priority loop.
 *
 * <p>Heap: 100,000 live tasks, with their virtual threads and the stacks of those that ran, take a
 * few hundred MB; the forks get 2 GiB.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class PriorityDispatchBenchmark {

    /** Dispatches per invocation. */
    static final int DISPATCHES = 100_000;

    /** The distinct priorities of the priority loop's tasks, most urgent first. */
    static final double[] PRIORITIES = {Priority.HIGH, -5.0, Priority.NORMAL, 5.0, Priority.LOW};

    /** Runnable tasks: the ready queue holds {@code n - 1} of them at every dispatch. */
    @Param({"10", "1000", "100000"})
    public int n;

    /** {@code priority}: {@link SchedulingPolicy#PRIORITY}; {@code fifo}: {@link SchedulingPolicy#FIFO}. */
    @Param({"priority", "fifo"})
    public String policy;

    /** {@code 5}: five distinct priorities; {@code n}: every task a priority of its own. */
    @Param({"5", "n"})
    public String keys;

    private Loop loop;
    private Rotation rotation;
    private final List<Task<?>> tasks = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SchedulingPolicy schedulingPolicy = switch (policy) {
            case "priority" -> SchedulingPolicy.PRIORITY;
            case "fifo" -> SchedulingPolicy.FIFO;
            default -> throw new IllegalArgumentException("unknown policy " + policy);
        };
        loop = Loop.builder().name("dispatch-bench").carriers(1).policy(schedulingPolicy).build();
        rotation = new Rotation();
        for (int i = 0; i < n; i++) {
            double priority = PRIORITIES[i % PRIORITIES.length] + ("n".equals(keys) ? (double) i / n : 0.0);
            tasks.add(loop.newTask().name("yielder").priority(priority).start(rotation::run));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            LoopStatistics stats = loop.statistics();
            if (stats.runnable() + stats.running() == n) {
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("after 60 s the loop counts " + stats.runnable() + " runnable and "
                        + stats.running() + " running tasks, expected " + n + " in all: " + stats);
            }
            Thread.sleep(10);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        rotation.stop = true;
        for (Task<?> task : tasks) {
            task.get(60, TimeUnit.SECONDS);
        }
        tasks.clear();
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(DISPATCHES)
    public long dispatch() {
        return rotation.await(DISPATCHES);
    }

    /** The tasks' shared body and the counter the benchmark thread waits on. */
    static final class Rotation {
        private static final VarHandle WAITER;

        static {
            try {
                WAITER = MethodHandles.lookup().findVarHandle(Rotation.class, "waiter", Thread.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        volatile boolean stop;
        /** Yields completed; written by one task at a time (the loop has one carrier). */
        private volatile long dispatches;
        /** The count that wakes {@link #waiter}; {@code Long.MAX_VALUE} while nobody waits. */
        private volatile long target = Long.MAX_VALUE;
        private volatile Thread waiter;

        /** Each task's body: yield until the trial ends. */
        void run() {
            while (!stop) {
                Thread.yield();
                long done = dispatches + 1;
                dispatches = done;
                if (done >= target) {
                    Thread w = waiter;
                    if (w != null && WAITER.compareAndSet(this, w, null)) {
                        LockSupport.unpark(w);
                    }
                }
            }
        }

        /** Parks the calling thread until {@code count} more dispatches have happened; returns the total. */
        long await(int count) {
            waiter = Thread.currentThread();
            target = dispatches + count;
            while (waiter != null) {
                LockSupport.park(this);
            }
            target = Long.MAX_VALUE;
            return dispatches;
        }
    }
}
