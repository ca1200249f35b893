package io.asynkit.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * (a), like for like: the code of {@link SwitchBenchmark} on the JDK's default virtual-thread
 * scheduler restricted to one carrier ({@code -Djdk.virtualThreadScheduler.parallelism=1}, which
 * applies to the whole JVM and so needs a fork of its own), the same shape as a one-carrier loop.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms1g", "-Xmx1g", "-Djdk.virtualThreadScheduler.parallelism=1"})
@State(Scope.Benchmark)
public class SwitchOneCarrierJdkBenchmark {

    /** Only the JDK's scheduler: the asynkit figure is {@link SwitchBenchmark}'s. */
    @Param({"jdk-1-carrier"})
    public String scheduler;

    @Benchmark
    @OperationsPerInvocation(2 * SwitchBenchmark.YIELDS)
    public void yieldSwitch() throws Exception {
        SwitchBenchmark.Switching.yields(null, SwitchBenchmark.YIELDS);
    }

    @Benchmark
    @OperationsPerInvocation(SwitchBenchmark.ROUND_TRIPS)
    public void parkUnparkPingPong() throws Exception {
        SwitchBenchmark.Switching.pingPong(null, SwitchBenchmark.ROUND_TRIPS);
    }
}
