package io.asynkit.loop;

/**
 * Something a carrier can run: a task's continuation or a callback. The fields below belong to the
 * {@link ReadyQueue} and are guarded by the owning loop's lock.
 */
abstract sealed class ReadyEntry permits Task, Handle {

    /** Index in the queue's heap, or -1 when not in the heap. */
    int heapIndex = -1;

    /** True while the entry sits in the queue's positional front section. */
    boolean inFront;

    /** Priority key used by the heap (always 0 on a FIFO loop). */
    double key;

    /** Insertion sequence: the FIFO tie-break among equal keys. */
    long sequence;

    /** Runs the entry on the calling carrier thread. */
    abstract void runOnCarrier();

    final boolean isQueued() {
        return heapIndex >= 0 || inFront;
    }
}
