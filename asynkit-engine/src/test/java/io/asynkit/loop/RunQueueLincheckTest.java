package io.asynkit.loop;

import io.asynkit.testing.LincheckRounds;
import io.asynkit.testing.Stress;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Lincheck checks a carrier's {@link RunQueue} as carriers and pushers use it: the owner's push, positional
 * insert and poll, a thief's steal (one level entry, never the positional front), removal and
 * reprioritisation, each under the queue's lock, and the keys and size the queue publishes for other
 * carriers, read without the lock. Every execution must be linearizable as {@link Spec}, a list model of
 * the ready queue's order (the positional front, then levels by key, first-in first-out among equals). The
 * published reads are part of it: a carrier choosing between queues sees, at worst, the state left by the
 * latest release of the lock, never a torn or older one.
 *
 * <p>Four entries (callbacks that never run), keys -1, 0 and 1, positions 0 to 2. Boosting is off here:
 * {@code ReadyQueueTest} checks it against its own model, single-threaded, which is all it is.
 */
@Timeout(180)
@Param(name = "entry", gen = IntGen.class, conf = "0:3")
@Param(name = "key", gen = IntGen.class, conf = "-1:1")
@Param(name = "position", gen = IntGen.class, conf = "0:2")
public class RunQueueLincheckTest {

    private static final int ENTRIES = 4;

    private final RunQueue queue = new RunQueue(0, true, 0);
    private final Handle[] entries = new Handle[ENTRIES];

    public RunQueueLincheckTest() {
        for (int i = 0; i < ENTRIES; i++) {
            entries[i] = new Handle(null, () -> { });
        }
    }

    /** A push by a carrier: queued by priority unless already queued. */
    @Operation
    public boolean push(@Param(name = "entry") int entry, @Param(name = "key") int key) {
        queue.lock();
        try {
            if (entries[entry].queuedIn != null) {
                return false;
            }
            queue.add(entries[entry], key);
            return true;
        } finally {
            queue.unlock();
        }
    }

    /** A positional insert (taskReinsert, a resume at the head): {@code position} entries run before it. */
    @Operation
    public boolean insert(@Param(name = "entry") int entry, @Param(name = "position") int position) {
        queue.lock();
        try {
            if (entries[entry].queuedIn != null) {
                return false;
            }
            queue.insert(position, entries[entry]);
            return true;
        } finally {
            queue.unlock();
        }
    }

    /** The owner takes its head: the index of the entry, or -1. */
    @Operation
    public int poll() {
        queue.lock();
        try {
            return indexOf(queue.poll());
        } finally {
            queue.unlock();
        }
    }

    /** Another carrier steals one entry: the best level entry, never the positional front; -1 if none. */
    @Operation
    public int steal() {
        if (!queue.tryLock()) {
            return stealWaiting();
        }
        try {
            return indexOf(queue.pollStealable());
        } finally {
            queue.unlock();
        }
    }

    /** A thief that found the lock taken tries again, blocking: tryLock's failure is timing, not state. */
    private int stealWaiting() {
        queue.lock();
        try {
            return indexOf(queue.pollStealable());
        } finally {
            queue.unlock();
        }
    }

    @Operation
    public boolean remove(@Param(name = "entry") int entry) {
        queue.lock();
        try {
            return queue.remove(entries[entry]);
        } finally {
            queue.unlock();
        }
    }

    @Operation
    public void reprioritize(@Param(name = "entry") int entry, @Param(name = "key") int key) {
        queue.lock();
        try {
            if (entries[entry].queuedIn == queue) {
                queue.ready.reprioritize(entries[entry], key);
            }
        } finally {
            queue.unlock();
        }
    }

    /** What another carrier reads to decide whether to steal: the best level key, without the lock. */
    @Operation
    public double publishedStealableKey() {
        return queue.stealableKey();
    }

    /** What another carrier reads to compare heads: -infinity for a positional front, without the lock. */
    @Operation
    public double publishedHeadKey() {
        return queue.headKey();
    }

    /** What an idle carrier reads to decide whether to park: entries present, without the lock. */
    @Operation
    public boolean publishedHasWork() {
        return queue.hasWork();
    }

    private int indexOf(ReadyEntry e) {
        for (int i = 0; i < ENTRIES; i++) {
            if (entries[i] == e) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void modelChecking() throws Exception {
        Stress.repeatFor(Duration.ofSeconds(10), 1, round -> LincheckRounds.round(round, () ->
                LinChecker.check(RunQueueLincheckTest.class, new ModelCheckingOptions()
                        .executionGenerator(LincheckRounds.Generator.class)
                        .iterations(1)
                        .invocationsPerIteration(200)
                        .threads(2)
                        .actorsPerThread(3)
                        .actorsBefore(3)
                        .sequentialSpecification(Spec.class))));
    }

    @Test
    void stressTesting() throws Exception {
        Stress.repeatFor(Duration.ofSeconds(6), 1, round -> LincheckRounds.round(round, () ->
                LinChecker.check(RunQueueLincheckTest.class, new StressOptions()
                        .executionGenerator(LincheckRounds.Generator.class)
                        .iterations(5)
                        .invocationsPerIteration(2_000)
                        .threads(3)
                        .actorsPerThread(3)
                        .actorsBefore(3)
                        .sequentialSpecification(Spec.class))));
    }

    /**
     * The sequential specification: the ready queue as a list. The front holds positional entries in run
     * order; the levels hold the others with their key and insertion sequence, polled by (key, sequence). An
     * insert at position p first moves level entries to the front, best first, until p entries are ahead of
     * it, as {@code List.add(p, e)} on the queue in run order.
     */
    public static final class Spec {
        private final List<Integer> front = new ArrayList<>();
        private final List<long[]> levels = new ArrayList<>(); // {entry, key, sequence}
        private long sequence;

        public boolean push(int entry, int key) {
            if (isQueued(entry)) {
                return false;
            }
            levels.add(new long[] {entry, key, sequence++});
            return true;
        }

        public boolean insert(int entry, int position) {
            if (isQueued(entry)) {
                return false;
            }
            int p = Math.min(position, front.size() + levels.size());
            while (front.size() < p) {
                front.add((int) takeBest()[0]);
            }
            sequence++;
            front.add(p, entry);
            return true;
        }

        public int poll() {
            if (!front.isEmpty()) {
                return front.remove(0);
            }
            return steal();
        }

        public int steal() {
            long[] best = takeBest();
            return best == null ? -1 : (int) best[0];
        }

        public boolean remove(int entry) {
            if (front.remove((Integer) entry)) {
                return true;
            }
            return levels.removeIf(e -> e[0] == entry);
        }

        public void reprioritize(int entry, int key) {
            for (long[] e : levels) {
                if (e[0] == entry) {
                    e[1] = key;
                }
            }
        }

        public double publishedStealableKey() {
            long[] best = best();
            return best == null ? Double.POSITIVE_INFINITY : best[1];
        }

        public double publishedHeadKey() {
            return !front.isEmpty() ? Double.NEGATIVE_INFINITY : publishedStealableKey();
        }

        public boolean publishedHasWork() {
            return !front.isEmpty() || !levels.isEmpty();
        }

        private boolean isQueued(int entry) {
            return front.contains(entry) || levels.stream().anyMatch(e -> e[0] == entry);
        }

        private long[] best() {
            long[] best = null;
            for (long[] e : levels) {
                if (best == null || e[1] < best[1] || (e[1] == best[1] && e[2] < best[2])) {
                    best = e;
                }
            }
            return best;
        }

        private long[] takeBest() {
            long[] best = best();
            if (best != null) {
                levels.remove(best);
            }
            return best;
        }
    }
}
