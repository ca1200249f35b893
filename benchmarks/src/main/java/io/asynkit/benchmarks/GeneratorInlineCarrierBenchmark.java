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
 * (f), inline carrying: {@link GeneratorBenchmark}'s {@code asynkit-platform} case in a fork with
 * {@code -Dasynkit.inlineCarrier=true}, where the consuming platform thread carries the generator
 * itself (it mounts the generator's virtual thread inline) instead of waiting while a carrier of the
 * common loop runs it. The property is read once per JVM, hence a fork of its own. The peer is
 * {@link GeneratorBenchmark}'s {@code sq-platform}. (JMH's benchmark thread holds no monitor while it
 * calls the benchmark, which inline carrying requires; see {@code io.asynkit.loop.Drive}.)
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms1g", "-Xmx1g", "-Dasynkit.inlineCarrier=true"})
@State(Scope.Benchmark)
public class GeneratorInlineCarrierBenchmark {

    @Param({"asynkit-platform-inline"})
    public String consumer;

    @Benchmark
    @OperationsPerInvocation(GeneratorBenchmark.ELEMENTS)
    public long consume() {
        return EagerBenchmark.check(GeneratorBenchmark.consumeGenerator(), GeneratorBenchmark.SUM);
    }
}
