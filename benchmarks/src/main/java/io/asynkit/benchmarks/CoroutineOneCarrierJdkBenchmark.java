package io.asynkit.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * (d) and (f), like for like: the JDK peers of the task cases ({@link EagerBenchmark#supplyAsyncVirtual},
 * {@link GeneratorBenchmark}'s {@code sq-virtual}) on the JDK's default virtual-thread scheduler
 * restricted to one carrier ({@code -Djdk.virtualThreadScheduler.parallelism=1}, which applies to the
 * whole JVM and so needs a fork of its own), the same shape as the one-carrier loops the asynkit
 * figures run on. No targets; these rows show how much of a ratio comes from the JDK using both cores.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms1g", "-Xmx1g", "-Djdk.virtualThreadScheduler.parallelism=1"})
@State(Scope.Benchmark)
public class CoroutineOneCarrierJdkBenchmark {

    private ExecutorService virtualPerTask;

    @Setup(Level.Trial)
    public void setUp() {
        virtualPerTask = Executors.newVirtualThreadPerTaskExecutor();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        virtualPerTask.close();
    }

    /** As {@link EagerBenchmark#supplyAsyncVirtual}: ns per call. */
    @Benchmark
    @OperationsPerInvocation(EagerBenchmark.CALLS)
    public long supplyAsyncVirtual() throws Exception {
        ExecutorService executor = virtualPerTask;
        return EagerBenchmark.check(virtualPerTask.submit(() -> {
            long sum = 0;
            for (int i = 0; i < EagerBenchmark.CALLS; i++) {
                sum += CompletableFuture.supplyAsync(EagerBenchmark::value, executor).join();
            }
            return sum;
        }).get(), EagerBenchmark.CALLS);
    }

    /** As {@link GeneratorBenchmark}'s {@code sq-virtual}: elements per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(GeneratorBenchmark.ELEMENTS)
    public long sqVirtual() throws Exception {
        return EagerBenchmark.check(virtualPerTask.submit(() -> GeneratorBenchmark.consumeQueue(Thread.ofVirtual())).get(),
                GeneratorBenchmark.SUM);
    }
}
