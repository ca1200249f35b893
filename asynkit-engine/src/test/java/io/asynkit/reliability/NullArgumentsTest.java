package io.asynkit.reliability;

import io.asynkit.coro.Context;
import io.asynkit.coro.CoroStart;
import io.asynkit.coro.Coroutines;
import io.asynkit.coro.GeneratorObject;
import io.asynkit.coro.Monitor;
import io.asynkit.group.TaskGroup;
import io.asynkit.interrupt.InterruptCondition;
import io.asynkit.interrupt.Interrupts;
import io.asynkit.loop.Drive;
import io.asynkit.loop.LatencyGuard;
import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.ScopedValueBindings;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskBuilder;
import io.asynkit.priority.Priority;
import io.asynkit.priority.PriorityLock;
import io.asynkit.testing.NullSweep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every public method of the engine's API that takes an object, called with {@code null} for all of
 * its object arguments, from inside a task: it must refuse with a {@link NullPointerException} whose
 * message names what was null (or an {@link IllegalStateException}/{@link IllegalArgumentException}
 * saying why the call is wrong there), never fail deeper inside, and leave the loop working.
 */
@Timeout(60)
class NullArgumentsTest {

    private static final List<Class<?>> API = List.of(Loop.class, Loop.Builder.class, TaskBuilder.class, Task.class,
            Scheduling.class, Drive.class, ScopedValueBindings.class, Priority.class, PriorityLock.class,
            Coroutines.class, CoroStart.class, Context.class, GeneratorObject.class, Monitor.class,
            Interrupts.class, InterruptCondition.class, TaskGroup.class, LatencyGuard.class);

    @Test
    void everyObjectParameterIsCheckedWithAClearError() throws Exception {
        NullSweep sweep = new NullSweep();
        Loop.builder().name("nulls").run(() -> {
            Loop loop = Loop.current();
            Task<?> done = loop.submit(() -> 1);
            done.get();
            Object[] receivers = {loop, Loop.builder(), loop.newTask(), done, null, null, ScopedValueBindings.none(),
                    null, new PriorityLock("p"), null, null, Context.capture(), new GeneratorObject<>(),
                    new Monitor<>(), null, null, null, LatencyGuard.after(Duration.ofMillis(1))};
            for (int i = 0; i < API.size(); i++) {
                sweep.sweep(API.get(i), receivers[i], false);
            }
            assertThat(loop.submit(() -> "still fine").get()).isEqualTo("still fine");
            return null;
        });
        assertThat(sweep.problems()).as("methods that did not refuse null with a clear error").isEmpty();
        assertThat(sweep.calls()).isGreaterThan(40);
    }
}
