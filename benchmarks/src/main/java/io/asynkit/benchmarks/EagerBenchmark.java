package io.asynkit.benchmarks;

import io.asynkit.coro.Coroutines;
import io.asynkit.loop.Loop;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
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

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * (d) An eager call that never parks, made from inside a task: the cost per call.
 *
 * <ul>
 *   <li>{@code eager}: a task of a one-carrier loop calls {@code Coroutines.eager(body).join()}
 *       {@value #CALLS} times; {@code body} returns at once, so every call starts a coroutine (a new
 *       virtual thread, driven on the caller's behalf), runs it to its end and hands back a completed
 *       future;</li>
 *   <li>{@code directCall}: the same task calls the same body as a plain (not inlined) method,
 *       {@value #DIRECT_CALLS} times: the floor;</li>
 *   <li>{@code supplyAsyncVirtual}: a virtual thread of the JDK's default scheduler calls
 *       {@code CompletableFuture.supplyAsync(body, Executors.newVirtualThreadPerTaskExecutor()).join()}
 *       {@value #CALLS} times: the JDK's way to run a call in a virtual thread of its own and wait
 *       for it;</li>
 *   <li>{@code taskSubmitGet} (extra): the task calls {@code Loop.current().submit(body).get()}: a plain,
 *       non-eager task of the same loop.</li>
 * </ul>
 * The score is the time per call: each invocation runs the whole loop of calls in one task (or virtual
 * thread), which the benchmark thread starts and waits for.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class EagerBenchmark {

    static final int CALLS = 10_000;
    static final int DIRECT_CALLS = 1_000_000;

    private static final Callable<Integer> BODY = EagerBenchmark::value;
    private static final Supplier<Integer> SUPPLIER = EagerBenchmark::value;

    private Loop loop;
    private ExecutorService virtualPerTask;

    @Setup(Level.Trial)
    public void setUp() {
        loop = Loop.builder().name("eager-bench").carriers(1).build();
        virtualPerTask = Executors.newVirtualThreadPerTaskExecutor();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
        virtualPerTask.close();
    }

    /** The callee: returns at once. Never inlined, so that the direct call is a real call. */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static Integer value() {
        return 1;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long eager() throws Exception {
        return check(loop.submit(() -> {
            long sum = 0;
            for (int i = 0; i < CALLS; i++) {
                sum += Coroutines.eager(BODY).join();
            }
            return sum;
        }).get(), CALLS);
    }

    @Benchmark
    @OperationsPerInvocation(DIRECT_CALLS)
    @Fork(value = 1, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms1g", "-Xmx1g"}) // the floor: stable, one fork is enough
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 1)
    public long directCall() throws Exception {
        return check(loop.submit(() -> {
            long sum = 0;
            for (int i = 0; i < DIRECT_CALLS; i++) {
                sum += value();
            }
            return sum;
        }).get(), DIRECT_CALLS);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long supplyAsyncVirtual() throws Exception {
        ExecutorService executor = virtualPerTask;
        return check(virtualPerTask.submit(() -> {
            long sum = 0;
            for (int i = 0; i < CALLS; i++) {
                sum += CompletableFuture.supplyAsync(SUPPLIER, executor).join();
            }
            return sum;
        }).get(), CALLS);
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long taskSubmitGet() throws Exception {
        return check(loop.submit(() -> {
            long sum = 0;
            for (int i = 0; i < CALLS; i++) {
                sum += Loop.current().submit(BODY).get();
            }
            return sum;
        }).get(), CALLS);
    }

    static long check(long sum, long expected) {
        if (sum != expected) {
            throw new AssertionError("expected " + expected + ", got " + sum);
        }
        return sum;
    }
}
