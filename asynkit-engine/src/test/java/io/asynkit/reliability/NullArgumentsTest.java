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
import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.ScopedValueBindings;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskBuilder;
import io.asynkit.priority.Priority;
import io.asynkit.priority.PriorityLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
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
            Interrupts.class, InterruptCondition.class, TaskGroup.class);

    @Test
    void everyObjectParameterIsCheckedWithAClearError() throws Exception {
        List<String> problems = new ArrayList<>();
        int calls = Loop.builder().name("nulls").run(() -> {
            Loop loop = Loop.current();
            Task<?> done = loop.submit(() -> 1);
            done.get();
            Object[] receivers = {loop, Loop.builder(), loop.newTask(), done, null, null, ScopedValueBindings.none(),
                    null, new PriorityLock("p"), null, null, Context.capture(), new GeneratorObject<>(),
                    new Monitor<>(), null, null, null};
            int count = 0;
            for (int i = 0; i < API.size(); i++) {
                for (Method method : API.get(i).getDeclaredMethods()) {
                    if (!Modifier.isPublic(method.getModifiers()) || method.isSynthetic()
                            || !hasObjectParameter(method)) {
                        continue;
                    }
                    boolean isStatic = Modifier.isStatic(method.getModifiers());
                    if (!isStatic && receivers[i] == null) {
                        continue;
                    }
                    count++;
                    Object[] args = nullsAndZeros(method);
                    try {
                        method.invoke(isStatic ? null : receivers[i], args);
                        problems.add(method + ": accepted nulls without complaint");
                    } catch (InvocationTargetException e) {
                        Throwable thrown = e.getCause();
                        boolean clear = (thrown instanceof NullPointerException && thrown.getMessage() != null
                                && !thrown.getMessage().startsWith("Cannot invoke"))
                                || thrown instanceof IllegalStateException || thrown instanceof IllegalArgumentException;
                        if (!clear) {
                            problems.add(method + ": " + thrown);
                        }
                    }
                }
            }
            assertThat(loop.submit(() -> "still fine").get()).isEqualTo("still fine");
            return count;
        });
        assertThat(problems).as("methods that did not refuse null with a clear error").isEmpty();
        assertThat(calls).isGreaterThan(40);
    }

    private static boolean hasObjectParameter(Method method) {
        for (Class<?> type : method.getParameterTypes()) {
            if (!type.isPrimitive()) {
                return true;
            }
        }
        return false;
    }

    private static Object[] nullsAndZeros(Method method) {
        Class<?>[] types = method.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == boolean.class) {
                args[i] = false;
            } else if (t == int.class) {
                args[i] = 0;
            } else if (t == long.class) {
                args[i] = 0L;
            } else if (t == double.class) {
                args[i] = 0.0;
            } else if (t.isPrimitive()) {
                args[i] = 0;
            }
        }
        return args;
    }
}
