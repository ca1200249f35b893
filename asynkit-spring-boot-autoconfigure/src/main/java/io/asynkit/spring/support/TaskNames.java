package io.asynkit.spring.support;

import io.asynkit.loop.Task;
import org.springframework.util.ClassUtils;

import java.lang.reflect.Method;
import java.util.Objects;

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
 * <p>A renamed task goes by its new name everywhere: {@link Task#name()}, its virtual thread (thread dumps,
 * the {@code %thread} of log patterns) and the {@code asynkit} Actuator endpoint.
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

    /**
     * Names the current task (and its thread) {@code name} until {@link Renaming#restore()}; outside any
     * asynkit task only the current thread is renamed.
     */
    public static Renaming renameCurrent(String name) {
        Objects.requireNonNull(name, "name");
        Thread thread = Thread.currentThread();
        Task<?> task = Task.currentOrNull();
        Renaming renaming = new Renaming(thread, thread.getName(), task, task != null ? task.name() : null);
        if (task != null) {
            task.setName(name);
        } else {
            thread.setName(name);
        }
        return renaming;
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
                task.setName(previousName);
            }
            thread.setName(previousThreadName); // as it was: an unnamed task's thread has no name
        }
    }
}
