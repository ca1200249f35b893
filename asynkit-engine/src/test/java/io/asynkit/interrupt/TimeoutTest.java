package io.asynkit.interrupt;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static io.asynkit.interrupt.Interrupts.withTimeout;
import static io.asynkit.testing.Tasks.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Interrupts#withTimeout}. */
@Timeout(30)
class TimeoutTest {

    private static final Duration SHORT = Duration.ofMillis(20);
    private static final Duration LONG = Duration.ofSeconds(20);

    @Test
    void aBlockThatOverrunsEndsWithTimeoutExceptionCausedByItsOwnInterrupt() throws Exception {
        Loop.run(() -> {
            assertThatThrownBy(() -> withTimeout(SHORT, () -> {
                Scheduling.sleep(LONG);
                return "slept";
            })).isInstanceOf(TimeoutException.class).hasMessageContaining("timed out after PT0.02S in task main")
                    .hasCauseInstanceOf(TimeoutInterrupt.class)
                    .cause().isInstanceOf(TaskInterruptException.class); // the base a Java caller catches
            Scheduling.sleep(Duration.ofMillis(30)); // nothing left pending: this sleep is not interrupted
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            return null;
        });
    }

    @Test
    void aBlockThatFinishesInTimeReturnsItsResult() throws Exception {
        Loop.run(() -> {
            assertThat(withTimeout(LONG, () -> "quick")).isEqualTo("quick");
            assertThat(withTimeout(Duration.ZERO, () -> "no blocking point")).isEqualTo("no blocking point");
            assertThatThrownBy(() -> withTimeout(LONG, () -> {
                throw new java.io.IOException("own failure");
            })).isInstanceOf(java.io.IOException.class);
            return null;
        });
    }

    @Test
    void anOuterExpiryPassesThroughAnInnerTimeoutUntouched() throws Exception {
        AtomicReference<Throwable> seenInside = new AtomicReference<>();
        Loop.run(() -> {
            assertThatThrownBy(() -> withTimeout(SHORT, () -> withTimeout(LONG, () -> {
                try {
                    Scheduling.sleep(LONG);
                } catch (TimeoutInterrupt e) {
                    seenInside.set(e);
                    throw e;
                }
                return null;
            }))).isInstanceOf(TimeoutException.class).hasMessageContaining("after PT0.02S")
                    .cause().isSameAs(seenInside.get());
            return null;
        });
    }

    @Test
    void anInnerExpiryIsTheInnerBlocksAlone() throws Exception {
        Loop.run(() -> {
            String result = withTimeout(LONG, () -> {
                try {
                    withTimeout(SHORT, () -> {
                        Scheduling.sleep(LONG);
                        return null;
                    });
                    return "inner finished";
                } catch (TimeoutException e) {
                    return "inner timed out";
                }
            });
            assertThat(result).isEqualTo("inner timed out");
            return null;
        });
    }

    @Test
    void cancellingTheTaskIsNotATimeout() throws Exception {
        Loop.run(() -> {
            Task<?> task = Loop.current().submit(() -> withTimeout(LONG, () -> {
                Scheduling.sleep(LONG);
                return null;
            }));
            awaitBlocked(task);
            task.cancel(true);
            assertThatThrownBy(task::get).isInstanceOf(CancellationException.class);
            return null;
        });
        Loop.run(() -> {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Task<?> task = Loop.current().submit(() -> {
                try {
                    withTimeout(LONG, () -> {
                        Scheduling.sleep(LONG);
                        return null;
                    });
                } catch (Throwable t) {
                    outcome.set(t);
                }
                return null;
            });
            awaitBlocked(task);
            task.cancel(true);
            while (outcome.get() == null) {
                Thread.sleep(1);
            }
            assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
            return null;
        });
    }

    @Test
    void aJdkWaitInterruptedByTheExpiryIsReportedAsTheTimeout() throws Exception {
        Loop.run(() -> {
            assertThatThrownBy(() -> withTimeout(SHORT, () -> {
                Thread.sleep(LONG);
                return null;
            })).isInstanceOf(TimeoutException.class).hasCauseInstanceOf(InterruptedException.class);
            return null;
        });
    }

    @Test
    void anExpiryThatMissesTheBlocksEndIsWithdrawn() throws Exception {
        try (Loop loop = Loop.builder().carriers(2).build()) {
            Task<Boolean> task = loop.submit(() -> {
                String result = withTimeout(Duration.ofMillis(1), () -> {
                    long end = System.nanoTime() + 50_000_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait(); // no blocking point: the interrupt cannot be delivered
                    }
                    return "done";
                });
                assertThat(result).isEqualTo("done");
                return Thread.currentThread().isInterrupted() || Task.takeThrownException() != null;
            });
            assertThat(task.get()).isFalse();
        }
    }

    @Test
    void aNegativeTimeoutHasAlreadyExpired() throws Exception {
        Loop.run(() -> {
            assertThat(withTimeout(Duration.ofMillis(-1), () -> 1)).isEqualTo(1); // never blocks: returns
            assertThatThrownBy(() -> withTimeout(Duration.ofSeconds(-5), () -> {
                Scheduling.sleep(LONG);
                return null;
            })).isInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> withTimeout(Duration.ofSeconds(Long.MIN_VALUE), () -> {
                Scheduling.sleep(LONG);
                return null;
            })).isInstanceOf(TimeoutException.class);
            return null;
        });
    }

    @Test
    void badArgumentsAndTheWrongPlaceGetClearErrors() throws Exception {
        assertThatThrownBy(() -> withTimeout(SHORT, () -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must run inside an asynkit task");
        Loop.run(() -> {
            assertThatThrownBy(() -> withTimeout(null, () -> 1)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> withTimeout(SHORT, null)).isInstanceOf(NullPointerException.class);
            return null;
        });
    }

    @Test
    void theTaskCanStillBeAwaitedNormallyAfterATimeout() throws Exception {
        Loop.run(() -> {
            Task<String> child = Loop.current().submit(() -> {
                try {
                    return withTimeout(SHORT, () -> Scheduling.await(new java.util.concurrent.CompletableFuture<String>()));
                } catch (TimeoutException e) {
                    return "fallback";
                }
            });
            assertThat(child.get()).isEqualTo("fallback");
            return null;
        });
        assertThatThrownBy(() -> Loop.run(() -> withTimeout(SHORT, () -> {
            Scheduling.sleep(LONG);
            return null;
        }))).isInstanceOf(TimeoutException.class); // Loop.run throws main's exception unwrapped
    }
}
