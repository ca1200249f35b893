package io.asynkit.loop;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ready queue against simple models: a sorted list for adds, {@link List#add(int, Object)} for inserts. */
class ReadyQueueTest {

    private static Handle entry(int id) {
        return new Handle(null, new Named(id));
    }

    private record Named(int id) implements Runnable {
        @Override
        public void run() {
        }
    }

    private static List<Integer> drain(ReadyQueue q) {
        List<Integer> ids = new ArrayList<>();
        for (ReadyEntry e; (e = q.poll()) != null; ) {
            ids.add(idOf(e));
        }
        return ids;
    }

    private static int idOf(ReadyEntry e) {
        return ((Named) ((Handle) e).action()).id();
    }

    @Test
    void equalPrioritiesRunFirstInFirstOut() {
        ReadyQueue q = new ReadyQueue(true);
        for (int i = 0; i < 100; i++) {
            q.add(entry(i), 0.0);
        }
        assertThat(drain(q)).isEqualTo(java.util.stream.IntStream.range(0, 100).boxed().toList());
    }

    @Test
    void lowerPriorityRunsFirstAndFifoBreaksTies() {
        ReadyQueue q = new ReadyQueue(true);
        q.add(entry(1), 10);
        q.add(entry(2), -10);
        q.add(entry(3), 0);
        q.add(entry(4), -10);
        q.add(entry(5), 10);
        assertThat(drain(q)).containsExactly(2, 4, 3, 1, 5);
    }

    @Test
    void fifoQueueIgnoresPriorities() {
        ReadyQueue q = new ReadyQueue(false);
        q.add(entry(1), 10);
        q.add(entry(2), -10);
        q.add(entry(3), 0);
        assertThat(drain(q)).containsExactly(1, 2, 3);
    }

    @Test
    void randomOperationsMatchTheModel() {
        Random random = new Random(42);
        for (boolean prioritized : new boolean[] {true, false}) {
            ReadyQueue q = new ReadyQueue(prioritized);
            // model: list in pop order; priority adds go after the positional prefix, sorted among the rest
            List<int[]> model = new ArrayList<>(); // {id, positional(0/1), priority, seq}
            int nextId = 0;
            int seq = 0;
            for (int step = 0; step < 20_000; step++) {
                int op = random.nextInt(10);
                if (op < 5) {
                    int priority = prioritized ? random.nextInt(5) - 2 : 0;
                    int id = nextId++;
                    q.add(entry(id), priority);
                    model.add(new int[] {id, 0, priority, seq++});
                    sortTail(model);
                } else if (op < 7) {
                    int position = random.nextInt(model.size() + 1);
                    int id = nextId++;
                    q.insert(position, entry(id));
                    for (int i = 0; i < position; i++) {
                        model.get(i)[1] = 1; // promoted ahead of the insert: positional from now on
                    }
                    model.add(position, new int[] {id, 1, 0, seq++});
                } else if (!model.isEmpty()) {
                    ReadyEntry polled = q.poll();
                    assertThat(idOf(polled)).isEqualTo(model.remove(0)[0]);
                }
                assertThat(q.size()).isEqualTo(model.size());
            }
            assertThat(drain(q)).isEqualTo(model.stream().map(m -> m[0]).toList());
        }
    }

    private static void sortTail(List<int[]> model) {
        int firstRegular = 0;
        while (firstRegular < model.size() && model.get(firstRegular)[1] == 1) {
            firstRegular++;
        }
        model.subList(firstRegular, model.size())
                .sort(Comparator.<int[]>comparingInt(m -> m[2]).thenComparingInt(m -> m[3]));
    }

    @Test
    void insertBehavesLikeListAdd() {
        ReadyQueue q = new ReadyQueue(true);
        List<Integer> model = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            q.add(entry(i), 0);
            model.add(i);
        }
        q.insert(2, entry(100));
        model.add(2, 100);
        q.insert(0, entry(101));
        model.add(0, 101);
        q.insert(7, entry(102));
        model.add(7, 102);
        q.insert(3, entry(103));
        model.add(3, 103);
        assertThat(drain(q)).isEqualTo(model);
    }

    @Test
    void manyDistinctPrioritiesOverTimeDoNotAccumulateLevels() {
        ReadyQueue q = new ReadyQueue(true);
        for (int i = 0; i < 10_000; i++) {
            q.add(entry(i), i * 0.5);
            q.add(entry(-i), -1);
            assertThat(idOf(q.poll())).isEqualTo(-i);
            assertThat(idOf(q.poll())).isEqualTo(i);
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void insertOutsideTheQueueIsRejected() {
        ReadyQueue q = new ReadyQueue(true);
        q.add(entry(1), 0);
        assertThatThrownBy(() -> q.insert(2, entry(2)))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("position 2").hasMessageContaining("valid: 0..1");
        assertThatThrownBy(() -> q.insert(-1, entry(2))).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void removeAndReprioritizeKeepTheHeapOrdered() {
        Random random = new Random(7);
        ReadyQueue q = new ReadyQueue(true);
        List<Handle> entries = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Handle h = entry(i);
            entries.add(h);
            q.add(h, random.nextInt(20));
        }
        for (int i = 0; i < 200; i++) {
            Handle h = entries.get(random.nextInt(entries.size()));
            if (random.nextBoolean()) {
                assertThat(q.remove(h)).isTrue();
                assertThat(q.remove(h)).isFalse();
                entries.remove(h);
            } else {
                q.reprioritize(h, random.nextInt(20));
            }
        }
        List<ReadyEntry> expected = q.inRunOrder();
        for (int i = 1; i < expected.size(); i++) {
            ReadyEntry a = expected.get(i - 1);
            ReadyEntry b = expected.get(i);
            double ka = ReadyQueue.keyOf(a);
            double kb = ReadyQueue.keyOf(b);
            assertThat(ka < kb || (ka == kb && a.sequence < b.sequence)).as("entry %d before %d", i - 1, i).isTrue();
        }
        List<ReadyEntry> actual = new ArrayList<>();
        for (ReadyEntry e; (e = q.poll()) != null; ) {
            actual.add(e);
        }
        assertThat(actual).containsExactlyElementsOf(expected).hasSize(entries.size());
    }

    @Test
    void aStarvingLevelIsBoostedOnceItsHeadWasOvertakenBoostAfterTimes() {
        ReadyQueue q = new ReadyQueue(true, 2);
        q.add(entry(1), 0);   // NORMAL
        q.add(entry(2), 10);  // LOW
        List<Integer> order = new ArrayList<>();
        List<Boolean> boosted = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            q.add(entry(100 + i), -10); // an endless stream of HIGH work
            order.add(idOf(q.poll()));
            boosted.add(q.lastPollBoosted());
        }
        // Both are overtaken twice; the worse one, LOW, goes first (it overtakes nothing), then NORMAL.
        assertThat(order).containsExactly(100, 101, 2, 1, 102, 103);
        assertThat(boosted).containsExactly(false, false, true, true, false, false);
        assertThat(q.boosts()).isEqualTo(2);
    }

    /**
     * The bound, against a model: counted from when a priority level last had a dispatch (or became
     * non-empty), a level with entries is never passed over by more than boostAfter dispatches of
     * better levels. So each level gets a turn in every boostAfter + 1 dispatches and nothing starves.
     */
    @Test
    void noLevelIsOvertakenMoreThanBoostAfterTimesBetweenItsTurns() {
        Random random = new Random(7);
        int boostAfter = 5;
        ReadyQueue q = new ReadyQueue(true, boostAfter);
        java.util.Map<Integer, Double> keys = new java.util.HashMap<>();
        java.util.TreeMap<Double, Integer> queued = new java.util.TreeMap<>();     // entries per key
        java.util.Map<Double, Integer> sinceTurn = new java.util.HashMap<>();      // overtakes per level
        int next = 0;
        for (int step = 0; step < 20_000; step++) {
            if (random.nextInt(3) > 0 || q.isEmpty()) {
                double key = random.nextInt(4) * 5.0;
                keys.put(next, key);
                if (queued.merge(key, 1, Integer::sum) == 1) {
                    sinceTurn.put(key, 0);
                }
                q.add(entry(next++), key);
            } else {
                double key = keys.remove(idOf(q.poll()));
                queued.merge(key, -1, Integer::sum);
                queued.remove(key, 0);
                sinceTurn.put(key, 0);
                for (double worse : queued.tailMap(key, false).keySet()) {
                    sinceTurn.merge(worse, 1, Integer::sum);
                }
            }
            for (double key : queued.keySet()) {
                assertThat(sinceTurn.get(key)).as("overtakes of level %s at step %d", key, step)
                        .isLessThanOrEqualTo(boostAfter);
            }
        }
        assertThat(q.boosts()).isPositive();
    }

    @Test
    void boostAfterMustBePositive() {
        assertThatThrownBy(() -> new ReadyQueue(true, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyDistinctPrioritiesOverTimeKeepTheOrderWhileEmptyLevelsArePruned() {
        ReadyQueue q = new ReadyQueue(true);
        Random random = new Random(11);
        for (int round = 0; round < 20; round++) {
            List<double[]> added = new ArrayList<>(); // {key, id}
            for (int i = 0; i < 50; i++) {
                double key = random.nextInt(1000) / 10.0 - 50; // far more than 32 distinct keys
                int id = round * 100 + i;
                added.add(new double[] {key, id});
                q.add(entry(id), key);
            }
            added.sort(Comparator.comparingDouble(a -> a[0])); // stable: FIFO among equal keys
            assertThat(drain(q)).isEqualTo(added.stream().map(a -> (int) a[1]).toList());
            assertThat(q.size()).isZero();
        }
    }
}
