package io.asynkit.coro;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generators and monitored coroutines that nobody will resume are closed, as Python closes unreachable
 * async generators: their {@code finally} blocks run and nothing of them stays live.
 */
@Timeout(60)
class AbandonedCoroutinesTest {

    private final AtomicInteger finallies = new AtomicInteger();

    /** An endless generator whose finally block is counted. */
    private Generator<Integer> counted() {
        GeneratorObject<Integer> gen = new GeneratorObject<>();
        return gen.generate(() -> {
            try {
                for (int i = 0; ; i++) {
                    gen.ayield(i);
                }
            } finally {
                finallies.incrementAndGet();
            }
        });
    }

    /** Collects garbage until {@code condition} holds; fails after 30 s. */
    private static void gcUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 30 s: " + what);
            }
            System.gc();
            Thread.sleep(10);
        }
    }

    @Test
    void generatorsAdvancedOnceAndDroppedAreClosedAndLeaveNothingLive() throws Exception {
        int count = 2_000;
        try (Loop loop = Loop.builder().name("dropped-generators").build()) {
            loop.submit(() -> {
                for (int i = 0; i < count; i++) {
                    assertThat(counted().next()).isZero(); // advanced once, then unreachable
                }
                return null;
            }).get();
            gcUntil(finallies + " of " + count + " finally blocks ran", () -> finallies.get() == count);
            gcUntil("no task left live: " + loop.allTasks().size(), () -> loop.allTasks().isEmpty());
            assertThat(loop.statistics().tasksCompleted()).isEqualTo(loop.statistics().tasksStarted());
        }
    }

    @Test
    void generatorsDroppedOnTheCommonLoopAreClosedToo() throws Exception {
        int count = 200;
        for (int i = 0; i < count; i++) {
            assertThat(counted().next()).isZero(); // consumed from this platform thread: runs on Loop.common()
        }
        gcUntil(finallies + " of " + count + " finally blocks ran", () -> finallies.get() == count);
    }

    @Test
    void aStreamConsumedInPartAndNeverClosedClosesItsGenerator() throws Exception {
        try (Loop loop = Loop.builder().name("dropped-stream").build()) {
            List<Integer> firstTwo = loop.submit(() -> counted().stream().limit(2).toList()).get();
            assertThat(firstTwo).containsExactly(0, 1);
            gcUntil("the stream's generator was closed", () -> finallies.get() == 1);
            gcUntil("no task left live", () -> loop.allTasks().isEmpty());
        }
    }

    @Test
    void closingALoopClosesCoroutinesSuspendedOnItWithoutWaitingForThem() throws Exception {
        // Default timeouts: waiting for the suspended generator would take 30 s before it were cancelled.
        Loop loop = Loop.builder().name("suspended-at-close").build();
        Generator<Integer> kept = loop.submit(() -> {
            Generator<Integer> generator = counted();
            generator.next();
            return generator;
        }).get();
        long start = System.nanoTime();
        loop.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(finallies).hasValue(1);
        assertThat(kept.state()).isEqualTo(CoroutineState.FINISHED);
        assertThat(loop.isTerminated()).isTrue();
    }

    @Test
    void aSuspendedMonitorIsClosedWhenItsLoopShutsDownAndNothingElseIsLive() throws Exception {
        Loop loop = Loop.builder().name("monitor-at-shutdown").build();
        Monitor<String> monitor = new Monitor<>();
        BoundMonitor<String> bound = loop.submit(() -> {
            BoundMonitor<String> b = monitor.bind(() -> {
                try {
                    monitor.oob("first");
                    return "never";
                } finally {
                    finallies.incrementAndGet();
                }
            });
            b.start();
            return b;
        }).get();
        loop.shutdown();
        assertThat(loop.awaitTermination(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(finallies).hasValue(1);
        assertThat(bound.state()).isEqualTo(CoroutineState.FINISHED);
        loop.close();
    }

    @Test
    void aCancelledSuspendedGeneratorUnwinds() throws Exception {
        try (Loop loop = Loop.builder().name("cancel-suspended").build()) {
            Generator<Integer> kept = loop.submit(() -> {
                Generator<Integer> generator = counted();
                generator.next();
                return generator;
            }).get();
            gcUntil("only the suspended generator is live", () -> loop.allTasks().size() == 1);
            loop.allTasks().get(0).cancel(true);
            gcUntil("the suspended generator unwound", () -> finallies.get() == 1 && loop.allTasks().isEmpty());
            assertThat(kept.state()).isEqualTo(CoroutineState.FINISHED);
        }
    }

    @Test
    void aStreamOfAGeneratorIsNotClosedWhileStillReferenced() throws Exception {
        try (Loop loop = Loop.builder().name("kept-stream").build()) {
            Generator<Integer> kept = loop.submit(() -> {
                Generator<Integer> generator = counted();
                generator.next();
                return generator;
            }).get();
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(finallies).hasValue(0);
            assertThat(Stream.of(kept).findFirst()).isPresent();
            assertThat(loop.submit(() -> kept.next()).get()).isEqualTo(1);
            loop.submit(() -> {
                kept.close();
                return null;
            }).get();
            assertThat(finallies).hasValue(1);
        }
    }
}
