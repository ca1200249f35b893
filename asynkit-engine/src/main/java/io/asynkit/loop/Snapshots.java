package io.asynkit.loop;

import io.asynkit.priority.PriorityBand;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a snapshot reads ({@link Scheduler#snapshot}): every queue is locked and drained, so the registry
 * stripes list exactly the live tasks and the counters add up.
 */
final class Snapshots {

    private Snapshots() {
    }

    static List<Task<?>> liveTasks(RunQueue[] queues, Predicate<Task<?>> filter) {
        List<Task<?>> result = new ArrayList<>(liveCount(queues));
        for (RunQueue q : queues) {
            for (Task<?> t = q.liveHead; t != null; t = t.nextLive) {
                if (filter.test(t)) {
                    result.add(t);
                }
            }
        }
        return result;
    }

    static int liveCount(RunQueue[] queues) {
        int live = 0;
        for (RunQueue q : queues) {
            live += q.liveCount;
        }
        return live;
    }

    static boolean inboxesEmpty(RunQueue[] queues) {
        for (RunQueue q : queues) {
            if (!q.inbox.isEmpty() || !q.departures.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    static int queueLength(RunQueue[] queues) {
        int length = 0;
        for (RunQueue q : queues) {
            length += q.ready.size();
        }
        return length;
    }

    /**
     * The runnable tasks in the order they would run: with one queue, exactly its order; with several, every
     * queue's positional front (queue by queue), then the level entries of all queues by priority (a queue's
     * own order among equal keys, lower queues first); then runnable tasks no queue holds (posted to a lane).
     */
    static List<Task<?>> runnableTasks(RunQueue[] queues) {
        List<Task<?>> result = new ArrayList<>();
        record Queued(double key, int queue, int rank, Task<?> task) {
        }
        List<Queued> levels = new ArrayList<>();
        for (RunQueue q : queues) {
            int rank = 0;
            for (ReadyEntry e : q.ready.inRunOrder()) {
                if (e instanceof Task<?> t) {
                    double key = ReadyQueue.keyOf(e);
                    if (Double.isNaN(key) || queues.length == 1) {
                        result.add(t); // the front of its queue (or the only queue, already in order)
                    } else {
                        levels.add(new Queued(key, q.index, rank, t));
                    }
                }
                rank++;
            }
        }
        levels.sort(Comparator.comparingDouble(Queued::key).thenComparingInt(Queued::queue).thenComparingInt(Queued::rank));
        for (Queued q : levels) {
            result.add(q.task());
        }
        for (RunQueue q : queues) {
            for (Task<?> t = q.liveHead; t != null; t = t.nextLive) {
                if (t.queuedIn == null && Task.stateOf(t.sched()) == Task.RUNNABLE) {
                    result.add(t); // posted to a lane
                }
            }
        }
        return result;
    }

    static LoopStatistics statistics(LoopConfig config, RunQueue[] queues, Watchdog watchdog) {
        Lender lender = watchdog.lender();
        int runnable = 0;
        int running = 0;
        int blocked = 0;
        long started = 0;
        long completed = 0;
        long adopted = 0;
        long dispatches = 0;
        long callbacks = 0;
        long boosts = 0;
        int bandCount = PriorityBand.values().length;
        long[] bandDispatches = new long[bandCount];
        long[] bandBoosts = new long[bandCount];
        long[] bandWait = new long[bandCount];
        long[] bandMaxWait = new long[bandCount];
        for (RunQueue q : queues) {
            runnable += q.states[Task.RUNNABLE];
            running += q.states[Task.RUNNING];
            blocked += q.states[Task.BLOCKED];
            started += q.started;
            completed += q.completed;
            adopted += q.adopted;
            dispatches += q.dispatches;
            callbacks += q.callbacksRun;
            boosts += q.ready.boosts();
            for (int b = 0; b < bandCount; b++) {
                bandDispatches[b] += q.bandDispatches[b];
                bandBoosts[b] += q.bandBoosts[b];
                bandWait[b] += q.bandWaitNanos[b];
                bandMaxWait[b] = Math.max(bandMaxWait[b], q.bandMaxWaitNanos[b]);
            }
        }
        List<BandStatistics> bands = new ArrayList<>(bandCount);
        long longestWait = 0;
        for (PriorityBand band : PriorityBand.values()) {
            int b = band.ordinal();
            bands.add(new BandStatistics(band, bandDispatches[b], bandBoosts[b], bandWait[b], bandMaxWait[b]));
            longestWait = Math.max(longestWait, bandMaxWait[b]);
        }
        return new LoopStatistics(config.name(), config.policy(), true, config.carriers(), watchdog.sparesAlive(),
                queueLength(queues), runnable, running, blocked, started, completed, adopted, dispatches, callbacks,
                watchdog.compensations(), config.boostAfter(), boosts, longestWait, bands, watchdog.carrierFailures(),
                lender == null ? 0 : lender.onLoan(), lender == null ? 0 : lender.loans(),
                lender == null ? 0 : lender.loanNanos());
    }
}
