package io.asynkit.benchmarks;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * (c) Retained heap per blocked task: {@value #TASKS} tasks each wait in {@code future.get()} on a
 * future completed only after the measurement, on an asynkit loop ({@code asynkit}) and as plain
 * virtual threads ({@code virtual-thread}, {@code Thread.ofVirtual()}).
 *
 * <p>The figure is the secondary result {@code bytesPerTask} (reported by {@link FootprintProfiler},
 * which {@link BenchMain} always adds): heap used after a full GC with every
 * task parked, minus heap used after a full GC before the tasks were started, divided by
 * {@value #TASKS}. It counts everything the tasks keep alive: the task or thread object, its frozen
 * stack, the loop's bookkeeping, and the handle the benchmark keeps ({@code Task} for asynkit,
 * {@code Thread} for plain virtual threads). All tasks share one body and one future, so neither is
 * counted per task; the future's per-waiter node is, on both sides alike. The primary score (time of
 * one whole invocation: start, park, two measurements, release) is not a figure of interest.
 *
 * <p>The loop lives for the whole trial, so that buffers it grows once (its ready queue) are in the
 * baseline after warm-up, as the JDK's are (its scheduler's queues, the map that tracks every
 * thread): the first iteration of either kind measures several hundred bytes per task more.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 4)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class BlockedFootprintBenchmark {

    static final int TASKS = 100_000;

    @Param({"asynkit", "virtual-thread"})
    public String kind;

    private Loop loop;

    /** One iteration's figures, handed to {@link FootprintProfiler}, which reports them to JMH. */
    record Figures(double bytesPerTask, int blockedTasks) {
    }

    private static volatile Figures last;

    /** The measurement of the iteration that just ran, or null; clears it. */
    static Figures takeFigures() {
        Figures m = last;
        last = null;
        return m;
    }

    @Setup(Level.Trial)
    public void setUp() {
        loop = "asynkit".equals(kind) ? Loop.builder().name("footprint-bench").build() : null;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (loop != null) {
            loop.close();
        }
    }

    @Benchmark
    public void blockedTasks() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        Object[] handles = new Object[TASKS];
        try {
            long before = usedHeapAfterFullGc();
            if (loop != null) {
                Callable<Void> body = () -> gate.get();
                for (int i = 0; i < TASKS; i++) {
                    handles[i] = loop.submit(body);
                }
                awaitParked(() -> loop.statistics().blocked());
            } else {
                Runnable body = () -> {
                    try {
                        gate.get();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                for (int i = 0; i < TASKS; i++) {
                    handles[i] = Thread.ofVirtual().start(body);
                }
                awaitParked(() -> countWaiting(handles));
            }
            long after = usedHeapAfterFullGc();
            int blocked = loop != null ? loop.statistics().blocked() : countWaiting(handles);
            last = new Figures((after - before) / (double) TASKS, blocked);
        } finally {
            // release everything before the next iteration
            gate.complete(null);
            for (Object handle : handles) {
                if (handle instanceof Task<?> task) {
                    task.get(1, TimeUnit.MINUTES);
                } else if (handle instanceof Thread thread) {
                    thread.join(60_000);
                }
            }
        }
    }

    private interface Counter {
        int count() throws Exception;
    }

    private static void awaitParked(Counter parked) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        int seen;
        while ((seen = parked.count()) < TASKS) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("only " + seen + " of " + TASKS + " tasks parked within 2 minutes");
            }
            Thread.sleep(10);
        }
    }

    private static int countWaiting(Object[] threads) {
        int waiting = 0;
        for (Object t : threads) {
            if (t instanceof Thread thread && thread.getState() == Thread.State.WAITING) {
                waiting++;
            }
        }
        return waiting;
    }

    /** Heap used after full collections, repeated until it stops shrinking. */
    static long usedHeapAfterFullGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(20);
            long now = memory.getHeapMemoryUsage().getUsed();
            if (i >= 2 && now >= used) {
                return Math.min(now, used);
            }
            used = Math.min(used, now);
        }
        return used;
    }
}
