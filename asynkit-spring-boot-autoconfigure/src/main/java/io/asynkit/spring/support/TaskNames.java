package io.asynkit.spring.support;

import io.asynkit.loop.Task;
import org.springframework.util.ClassUtils;

import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * Task names as the starter gives them: after a bean method ({@code QuoteService.refresh}), and, for a task
 * whose work is only known once it runs (a web request, named {@code GET /api/quote} once Spring MVC has
 * chosen the handler), a name given while the task runs.
 *
 * <pre>{@code
 * TaskNames.Renaming renaming = TaskNames.renameCurrent("GET /api/quote");
 * try {
 *     handle(request);            // thread dumps, logs and /actuator/asynkit show "GET /api/quote"
 * } finally {
 *     renaming.restore();
 * }
 * }</pre>
 *
 * <p>An engine {@link Task}'s name is fixed when it is created. A task renamed here gets the new name on its
 * virtual thread (thread dumps, the {@code %thread} of log patterns) and in {@link #displayName(Task)},
 * which the {@code asynkit} Actuator endpoint shows; {@link Task#name()} keeps the name it was created
 * with.
 */
public final class TaskNames {

    /** Names given while tasks run; weak, so that a task that never restores its name is not kept. */
    private static final Map<Task<?>, String> RENAMED = Collections.synchronizedMap(new WeakHashMap<>());

    private TaskNames() {
    }

    /** {@code SimpleClassName.method} of the user class behind {@code targetClass} (not a proxy's). */
    public static String ofMethod(Class<?> targetClass, Method method) {
        Objects.requireNonNull(targetClass, "targetClass");
        Objects.requireNonNull(method, "method");
        return ClassUtils.getShortName(ClassUtils.getUserClass(targetClass)) + "." + method.getName();
    }

    /** The name {@code task} goes by now: the one given while it runs, else {@link Task#name()}. */
    public static String displayName(Task<?> task) {
        Objects.requireNonNull(task, "task");
        String renamed = RENAMED.get(task);
        return renamed != null ? renamed : task.name();
    }

    /**
     * Names the current task {@code name} until {@link Renaming#restore()}; outside any asynkit task only
     * the current thread is renamed.
     */
    public static Renaming renameCurrent(String name) {
        Objects.requireNonNull(name, "name");
        Thread thread = Thread.currentThread();
        Task<?> task = Task.currentOrNull();
        String previousThreadName = thread.getName();
        thread.setName(name);
        String previousName = task != null ? RENAMED.put(task, name) : null;
        return new Renaming(thread, previousThreadName, task, previousName);
    }

    /** Gives a renamed task and its thread their previous names back. */
    public static final class Renaming {
        private final Thread thread;
        private final String previousThreadName;
        private final Task<?> task;
        private final String previousName;

        private Renaming(Thread thread, String previousThreadName, Task<?> task, String previousName) {
            this.thread = thread;
            this.previousThreadName = previousThreadName;
            this.task = task;
            this.previousName = previousName;
        }

        /** Restores the names (an enclosing renaming's included); call it from the renamed task. */
        public void restore() {
            if (task != null) {
                if (previousName != null) {
                    RENAMED.put(task, previousName);
                } else {
                    RENAMED.remove(task);
                }
            }
            thread.setName(previousThreadName);
        }
    }
}
