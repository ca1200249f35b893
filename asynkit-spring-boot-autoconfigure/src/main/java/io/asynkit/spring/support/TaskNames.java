package io.asynkit.spring.support;

import org.springframework.util.ClassUtils;

import java.lang.reflect.Method;
import java.util.Objects;

/**
 * Task names as the starter gives them: after a bean method ({@code QuoteService.refresh}).
 *
 * <pre>{@code
 * loop.newTask().name("scheduling-" + TaskNames.ofMethod(bean.getClass(), method)).start(body);
 * }</pre>
 */
public final class TaskNames {

    private TaskNames() {
    }

    /** {@code SimpleClassName.method} of the user class behind {@code targetClass} (not a proxy's). */
    public static String ofMethod(Class<?> targetClass, Method method) {
        Objects.requireNonNull(targetClass, "targetClass");
        Objects.requireNonNull(method, "method");
        return ClassUtils.getShortName(ClassUtils.getUserClass(targetClass)) + "." + method.getName();
    }
}
