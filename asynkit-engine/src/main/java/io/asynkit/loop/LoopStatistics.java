package io.asynkit.loop;

import io.asynkit.priority.PriorityBand;

import java.util.List;

/**
 * A consistent snapshot of a loop's counters, taken with every run queue locked: the counts add up
 * ({@code tasksStarted == tasksCompleted + runnable + running + blocked}) and agree with the task lists
 * of the same moment.
 *
 * <p>A task's future completes inside its thread, as its body returns, and the loop counts the task
 * completed when its thread has ended, a moment later. Read right after {@code task.get()} returned, the
 * statistics may still show it {@code running}: that is exact (its thread is still on a carrier), not a
 * lag in the counters. To see a loop settle, wait for {@code liveTasks()} to reach 0, or close it.
 *
 * @param name             the loop's name
 * @param policy           how the ready queue is ordered
 * @param hookAvailable    false for a degraded loop (see {@link MissingHookPolicy#DEGRADE})
 * @param carriers         configured carrier threads
 * @param spareCarriers    extra carriers currently alive to compensate for pinned tasks
 * @param queueLength      entries in the ready queue (tasks and callbacks)
 * @param runnable         tasks in the ready queue
 * @param running          tasks held by a carrier (or a spare, or an inline caller): never more than those threads
 * @param blocked          tasks parked outside the queue
 * @param tasksStarted     tasks started since the loop was built (adopted threads included)
 * @param tasksCompleted   tasks whose thread has ended
 * @param adoptedThreads   virtual threads started by other code from inside tasks and adopted
 * @param dispatches       times a carrier mounted a task or ran a callback
 * @param callbacksRun     callbacks run
 * @param compensations    spare carriers started because a task held its carrier while parked
 * @param boostAfter       how often a priority level's head may be overtaken before it is boosted
 *                         (0 when boosting is off or the loop is FIFO)
 * @param boosts           dispatches that were boosts (the sum over the bands)
 * @param longestWaitNanos the longest time any task waited in the ready queue, in nanoseconds
 * @param bands            task dispatches and queue waits by band of effective priority, in
 *                         {@link PriorityBand} order
 * @param carrierFailures  carriers that ended by an internal error of the loop (logged at ERROR) and were
 *                         replaced; 0 in a healthy loop
 * @param carriersOnLoan   extra carriers a {@link LatencyGuard} has on loan now
 * @param carrierLoans     carriers a {@link LatencyGuard} has lent since the loop was built; 0 without a guard
 * @param carrierLoanNanos the time the loans that ended were out, in nanoseconds
 */
public record LoopStatistics(
        String name,
        SchedulingPolicy policy,
        boolean hookAvailable,
        int carriers,
        int spareCarriers,
        int queueLength,
        int runnable,
        int running,
        int blocked,
        long tasksStarted,
        long tasksCompleted,
        long adoptedThreads,
        long dispatches,
        long callbacksRun,
        long compensations,
        int boostAfter,
        long boosts,
        long longestWaitNanos,
        List<BandStatistics> bands,
        long carrierFailures,
        int carriersOnLoan,
        long carrierLoans,
        long carrierLoanNanos) {

    public LoopStatistics {
        bands = List.copyOf(bands);
    }

    /** The statistics of one band. */
    public BandStatistics band(PriorityBand band) {
        return bands.get(band.ordinal());
    }

    /** Tasks alive now: {@code runnable + running + blocked}. */
    public int liveTasks() {
        return runnable + running + blocked;
    }
}
