package io.asynkit.coro;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Closing and throwing into coroutines: in Java awaiting is blocking, so {@code close()} and
 * {@code throwInto()} wait for cleanup code that parks (what Python's {@code aclose}/{@code athrow} do),
 * a timed close gives up waiting without losing the coroutine, and a coroutine that ignores a close stays
 * alive and resumable.
 */
@Timeout(30)
class CoroutineCloseTest {

    private final List<String> log = new CopyOnWriteArrayList<>();

    /** Cleanup that parks twice: a real wait and a yield. */
    private void parkingCleanup() throws InterruptedException {
        Thread.sleep(5);
        Thread.yield();
        Scheduling.yieldNow();
        log.add("cleanup done");
    }

    /**
     * Pending at an asynkit-aware wait, where the exit is raised (a JDK wait would see only the interrupt,
     * the exit then staying pending for the next asynkit-aware wait, as for any exception thrown into a task).
     */
    private CoroStart<String> pendingStartWithParkingCleanup() {
        return CoroStart.start(() -> {
            try {
                return Scheduling.await(new java.util.concurrent.CompletableFuture<String>());
            } finally {
                parkingCleanup();
            }
        });
    }

    @Test
    void closingACoroStartWaitsForCleanupThatParks() throws Exception {
        CoroStart<String> fromThread = pendingStartWithParkingCleanup();
        fromThread.close();
        assertThat(log).containsExactly("cleanup done");

        log.clear();
        Loop.run(() -> {
            CoroStart<String> fromTask = pendingStartWithParkingCleanup();
            fromTask.close();
            assertThat(log).containsExactly("cleanup done");
            return null;
        });
    }

    @Test
    void closingAGeneratorOrMonitorWaitsForCleanupThatParks() throws Exception {
        Loop.run(() -> {
            GeneratorObject<Integer> gen = new GeneratorObject<>();
            Generator<Integer> generator = gen.generate(() -> {
                try {
                    gen.ayield(1);
                    return null;
                } finally {
                    parkingCleanup();
                }
            });
            generator.next();
            generator.close();
            assertThat(log).containsExactly("cleanup done");

            Monitor<String> monitor = new Monitor<>();
            BoundMonitor<String> bound = monitor.bind(() -> {
                try {
                    monitor.oob("x");
                    return "never";
                } finally {
                    parkingCleanup();
                }
            });
            bound.start();
            bound.close();
            assertThat(log).containsExactly("cleanup done", "cleanup done");
            return null;
        });
    }

    @Test
    void aTimedCloseReturnsFalseWhileCleanupStillRunsAndTheCleanupFinishesOnItsLoop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Loop loop = Loop.builder().name("timed-close").build()) {
            loop.submit(() -> {
                CoroStart<String> start = CoroStart.start(() -> {
                    try {
                        new CountDownLatch(1).await();
                        return "never";
                    } finally {
                        release.await();
                        log.add("late cleanup done");
                    }
                });
                assertThat(start.close(Duration.ofMillis(20))).isFalse();
                assertThat(log).isEmpty();
                release.countDown();
                assertThatThrownBy(() -> start.task().get()).hasCauseInstanceOf(InterruptedException.class);
                assertThat(log).containsExactly("late cleanup done");

                CoroStart<String> quick = pendingStartWithParkingCleanup();
                assertThat(quick.close(Duration.ofSeconds(10))).isTrue();
                return null;
            }).get();
        }
    }

    @Test
    void throwIntoACoroStartWaitsForTheCallToEndAndReturnsWhatItReturns() throws Exception {
        CoroStart<String> start = CoroStart.start(() -> {
            try {
                return Scheduling.await(new java.util.concurrent.CompletableFuture<String>());
            } catch (IllegalStateException e) {
                parkingCleanup(); // handling it parks: still part of the same throw
                return "handled " + e.getMessage();
            }
        });
        assertThat(start.throwInto(new IllegalStateException("stop"))).isEqualTo("handled stop");
        assertThat(log).containsExactly("cleanup done");

        log.clear();
        CoroStart<String> inJdkWait = CoroStart.start(() -> {
            try {
                new CountDownLatch(1).await();
                return "never";
            } catch (InterruptedException e) { // a JDK wait sees the interrupt that carries the exception
                Thread.sleep(5);
                Thread.yield();
                return "interrupted";
            }
        });
        assertThat(inJdkWait.throwInto(new IllegalStateException("stop"))).isEqualTo("interrupted");
    }

    @Test
    void throwIntoWithTriesThrowsAgainEachTimeTheCallParksUpToTheLimit() throws Exception {
        CoroStart<String> stubborn = CoroStart.start(() -> {
            for (int i = 0; ; i++) {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    log.add("caught " + i);
                    if (i == 2) {
                        return "gave up after 3";
                    }
                }
            }
        });
        assertThat(stubborn.throwInto(new IllegalStateException("stop"), 3)).isEqualTo("gave up after 3");
        assertThat(log).containsExactly("caught 0", "caught 1", "caught 2");

        log.clear();
        CoroStart<String> ignoring = CoroStart.start(() -> {
            while (true) {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    log.add("caught");
                }
            }
        });
        assertThatThrownBy(() -> ignoring.throwInto(new IllegalStateException("stop"), 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ignored").hasMessageContaining("2 times");
        assertThat(log).containsExactly("caught", "caught");
        ignoring.task().cancel(true);
        assertThatThrownBy(() -> CoroStart.start(() -> "x").throwInto(new RuntimeException(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGeneratorThatYieldsWhenClosedStaysAliveAndResumableAndKeepsTheValue() throws Exception {
        Loop.run(() -> {
            GeneratorObject<String> gen = new GeneratorObject<>();
            Generator<String> stubborn = gen.generate(() -> {
                try {
                    gen.ayield("a");
                } catch (CoroutineExit e) {
                    gen.ayield("refused");
                }
                gen.ayield("b");
                return null;
            });
            assertThat(stubborn.next()).isEqualTo("a");
            assertThatThrownBy(stubborn::close).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ignored").hasMessageContaining("refused");
            assertThat(stubborn.state()).isEqualTo(CoroutineState.SUSPENDED);
            assertThat(stubborn.hasNext()).isTrue();
            assertThat(stubborn.next()).isEqualTo("refused");
            assertThat(stubborn.next()).isEqualTo("b");
            assertThat(stubborn.hasNext()).isFalse();
            assertThat(stubborn.state()).isEqualTo(CoroutineState.FINISHED);
            return null;
        });
    }

    @Test
    void sendingAValueIntoANewGeneratorFailsWithoutUsingItUp() {
        GeneratorObject<Integer> gen = new GeneratorObject<>();
        Generator<Integer> numbers = gen.generate(() -> {
            gen.ayield(1);
            gen.ayield(2);
            return null;
        });
        assertThatThrownBy(() -> numbers.send("too early")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not started");
        assertThat(numbers.state()).isEqualTo(CoroutineState.NEW);
        assertThat(numbers.next()).isEqualTo(1);
        assertThat(numbers.next()).isEqualTo(2);
        assertThatThrownBy(numbers::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void aGeneratorParkedInsideACallItMadeIsRunningNotSuspended() throws Exception {
        Loop.run(() -> {
            GeneratorObject<Integer> gen = new GeneratorObject<>();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Generator<Integer> generator = gen.generate(() -> {
                gen.ayield(1);
                inside.countDown();
                release.await(); // parked inside a call: a resume is in progress
                gen.ayield(2);
                return null;
            });
            assertThat(generator.next()).isEqualTo(1);
            assertThat(generator.state()).isEqualTo(CoroutineState.SUSPENDED);
            var consumer = Loop.current().submit(generator::next);
            inside.await();
            assertThat(generator.state()).isEqualTo(CoroutineState.RUNNING);
            release.countDown();
            assertThat(consumer.get()).isEqualTo(2);
            assertThat(generator.state()).isEqualTo(CoroutineState.SUSPENDED);
            generator.close();
            return null;
        });
    }
}
