package io.asynkit.interrupt;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;
import io.asynkit.priority.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import static io.asynkit.interrupt.Interrupts.taskInterrupt;
import static io.asynkit.interrupt.Interrupts.taskThrow;
import static io.asynkit.testing.Tasks.awaitBlocked;
import static io.asynkit.loop.Scheduling.yieldNow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Interrupts#taskThrow} and {@link Interrupts#taskInterrupt} on a single-carrier loop. */
@Timeout(30)
class InterruptsTest {

    private final List<String> log = new CopyOnWriteArrayList<>();

    /** A task that awaits {@code future} and logs what it caught. */
    private Task<?> awaiting(String name, double priority, CompletableFuture<?> future) {
        return Loop.current().newTask().name(name).priority(priority).start(() -> {
            try {
                Scheduling.await(future);
                log.add(name + ":completed");
            } catch (InterruptException e) {
                log.add(name + ":" + e.getMessage());
            }
            return null;
        });
    }

    @Test
    void taskThrowRaisesAtTheBlockingPointWithoutCancellingWhatWasAwaited() throws Exception {
        Loop.run(() -> {
            CompletableFuture<String> never = new CompletableFuture<>();
            Task<?> target = awaiting("target", Priority.NORMAL, never);
            awaitBlocked(target);
            taskThrow(target, new InterruptException("stop"));
            assertThat(target.taskState()).isEqualTo(TaskState.RUNNABLE);
            target.get();
            assertThat(never.isCancelled()).isFalse();
            assertThat(target.isCancelled()).isFalse();
            return null;
        });
        assertThat(log).containsExactly("target:stop");
    }

    @Test
    void aSecondThrowBeforeDeliveryReplacesTheFirst() throws Exception {
        Loop.run(() -> {
            Task<?> target = awaiting("target", Priority.NORMAL, new CompletableFuture<>());
            awaitBlocked(target);
            taskThrow(target, new InterruptException("first"));
            taskThrow(target, new InterruptException("second"));
            target.get();
            return null;
        });
        assertThat(log).containsExactly("target:second");
    }

    @Test
    void thrownTasksRunInPriorityOrderAndInterruptedOnesAtOnce() throws Exception {
        Loop.run(() -> {
            CompletableFuture<Void> never = new CompletableFuture<>();
            Task<?> low = awaiting("low", Priority.LOW, never);
            Task<?> high = awaiting("high", Priority.HIGH, never);
            awaitBlocked(low);
            awaitBlocked(high);
            taskThrow(low, new InterruptException("thrown"));
            taskThrow(high, new InterruptException("thrown"));
            log.add("main");
            low.get();
            high.get();

            Task<?> a = awaiting("a", Priority.LOW, never);
            Task<?> b = awaiting("b", Priority.LOW, never);
            awaitBlocked(a);
            awaitBlocked(b);
            assertThat(taskInterrupt(b, new InterruptException("interrupted"))).isTrue();
            log.add("after-b");
            assertThat(b.isDone()).isTrue(); // the exception has been raised in b already
            assertThat(taskInterrupt(a, new InterruptException("interrupted"))).isTrue();
            log.add("after-a");
            return null;
        });
        assertThat(log).containsExactly("main", "high:thrown", "low:thrown",
                "b:interrupted", "after-b", "a:interrupted", "after-a");
    }

    @Test
    void taskInterruptRaisesInATargetWhoseAwaitedFutureCompletedButThatHasNotRunYet() throws Exception {
        Loop.run(() -> {
            CompletableFuture<String> future = new CompletableFuture<>();
            Task<?> target = awaiting("target", Priority.NORMAL, future);
            awaitBlocked(target);
            future.complete("value");                              // target is runnable, its await not returned yet
            assertThat(target.taskState()).isEqualTo(TaskState.RUNNABLE);
            assertThat(taskInterrupt(target, new InterruptException("late"))).isTrue();
            assertThat(log).containsExactly("target:late");        // raised before taskInterrupt returned
            return null;
        });
    }

    @Test
    void anInterruptedTaskDoesNotCancelTheTaskItAwaits() throws Exception {
        Loop.run(() -> {
            CompletableFuture<Void> gate = new CompletableFuture<>();
            Task<String> inner = Loop.current().submit(() -> {
                gate.get();
                return "inner done";
            });
            Task<?> outer = Loop.current().submit(() -> Scheduling.await(inner));
            awaitBlocked(outer);
            taskInterrupt(outer, new InterruptException("enough"));
            assertThatThrownBy(outer::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(InterruptException.class);
            assertThat(inner.isDone()).isFalse();
            gate.complete(null);
            assertThat(inner.get()).isEqualTo("inner done");
            return null;
        });
    }

    @Test
    void aNewTaskRaisesTheExceptionBeforeItsBodyStarts() throws Exception {
        Loop.run(() -> {
            Task<?> fresh = Loop.current().submit(() -> log.add("body ran"));
            taskThrow(fresh, new InterruptException("never started"));
            assertThatThrownBy(fresh::get).hasCauseInstanceOf(InterruptException.class);
            return null;
        });
        assertThat(log).isEmpty();
    }

    @Test
    void aJdkWaitSeesAnInterruptAndTheExceptionStaysPendingForTheNextAsynkitWait() throws Exception {
        Loop.run(() -> {
            Task<String> target = Loop.current().submit(() -> {
                try {
                    Thread.sleep(10_000);
                    return "slept";
                } catch (InterruptedException e) {
                    log.add("InterruptedException");
                }
                try {
                    Scheduling.sleep(Duration.ofSeconds(10));
                    return "slept again";
                } catch (InterruptException e) {
                    return e.getMessage();
                }
            });
            awaitBlocked(target);
            taskThrow(target, new InterruptException("pending"));
            assertThat(target.get()).isEqualTo("pending");
            return null;
        });
        assertThat(log).containsExactly("InterruptedException");
    }

    @Test
    void misuseGetsClearErrors() throws Exception {
        Loop.run(() -> {
            Task<?> done = Loop.current().submit(() -> 1);
            done.get();
            while (done.taskState() != TaskState.DONE) {
                yieldNow();
            }
            assertThatThrownBy(() -> taskThrow(done, new InterruptException())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is done");
            assertThatThrownBy(() -> taskThrow(Task.current(), new InterruptException()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot throw into itself");
            Task<?> cancelled = awaiting("cancelled", Priority.NORMAL, new CompletableFuture<>());
            awaitBlocked(cancelled);
            cancelled.cancel(true);
            assertThatThrownBy(() -> taskThrow(cancelled, new InterruptException()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("pending cancellation");
            assertThatThrownBy(() -> taskThrow(done, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> taskThrow(null, new InterruptException())).isInstanceOf(NullPointerException.class);
            return null;
        });
        try (Loop other = Loop.builder().name("other").build()) {
            Task<?> foreign = other.submit(() -> new CompletableFuture<>().get());
            assertThatThrownBy(() -> taskInterrupt(foreign, new InterruptException()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not inside an asynkit task");
            Loop.run(() -> {
                assertThatThrownBy(() -> taskInterrupt(foreign, new InterruptException()))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("use taskThrow instead");
                return null;
            });
            foreign.cancel(true);
        }
    }

    /**
     * A task waiting to enter a monitor ignores interrupts: taskInterrupt cannot make it runnable, says
     * so, and the exception stays pending until the task's next asynkit-aware blocking point.
     */
    @Test
    void taskInterruptReturnsFalseForATargetItCannotWakeAndTheExceptionWaitsForTheNextBlockingPoint()
            throws Exception {
        Object monitor = new Object();
        CompletableFuture<Void> release = new CompletableFuture<>();
        Loop.run(() -> {
            Task<?> holder = Loop.current().submit(() -> {
                synchronized (monitor) {
                    Scheduling.await(release); // parks holding the monitor (no pinning on JDK 25)
                }
                return null;
            });
            awaitBlocked(holder);
            Task<String> entering = Loop.current().submit(() -> {
                synchronized (monitor) {
                    log.add("entered");
                }
                try {
                    Scheduling.sleep(Duration.ofSeconds(20));
                    return "slept";
                } catch (InterruptException e) {
                    return e.getMessage();
                }
            });
            awaitBlocked(entering);
            assertThat(taskInterrupt(entering, new InterruptException("pending"))).isFalse();
            assertThat(entering.isDone()).isFalse();
            release.complete(null);
            assertThat(entering.get()).isEqualTo("pending");
            return null;
        });
        assertThat(log).containsExactly("entered");
    }
}
