package io.asynkit.coro;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.TaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class CoroStartTest {

    @Test
    void aCallThatFinishesWhileStartingIsDoneWithItsResult() throws Exception {
        Loop.run(() -> {
            CoroStart<String> start = CoroStart.start(() -> "value");
            assertThat(start.isDone()).isTrue();
            assertThat(start.isPending()).isFalse();
            assertThat(start.result()).isEqualTo("value");
            assertThat(start.exception()).isNull();
            assertThat(start.asFuture()).isCompletedWithValue("value");
            assertThat(start.join()).isEqualTo("value");
            assertThat(start.isDone()).isFalse(); // consumed
            assertThatThrownBy(start::join).isInstanceOf(IllegalStateException.class).hasMessageContaining("single use");
            return null;
        });
    }

    @Test
    void aCallThatFailsWhileStartingReportsItsException() throws Exception {
        CoroStart<String> start = CoroStart.start(() -> {
            throw new IOException("failed");
        });
        assertThat(start.isDone()).isTrue();
        assertThat(start.exception()).isInstanceOf(IOException.class);
        assertThatThrownBy(start::result).isInstanceOf(CompletionException.class).hasCauseInstanceOf(IOException.class);
        assertThat(start.asFuture()).isCompletedExceptionally();
    }

    @Test
    void aPendingCallIsNotDoneAndItsResultIsAnError() throws Exception {
        Loop.run(() -> {
            CountDownLatch release = new CountDownLatch(1);
            CoroStart<String> start = CoroStart.start(() -> {
                release.await();
                return "later";
            });
            assertThat(start.isPending()).isTrue();
            assertThat(start.task().taskState()).isEqualTo(TaskState.BLOCKED);
            assertThatThrownBy(start::result).isInstanceOf(IllegalStateException.class).hasMessageContaining("not done");
            assertThatThrownBy(start::exception).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(start::asFuture).isInstanceOf(IllegalStateException.class);
            CompletableFuture<String> awaitable = start.asCompletableFuture();
            assertThat(awaitable).isNotDone();
            release.countDown();
            assertThat(start.join()).isEqualTo("later");
            assertThat(awaitable.get()).isEqualTo("later");
            return null;
        });
    }

    @Test
    void closingAPendingCallRunsItsCleanupBeforeReturning() throws Exception {
        for (boolean inTask : new boolean[] {true, false}) {
            List<String> log = new ArrayList<>();
            java.util.concurrent.Callable<Void> scenario = () -> {
                try (CoroStart<String> start = CoroStart.start(() -> {
                    try {
                        Thread.sleep(Duration.ofHours(1));
                        return "never";
                    } finally {
                        log.add("cleanup");
                    }
                })) {
                    assertThat(start.isPending()).isTrue();
                }
                log.add("after close");
                return null;
            };
            if (inTask) {
                Loop.run(scenario);
            } else {
                scenario.call();
            }
            assertThat(log).containsExactly("cleanup", "after close");
        }
    }

    @Test
    void throwIntoRaisesAtTheBlockingPointAndReturnsWhatTheCallReturns() throws Exception {
        CoroStart<String> start = CoroStart.start(() -> {
            try {
                Scheduling.await(new CompletableFuture<>());
                return "not interrupted";
            } catch (IllegalArgumentException e) {
                return "handled " + e.getMessage();
            }
        });
        assertThat(start.throwInto(new IllegalArgumentException("boom"))).isEqualTo("handled boom");
        assertThatThrownBy(() -> start.throwInto(new IllegalArgumentException()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not pending");
    }

    @Test
    void aCallThatParksAgainAfterItsLastTryIsReportedAsIgnoring() throws Exception {
        CoroStart<String> start = CoroStart.start(() -> {
            while (true) {
                try {
                    Thread.sleep(Duration.ofHours(1));
                } catch (InterruptedException ignored) {
                    // swallows and parks again
                }
            }
        });
        assertThatThrownBy(() -> start.throwInto(new IllegalStateException("stop"), 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ignored");
        start.task().cancel(true);
    }

    @Test
    void aSecondCloseAndACloseAfterJoinAreNoOps() throws Exception {
        CoroStart<String> start = CoroStart.start(() -> "x");
        assertThat(start.join()).isEqualTo("x");
        start.close();
        start.close();
        assertThat(start.toString()).contains("consumed");
    }
}
