package io.asynkit.spring.reliability;

import io.asynkit.loop.Loop;
import io.asynkit.spring.actuator.AsynkitEndpoint;
import io.asynkit.spring.config.AsynkitTaskExecutor;
import io.asynkit.spring.config.AsynkitTaskScheduler;
import io.asynkit.spring.metrics.AsynkitMetrics;
import io.asynkit.spring.priority.Priorities;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's public API called with {@code null} for every object argument: each method and
 * constructor refuses with a {@link NullPointerException} naming what was null (or an
 * {@link IllegalArgumentException}/{@link IllegalStateException} saying why), never failing deeper.
 */
class NullArgumentsTests {

    @Test
    void everyObjectParameterIsCheckedWithAClearError() throws Exception {
        List<String> problems = new ArrayList<>();
        int calls = 0;
        try (Loop loop = Loop.builder().name("spring-nulls").build()) {
            Object[][] apis = {
                    {AsynkitTaskExecutor.class, new AsynkitTaskExecutor(loop, "t-", null)},
                    {AsynkitTaskScheduler.class, new AsynkitTaskScheduler(loop, null)},
                    {AsynkitEndpoint.class, new AsynkitEndpoint(loop, false, 10)},
                    {AsynkitMetrics.class, new AsynkitMetrics(loop)},
                    {Priorities.class, null},
            };
            for (Object[] api : apis) {
                Class<?> type = (Class<?>) api[0];
                List<Executable> members = new ArrayList<>(List.of(type.getConstructors()));
                members.addAll(List.of(type.getDeclaredMethods()));
                for (Executable member : members) {
                    boolean isStatic = Modifier.isStatic(member.getModifiers());
                    if (!Modifier.isPublic(member.getModifiers()) || member.isSynthetic() || !hasObjectParameter(member)
                            || (!isStatic && member instanceof Method && api[1] == null)) {
                        continue;
                    }
                    calls++;
                    try {
                        if (member instanceof Constructor<?> constructor) {
                            constructor.newInstance(nullsAndZeros(member));
                        } else {
                            ((Method) member).invoke(isStatic ? null : api[1], nullsAndZeros(member));
                        }
                        problems.add(member + ": accepted nulls without complaint");
                    } catch (InvocationTargetException e) {
                        Throwable thrown = e.getCause();
                        boolean clear = (thrown instanceof NullPointerException && thrown.getMessage() != null
                                && !thrown.getMessage().startsWith("Cannot invoke"))
                                || thrown instanceof IllegalStateException || thrown instanceof IllegalArgumentException;
                        if (!clear) {
                            problems.add(member + ": " + thrown);
                        }
                    }
                }
            }
        }
        assertThat(problems).as("members that did not refuse null with a clear error").isEmpty();
        assertThat(calls).isGreaterThan(10);
    }

    private static boolean hasObjectParameter(Executable member) {
        for (Class<?> t : member.getParameterTypes()) {
            if (!t.isPrimitive()) {
                return true;
            }
        }
        return false;
    }

    private static Object[] nullsAndZeros(Executable member) {
        Class<?>[] types = member.getParameterTypes();
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
