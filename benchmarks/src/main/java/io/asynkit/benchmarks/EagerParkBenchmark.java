package io.asynkit.benchmarks;

import io.asynkit.coro.Coroutines;
import io.asynkit.loop.Loop;
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
 * (e) An eager call that parks: how soon the caller runs again.
 *
 * <p>{@code eagerParks}: a task of a one-carrier loop, {@value #CALLS} times, calls
 * {@code Coroutines.eager(gate::get)} with a fresh, uncompleted {@code CompletableFuture gate}: the
 * callee starts at once and parks immediately. The figure is the secondary result
 * {@value #RETURN_NS}, the time from calling {@code eager} to {@code eager} returning, read with
 * {@link System#nanoTime()} around each call (one clock read, about 25 ns here, is part of it) and
 * reported by {@link ProbeProfiler}. After each measured call the task completes the gate and joins
 * the call's future (the callee resumes and ends), outside the measured interval. JMH's primary score
 * is that whole cycle per call: start, park, caller resumes, wake-up, callee ends, caller resumes.
 *
 * <p>{@code virtualThreadStartUntilParked} (for comparison, no target): the JDK's nearest equivalent,
 * a virtual thread of the default scheduler starts a new virtual thread that completes a
 * {@code reached} future and then parks on its gate, and waits for {@code reached}: the same secondary
 * figure is the time from {@code start()} until the caller runs again after the callee reached its
 * park. On the default scheduler (2 carriers here) the callee may run on the other carrier.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class EagerParkBenchmark {

    static final int CALLS = 10_000;
    /** The name of the secondary result: mean ns from the call to the caller running again. */
    static final String RETURN_NS = "callerResumesNs";

    private Loop loop;
    private ExecutorService virtualPerTask;

    @Setup(Level.Trial)
    public void setUp() {
        loop = Loop.builder().name("eager-park-bench").carriers(1).build();
        virtualPerTask = Executors.newVirtualThreadPerTaskExecutor();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
        virtualPerTask.close();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long eagerParks() throws Exception {
        return EagerBenchmark.check(loop.submit(() -> {
            long sum = 0;
            long nanos = 0;
            for (int i = 0; i < CALLS; i++) {
                CompletableFuture<Integer> gate = new CompletableFuture<>();
                long t0 = System.nanoTime();
                CompletableFuture<Integer> call = Coroutines.eager(gate::get);
                nanos += System.nanoTime() - t0;
                if (call.isDone()) {
                    throw new AssertionError("the callee did not park");
                }
                gate.complete(1);
                sum += call.join();
            }
            Probe.record(RETURN_NS, "ns/call", nanos, CALLS);
            return sum;
        }).get(), CALLS);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long virtualThreadStartUntilParked() throws Exception {
        return EagerBenchmark.check(virtualPerTask.submit(() -> {
            long sum = 0;
            long nanos = 0;
            for (int i = 0; i < CALLS; i++) {
                CompletableFuture<Integer> gate = new CompletableFuture<>();
                CompletableFuture<Void> reached = new CompletableFuture<>();
                int[] out = new int[1];
                long t0 = System.nanoTime();
                Thread callee = Thread.ofVirtual().start(() -> {
                    reached.complete(null);
                    out[0] = gate.join();
                });
                reached.join();
                nanos += System.nanoTime() - t0;
                gate.complete(1);
                callee.join();
                sum += out[0];
            }
            Probe.record(RETURN_NS, "ns/call", nanos, CALLS);
            return sum;
        }).get(), CALLS);
    }
}
