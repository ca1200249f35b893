package io.asynkit.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedList;
import java.util.List;

/**
 * The ready queue of a loop: entries waiting for a carrier, in the order they will run.
 *
 * <p>Two sections, popped front first:
 * <ul>
 *   <li>the <em>front</em>: entries placed at an explicit position ({@link #insert}); kept as a plain
 *       list in pop order, since positions are small and rare;</li>
 *   <li>the <em>levels</em>: every other entry, in one first-in first-out list per distinct priority
 *       key. Lower runs first; equal keys run in insertion order. On a FIFO loop every key is 0, so there
 *       is a single level and the two policies behave identically when all priorities are equal.</li>
 * </ul>
 * A new key, the best level and a level's removal cost O(log k) for k keys with entries (a hash table of
 * levels and a heap of the occupied ones), and adding, polling and removing an entry O(1) besides:
 * programs with a handful of priorities and earliest-deadline-first programs with a key per task are
 * both served without a scan.
 *
 * <p>{@code insert(pos, e)} behaves exactly like {@link List#add(int, Object)} applied to the queue
 * as it would be popped: level entries ahead of {@code pos} are moved to the front (losing their
 * priority ordering, as in the Python library) and {@code e} follows them.
 *
 * <p><b>Boosting.</b> A level is <em>overtaken</em> by every poll that takes another level's entry while
 * it has entries; it counts the polls since its last turn (or since it got an entry). Once that count
 * reaches {@code boostAfter}, the level is <em>due</em>, and the next poll takes the head of the worst due
 * level instead of the best entry (a <em>boost</em>: the worst first, since a due level passes over only
 * better levels; those are due too and go next, before anything else). So between two turns of a level
 * with entries, at most {@code boostAfter} polls of other levels happen, and fewer of better levels: it
 * gets at least one dispatch in every {@code boostAfter + 1} however much better work keeps arriving.
 * Counting every overtaking poll, not only those of better levels, keeps the bound and lets the due
 * levels be found without visiting the others: a level's count is the number of level polls since its
 * stamp, and levels wait for their turn in stamp order. Positional (front) entries were placed
 * explicitly; they are neither counted nor boosted past.
 *
 * <p>Not thread-safe: the loop's lock guards every call.
 */
final class ReadyQueue {

    /** One priority key's entries, linked through {@link ReadyEntry#previous}/{@link ReadyEntry#next}. */
    static final class Level {
        final double key;
        ReadyEntry head;
        ReadyEntry tail;
        /** Level polls ({@link #polls}) at this level's last turn, or when it got its first entry. */
        long stamp;
        /** Neighbours in the queue of levels waiting to become due, ordered by stamp. */
        Level earlier;
        Level later;
        /** Positions in the {@link LevelHeap}s: occupied levels, due levels; -1 when absent. */
        final int[] heapIndex = {-1, -1};

        Level(double key) {
            this.key = key;
        }

        boolean isEmpty() {
            return head == null;
        }
    }

    /** {@code boostAfter} value that never boosts. */
    static final int NEVER = Integer.MAX_VALUE;

    private static final Comparator<Level> BY_KEY = Comparator.comparingDouble(l -> l.key);

    private final boolean prioritized;
    private final int boostAfter;
    private final boolean boosting;
    private final LinkedList<ReadyEntry> front = new LinkedList<>();
    private final LevelTable levels = new LevelTable();
    private final LevelHeap occupied = new LevelHeap(0, false); // the best key at the top
    private final LevelHeap due = new LevelHeap(1, true);       // due for a boost: the worst key at the top
    private Level firstWaiting;  // occupied, not due, in stamp order: the next to become due first
    private Level lastWaiting;
    private long polls;          // level polls so far: the boosting clock
    private int size;
    private long nextSequence;
    private long boosts;
    private boolean lastPollBoosted;

    ReadyQueue(boolean prioritized) {
        this(prioritized, NEVER);
    }

    /**
     * @param boostAfter how many times a level's head may be overtaken before it is boosted
     *                   ({@link #NEVER} disables boosting)
     */
    ReadyQueue(boolean prioritized, int boostAfter) {
        if (boostAfter < 1) {
            throw new IllegalArgumentException("boostAfter must be at least 1, but was " + boostAfter);
        }
        this.prioritized = prioritized;
        this.boostAfter = boostAfter;
        this.boosting = prioritized && boostAfter != NEVER;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Adds {@code e} in priority order (FIFO among equals; FIFO only on a FIFO loop). */
    void add(ReadyEntry e, double priority) {
        e.sequence = nextSequence++;
        link(levels.levelFor(prioritized ? priority : 0.0, occupied.size()), e);
        size++;
    }

    /**
     * Inserts {@code e} so that exactly {@code position} entries run before it.
     *
     * @throws IndexOutOfBoundsException if {@code position} is negative or greater than {@link #size()}
     */
    void insert(int position, ReadyEntry e) {
        if (position < 0 || position > size) {
            throw new IndexOutOfBoundsException("position " + position + " is outside the ready queue of length "
                    + size + " (valid: 0.." + size + ")");
        }
        while (front.size() < position) {
            ReadyEntry promoted = occupied.peek().head; // taken without counting: not a dispatch
            unlink(promoted);
            promoted.inFront = true;
            front.addLast(promoted);
        }
        e.inFront = true;
        e.sequence = nextSequence++;
        front.add(position, e);
        size++;
    }

    /** Removes and returns the next entry to run, or {@code null} when empty. */
    ReadyEntry poll() {
        lastPollBoosted = false;
        if (size == 0) {
            return null;
        }
        size--;
        if (!front.isEmpty()) {
            ReadyEntry e = front.removeFirst();
            e.inFront = false;
            return e;
        }
        return pollLevels();
    }

    /**
     * Removes and returns the next level entry, skipping the positional front, or {@code null} when the
     * levels are empty: what another carrier may take (front entries were placed for this queue).
     */
    ReadyEntry pollLevelsOnly() {
        lastPollBoosted = false;
        if (occupied.size() == 0) {
            return null;
        }
        size--;
        return pollLevels();
    }

    /** The best priority key among the levels, or +infinity when they are empty. */
    double stealableKey() {
        Level best = occupied.peek();
        return best == null ? Double.POSITIVE_INFINITY : best.key;
    }

    /**
     * The oldest entry of the best level, without taking it, or {@code null} when the levels are empty:
     * what a carrier on loan ({@link Lender}) would take, with {@link #remove}, which boosts nobody.
     */
    ReadyEntry bestLevelHead() {
        Level best = occupied.peek();
        return best == null ? null : best.head;
    }

    /** The number of entries in the positional front. */
    int frontSize() {
        return front.size();
    }

    /** The key of the entry {@link #poll()} would take (boosts aside): -infinity for the front, +infinity when empty. */
    double headKey() {
        return !front.isEmpty() ? Double.NEGATIVE_INFINITY : stealableKey();
    }

    /** True if the latest {@link #poll()} returned a boosted entry rather than the best one. */
    boolean lastPollBoosted() {
        return lastPollBoosted;
    }

    /** Boosts since the queue was made. */
    long boosts() {
        return boosts;
    }

    /** The best level's head, unless a level is due for a boost: then the worst due level's head. */
    private ReadyEntry pollLevels() {
        Level chosen = occupied.peek();
        if (boosting) {
            long dueStamp = polls - boostAfter;
            while (firstWaiting != null && firstWaiting.stamp <= dueStamp) {
                Level nowDue = firstWaiting;
                unlinkWaiting(nowDue);
                due.add(nowDue);
            }
            Level worstDue = due.peek();
            if (worstDue != null && worstDue != chosen) {
                chosen = worstDue;
                lastPollBoosted = true;
                boosts++;
            }
        }
        ReadyEntry e = chosen.head;
        unlink(e);
        polls++;
        if (boosting && !chosen.isEmpty()) { // its turn: its count starts again
            due.remove(chosen);
            unlinkWaiting(chosen);
            chosen.stamp = polls;
            appendWaiting(chosen);
        }
        return e;
    }

    /** Removes {@code e} if queued; returns whether it was. */
    boolean remove(ReadyEntry e) {
        if (e.inFront) {
            front.remove(e);
            e.inFront = false;
        } else if (e.level != null) {
            unlink(e);
        } else {
            return false;
        }
        size--;
        return true;
    }

    /**
     * Gives a queued entry a new priority, keeping its insertion sequence, so its FIFO rank among the
     * entries of its new priority is that of its original insertion. Positional entries keep their place.
     */
    void reprioritize(ReadyEntry e, double priority) {
        if (!prioritized || e.level == null || e.level.key == priority) {
            return;
        }
        unlink(e);
        Level level = levels.levelFor(priority, occupied.size());
        if (level.isEmpty()) {
            link(level, e);
            return;
        }
        ReadyEntry after = level.tail; // the new place: after the last entry with a smaller sequence
        while (after != null && after.sequence > e.sequence) {
            after = after.previous;
        }
        e.level = level;
        e.previous = after;
        e.next = after == null ? level.head : after.next;
        if (e.next != null) {
            e.next.previous = e;
        } else {
            level.tail = e;
        }
        if (after != null) {
            after.next = e;
        } else {
            level.head = e;
        }
    }

    /** The entries in the order they would be popped (boosts aside). For introspection. */
    List<ReadyEntry> inRunOrder() {
        List<ReadyEntry> result = new ArrayList<>(size);
        result.addAll(front);
        Level[] byKey = occupied.toArray();
        Arrays.sort(byKey, BY_KEY);
        for (Level level : byKey) {
            for (ReadyEntry e = level.head; e != null; e = e.next) {
                result.add(e);
            }
        }
        return result;
    }

    /** The priority key of a queued level entry (for tests and statistics). */
    static double keyOf(ReadyEntry e) {
        return e.level != null ? e.level.key : Double.NaN;
    }

    /** Appends {@code e} to {@code level}; a level that gets its first entry joins the occupied ones. */
    private void link(Level level, ReadyEntry e) {
        if (level.isEmpty()) {
            occupied.add(level);
            if (boosting) {
                level.stamp = polls;
                appendWaiting(level);
            }
        }
        e.level = level;
        e.next = null;
        e.previous = level.tail;
        if (level.tail != null) {
            level.tail.next = e;
        } else {
            level.head = e;
        }
        level.tail = e;
    }

    /** Takes {@code e} out of its level; a level left empty leaves the occupied (and due, waiting) ones. */
    private void unlink(ReadyEntry e) {
        Level level = e.level;
        if (e.previous != null) {
            e.previous.next = e.next;
        } else {
            level.head = e.next;
        }
        if (e.next != null) {
            e.next.previous = e.previous;
        } else {
            level.tail = e.previous;
        }
        if (level.isEmpty()) {
            occupied.remove(level);
            if (boosting) {
                due.remove(level);
                unlinkWaiting(level);
            }
        }
        e.previous = null;
        e.next = null;
        e.level = null;
    }

    private void appendWaiting(Level level) {
        level.earlier = lastWaiting;
        level.later = null;
        if (lastWaiting != null) {
            lastWaiting.later = level;
        } else {
            firstWaiting = level;
        }
        lastWaiting = level;
    }

    /** Takes a level out of the waiting queue if it is in it (it may be due instead). */
    private void unlinkWaiting(Level level) {
        if (level.earlier == null && firstWaiting != level) {
            return; // not waiting
        }
        if (level.earlier != null) {
            level.earlier.later = level.later;
        } else {
            firstWaiting = level.later;
        }
        if (level.later != null) {
            level.later.earlier = level.earlier;
        } else {
            lastWaiting = level.earlier;
        }
        level.earlier = null;
        level.later = null;
    }

    /**
     * Every level made so far, by key: an open-addressing hash table on the key's bits (no boxing), so
     * that finding a key's level costs O(1). Empty levels are kept for reuse and dropped in bulk once they
     * far outnumber the occupied ones.
     */
    private static final class LevelTable {
        private Level[] slots = new Level[16];
        private int count;

        Level levelFor(double key, int occupiedLevels) {
            key = key == 0.0 ? 0.0 : key; // -0.0 and 0.0 are one priority
            int mask = slots.length - 1;
            for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
                Level level = slots[i];
                if (level == null) {
                    break;
                }
                if (level.key == key) {
                    return level;
                }
            }
            if (count >= 64 && count > 4 * occupiedLevels) {
                dropEmptyLevels(); // many distinct keys seen over time: forget the empty ones
            } else if (2 * (count + 1) > slots.length) {
                rehash(slots.length * 2);
            }
            Level level = new Level(key);
            put(level);
            return level;
        }

        private void dropEmptyLevels() {
            Level[] old = slots;
            int kept = 0;
            for (Level level : old) {
                if (level != null && !level.isEmpty()) {
                    kept++;
                }
            }
            slots = new Level[Math.max(16, Integer.highestOneBit(Math.max(1, 4 * (kept + 1)) - 1) << 1)];
            count = 0;
            for (Level level : old) {
                if (level != null && !level.isEmpty()) {
                    put(level);
                }
            }
        }

        private void rehash(int capacity) {
            Level[] old = slots;
            slots = new Level[capacity];
            count = 0;
            for (Level level : old) {
                if (level != null) {
                    put(level);
                }
            }
        }

        private void put(Level level) {
            int mask = slots.length - 1;
            int i = hash(level.key) & mask;
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = level;
            count++;
        }

        private static int hash(double key) {
            long bits = Double.doubleToLongBits(key);
            int h = (int) (bits ^ (bits >>> 32));
            return h ^ (h >>> 16);
        }
    }

    /**
     * A binary heap of levels by key (the smallest or the largest at the top) that knows each level's
     * position, so that a level leaves it in O(log n) wherever it is.
     */
    private static final class LevelHeap {
        private final int slot;       // which of Level.heapIndex this heap uses
        private final boolean largestFirst;
        private Level[] heap = new Level[8];
        private int size;

        LevelHeap(int slot, boolean largestFirst) {
            this.slot = slot;
            this.largestFirst = largestFirst;
        }

        int size() {
            return size;
        }

        Level peek() {
            return size == 0 ? null : heap[0];
        }

        Level[] toArray() {
            return Arrays.copyOf(heap, size);
        }

        void add(Level level) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            siftUp(size++, level);
        }

        /** Removes {@code level} if it is in this heap. */
        void remove(Level level) {
            int i = level.heapIndex[slot];
            if (i < 0) {
                return;
            }
            level.heapIndex[slot] = -1;
            Level last = heap[--size];
            heap[size] = null;
            if (i < size) {
                siftDown(i, last);
                if (heap[i] == last) {
                    siftUp(i, last);
                }
            }
        }

        private boolean before(Level a, Level b) {
            return largestFirst ? a.key > b.key : a.key < b.key;
        }

        private void siftUp(int i, Level level) {
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                Level p = heap[parent];
                if (!before(level, p)) {
                    break;
                }
                place(i, p);
                i = parent;
            }
            place(i, level);
        }

        private void siftDown(int i, Level level) {
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                int right = child + 1;
                if (right < size && before(heap[right], heap[child])) {
                    child = right;
                }
                if (!before(heap[child], level)) {
                    break;
                }
                place(i, heap[child]);
                i = child;
            }
            place(i, level);
        }

        private void place(int i, Level level) {
            heap[i] = level;
            level.heapIndex[slot] = i;
        }
    }
}
