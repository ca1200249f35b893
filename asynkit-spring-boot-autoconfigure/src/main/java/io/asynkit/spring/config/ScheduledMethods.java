package io.asynkit.spring.config;

import io.asynkit.spring.support.TaskNames;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.scheduling.support.ScheduledMethodRunnable;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import java.lang.reflect.Method;

/** Which bean method a scheduled runnable runs, to name its executions. */
final class ScheduledMethods {

    private ScheduledMethods() {
    }

    /**
     * {@code Bean.method} for a {@code @Scheduled} method, or null for any other runnable (a lambda's
     * {@code toString()} names a synthetic class, which tells nobody anything).
     *
     * <p>Spring hands the scheduler a {@link ScheduledMethodRunnable}, or, for {@code @Scheduled}, its own
     * wrapper that records each execution's outcome for the {@code scheduledtasks} endpoint and whose
     * {@code toString()} is the wrapped runnable's: {@code com.example.Housekeeping.sweep}. That text names
     * a method only if such a method exists, which is checked.
     */
    static @Nullable String nameOf(Runnable task) {
        if (task instanceof ScheduledMethodRunnable method) {
            return TaskNames.ofMethod(AopUtils.getTargetClass(method.getTarget()), method.getMethod());
        }
        String text = String.valueOf(task);
        int dot = text.lastIndexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            return null;
        }
        String className = text.substring(0, dot);
        String methodName = text.substring(dot + 1);
        ClassLoader classLoader = task.getClass().getClassLoader();
        if (!ClassUtils.isPresent(className, classLoader)) {
            return null;
        }
        Class<?> type = ClassUtils.resolveClassName(className, classLoader);
        Method method = ReflectionUtils.findMethod(type, methodName);
        return method != null ? TaskNames.ofMethod(type, method) : null;
    }
}
