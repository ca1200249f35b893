package io.asynkit.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs in its own JVM without {@code --add-opens java.base/java.lang=ALL-UNNAMED} (see the
 * {@code without-hook} Surefire execution): the loop must explain itself, never fail obscurely.
 */
@Timeout(30)
class LoopWithoutHookTest {

    @Test
    void theProblemNamesTheFlag() {
        assertThat(Loop.hookProblem()).get().asString()
                .contains("--add-opens java.base/java.lang=ALL-UNNAMED")
                .contains("Surefire").contains("spring-boot:run").contains("Add-Opens");
    }

    @Test
    void aFailFastLoopRefusesToBuildAndSaysWhy() {
        assertThatThrownBy(() -> Loop.builder().name("strict").build())
                .isInstanceOf(HookUnavailableException.class)
                .hasMessageContaining("cannot build loop 'strict'")
                .hasMessageContaining("--add-opens java.base/java.lang=ALL-UNNAMED")
                .hasMessageContaining("MissingHookPolicy.DEGRADE");
        assertThatThrownBy(() -> Loop.run(() -> 1)).isInstanceOf(HookUnavailableException.class);
    }

    @Test
    void aDegradedLoopStillRunsTracksAndCancelsTasks() throws Exception {
        try (Loop loop = Loop.builder().name("degraded").missingHook(MissingHookPolicy.DEGRADE).carriers(2).build()) {
            assertThat(loop.isHookAvailable()).isFalse();
            assertThat(loop.submit(() -> "works").get()).isEqualTo("works");

            CompletableFuture<Void> gate = new CompletableFuture<>();
            Task<Void> waiter = loop.submit(() -> gate.get());
            LoopLifecycleTest.awaitState(waiter, TaskState.BLOCKED);
            assertThat(loop.blockedTasks()).containsExactly(waiter);
            assertThat(loop.statistics().blocked()).isEqualTo(1);
            assertThat(loop.statistics().hookAvailable()).isFalse();

            Task<?> inside = loop.submit(() -> {
                assertThatThrownBy(() -> Scheduling.sleepInsert(0))
                        .isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining("runs degraded")
                        .hasMessageContaining("--add-opens java.base/java.lang=ALL-UNNAMED");
                return Task.current();
            });
            assertThat(inside.get()).isSameAs(inside);
            assertThatThrownBy(() -> loop.callAtPosition(0, () -> { })).isInstanceOf(UnsupportedOperationException.class);

            assertThat(waiter.cancel(true)).isTrue();
            LoopLifecycleTest.awaitState(waiter, TaskState.DONE);
            loop.shutdown();
            assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
