package io.asynkit.loop;

import io.asynkit.priority.Priority;
import io.asynkit.priority.PriorityBand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static io.asynkit.loop.Scheduling.yieldNow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Anti-starvation boosting and the statistics that show it, on a single-carrier loop. */
@Timeout(30)
class BoostingTest {

    private static final int K = 5;

    /** HIGH dispatches so far: every HIGH task adds one each time it runs. */
    private int highDispatches;

    @Test
    void aLowTaskRunsAfterExactlyBoostAfterHighDispatchesWhateverTheStreamOfHighWork() throws Exception {
        List<Integer> lowRunsAt = new ArrayList<>();
        LoopStatistics stats = Loop.builder().boostAfter(K).run(() -> {
            Task.current().setPriority(Priority.HIGH);
            Loop.current().newTask().name("low").priority(Priority.LOW).start(() -> {
                for (int i = 0; i < 4; i++) {
                    lowRunsAt.add(highDispatches);
                    yieldNow();
                }
            });
            while (lowRunsAt.size() < 4) { // an endless stream: main yields and spawns new HIGH tasks
                highDispatches++;
                if (highDispatches % 2 == 0) {
                    Loop.current().newTask().priority(Priority.HIGH).start(() -> highDispatches++);
                }
                yieldNow();
            }
            return Loop.current().statistics();
        });
        // The 1 is main's segment that queued low; after it, low runs after every K HIGH dispatches.
        assertThat(lowRunsAt).containsExactly(1 + K, 1 + 2 * K, 1 + 3 * K, 1 + 4 * K);
        assertThat(stats.boostAfter()).isEqualTo(K);
        assertThat(stats.boosts()).isEqualTo(4);
        assertThat(stats.band(PriorityBand.LOW).boosts()).isEqualTo(4);
        assertThat(stats.band(PriorityBand.LOW).dispatches()).isEqualTo(4);
        assertThat(stats.band(PriorityBand.HIGH).boosts()).isZero();
        assertThat(stats.band(PriorityBand.HIGH).dispatches()).isGreaterThanOrEqualTo(4 * K);
        assertThat(stats.band(PriorityBand.LOW).maxWaitNanos()).isPositive();
        assertThat(stats.longestWaitNanos()).isGreaterThanOrEqualTo(stats.band(PriorityBand.LOW).maxWaitNanos());
        assertThat(stats.band(PriorityBand.LOW).meanWaitNanos()).isPositive();
    }

    @Test
    void withoutBoostingPriorityIsStrict() throws Exception {
        List<Integer> lowRunsAt = new ArrayList<>();
        LoopStatistics stats = Loop.builder().boosting(false).run(() -> {
            Task.current().setPriority(Priority.HIGH);
            Task<?> low = Loop.current().newTask().priority(Priority.LOW).start(() -> lowRunsAt.add(highDispatches));
            for (int i = 0; i < 1000; i++) {
                highDispatches++;
                yieldNow();
            }
            Task.current().setPriority(Priority.LOW + 1);
            low.get();
            return Loop.current().statistics();
        });
        assertThat(lowRunsAt).containsExactly(1000);
        assertThat(stats.boostAfter()).isZero();
        assertThat(stats.boosts()).isZero();
    }

    @Test
    void aBoostIsOneDispatchAheadOfTurnNotAPriorityChange() throws Exception {
        Loop.builder().boostAfter(1).run(() -> {
            Task.current().setPriority(Priority.HIGH);
            Task<Double> low = Loop.current().newTask().priority(Priority.LOW).start(() -> {
                yieldNow();
                return Task.current().effectivePriority();
            });
            yieldNow();
            yieldNow();
            assertThat(low.get()).isEqualTo(Priority.LOW);
            return null;
        });
    }

    @Test
    void theBandsCoverEveryDispatchOfATask() throws Exception {
        LoopStatistics stats = Loop.run(() -> {
            Loop loop = Loop.current();
            loop.newTask().priority(-1).start(() -> null).get();
            loop.newTask().priority(Priority.NORMAL).start(() -> null).get();
            loop.newTask().priority(0.5).start(() -> null).get();
            return loop.statistics();
        });
        assertThat(stats.bands()).extracting(BandStatistics::band).containsExactly(PriorityBand.values());
        long byBand = stats.bands().stream().mapToLong(BandStatistics::dispatches).sum();
        assertThat(byBand).isEqualTo(stats.dispatches() - stats.callbacksRun());
        assertThat(stats.band(PriorityBand.HIGH).dispatches()).isEqualTo(1);
        assertThat(stats.band(PriorityBand.LOW).dispatches()).isEqualTo(1);
    }

    @Test
    void aFifoLoopNeverBoostsAndTheBoundMustBePositive() throws Exception {
        try (Loop loop = Loop.builder().policy(SchedulingPolicy.FIFO).boostAfter(3).build()) {
            assertThat(loop.statistics().boostAfter()).isZero();
        }
        assertThatThrownBy(() -> Loop.builder().boostAfter(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("boostAfter must be at least 1").hasMessageContaining("boosting(false)");
        try (Loop loop = Loop.builder().build()) {
            assertThat(loop.statistics().boostAfter()).isEqualTo(Loop.DEFAULT_BOOST_AFTER);
        }
    }
}
