package io.asynkit.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

/**
 * The ready queue of a loop: entries waiting for a carrier, in the order they will run.
 *
 * <p>Two sections, popped front first:
 * <ul>
 *   <li>the <em>front</em>: entries placed at an explicit position ({@link #insert}); kept as a plain
 *       list in pop order, since positions are small and rare;</li>
 *   <li>the <em>heap</em>: every other entry, keyed by (priority key, insertion sequence). Lower runs
 *       first; equal keys run first-in first-out. On a FIFO loop every key is 0, so the heap pops in
 *       insertion order and the two policies behave identically when all priorities are equal.</li>
 * </ul>
 *
 * <p>{@code insert(pos, e)} behaves exactly like {@link List#add(int, Object)} applied to the queue
 * as it would be popped: heap entries ahead of {@code pos} are moved to the front (losing their
 * priority ordering, as in the Python library) and {@code e} follows them.
 *
 * <p>Not thread-safe: the loop's lock guards every call.
 */
final class ReadyQueue {

    private final boolean prioritized;
    private final LinkedList<ReadyEntry> front = new LinkedList<>();
    private ReadyEntry[] heap = new ReadyEntry[64];
    private int heapSize;
    private long nextSequence;

    ReadyQueue(boolean prioritized) {
        this.prioritized = prioritized;
    }

    int size() {
        return front.size() + heapSize;
    }

    boolean isEmpty() {
        return heapSize == 0 && front.isEmpty();
    }

    /** Adds {@code e} in priority order (FIFO among equals; FIFO only on a FIFO loop). */
    void add(ReadyEntry e, double priority) {
        e.key = prioritized ? priority : 0.0;
        e.sequence = nextSequence++;
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heapSize * 2);
        }
        siftUp(heapSize++, e);
    }

    /**
     * Inserts {@code e} so that exactly {@code position} entries run before it.
     *
     * @throws IndexOutOfBoundsException if {@code position} is negative or greater than {@link #size()}
     */
    void insert(int position, ReadyEntry e) {
        if (position < 0 || position > size()) {
            throw new IndexOutOfBoundsException("position " + position + " is outside the ready queue of length "
                    + size() + " (valid: 0.." + size() + ")");
        }
        while (front.size() < position) {
            ReadyEntry promoted = pollHeap();
            promoted.inFront = true;
            front.addLast(promoted);
        }
        e.inFront = true;
        e.sequence = nextSequence++;
        front.add(position, e);
    }

    /** Removes and returns the next entry to run, or {@code null} when empty. */
    ReadyEntry poll() {
        if (!front.isEmpty()) {
            ReadyEntry e = front.removeFirst();
            e.inFront = false;
            return e;
        }
        return heapSize == 0 ? null : pollHeap();
    }

    /** Removes {@code e} if queued; returns whether it was. */
    boolean remove(ReadyEntry e) {
        if (e.inFront) {
            front.remove(e);
            e.inFront = false;
            return true;
        }
        int i = e.heapIndex;
        if (i < 0) {
            return false;
        }
        ReadyEntry last = heap[--heapSize];
        heap[heapSize] = null;
        e.heapIndex = -1;
        if (last != e) {
            siftDown(i, last);
            if (heap[i] == last) {
                siftUp(i, last);
            }
        }
        return true;
    }

    /**
     * Gives a heap entry a new priority, keeping its insertion sequence (so its FIFO rank among equals
     * is unchanged). Positional entries keep their place.
     */
    void reprioritize(ReadyEntry e, double priority) {
        if (!prioritized || e.heapIndex < 0) {
            return;
        }
        double old = e.key;
        e.key = priority;
        if (priority < old) {
            siftUp(e.heapIndex, e);
        } else if (priority > old) {
            siftDown(e.heapIndex, e);
        }
    }

    /** The entries in the order they would be popped. O(n log n); for introspection only. */
    List<ReadyEntry> inRunOrder() {
        List<ReadyEntry> result = new ArrayList<>(size());
        result.addAll(front);
        ReadyEntry[] rest = Arrays.copyOf(heap, heapSize);
        Arrays.sort(rest, ReadyQueue::compare);
        result.addAll(Arrays.asList(rest));
        return result;
    }

    /** Iterates the queued entries in no particular order. */
    Iterator<ReadyEntry> unordered() {
        List<ReadyEntry> all = new ArrayList<>(size());
        all.addAll(front);
        all.addAll(Arrays.asList(heap).subList(0, heapSize));
        return all.iterator();
    }

    private ReadyEntry pollHeap() {
        ReadyEntry top = heap[0];
        ReadyEntry last = heap[--heapSize];
        heap[heapSize] = null;
        if (heapSize > 0) {
            siftDown(0, last);
        }
        top.heapIndex = -1;
        return top;
    }

    private static int compare(ReadyEntry a, ReadyEntry b) {
        return less(a, b) ? -1 : less(b, a) ? 1 : 0;
    }

    private static boolean less(ReadyEntry a, ReadyEntry b) {
        return a.key < b.key || (a.key == b.key && a.sequence < b.sequence);
    }

    private void siftUp(int i, ReadyEntry e) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            ReadyEntry p = heap[parent];
            if (!less(e, p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    private void siftDown(int i, ReadyEntry e) {
        int half = heapSize >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            ReadyEntry c = heap[child];
            int right = child + 1;
            if (right < heapSize && less(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!less(c, e)) {
                break;
            }
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = e;
        e.heapIndex = i;
    }
}
