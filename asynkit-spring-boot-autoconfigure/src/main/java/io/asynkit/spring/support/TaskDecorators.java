package io.asynkit.spring.support;

import org.jspecify.annotations.Nullable;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Applies the application's {@link TaskDecorator}s as Spring Boot applies them to its own executors.
 *
 * <pre>{@code
 * TaskDecorator decorator = TaskDecorators.combine(taskDecorators.orderedStream().toList());
 * Callable<Report> body = TaskDecorators.decorate(decorator, this::buildReport); // on the submitting thread
 * loop.newTask().start(body);                                                 // runs in the task
 * }</pre>
 */
public final class TaskDecorators {

    private TaskDecorators() {
    }

    /**
     * The decorator for a list of decorator beans, in order: none gives {@code null}, one is used as it is,
     * several are applied by a {@link CompositeTaskDecorator} (the last one wraps the others), as Boot
     * builds the decorator of {@code applicationTaskExecutor} and {@code taskScheduler}.
     */
    public static @Nullable TaskDecorator combine(List<TaskDecorator> decorators) {
        Objects.requireNonNull(decorators, "decorators");
        return switch (decorators.size()) {
            case 0 -> null;
            case 1 -> decorators.getFirst();
            default -> new CompositeTaskDecorator(decorators);
        };
    }

    /**
     * Decorates {@code callable} now, on the calling thread, and returns what the task should run.
     * A decorator wraps runnables and captures what it propagates (MDC, security context, tracing) when it
     * decorates, so it must be called by the thread that submits the work, never inside the new task,
     * where that context is empty. The callable's value and exception pass through the decorated runnable
     * unchanged.
     *
     * @param decorator the decorator, or {@code null} for none
     */
    public static <T> Callable<T> decorate(@Nullable TaskDecorator decorator, Callable<T> callable) {
        Objects.requireNonNull(callable, "callable");
        if (decorator == null) {
            return callable;
        }
        Outcome<T> outcome = new Outcome<>();
        Runnable decorated = decorator.decorate(() -> outcome.capture(callable));
        return () -> {
            decorated.run();
            return outcome.get();
        };
    }

    /** What the callable returned or threw, carried across the decorator's runnable. */
    private static final class Outcome<T> {
        private @Nullable T value;
        private @Nullable Throwable failure;

        void capture(Callable<T> callable) {
            try {
                value = callable.call();
            } catch (Throwable t) {
                failure = t;
            }
        }

        @Nullable T get() throws Exception {
            Throwable t = failure;
            if (t == null) {
                return value;
            }
            if (t instanceof Exception e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new UndeclaredThrowableException(t);
        }
    }
}
