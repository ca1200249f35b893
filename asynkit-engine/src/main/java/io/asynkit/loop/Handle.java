package io.asynkit.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ScheduledFuture;

/**
 * A callback scheduled on a loop with {@link Loop#callSoon}, {@link Loop#callLater} or
 * {@link Loop#callAtPosition}: the counterpart of asyncio's {@code Handle}/{@code TimerHandle}.
 *
 * <p>A callback runs on a carrier thread, between tasks, like an asyncio callback runs on the loop
 * thread: it must be short and must not block (blocking holds the carrier). An exception it throws
 * goes to the loop's {@link Loop.ExceptionHandler}.
 */
public final class Handle extends ReadyEntry {

    private static final int PENDING = 0;
    private static final int RAN = 1;
    private static final int CANCELLED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Handle.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Engine engine;
    private final Runnable action;
    /**
     * PENDING until the first of a carrier starting the action (RAN) and a cancellation (CANCELLED), set by
     * compare-and-set: a cancel that returns true and a run exclude each other, and only one cancel wins.
     */
    private volatile int state = PENDING;
    volatile ScheduledFuture<?> timer; // set for callLater until the timer fires

    Handle(Engine engine, Runnable action) {
        this.engine = engine;
        this.action = action;
    }

    /**
     * Prevents the callback from running if it has not run yet.
     *
     * @return true if this call cancelled it; false if it already ran or was cancelled
     */
    public boolean cancel() {
        if (!STATE.compareAndSet(this, PENDING, CANCELLED)) {
            return false;
        }
        ScheduledFuture<?> pending = timer;
        if (pending != null) {
            pending.cancel(false);
        }
        engine.unqueue(this);
        return true;
    }

    /** True if {@link #cancel()} stopped it (or the loop terminated before it ran). */
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    /** True once the callback has run (successfully or not). */
    public boolean hasRun() {
        return state == RAN;
    }

    @Override
    void runOnCarrier() {
        if (!STATE.compareAndSet(this, PENDING, RAN)) {
            return; // cancelled
        }
        try {
            action.run();
        } catch (Throwable failure) {
            engine.reportUncaught(this, failure);
        }
    }

    Runnable action() {
        return action;
    }

    /** Marks a callback that never ran as cancelled (the loop terminated); its timer is dropped with the loop's. */
    void cancelQuietly() {
        STATE.compareAndSet(this, PENDING, CANCELLED);
    }

    @Override
    public String toString() {
        return "Handle[" + action + (state == CANCELLED ? " cancelled" : state == RAN ? " ran" : " pending") + " loop=" + engine.name() + "]";
    }
}
