package io.asynkit.reliability;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;
import io.asynkit.testing.Seeds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input, generated from seeds (see {@link Seeds}): every value a caller could pass is either accepted
 * or refused with a clear error, and the loop's state stays consistent either way. Each test tries the
 * edge cases of its type and a few hundred random values.
 */
@Timeout(60)
class BadInputTest {

    private static Loop loop;

    @BeforeAll
    static void start() {
        loop = Loop.builder().name("bad-input").build();
    }

    @AfterAll
    static void stop() {
        var stats = loop.statistics();
        assertThat(stats.tasksStarted()).isEqualTo(stats.tasksCompleted() + stats.liveTasks());
        loop.close();
    }

    static LongStream seeds() {
        return Seeds.fixedAndOneRandom();
    }

    private static IntStream ints(long seed, int randomCount, int... edges) {
        return IntStream.concat(IntStream.of(edges), new SplittableRandom(seed).ints(randomCount));
    }

    private static final int[] INT_EDGES = {0, 1, -1, 19, 20, 32_767, 32_768, Integer.MIN_VALUE, Integer.MAX_VALUE};

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aPriorityIsAcceptedExactlyWhenItIsFinite(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        DoubleStream edges = DoubleStream.of(0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, Double.MIN_NORMAL, 1e308, -1e-308);
        DoubleStream randoms = random.longs(100).mapToDouble(Double::longBitsToDouble); // every bit pattern, NaNs too
        for (double priority : DoubleStream.concat(edges, randoms).toArray()) {
            if (Double.isFinite(priority)) {
                Task<Double> task = loop.newTask().priority(priority).start(() -> Task.current().priority());
                assertThat(task.get()).isEqualTo(priority);
                task.setPriority(priority / 2);
                assertThat(task.priority()).isEqualTo(priority / 2);
            } else {
                assertThatThrownBy(() -> loop.newTask().priority(priority)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("priority must be a finite number")
                        .hasMessageContaining(String.valueOf(priority));
                Task<Object> task = loop.submit(() -> null);
                assertThatThrownBy(() -> task.setPriority(priority)).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aCarrierCountIsAcceptedExactlyInItsRange(long seed) {
        ints(seed, 200, INT_EDGES).forEach(carriers -> {
            if (carriers >= 1 && carriers <= 32_767) {
                Loop.builder().carriers(carriers); // building would start that many threads: the check is enough
            } else {
                assertThatThrownBy(() -> Loop.builder().carriers(carriers)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("carriers must be between 1 and 32767, but was " + carriers);
            }
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void positionsBeyondTheQueueAreRefusedAndChangeNothing(long seed) throws Exception {
        int[] positions = IntStream.concat(IntStream.of(-1, 0, 3, 4, Integer.MIN_VALUE, Integer.MAX_VALUE),
                new SplittableRandom(seed).ints(40, -1000, 1001)).toArray();
        for (int position : positions) {
            int queued = loop.submit(() -> {
                for (int i = 0; i < 3; i++) {
                    Loop.current().submit(() -> null);
                }
                int length = Loop.current().queueLength();
                if (position < 0 || position > length) {
                    assertThatThrownBy(() -> Scheduling.sleepInsert(position))
                            .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("position " + position);
                    assertThatThrownBy(() -> Loop.current().callAtPosition(position, () -> { }))
                            .isInstanceOf(IndexOutOfBoundsException.class);
                    assertThat(Loop.current().queueLength()).isEqualTo(length);
                } else {
                    Scheduling.sleepInsert(position);
                }
                return length;
            }).get();
            assertThat(queued).isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void durationsAreRefusedWhenNegativeAndSaturatedWhenHuge(long seed) {
        LongStream edges = LongStream.of(0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE);
        for (long nanos : LongStream.concat(edges, new SplittableRandom(seed).longs(200)).toArray()) {
            Duration duration = Duration.ofNanos(nanos);
            if (nanos < 0) {
                assertThatThrownBy(() -> Loop.builder().shutdownTimeout(duration))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> loop.submit(() -> {
                    Scheduling.sleep(duration);
                    return null;
                }).get()).hasCauseInstanceOf(IllegalArgumentException.class);
            } else {
                Loop.builder().shutdownTimeout(duration).cancelTimeout(duration);
                Loop.builder().shutdownTimeout(Duration.ofSeconds(nanos)).cancelTimeout(Duration.ofSeconds(nanos));
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aBoostBoundIsAcceptedExactlyWhenPositive(long seed) {
        ints(seed, 100, INT_EDGES).forEach(boostAfter -> {
            if (boostAfter >= 1) {
                Loop.builder().boostAfter(boostAfter);
            } else {
                assertThatThrownBy(() -> Loop.builder().boostAfter(boostAfter))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("boostAfter must be at least 1");
            }
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aCarrierNiceValueIsAcceptedExactlyWithinZeroToNineteen(long seed) {
        ints(seed, 100, INT_EDGES).forEach(nice -> {
            if (nice >= 0 && nice <= 19) {
                Loop.builder().carrierNice(nice);
            } else {
                assertThatThrownBy(() -> Loop.builder().carrierNice(nice)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("carrierNice must be between 0 (unchanged) and 19")
                        .hasMessageContaining("" + nice);
            }
        });
    }
}
