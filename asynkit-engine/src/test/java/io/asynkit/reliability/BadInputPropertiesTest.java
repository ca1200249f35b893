package io.asynkit.reliability;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;
import io.asynkit.priority.Priority;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input, generated: every value a caller could pass is either accepted or refused with a clear
 * error, and the loop's state stays consistent either way.
 */
class BadInputPropertiesTest {

    private static Loop loop;

    @BeforeContainer
    static void start() {
        loop = Loop.builder().name("bad-input").build();
    }

    @AfterContainer
    static void stop() {
        loop.close();
    }

    @Property(tries = 500)
    void aPriorityIsAcceptedExactlyWhenItIsFinite(@ForAll double priority) {
        if (Double.isFinite(priority)) {
            Task<Double> task = loop.newTask().priority(priority).start(() -> Task.current().priority());
            assertThat(task.priority()).isEqualTo(priority);
            task.setPriority(priority / 2);
            assertThat(task.priority()).isEqualTo(priority / 2);
        } else {
            assertThatThrownBy(() -> loop.newTask().priority(priority)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("priority must be a finite number").hasMessageContaining(String.valueOf(priority));
            Task<Object> task = loop.submit(() -> null);
            assertThatThrownBy(() -> task.setPriority(priority)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property(tries = 200)
    void aCarrierCountIsAcceptedExactlyInItsRange(@ForAll int carriers) {
        if (carriers >= 1 && carriers <= 32_767) {
            Loop.builder().carriers(carriers); // building would start that many threads: the check is enough
        } else {
            assertThatThrownBy(() -> Loop.builder().carriers(carriers)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("carriers must be between 1 and 32767, but was " + carriers);
        }
    }

    @Property(tries = 200)
    void positionsBeyondTheQueueAreRefusedAndChangeNothing(@ForAll @IntRange(min = -1000, max = 1000) int position)
            throws Exception {
        int queued = loop.submit(() -> {
            for (int i = 0; i < 3; i++) {
                Loop.current().submit(() -> null);
            }
            int length = Loop.current().queueLength();
            if (position < 0 || position > length) {
                assertThatThrownBy(() -> Scheduling.sleepInsert(position)).isInstanceOf(IndexOutOfBoundsException.class)
                        .hasMessageContaining("position " + position);
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

    @Property(tries = 200)
    void durationsMustNotBeNegative(@ForAll long nanos) {
        Duration duration = Duration.ofNanos(nanos);
        if (nanos < 0) {
            assertThatThrownBy(() -> Loop.builder().shutdownTimeout(duration)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> loop.submit(() -> {
                Scheduling.sleep(duration);
                return null;
            }).get()).hasCauseInstanceOf(IllegalArgumentException.class);
        } else {
            Loop.builder().shutdownTimeout(duration).cancelTimeout(duration);
        }
    }

    @Property(tries = 100)
    void aBoostBoundIsAcceptedExactlyWhenPositive(@ForAll int boostAfter) {
        if (boostAfter >= 1) {
            Loop.builder().boostAfter(boostAfter);
        } else {
            assertThatThrownBy(() -> Loop.builder().boostAfter(boostAfter)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("boostAfter must be at least 1");
        }
    }

    @Property(tries = 100)
    void aCarrierNiceValueIsAcceptedExactlyWithinZeroToNineteen(@ForAll int nice) {
        if (nice >= 0 && nice <= 19) {
            Loop.builder().carrierNice(nice);
        } else {
            assertThatThrownBy(() -> Loop.builder().carrierNice(nice)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("carrierNice must be between 0 (unchanged) and 19").hasMessageContaining("" + nice);
        }
    }

    @Property(tries = 50)
    void theLoopStaysConsistentAfterAllThat() {
        assertThat(Priority.check(0.0)).isZero();
        var stats = loop.statistics();
        assertThat(stats.tasksStarted()).isEqualTo(stats.tasksCompleted() + stats.liveTasks());
    }
}
