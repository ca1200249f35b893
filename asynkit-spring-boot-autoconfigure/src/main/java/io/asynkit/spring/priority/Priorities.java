package io.asynkit.spring.priority;

import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;
import org.springframework.core.annotation.AnnotatedElementUtils;

import java.lang.reflect.Method;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * Reads {@link Priority} (the method's wins over its class's) and runs code at a priority.
 */
public final class Priorities {

    private Priorities() {
    }

    /**
     * The priority declared for {@code method} of {@code targetClass}: on the method, else on the class.
     *
     * @throws IllegalArgumentException if the declared value is NaN or infinite, naming where it is
     */
    public static OptionalDouble declaredFor(Method method, Class<?> targetClass) {
        Priority annotation = AnnotatedElementUtils.findMergedAnnotation(method, Priority.class);
        Object where = method;
        if (annotation == null && targetClass != null) {
            annotation = AnnotatedElementUtils.findMergedAnnotation(targetClass, Priority.class);
            where = targetClass;
        }
        if (annotation == null) {
            return OptionalDouble.empty();
        }
        double value = annotation.value();
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("@Priority on " + where + " must be a finite number (lower runs first; "
                    + "Priority.HIGH = -10, NORMAL = 0, LOW = 10), but was " + value);
        }
        return OptionalDouble.of(value);
    }

    /**
     * Runs {@code call} with the current task's own priority set to {@code priority}, restoring it after;
     * tasks the call creates inherit it. Outside a task the call simply runs.
     */
    public static <T, E extends Throwable> T callAt(double priority, ThrowingSupplier<T, E> call) throws E {
        Objects.requireNonNull(call, "call");
        Task<?> task = Task.currentOrNull();
        if (task == null || task.priority() == priority) {
            return call.get();
        }
        double previous = enter(priority);
        try {
            return call.get();
        } finally {
            task.setPriority(previous);
        }
    }

    /**
     * Gives the current task its own priority {@code priority}. When that is worse than
     * before, the task also yields, so that work already waiting at a better priority runs first: the code
     * that follows runs at its priority from its first instruction, not only from its first park. (A LOW
     * controller would otherwise run its first slice of work at the NORMAL its request started with, ahead
     * of HIGH requests queued meanwhile at NORMAL too.) Not inside {@code awaitSync}, where a yield may
     * count as blocking.
     *
     * <pre>{@code
     * double previous = Priorities.enter(Priority.LOW);   // better work already queued runs first
     * try {
     *     buildReport();                                  // runs at LOW from its first line
     * } finally {
     *     Task.current().setPriority(previous);
     * }
     * }</pre>
     *
     * @return the task's previous own priority, to restore afterwards
     * @throws IllegalStateException    outside an asynkit task
     * @throws IllegalArgumentException if {@code priority} is NaN or infinite
     */
    public static double enter(double priority) {
        Task<?> task = Task.current();
        double previous = task.priority();
        task.setPriority(priority);
        if (priority > previous && !task.isSynchronous()) {
            Scheduling.yieldNow();
        }
        return previous;
    }

    /** A {@link Supplier} that may throw. */
    @FunctionalInterface
    public interface ThrowingSupplier<T, E extends Throwable> {
        T get() throws E;
    }
}
