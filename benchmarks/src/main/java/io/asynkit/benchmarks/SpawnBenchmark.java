package io.asynkit.benchmarks;

import io.asynkit.loop.Loop;
import io.asynkit.loop.SchedulingPolicy;
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

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * (b) Spawn-and-complete throughput: one platform thread submits {@value #TASKS} no-op tasks, then
 * gets every result. One invocation is one batch of {@value #TASKS}; the score is the time per task
 * (ops/s = 1e9 / score).
 *
 * <ul>
 *   <li>{@code asynkit}: a loop with one carrier per core and the default (PRIORITY) policy;</li>
 *   <li>{@code asynkit-fifo}: the same with {@link SchedulingPolicy#FIFO};</li>
 *   <li>{@code virtual-per-task}: {@link Executors#newVirtualThreadPerTaskExecutor()};</li>
 *   <li>{@code pool-2}: a {@link ThreadPoolExecutor} with 2 platform threads and a
 *       {@link LinkedBlockingQueue}.</li>
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 6)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class SpawnBenchmark {

    static final int TASKS = 1_000_000;

    private static final Callable<Integer> NO_OP = () -> 1;

    @Param({"asynkit", "asynkit-fifo", "virtual-per-task", "pool-2"})
    public String executor;

    private ExecutorService service;
    private final Future<?>[] futures = new Future<?>[TASKS];

    @Setup(Level.Trial)
    public void setUp() {
        int cores = Runtime.getRuntime().availableProcessors();
        service = switch (executor) {
            case "asynkit" -> Loop.builder().name("spawn-bench").carriers(cores).build();
            case "asynkit-fifo" -> Loop.builder().name("spawn-bench").carriers(cores).policy(SchedulingPolicy.FIFO).build();
            case "virtual-per-task" -> Executors.newVirtualThreadPerTaskExecutor();
            case "pool-2" -> new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
            default -> throw new IllegalArgumentException("unknown executor " + executor);
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        service.close();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long spawnAndComplete() throws Exception {
        for (int i = 0; i < TASKS; i++) {
            futures[i] = service.submit(NO_OP);
        }
        long sum = 0;
        for (int i = 0; i < TASKS; i++) {
            sum += (Integer) futures[i].get();
            futures[i] = null;
        }
        if (sum != TASKS) {
            throw new AssertionError("expected " + TASKS + " results, got " + sum);
        }
        return sum;
    }
}
