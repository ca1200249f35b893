package io.asynkit.group;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static io.asynkit.loop.Scheduling.yieldNow;
import static io.asynkit.testing.Tasks.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link TaskGroup} on a single-carrier loop. */
@Timeout(30)
class TaskGroupTest {

    private static final Duration LONG = Duration.ofSeconds(20);

    private final List<String> log = new CopyOnWriteArrayList<>();

    /** The anyio README example: start() returns once the child reports ready; the group waits for it. */
    @Test
    void startReturnsTheStartedValueAndTheGroupWaitsForTheRest() throws Exception {
        Loop.run(() -> {
            TaskGroup.run(group -> {
                String value = group.start(status -> {
                    log.add("hello");
                    status.started("world");
                    Scheduling.sleep(Duration.ofMillis(10));
                    log.add("goodbye");
                });
                log.add("fine");
                log.add(value);
                return null;
            });
            log.add("after");
            return null;
        });
        assertThat(log).containsExactly("hello", "fine", "world", "goodbye", "after");
    }

    @Test
    void startNowRunsTheChildUntilItFirstParks() throws Exception {
        Loop.run(() -> TaskGroup.run(group -> {
            Task<String> child = group.startNow(() -> {
                log.add("a");
                yieldNow();
                log.add("b");
                return "result";
            });
            log.add("1");
            assertThat(child.get()).isEqualTo("result");
            Task<Integer> quick = group.startSoon(() -> 42); // the Python name: the same call
            assertThat(quick.isDone()).isTrue(); // never parked: done when startSoon returns
            return null;
        }));
        assertThat(log).containsExactly("a", "1", "b");
    }

    @Test
    void theFirstFailureCancelsTheOthersAndIsThrownWithTheRestSuppressed() throws Exception {
        IllegalStateException first = new IllegalStateException("first");
        AtomicReference<Task<?>> sleeper = new AtomicReference<>();
        Loop.run(() -> {
            assertThatThrownBy(() -> TaskGroup.run(group -> {
                sleeper.set(group.startSoon("sleeper", () -> {
                    try {
                        Scheduling.sleep(LONG);
                    } finally {
                        log.add("sleeper cleaned up");
                    }
                    return null;
                }));
                group.startSoon("failing", () -> {
                    yieldNow();
                    throw first;
                });
                group.startSoon("failing-later", () -> {
                    try {
                        Scheduling.sleep(LONG);
                    } catch (InterruptedException cancelled) {
                        throw new IOException("reaction to the cancellation: not a failure");
                    }
                    return null;
                });
                group.startSoon("second", () -> {
                    yieldNow();
                    throw new IllegalArgumentException("second");
                });
                return null;
            })).isSameAs(first);
            return null;
        });
        assertThat(sleeper.get().isCancelled()).isTrue();
        assertThat(sleeper.get().taskState()).isEqualTo(TaskState.DONE);
        assertThat(log).containsExactly("sleeper cleaned up");
        assertThat(first.getSuppressed()).isEmpty(); // "second" was cancelled before it could fail
    }

    @Test
    void laterFailuresAreSuppressedInTheFirst() throws Exception {
        try (Loop loop = Loop.builder().carriers(2).build()) {
            IllegalStateException failure = new IllegalStateException("body");
            assertThatThrownBy(() -> TaskGroup.run(loop, group -> {
                Task<Object> child = group.startSoon(() -> {
                    yieldNow(); // after its first park a failure is the group's (before it, startSoon's)
                    throw new IOException("child");
                });
                assertThatThrownBy(child::get).hasCauseInstanceOf(IOException.class); // it has failed the group
                throw failure;
            })).isInstanceOf(IOException.class).hasMessage("child")
                    .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(failure));
        }
    }

    @Test
    void aFailingBodyCancelsTheChildrenAndWaitsForThem() throws Exception {
        Loop.run(() -> {
            assertThatThrownBy(() -> TaskGroup.run(group -> {
                group.startSoon(() -> {
                    try {
                        Scheduling.sleep(LONG);
                    } finally {
                        log.add("child ended");
                    }
                    return null;
                });
                throw new IOException("body failed");
            })).isInstanceOf(IOException.class).hasMessage("body failed");
            log.add("run returned");
            return null;
        });
        assertThat(log).containsExactly("child ended", "run returned");
    }

    @Test
    void noChildOutlivesTheGroupEvenWhenTheWaitingTaskIsCancelled() throws Exception {
        Loop.run(() -> {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Task<?> owner = Loop.current().submit(() -> {
                try {
                    TaskGroup.run(group -> {
                        group.startSoon(() -> {
                            try {
                                Scheduling.sleep(LONG);
                            } finally {
                                yieldNow(); // even a child slow to unwind is waited for
                                log.add("child ended");
                            }
                            return null;
                        });
                        return null;
                    });
                } catch (Throwable t) {
                    log.add("owner sees " + t.getClass().getSimpleName());
                    outcome.set(t);
                }
                return null;
            });
            awaitBlocked(owner);
            owner.cancel(true);
            while (outcome.get() == null) {
                Thread.sleep(1);
            }
            return null;
        });
        assertThat(log).containsExactly("child ended", "owner sees InterruptedException");
    }

    @Test
    void childrenListsTheRunningChildrenInStartOrderAndCancelEndsThemAll() throws Exception {
        Loop.run(() -> {
            Loop loop = Loop.current();
            TaskGroup.run(group -> {
                assertThat(group.loop()).isSameAs(loop);
                assertThat(group.isCancelled()).isFalse();
                assertThat(group.children()).isEmpty();
                Task<Object> first = group.startSoon("first", () -> {
                    Scheduling.sleep(LONG);
                    return null;
                });
                Task<Integer> quick = group.startSoon("quick", () -> 1); // ends at once: not listed
                Task<Object> second = group.startSoon("second", () -> {
                    Scheduling.sleep(LONG);
                    return null;
                });
                assertThat(quick.isDone()).isTrue();
                assertThat(group.children()).containsExactly(first, second);
                Object ready = group.start("ready", status -> {
                    status.started(); // no value: start returns null
                    Scheduling.sleep(LONG);
                });
                assertThat(ready).isNull();
                assertThat(group.children()).hasSize(3).startsWith(first, second);
                group.cancel();
                assertThat(group.isCancelled()).isTrue();
                assertThatThrownBy(() -> group.startSoon(() -> 2)).isInstanceOf(IllegalStateException.class);
                return null;
            });
            return null;
        });
    }

    @Test
    void aChildThatFailsBeforeItIsReadyFailsStartNotTheGroup() throws Exception {
        String result = Loop.run(() -> TaskGroup.run(group -> {
            assertThatThrownBy(() -> group.start(status -> {
                throw new IOException("could not bind");
            })).isInstanceOf(IOException.class).hasMessage("could not bind");
            assertThatThrownBy(() -> group.start(status -> log.add("never reports")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("without calling started()");
            return "group fine";
        }));
        assertThat(result).isEqualTo("group fine");
    }

    @Test
    void aChildThatFailsBeforeItFirstParksRaisesFromStartSoonNotFromTheGroup() throws Exception {
        String result = Loop.run(() -> TaskGroup.run(group -> {
            assertThatThrownBy(() -> group.startSoon(() -> {
                throw new IOException("bad arguments");
            })).isInstanceOf(IOException.class).hasMessage("bad arguments");
            assertThat(group.isCancelled()).isFalse();
            Task<String> later = group.startSoon(() -> {
                Thread.sleep(1);
                return "after a park";
            });
            assertThat(later.get()).isEqualTo("after a park");
            return "group fine";
        }));
        assertThat(result).isEqualTo("group fine");
        // after its first park, a failure is the group's again
        assertThatThrownBy(() -> Loop.run(() -> TaskGroup.run(group -> {
            group.startSoon(() -> {
                Thread.sleep(1);
                throw new IOException("late");
            });
            return null;
        }))).isInstanceOf(IOException.class).hasMessage("late");
    }

    @Test
    void childrenOfChildrenAreWaitedForToo() throws Exception {
        Loop.run(() -> TaskGroup.run(group -> {
            group.startSoon(() -> {
                yieldNow();
                group.startSoon(() -> {
                    Scheduling.sleep(Duration.ofMillis(5));
                    log.add("grandchild");
                    return null;
                });
                return null;
            });
            return null;
        }));
        assertThat(log).containsExactly("grandchild");
    }

    @Test
    void aGroupCanBeRunFromAPlatformThreadOnAGivenLoop() throws Exception {
        try (Loop loop = Loop.builder().name("group-loop").build()) {
            String name = TaskGroup.run(loop, group -> group.startSoon(() -> Task.current().loop().name()).get());
            assertThat(name).isEqualTo("group-loop");
        }
    }

    @Test
    void misuseGetsClearErrors() throws Exception {
        AtomicReference<TaskGroup> escaped = new AtomicReference<>();
        Loop.run(() -> TaskGroup.run(group -> {
            escaped.set(group);
            group.cancel();
            assertThat(group.isCancelled()).isTrue();
            assertThatThrownBy(() -> group.startSoon(() -> 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the task group is cancelled");
            return null;
        }));
        assertThatThrownBy(() -> escaped.get().startSoon(() -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the task group has ended");
        assertThatThrownBy(() -> TaskGroup.run(null)).isInstanceOf(NullPointerException.class);
    }
}
