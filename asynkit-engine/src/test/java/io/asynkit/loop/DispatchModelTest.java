package io.asynkit.loop;

import io.asynkit.testing.Seeds;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The N-carrier contract (see {@link Loop}'s "Run order"), checked on a two-carrier loop driven
 * deterministically: the carriers take their turns one at a time, in an order drawn from a seed
 * ({@link SeededTurns}), and a seeded workload (tasks of random priorities that spawn, yield, reinsert
 * themselves, change priorities and join) runs on them. At every dispatch the test checks that the entry
 * begun was at least as good as every entry its carrier could see: its own queue's head, the injection
 * queue's head, and every other carrier's best stealable entry (boosts, which pass better entries over on
 * purpose, aside). Because turns are serialised, "could see" is exact: nothing changes between the choice
 * and the check.
 *
 * <p>The same seed must give the same run, dispatch by dispatch: that shows the test is deterministic, so a
 * failure it reports can be replayed from its seed ({@code -Dasynkit.seed=...}, see {@link Seeds}).
 */
@Timeout(120)
class DispatchModelTest {

    private static final int ROOTS = 4;

    static LongStream seeds() {
        return Seeds.fixedAndOneRandom();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void noDispatchStartsAnEntryWhileAStrictlyBetterOneIsVisible(long seed) throws Exception {
        Run run = runOnce(seed);
        assertThat(run.violations).as("seed %d: dispatches that passed over a strictly better visible entry", seed)
                .isEmpty();
        assertThat(run.trace).as("seed %d: a run has dispatches on both carriers", seed)
                .anyMatch(d -> d.startsWith("0:")).anyMatch(d -> d.startsWith("1:"));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theSameSeedGivesTheSameRun(long seed) throws Exception {
        Run first = runOnce(seed);
        Run second = runOnce(seed);
        assertThat(second.trace).as("seed %d run twice", seed).isEqualTo(first.trace);
        assertThat(first.trace.size()).isGreaterThan(50);
    }

    /** What one run saw: every dispatch ("carrier:entry:key:from") and every violation of the contract. */
    private record Run(List<String> trace, List<String> violations) {
    }

    private static Run runOnce(long seed) throws Exception {
        SeededTurns turns = new SeededTurns(seed, 2);
        try (Loop loop = Loop.builder().name("model").carriers(2).turnGate(turns).build()) {
            Scheduler scheduler = (Scheduler) loop.engine();
            turns.scheduler = scheduler;
            List<Task<Integer>> roots = new ArrayList<>();
            for (int r = 0; r < ROOTS; r++) {
                Random random = new Random(seed * 31 + r);
                String name = "root" + r;
                roots.add(loop.newTask().name(name).priority(random.nextInt(7) - 3)
                        .start(() -> work(name, random, 3)));
            }
            turns.open();
            for (Task<Integer> root : roots) {
                root.get(60, TimeUnit.SECONDS);
            }
            turns.release();
        }
        return new Run(turns.trace, turns.violations);
    }

    /** A task's seeded work: spawns children (to {@code depth}), yields, reinserts itself, joins. */
    private static int work(String name, Random random, int depth) throws Exception {
        List<Task<Integer>> children = new ArrayList<>();
        int steps = 3 + random.nextInt(6);
        for (int i = 0; i < steps; i++) {
            switch (random.nextInt(6)) {
                case 0, 1 -> {
                    if (depth > 0) {
                        Random childRandom = new Random(random.nextLong());
                        String child = name + "." + children.size();
                        children.add(Loop.current().newTask().name(child).priority(random.nextInt(7) - 3)
                                .start(() -> work(child, childRandom, depth - 1)));
                    }
                }
                case 2 -> Scheduling.yieldNow();
                case 3 -> {
                    int position = random.nextInt(3);
                    try {
                        Scheduling.sleepInsert(position);
                    } catch (IndexOutOfBoundsException shorterQueue) {
                        Scheduling.yieldNow();
                    }
                }
                case 4 -> Task.current().setPriority(random.nextInt(7) - 3);
                default -> {
                    if (!children.isEmpty()) {
                        Task<Integer> child = children.get(random.nextInt(children.size()));
                        if (child.taskState() == TaskState.RUNNABLE && random.nextBoolean()) {
                            Scheduling.taskReinsert(child, 0);
                        } else {
                            child.get();
                        }
                    }
                }
            }
        }
        int sum = 1;
        for (Task<Integer> child : children) {
            sum += child.get();
        }
        return sum;
    }

    /**
     * Serialises the carriers' turns and chooses, from a seed, which carrier takes the next one: only once
     * every carrier waits at the gate, so the choice never depends on timing. A carrier that found nothing is
     * not chosen again until some turn has run an entry since (nothing else changes the queues once the gate
     * is open). Checks each dispatch against what its carrier could see.
     */
    private static final class SeededTurns implements TurnGate {
        final List<String> trace = new ArrayList<>();
        final List<String> violations = new ArrayList<>();
        volatile Scheduler scheduler;

        private final Random random;
        private final int carriers;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final List<Carrier> waiting = new ArrayList<>();
        private final Set<Carrier> foundNothing = new HashSet<>();
        private final List<Carrier> byIndex = new ArrayList<>();
        private Carrier holder;
        private boolean open;      // turns may be taken (the workload is submitted)
        private boolean released;  // the gate lets every carrier pass, as without it

        SeededTurns(long seed, int carriers) {
            this.random = new Random(seed);
            this.carriers = carriers;
        }

        void open() {
            lock.lock();
            try {
                open = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void release() {
            lock.lock();
            try {
                released = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void awaitTurn(Carrier carrier) {
            lock.lock();
            try {
                if (!byIndex.contains(carrier)) {
                    byIndex.add(carrier);
                    byIndex.sort((a, b) -> Integer.compare(a.queue.index, b.queue.index));
                }
                waiting.add(carrier);
                changed.signalAll();
                while (!released && holder != carrier) {
                    if (holder == null && open && waiting.size() == carriers) {
                        List<Carrier> eligible = new ArrayList<>();
                        for (Carrier c : byIndex) {
                            if (waiting.contains(c) && !foundNothing.contains(c)) {
                                eligible.add(c);
                            }
                        }
                        if (!eligible.isEmpty()) {
                            holder = eligible.get(random.nextInt(eligible.size()));
                            waiting.remove(holder);
                            changed.signalAll();
                            continue;
                        }
                    }
                    changed.awaitUninterruptibly();
                }
                waiting.remove(carrier);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean turnEnded(Carrier carrier, boolean ran) {
            lock.lock();
            try {
                if (holder == carrier) {
                    holder = null;
                }
                if (ran) {
                    foundNothing.clear();
                } else {
                    foundNothing.add(carrier);
                }
                changed.signalAll();
                return !released;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void beginning(Carrier carrier, RunQueue from, ReadyEntry entry) {
            if (released) {
                return;
            }
            double key = from.lastPolledKey;
            String name = entry instanceof Task<?> t ? t.name() : "callback";
            trace.add(carrier.queue.index + ":" + name + ":" + key + ":" + from.index);
            if (from.ready.lastPollBoosted()) {
                return; // a boost passes better entries over on purpose
            }
            RunQueue injection = scheduler.injection;
            if (from != injection && !injection.inbox.isEmpty()) {
                violations.add(name + " taken from queue " + from.index + " while pushes waited in the injection inbox");
            }
            for (RunQueue q : scheduler.queues) {
                boolean full = q == carrier.queue || q == injection; // a carrier sees all of these; of others, the stealable part
                double visible = q == from ? (full ? from.ready.headKey() : from.ready.stealableKey())
                        : full ? q.headKey() : q.stealableKey();
                if (visible < key) {
                    violations.add("carrier " + carrier.queue.index + " began " + name + " (key " + key + ", from queue "
                            + from.index + ") while queue " + q.index + " showed key " + visible);
                }
            }
        }
    }
}
