package io.asynkit.priority;

/**
 * Task priorities. A priority is any finite {@code double}; <b>lower values run first</b>, as in
 * the Python library and in Unix nice levels. Tasks of equal priority run in the order they became
 * runnable (FIFO).
 *
 * <pre>{@code
 * Task<Report> report = loop.newTask().priority(Priority.LOW).start(this::buildReport);
 * Task.current().setPriority(Priority.HIGH);     // takes effect at the task's next scheduling point
 * }</pre>
 *
 * <p>This class only holds the constants and the validation every priority goes through; it is not
 * an enum because any value in between is allowed (for example {@code -5.0} for "above normal").
 */
public final class Priority {

    /** Urgent work: latency-sensitive requests. */
    public static final double HIGH = -10.0;

    /** The default for every task that does not choose otherwise. */
    public static final double NORMAL = 0.0;

    /** Background work: reports, housekeeping. */
    public static final double LOW = 10.0;

    private Priority() {
    }

    /**
     * Returns {@code priority} if it is usable as a task priority.
     *
     * @throws IllegalArgumentException if it is NaN or infinite, naming the value and the valid range
     */
    public static double check(double priority) {
        if (Double.isNaN(priority) || Double.isInfinite(priority)) {
            throw new IllegalArgumentException("priority must be a finite number (lower runs first; HIGH = -10, "
                    + "NORMAL = 0, LOW = 10), but was " + priority);
        }
        return priority;
    }

    /** A short label for a priority: {@code "HIGH"}, {@code "NORMAL"}, {@code "LOW"} or the number. */
    public static String describe(double priority) {
        if (priority == HIGH) {
            return "HIGH";
        }
        if (priority == NORMAL) {
            return "NORMAL";
        }
        if (priority == LOW) {
            return "LOW";
        }
        return Double.toString(priority);
    }
}
