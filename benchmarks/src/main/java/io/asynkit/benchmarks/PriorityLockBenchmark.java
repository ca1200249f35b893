package io.asynkit.benchmarks;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.priority.PriorityLock;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link PriorityLock} against {@link ReentrantLock}, in the same tasks of the same loop.
 *
 * <ul>
 *   <li>{@code contended}: {@value #CONTENDERS} tasks on a two-carrier loop each take the lock
 *       {@value #ROUNDS} times around a short critical section; the score is the time per acquisition.
 *       {@code priority-lock-equal}: every task has the same priority, so the lock owes nobody a hand-off;
 *       {@code priority-lock-mixed}: four priorities, so the best waiter is handed the lock;
 *       {@code fair} and {@code non-fair}: {@link ReentrantLock} in both modes.</li>
 *   <li>{@code uncontended}: lock and unlock by the benchmark thread alone, nobody else around.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class PriorityLockBenchmark {

    static final int CONTENDERS = 4;
    static final int ROUNDS = 20_000;

    @Param({"priority-lock-equal", "priority-lock-mixed", "fair", "non-fair"})
    public String lock;

    private Lock theLock;
    private Loop loop;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() {
        theLock = switch (lock) {
            case "priority-lock-equal", "priority-lock-mixed" -> new PriorityLock("bench");
            case "fair" -> new ReentrantLock(true);
            case "non-fair" -> new ReentrantLock(false);
            default -> throw new IllegalArgumentException("unknown lock " + lock);
        };
        loop = Loop.builder().name("lock-bench").carriers(2).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
    }

    @Benchmark
    @OperationsPerInvocation(CONTENDERS * ROUNDS)
    public long contended() throws Exception {
        List<Task<?>> tasks = new ArrayList<>(CONTENDERS);
        for (int t = 0; t < CONTENDERS; t++) {
            int priority = lock.equals("priority-lock-mixed") ? t : 0;
            tasks.add(loop.newTask().priority(priority).start(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    theLock.lock();
                    try {
                        counter++;
                    } finally {
                        theLock.unlock();
                    }
                }
                return null;
            }));
        }
        for (Task<?> task : tasks) {
            task.get();
        }
        return counter;
    }

    @Benchmark
    public long uncontended() {
        theLock.lock();
        try {
            return ++counter;
        } finally {
            theLock.unlock();
        }
    }
}
