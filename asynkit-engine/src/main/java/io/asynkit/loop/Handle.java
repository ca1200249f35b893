package io.asynkit.loop;

import java.util.concurrent.ScheduledFuture;

/**
 * A callback scheduled on a loop with {@link Loop#callSoon}, {@link Loop#callLater} or
 * {@link Loop#callAt}: the counterpart of asyncio's {@code Handle}/{@code TimerHandle}.
 *
 * <p>A callback runs on a carrier thread, between tasks, like an asyncio callback runs on the loop
 * thread: it must be short and must not block (blocking holds the carrier). An exception it throws
 * goes to the loop's {@link Loop.ExceptionHandler}.
 */
public final class Handle extends ReadyEntry {

    private final Loop loop;
    private final Runnable action;
    private volatile boolean cancelled;
    private volatile boolean ran;
    volatile ScheduledFuture<?> timer; // set for callLater until the timer fires

    Handle(Loop loop, Runnable action) {
        this.loop = loop;
        this.action = action;
    }

    /**
     * Prevents the callback from running if it has not run yet.
     *
     * @return true if this call cancelled it; false if it already ran or was cancelled
     */
    public boolean cancel() {
        if (ran || cancelled) {
            return false;
        }
        cancelled = true;
        ScheduledFuture<?> pending = timer;
        if (pending != null) {
            pending.cancel(false);
        }
        loop.unqueue(this);
        return true;
    }

    /** True if {@link #cancel()} stopped it (or the loop terminated before it ran). */
    public boolean isCancelled() {
        return cancelled;
    }

    /** True once the callback has run (successfully or not). */
    public boolean hasRun() {
        return ran;
    }

    @Override
    void runOnCarrier() {
        if (cancelled) {
            return;
        }
        ran = true;
        try {
            action.run();
        } catch (Throwable failure) {
            loop.reportUncaught(this, failure);
        }
    }

    Runnable action() {
        return action;
    }

    /** Marks a callback that never ran as cancelled (the loop terminated); its timer is dropped with the loop's. */
    void cancelQuietly() {
        if (!ran) {
            cancelled = true;
        }
    }

    @Override
    public String toString() {
        return "Handle[" + action + (cancelled ? " cancelled" : ran ? " ran" : " pending") + " loop=" + loop.name() + "]";
    }
}
