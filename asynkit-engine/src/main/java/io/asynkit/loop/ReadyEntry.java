package io.asynkit.loop;

/**
 * Something a carrier can run: a task's continuation or a callback. The fields below belong to the
 * {@link ReadyQueue} that holds the entry and are guarded by the lock of its {@link RunQueue}.
 */
abstract sealed class ReadyEntry permits Task, Handle {

    /** The priority level the entry is queued in, or null when not in a level. */
    ReadyQueue.Level level;

    /** Neighbours within the level, in FIFO order. */
    ReadyEntry previous;
    ReadyEntry next;

    /** True while the entry sits in the queue's positional front section. */
    boolean inFront;

    /** Insertion sequence: orders entries among equal priorities. */
    long sequence;

    /** The run queue whose ready queue holds the entry, or null; written under that queue's lock. */
    RunQueue queuedIn;

    /** Runs the entry on the calling carrier thread. */
    abstract void runOnCarrier();

    final boolean isQueued() {
        return level != null || inFront;
    }
}
