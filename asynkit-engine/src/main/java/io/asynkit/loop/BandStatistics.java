package io.asynkit.loop;

import io.asynkit.priority.PriorityBand;

/**
 * How the tasks of one {@link PriorityBand} fared in a loop's ready queue since the loop was built:
 * a part of {@link LoopStatistics}. The band is that of the task's effective priority when it was
 * dispatched. A wait is the time from becoming runnable to being mounted on a carrier.
 *
 * @param band           the band
 * @param dispatches     task dispatches in this band
 * @param boosts         dispatches that were boosts: the task ran ahead of better work to avoid starvation
 * @param totalWaitNanos the sum of the waits, in nanoseconds
 * @param maxWaitNanos   the longest single wait, in nanoseconds
 */
public record BandStatistics(PriorityBand band, long dispatches, long boosts, long totalWaitNanos, long maxWaitNanos) {

    /** The mean wait in nanoseconds, or 0 without dispatches. */
    public double meanWaitNanos() {
        return dispatches == 0 ? 0 : (double) totalWaitNanos / dispatches;
    }
}
