package io.asynkit.benchmarks;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * (b') Spawning from inside: {@value #PARENTS} parent tasks each spawn {@value #CHILDREN_PER_PARENT} no-op
 * children and join them, {@value #TASKS} children in all per invocation. Work spawned inside a loop stays on
 * the spawning carrier's queue; this shows whether a second carrier takes its share (by stealing) and so
 * scales: compare {@code asynkit-2} with {@code asynkit-1} (same run). {@code virtual-per-task}, the parents
 * being virtual threads that spawn virtual threads on the JDK's scheduler, is the reference. The score is
 * the time per child.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 6)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class SpawnInsideBenchmark {

    static final int PARENTS = 4;
    static final int CHILDREN_PER_PARENT = 250_000;
    static final int TASKS = PARENTS * CHILDREN_PER_PARENT;

    private static final Callable<Integer> NO_OP = () -> 1;

    @Param({"asynkit-1", "asynkit-2", "virtual-per-task"})
    public String executor;

    private ExecutorService service;

    @Setup(Level.Trial)
    public void setUp() {
        service = switch (executor) {
            case "asynkit-1" -> Loop.builder().name("spawn-inside").carriers(1).build();
            case "asynkit-2" -> Loop.builder().name("spawn-inside").carriers(2).build();
            case "virtual-per-task" -> Executors.newVirtualThreadPerTaskExecutor();
            default -> throw new IllegalArgumentException("unknown executor " + executor);
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        service.close();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long spawnFromInside() throws Exception {
        List<Future<Long>> parents = new ArrayList<>(PARENTS);
        for (int p = 0; p < PARENTS; p++) {
            parents.add(service.submit(this::parent));
        }
        long sum = 0;
        for (Future<Long> parent : parents) {
            sum += parent.get();
        }
        if (sum != TASKS) {
            throw new AssertionError("expected " + TASKS + " children, got " + sum);
        }
        return sum;
    }

    /** Spawns and joins its share: on the parent's own loop (or, for the JDK, as new virtual threads). */
    private long parent() throws Exception {
        Future<?>[] children = new Future<?>[CHILDREN_PER_PARENT];
        ExecutorService spawner = Task.isInTask() ? Task.current().loop() : service;
        for (int i = 0; i < CHILDREN_PER_PARENT; i++) {
            children[i] = spawner.submit(NO_OP);
        }
        long sum = 0;
        for (Future<?> child : children) {
            sum += (Integer) child.get();
        }
        return sum;
    }
}
