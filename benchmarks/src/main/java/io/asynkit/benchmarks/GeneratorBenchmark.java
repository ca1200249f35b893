package io.asynkit.benchmarks;

import io.asynkit.coro.Generator;
import io.asynkit.coro.GeneratorObject;
import io.asynkit.loop.Loop;
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

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * (f) Generator throughput: a generator yields {@value #ELEMENTS} longs and a consumer sums them; the
 * score is elements consumed per second.
 *
 * <ul>
 *   <li>{@code asynkit-task}: {@code GeneratorObject.generate(...)} consumed by a task of a one-carrier
 *       loop (the generator runs on that loop, driven by the consumer);</li>
 *   <li>{@code asynkit-platform}: the same generator consumed by the benchmark's platform thread with
 *       default settings: every step is driven on the common loop's carriers while the thread waits;
 *       {@link GeneratorInlineCarrierBenchmark} runs it with {@code -Dasynkit.inlineCarrier=true};</li>
 *   <li>{@code sq-platform}: the classic thread-based generator: a producer platform thread
 *       {@code put}s each value into a {@link SynchronousQueue} and the benchmark's platform thread
 *       {@code take}s them (each value is handed over only when asked for, as with a generator);</li>
 *   <li>{@code sq-virtual}: the same with a producer and a consumer virtual thread of the JDK's default
 *       scheduler, the peer of the task case.</li>
 * </ul>
 * A new generator (or producer thread) is made for every invocation, which is included in the score.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class GeneratorBenchmark {

    static final int ELEMENTS = 10_000;
    /** The expected sum 0 + 1 + ... + (ELEMENTS - 1). */
    static final long SUM = (long) ELEMENTS * (ELEMENTS - 1) / 2;
    private static final Long END = Long.MIN_VALUE; // the SynchronousQueue generator's end marker

    @Param({"asynkit-task", "asynkit-platform", "sq-platform", "sq-virtual"})
    public String consumer;

    private Loop loop;
    private ExecutorService virtualPerTask;

    @Setup(Level.Trial)
    public void setUp() {
        loop = "asynkit-task".equals(consumer) ? Loop.builder().name("generator-bench").carriers(1).build() : null;
        virtualPerTask = "sq-virtual".equals(consumer) ? Executors.newVirtualThreadPerTaskExecutor() : null;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (loop != null) {
            loop.close();
        }
        if (virtualPerTask != null) {
            virtualPerTask.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public long consume() throws Exception {
        long sum = switch (consumer) {
            case "asynkit-task" -> loop.submit(GeneratorBenchmark::consumeGenerator).get();
            case "asynkit-platform" -> consumeGenerator();
            case "sq-platform" -> consumeQueue(Thread.ofPlatform().daemon());
            case "sq-virtual" -> virtualPerTask.submit(() -> consumeQueue(Thread.ofVirtual())).get();
            default -> throw new IllegalArgumentException("unknown consumer " + consumer);
        };
        return EagerBenchmark.check(sum, SUM);
    }

    /** Sums a fresh generator's values: 0, 1, ..., ELEMENTS - 1. */
    static long consumeGenerator() {
        GeneratorObject<Long> gen = new GeneratorObject<>();
        long sum = 0;
        try (Generator<Long> values = gen.generate(() -> {
            for (long i = 0; i < ELEMENTS; i++) {
                gen.ayield(i);
            }
            return null;
        })) {
            for (Long value : values) {
                sum += value;
            }
        }
        return sum;
    }

    /** Sums the values a producer thread hands over through a SynchronousQueue, one per take(). */
    static long consumeQueue(Thread.Builder producerBuilder) throws InterruptedException {
        SynchronousQueue<Long> queue = new SynchronousQueue<>();
        Thread producer = producerBuilder.start(() -> {
            try {
                for (long i = 0; i < ELEMENTS; i++) {
                    queue.put(i);
                }
                queue.put(END);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e); // never: nothing interrupts the producer
            }
        });
        long sum = 0;
        for (Long value; (value = queue.take()) != END; ) {
            sum += value;
        }
        producer.join();
        return sum;
    }
}
