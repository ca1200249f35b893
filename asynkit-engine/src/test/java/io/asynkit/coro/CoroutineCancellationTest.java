package io.asynkit.coro;

import io.asynkit.interrupt.Interrupts;
import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Awaiting is blocking: a consumer that waits for a generator, a monitored coroutine or a call run in
 * another context is interrupted, cancelled or timed out exactly as if the awaited code ran in its own
 * thread, because the interruption is passed on to the code it waits for.
 */
@Timeout(30)
class CoroutineCancellationTest {

    private final List<String> log = new CopyOnWriteArrayList<>();

    /** A generator that yields once, then blocks until interrupted, logging how it ends. */
    private Generator<Integer> yieldingOnceThenBlocking(CountDownLatch blocked) {
        GeneratorObject<Integer> gen = new GeneratorObject<>();
        return gen.generate(() -> {
            gen.ayield(1);
            try {
                blocked.countDown();
                new CountDownLatch(1).await();
                return null;
            } catch (InterruptedException e) {
                log.add("generator interrupted");
                throw e;
            } finally {
                log.add("generator finally");
            }
        });
    }

    private static void awaitDone(Task<?> task) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (task.taskState() != TaskState.DONE) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(task + " did not end within 10 s");
            }
            Thread.sleep(1);
        }
    }

    @Test
    void cancellingATaskThatWaitsForAGeneratorReachesTheGeneratorsCode() throws Exception {
        try (Loop loop = Loop.builder().name("cancel-consumer").build()) {
            CountDownLatch blocked = new CountDownLatch(1);
            Generator<Integer> generator = yieldingOnceThenBlocking(blocked);
            Task<Integer> consumer = loop.submit(() -> generator.next() + generator.next());
            blocked.await();

            assertThat(consumer.cancel(true)).isTrue();
            awaitDone(consumer);
            assertThat(log).containsExactly("generator interrupted", "generator finally");
            assertThat(generator.state()).isEqualTo(CoroutineState.FINISHED);
            assertThat(loop.allTasks()).isEmpty();
        }
    }

    @Test
    void aTimeoutAroundAGeneratorsNextFiresWhileTheGeneratorBlocks() throws Exception {
        Loop.run(() -> {
            CountDownLatch blocked = new CountDownLatch(1);
            Generator<Integer> generator = yieldingOnceThenBlocking(blocked);
            assertThat(generator.next()).isEqualTo(1);
            assertThatThrownBy(() -> Interrupts.withTimeout(Duration.ofMillis(50), generator::next))
                    .isInstanceOf(TimeoutException.class);
            return null;
        });
        assertThat(log).containsExactly("generator interrupted", "generator finally");
    }

    @Test
    void aTimeoutAroundAMonitorAwaitReachesTheMonitoredCodeAsTheSameInstance() throws Exception {
        AtomicReference<Throwable> seenInside = new AtomicReference<>();
        Loop.run(() -> {
            Monitor<String> monitor = new Monitor<>();
            BoundMonitor<String> bound = monitor.bind(() -> {
                try {
                    io.asynkit.loop.Scheduling.sleep(Duration.ofHours(1)); // an asynkit wait: raises the interrupt itself
                    return "slept";
                } catch (RuntimeException e) {
                    seenInside.set(e);
                    throw e;
                }
            });
            assertThatThrownBy(() -> Interrupts.withTimeout(Duration.ofMillis(50), bound::await))
                    .isInstanceOf(TimeoutException.class).cause().isSameAs(seenInside.get());
            assertThat(bound.state()).isEqualTo(CoroutineState.FINISHED);
            return null;
        });
        assertThat(seenInside.get()).isInstanceOf(io.asynkit.interrupt.TimeoutInterrupt.class);
    }

    @Test
    void anExceptionThrownIntoTheConsumerIsRaisedInTheGeneratorAndHandledThere() throws Exception {
        String result = Loop.run(() -> {
            GeneratorObject<String> gen = new GeneratorObject<>();
            CountDownLatch blocked = new CountDownLatch(1);
            Generator<String> generator = gen.generate(() -> {
                try {
                    blocked.countDown();
                    io.asynkit.loop.Scheduling.await(new java.util.concurrent.CompletableFuture<>());
                } catch (io.asynkit.interrupt.InterruptException e) {
                    gen.ayield("handled " + e.getMessage());
                }
                return null;
            });
            Task<?> self = Task.current();
            Loop.current().submit(() -> {
                blocked.await();
                Interrupts.taskThrow(self, new io.asynkit.interrupt.InterruptException("stop"));
                return null;
            });
            return generator.next();
        });
        assertThat(result).isEqualTo("handled stop"); // the generator handled it: the consumer never saw it
    }

    @Test
    void cancellingATaskReachesTheCallItRunsThroughCallIn() throws Exception {
        try (Loop loop = Loop.builder().name("cancel-callin").build()) {
            CountDownLatch blocked = new CountDownLatch(1);
            Task<String> outer = loop.submit(() -> Coroutines.callIn(Context.empty(), () -> {
                try {
                    blocked.countDown();
                    new CountDownLatch(1).await();
                    log.add("inner returned normally");
                    return "normally";
                } catch (InterruptedException e) {
                    log.add("inner interrupted");
                    throw e;
                }
            }));
            blocked.await();
            outer.cancel(true);
            assertThatThrownBy(outer::get).isInstanceOf(CancellationException.class);
            awaitDone(outer);
            assertThat(log).containsExactly("inner interrupted");
            assertThat(loop.allTasks()).isEmpty();
        }
    }

    @Test
    void aCallRunThroughCallInStillDeliversItsValue() throws Exception {
        assertThat(Loop.run(() -> Coroutines.callIn(Context.capture(), () -> {
            Thread.sleep(1);
            return "value";
        }))).isEqualTo("value");
    }

    @Test
    @DisabledIfSystemProperty(named = "asynkit.inlineCarrier", matches = "true",
            disabledReason = "a thread that carries the task inline can lose an interrupt to the JDK, which clears "
                    + "a carrier's interrupt status when it mounts a virtual thread (see Drive.INLINE_CARRYING)")
    void anAwaitSyncOfCodeThatKeepsYieldingEndsWhenTheCallerIsInterrupted() throws Exception {
        CountDownLatch yielding = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                Coroutines.awaitSync(() -> {
                    yielding.countDown();
                    while (true) {
                        io.asynkit.loop.Scheduling.yieldNow(); // not blocking: awaitSync carries on across it
                    }
                });
            } catch (Throwable t) {
                outcome.set(t);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        yielding.await();
        caller.interrupt();
        caller.join(Duration.ofSeconds(20));
        assertThat(caller.isAlive()).as("awaitSync returned after the interrupt").isFalse();
        assertThat(outcome.get()).isInstanceOf(SynchronousError.class);
        assertThat(stillInterrupted.get()).isTrue();
    }
}
