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

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * (a) Task switches: two tasks handing the CPU to each other, on a one-carrier asynkit loop and on
 * the JDK's default virtual-thread scheduler ({@code Thread.ofVirtual()}), in the same run.
 *
 * <ul>
 *   <li>{@code yieldSwitch}: both tasks call {@link Thread#yield()} {@value #YIELDS} times; the score is
 *       the time per yield (one unmount, one re-queue, one mount).</li>
 *   <li>{@code parkUnparkPingPong}: the tasks take turns, each parking until the other unparks it;
 *       the score is the time per round trip (two hand-offs).</li>
 * </ul>
 *
 * <p>The default scheduler runs here with its default parallelism (one carrier per core), so its two
 * threads may run side by side instead of alternating; {@link SwitchOneCarrierJdkBenchmark} runs the
 * same code with the default scheduler pinned to one carrier, like the asynkit loop.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.ADD_OPENS, "-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class SwitchBenchmark {

    /** Yields per task per invocation. */
    static final int YIELDS = 10_000;
    /** Round trips per invocation. */
    static final int ROUND_TRIPS = 10_000;

    /** {@code asynkit}: a one-carrier loop; {@code jdk-default}: plain {@code Thread.ofVirtual()}. */
    @Param({"asynkit", "jdk-default"})
    public String scheduler;

    private Loop loop;

    @Setup(Level.Trial)
    public void setUp() {
        loop = "asynkit".equals(scheduler) ? Loop.builder().name("switch-bench").carriers(1).build() : null;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (loop != null) {
            loop.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * YIELDS)
    public void yieldSwitch() throws Exception {
        Switching.yields(loop, YIELDS);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void parkUnparkPingPong() throws Exception {
        Switching.pingPong(loop, ROUND_TRIPS);
    }

    /** The bodies, shared with {@link SwitchOneCarrierJdkBenchmark}. */
    static final class Switching {

        private Switching() {
        }

        /** Two tasks, each yielding {@code yields} times. */
        static void yields(Loop loop, int yields) throws Exception {
            Runnable body = () -> {
                for (int i = 0; i < yields; i++) {
                    Thread.yield();
                }
            };
            runBoth(loop, body, body);
        }

        /** Two tasks passing a turn back and forth {@code roundTrips} times with park/unpark. */
        static void pingPong(Loop loop, int roundTrips) throws Exception {
            PingPong game = new PingPong();
            runBoth(loop, () -> game.play(0, roundTrips), () -> game.play(1, roundTrips));
        }

        /** Starts both bodies as tasks of {@code loop}, or as plain virtual threads when it is null, and waits for both. */
        static void runBoth(Loop loop, Runnable a, Runnable b) throws Exception {
            if (loop != null) {
                Task<?> ta = loop.submit(a);
                Task<?> tb = loop.submit(b);
                ta.get();
                tb.get();
            } else {
                Thread ta = Thread.ofVirtual().start(a);
                Thread tb = Thread.ofVirtual().start(b);
                ta.join();
                tb.join();
            }
        }
    }

    /** Player 0 moves on even turns, player 1 on odd ones; each wakes the other after its move. */
    static final class PingPong {
        private final Thread[] players = new Thread[2];
        private final CountDownLatch bothKnown = new CountDownLatch(2);
        private volatile int turn;

        void play(int me, int roundTrips) {
            players[me] = Thread.currentThread();
            bothKnown.countDown();
            try {
                // Parks rather than spins: a Thread.yield() loop here can starve the other thread on the
                // JDK scheduler with one carrier (the yielding thread keeps being picked first).
                bothKnown.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            Thread other = players[1 - me];
            for (int i = 0; i < roundTrips; i++) {
                while (turn != me) {
                    LockSupport.park(this);
                }
                turn = 1 - me;
                LockSupport.unpark(other);
            }
        }
    }
}
