package io.asynkit.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The drive primitive through its public API: segments, signals, misuse. */
@Timeout(30)
class DriveTest {

    @Test
    void aSegmentEndsAtTheFirstParkAndTheTaskContinuesOnItsLoop() throws Exception {
        Loop.run(() -> {
            List<String> log = new ArrayList<>();
            CountDownLatch gate = new CountDownLatch(1);
            Task<String> task = Loop.current().newTask().unstarted(() -> {
                log.add("start");
                gate.await();
                log.add("after park");
                return "done";
            });
            Drive drive = Drive.of(task);
            assertThat(drive.run(Drive.Until.PARK)).isEqualTo(Drive.Outcome.PARKED);
            assertThat(log).containsExactly("start");
            assertThat(task.taskState()).isEqualTo(TaskState.BLOCKED);
            gate.countDown();
            assertThat(task.get()).isEqualTo("done");
            return null;
        });
    }

    @Test
    void signalsEndSegmentsAndResumeWhereTheyLeftOff() throws Exception {
        List<Integer> seen = new ArrayList<>();
        Drive[] self = new Drive[1];
        try (Loop loop = Loop.builder().name("drive").build()) {
            Task<Void> task = loop.newTask().unstarted(() -> {
                for (int i = 0; i < 3; i++) {
                    seen.add(i);
                    self[0].signal();
                }
                return null;
            });
            self[0] = Drive.of(task);
            for (int i = 0; i < 3; i++) {
                assertThat(self[0].run(Drive.Until.SIGNAL)).isEqualTo(Drive.Outcome.SIGNALLED);
                assertThat(seen).hasSize(i + 1);
                assertThat(self[0].suspendedTask()).isSameAs(task);
            }
            assertThat(self[0].run(Drive.Until.SIGNAL)).isEqualTo(Drive.Outcome.FINISHED);
            assertThatThrownBy(() -> self[0].run(Drive.Until.SIGNAL)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has ended");
        }
    }

    @Test
    void misuseGetsClearErrors() throws Exception {
        try (Loop loop = Loop.builder().name("drive-misuse").build()) {
            Task<String> started = loop.submit(() -> "x");
            started.get();
            assertThatThrownBy(() -> Drive.of(started)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has not started yet");
            assertThatThrownBy(() -> Drive.of(null)).isInstanceOf(NullPointerException.class);
            Task<String> fresh = loop.newTask().unstarted(() -> "y");
            Drive drive = Drive.of(fresh);
            assertThatThrownBy(() -> drive.run(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(drive::signal).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not inside an asynkit task");
            Drive undriven = Drive.of(loop.newTask().unstarted(() -> null));
            Task<Object> driver = loop.submit(() -> {
                undriven.signal(); // nobody runs that drive: no active segment
                return null;
            });
            assertThatThrownBy(driver::get).hasCauseInstanceOf(IllegalStateException.class)
                    .cause().hasMessageContaining("nobody is driving");
            assertThat(drive.run(Drive.Until.PARK)).isEqualTo(Drive.Outcome.FINISHED);
            assertThat(fresh.get()).isEqualTo("y");
        }
    }
}
