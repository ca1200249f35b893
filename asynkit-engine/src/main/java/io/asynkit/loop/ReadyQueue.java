package io.asynkit.loop;

import java.util.ArrayList;
import java.util.Arrays;
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
 *       key, the levels sorted by key. Lower runs first; equal keys run in insertion order. On a FIFO
 *       loop every key is 0, so there is a single level and the two policies behave identically when
 *       all priorities are equal.</li>
 * </ul>
 * Real programs use a handful of distinct priorities, so adding and polling cost O(log k) for k
 * distinct keys plus O(1) list work, whatever the length of the queue; removing an entry is O(1).
 *
 * <p>{@code insert(pos, e)} behaves exactly like {@link List#add(int, Object)} applied to the queue
 * as it would be popped: level entries ahead of {@code pos} are moved to the front (losing their
 * priority ordering, as in the Python library) and {@code e} follows them.
 *
 * <p><b>Boosting.</b> Each level counts how often its head has been <em>overtaken</em>: passed over by
 * a poll that took an entry of a better level. Once that count reaches {@code boostAfter}, the next
 * poll takes that head instead of the best entry (a <em>boost</em>; when several levels are due, the
 * worst first, since it overtakes none of the others), and the level's count starts again for its new
 * head. So between two turns of a level with entries, at most {@code boostAfter} dispatches of better
 * levels happen: it gets at least one dispatch in every {@code boostAfter + 1} however much better
 * work keeps arriving. Positional (front) entries were placed explicitly; they are
 * neither counted nor boosted past. The scan over worse levels is O(levels with entries).
 *
 * <p>Not thread-safe: the loop's lock guards every call.
 */
final class ReadyQueue {

    /** One priority key's entries, linked through {@link ReadyEntry#previous}/{@link ReadyEntry#next}. */
    static final class Level {
        final double key;
        ReadyEntry head;
        ReadyEntry tail;
        /** Polls of better levels since this level last had its turn (0 while empty). */
        int overtaken;

        Level(double key) {
            this.key = key;
        }
    }

    /** Above this many levels, empty ones are dropped before a new one is made. */
    private static final int MAX_IDLE_LEVELS = 32;

    /** {@code boostAfter} value that never boosts. */
    static final int NEVER = Integer.MAX_VALUE;

    private final boolean prioritized;
    private final int boostAfter;
    private final LinkedList<ReadyEntry> front = new LinkedList<>();
    private Level[] levels = new Level[4]; // sorted by key; may be empty (kept, to avoid churn)
    private int levelCount;
    private int occupiedLevels; // levels with at least one entry
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
        link(levelFor(prioritized ? priority : 0.0), e);
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
            ReadyEntry promoted = pollLevels();
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
        return pollWithBoosting();
    }

    /** True if the latest {@link #poll()} returned a boosted entry rather than the best one. */
    boolean lastPollBoosted() {
        return lastPollBoosted;
    }

    /** Boosts since the queue was made. */
    long boosts() {
        return boosts;
    }

    /** The best level's head, unless a worse level's head is due for a boost; counts the overtakes. */
    private ReadyEntry pollWithBoosting() {
        int best = bestLevel();
        int chosen = best;
        int occupiedThroughChosen = 1; // occupied levels at indexes <= chosen
        if (occupiedLevels > 1 && boostAfter != NEVER) {
            // The worst due level goes first: it overtakes only levels worse than itself, none of them
            // due, so no count ever exceeds boostAfter; the better due levels follow on the next polls.
            int seen = 1;
            for (int i = best + 1; seen < occupiedLevels; i++) {
                if (levels[i].head != null) {
                    seen++;
                    if (levels[i].overtaken >= boostAfter) {
                        chosen = i;
                        occupiedThroughChosen = seen;
                    }
                }
            }
            if (chosen != best) {
                lastPollBoosted = true;
                boosts++;
            }
        }
        Level taken = levels[chosen];
        ReadyEntry e = taken.head;
        int worse = occupiedLevels - occupiedThroughChosen; // occupied levels after chosen: overtaken now
        unlink(e);
        taken.overtaken = 0; // its turn: the count starts again for its next head
        for (int i = chosen + 1; worse > 0; i++) {
            if (levels[i].head != null) {
                levels[i].overtaken++;
                worse--;
            }
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
        Level level = levelFor(priority);
        if (level.head == null) {
            occupiedLevels++;
            level.overtaken = 0;
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

    /** The entries in the order they would be popped. For introspection. */
    List<ReadyEntry> inRunOrder() {
        List<ReadyEntry> result = new ArrayList<>(size);
        result.addAll(front);
        for (int i = 0; i < levelCount; i++) {
            for (ReadyEntry e = levels[i].head; e != null; e = e.next) {
                result.add(e);
            }
        }
        return result;
    }

    /** The priority key of a queued level entry (for tests and statistics). */
    static double keyOf(ReadyEntry e) {
        return e.level != null ? e.level.key : Double.NaN;
    }

    /** The best level's head, taken without counting overtakes (a promotion to the front). */
    private ReadyEntry pollLevels() {
        ReadyEntry e = levels[bestLevel()].head;
        unlink(e);
        return e;
    }

    /** The index of the best level with an entry; callers know the levels hold one. */
    private int bestLevel() {
        int i = 0;
        while (levels[i].head == null) {
            i++;
        }
        return i;
    }

    private Level levelFor(double key) {
        int index = search(key);
        if (index >= 0) {
            return levels[index];
        }
        if (levelCount >= MAX_IDLE_LEVELS) {
            dropEmptyLevels(); // many distinct keys seen over time: forget the empty ones first
            index = search(key);
        }
        int at = -index - 1;
        if (levelCount == levels.length) {
            levels = Arrays.copyOf(levels, levelCount * 2);
        }
        System.arraycopy(levels, at, levels, at + 1, levelCount - at);
        Level level = new Level(key);
        levels[at] = level;
        levelCount++;
        return level;
    }

    /** Binary search on the primitive key (no boxing on the hot path), as {@link Arrays#binarySearch}. */
    private int search(double key) {
        int low = 0;
        int high = levelCount - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            double k = levels[mid].key;
            if (k < key) {
                low = mid + 1;
            } else if (k > key) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    private void link(Level level, ReadyEntry e) {
        if (level.head == null) {
            occupiedLevels++;
            level.overtaken = 0;
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
        if (level.head == null) {
            occupiedLevels--;
        }
        e.previous = null;
        e.next = null;
        e.level = null;
    }

    private void dropEmptyLevels() {
        int kept = 0;
        for (int i = 0; i < levelCount; i++) {
            if (levels[i].head != null) {
                levels[kept++] = levels[i];
            }
        }
        Arrays.fill(levels, kept, levelCount, null);
        levelCount = kept;
    }
}
