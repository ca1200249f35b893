package io.asynkit.loop;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link Loop.Builder#carrierNice}: the carriers' OS threads run at the nice value asked for. */
class CarrierNiceTest {

    @Test
    void tasksRunOnCarriersAtTheGivenNiceValue() throws Exception {
        assumeTrue(ThreadNice.unsupported().isEmpty(), () -> "not supported here: " + ThreadNice.unsupported().get());
        int own = ThreadNice.get().orElseThrow();
        assumeTrue(own < 19, "the test JVM already runs at the lowest CPU priority");
        int nicer = Math.min(19, Math.max(own + 5, 10)); // raising needs no privileges; lowering would
        try (Loop loop = Loop.builder().name("nice").carriers(2).carrierNice(nicer).build()) {
            assertThat(loop.carrierNice()).isEqualTo(nicer);
            // a task runs on a carrier: getpriority(2) from it reads the carrier's OS thread
            for (int i = 0; i < 20; i++) {
                assertThat(loop.submit(ThreadNice::get).get()).contains(nicer);
            }
        }
        assertThat(ThreadNice.get()).as("the caller's own thread is untouched").contains(own);
    }

    @Test
    void byDefaultCarriersKeepTheNiceValueTheyWereStartedWith() throws Exception {
        assumeTrue(ThreadNice.unsupported().isEmpty(), () -> "not supported here: " + ThreadNice.unsupported().get());
        try (Loop loop = Loop.builder().name("not-nice").build()) {
            assertThat(loop.carrierNice()).isZero();
            assertThat(loop.submit(ThreadNice::get).get()).isEqualTo(ThreadNice.get());
        }
    }

    @Test
    void theTimerThreadDoesNotInheritTheCarriersValue() throws Exception {
        assumeTrue(ThreadNice.unsupported().isEmpty(), () -> "not supported here: " + ThreadNice.unsupported().get());
        int own = ThreadNice.get().orElseThrow();
        assumeTrue(own < 10, "the test JVM already runs at nice 10 or more");
        try (Loop loop = Loop.builder().name("nt").carriers(2).carrierNice(10).build()) {
            // the first callLater comes from a task, on a carrier: a timer thread started there would inherit 10
            loop.submit(() -> loop.callLater(Duration.ofMillis(1), () -> { })).get();
            assertThat(niceOfThreadsNamed("nt-carrier-")).containsOnly(10).hasSize(2);
            assertThat(niceOfThreadsNamed("nt-timer")).hasSize(1).containsOnly(own);
        }
    }

    /** The nice values of this process's threads whose OS name starts with {@code prefix}, from /proc. */
    private static List<Integer> niceOfThreadsNamed(String prefix) throws IOException {
        List<Integer> values = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                if (Files.readString(task.resolve("comm")).strip().startsWith(prefix)) {
                    String stat = Files.readString(task.resolve("stat"));
                    // fields after the parenthesised name: state is field 3, nice is field 19
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    values.add(Integer.parseInt(fields[19 - 3]));
                }
            }
        }
        return values;
    }
}
