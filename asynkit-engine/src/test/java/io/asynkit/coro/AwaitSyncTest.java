package io.asynkit.coro;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.asynkit.coro.Coroutines.awaitSync;
import static io.asynkit.coro.Coroutines.awaitSyncStrict;
import static io.asynkit.coro.Coroutines.eager;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class AwaitSyncTest {

    private final List<String> log = new ArrayList<>();

    @Test
    void returnsTheResultOfCodeThatDoesNotBlock() throws Exception {
        assertThat(awaitSync(() -> "plain")).isEqualTo("plain");
        assertThat(Loop.run(() -> awaitSync(() -> 6 * 7))).isEqualTo(42);
    }

    @Test
    void rethrowsTheCodesOwnExceptionUnwrapped() {
        assertThatThrownBy(() -> awaitSync(() -> {
            throw new IOException("own");
        })).isExactlyInstanceOf(IOException.class).hasMessage("own");
    }

    @Test
    void aYieldIsNotBlockingUnlessStrict() throws Exception {
        assertThat(awaitSync(() -> {
            Scheduling.yieldNow();
            return "yielded";
        })).isEqualTo("yielded");
        assertThatThrownBy(() -> awaitSyncStrict(() -> {
            Scheduling.yieldNow();
            return "yielded";
        })).isInstanceOf(SynchronousError.class);
    }

    private void waitForever() throws Exception {
        try {
            log.add("before");
            new CompletableFuture<Void>().get();
        } finally {
            log.add("finally ran");
        }
    }

    @Test
    void codeThatWouldBlockIsAbortedAtItsBlockingPointAndUnwound() {
        for (boolean inTask : new boolean[] {false, true}) {
            log.clear();
            Throwable error = catchThrowable(inTask, () -> awaitSync(() -> {
                waitForever();
                return "never";
            }));
            assertThat(error).isInstanceOf(SynchronousError.class).isInstanceOf(WouldBlockException.class)
                    .hasMessageContaining("would block");
            assertThat(error.getCause()).isInstanceOf(SynchronousAbort.class);
            StackTraceElement[] where = error.getCause().getStackTrace();
            assertThat(where).anyMatch(f -> f.getMethodName().equals("waitForever"));
            assertThat(where[0].getClassName()).startsWith("java."); // the JDK's blocking call itself
            assertThat(error.getCause().getSuppressed()).hasAtLeastOneElementOfType(InterruptedException.class);
            assertThat(log).containsExactly("before", "finally ran");
        }
    }

    private static Throwable catchThrowable(boolean inTask, java.util.concurrent.Callable<?> body) {
        try {
            if (inTask) {
                Loop.run(body);
            } else {
                body.call();
            }
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @Test
    void codeThatCatchesTheAbortAndReturnsHasItsValueReturned() throws Exception {
        String value = awaitSync(() -> {
            try {
                Thread.sleep(Duration.ofHours(1));
                return "slept";
            } catch (InterruptedException e) {
                return "fallback";
            }
        });
        assertThat(value).isEqualTo("fallback");
    }

    @Test
    void codeThatIgnoresTheAbortAndBlocksAgainIsReported() {
        assertThatThrownBy(() -> awaitSync(() -> {
            try {
                Thread.sleep(Duration.ofHours(1));
            } catch (InterruptedException e) {
                Thread.sleep(Duration.ofHours(1)); // blocks again: cancelled by the report
            }
            return null;
        })).isInstanceOf(SynchronousError.class).hasMessageContaining("ignored the SynchronousAbort");
    }

    @Test
    void creatingATaskOrTouchingTheLoopInsideIsAClearError() throws Exception {
        Loop.run(() -> {
            assertThatThrownBy(() -> awaitSync(() -> Loop.current()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside awaitSync");
            assertThatThrownBy(() -> awaitSync(() -> Task.current().loop().submit(() -> 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot create a task inside awaitSync");
            return null;
        });
    }

    @Test
    void eagerCallsNestInsideAwaitSync() throws Exception {
        assertThat(awaitSync(() -> eager(() -> "inner").get() + "+outer")).isEqualTo("inner+outer");
        assertThat(awaitSync(() -> awaitSync(() -> "deep"))).isEqualTo("deep");
        assertThatThrownBy(() -> awaitSync(() -> eager(() -> {
            Thread.sleep(Duration.ofHours(1));
            return "never";
        }).get())).isInstanceOf(SynchronousError.class);
    }

    @Test
    void awaitSyncNestsInsideEagerAndTasks() throws Exception {
        assertThat(Loop.run(() -> eager(() -> awaitSync(() -> "x")).get())).isEqualTo("x");
    }
}
