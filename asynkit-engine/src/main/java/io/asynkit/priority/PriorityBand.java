package io.asynkit.priority;

/**
 * Coarse bands of priorities, for statistics and meters: every priority falls in exactly one.
 *
 * <pre>{@code
 * PriorityBand band = PriorityBand.of(task.effectivePriority());
 * }</pre>
 */
public enum PriorityBand {

    /** Better than {@link Priority#NORMAL}: any priority below 0. */
    HIGH,

    /** Exactly {@link Priority#NORMAL} (0). */
    NORMAL,

    /** Worse than {@link Priority#NORMAL}: any priority above 0. */
    LOW;

    /** The band of a priority (a finite value; NaN counts as {@link #NORMAL}). */
    public static PriorityBand of(double priority) {
        if (priority < Priority.NORMAL) {
            return HIGH;
        }
        return priority > Priority.NORMAL ? LOW : NORMAL;
    }
}
