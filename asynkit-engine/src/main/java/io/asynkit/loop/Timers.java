package io.asynkit.loop;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link Loop#callLater}'s timer: one platform thread, started on first use (or up front, so that it does
 * not inherit the carriers' nice value), that hands each callback to the loop when it is due. Pending
 * callbacks are cancelled when the loop terminates. Takes no lock of the loop's.
 */
final class Timers {

    private final String loopName;
    private final Lifecycle lifecycle;
    private final Consumer<Handle> whenDue;
    private final Set<Handle> pending = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile ScheduledThreadPoolExecutor timer;

    /** @param whenDue queues a due callback on the loop (refusing, with a cancellation, once it has terminated) */
    Timers(String loopName, Lifecycle lifecycle, Consumer<Handle> whenDue) {
        this.loopName = loopName;
        this.lifecycle = lifecycle;
        this.whenDue = whenDue;
    }

    /** Starts the timer thread now, from the thread that builds the loop. */
    void prestart() {
        timer().prestartCoreThread();
    }

    void schedule(Handle handle, Duration delay) {
        ScheduledThreadPoolExecutor t = timer();
        lifecycle.rejectIfTerminated("callLater");
        pending.add(handle);
        ScheduledFuture<?> scheduled = t.schedule(() -> fire(handle), saturatedNanos(delay), TimeUnit.NANOSECONDS);
        handle.timer = scheduled;
        if (handle.isCancelled() || lifecycle.isTerminated()) {
            scheduled.cancel(false);
            pending.remove(handle);
            handle.cancelQuietly();
        }
    }

    private void fire(Handle handle) {
        handle.timer = null;
        pending.remove(handle);
        if (handle.isCancelled() || lifecycle.isTerminated()) {
            handle.cancelQuietly();
            return;
        }
        whenDue.accept(handle);
    }

    /** Forgets a cancelled callback. */
    void forget(Handle handle) {
        pending.remove(handle);
    }

    /** At termination: every pending callback is cancelled. */
    void cancelPending() {
        for (Handle handle : pending) {
            handle.cancelQuietly();
            ScheduledFuture<?> scheduled = handle.timer;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
        pending.clear();
    }

    /** Stops the timer thread; the loop has terminated. */
    void stop() {
        ScheduledThreadPoolExecutor t = timer;
        if (t != null) {
            t.shutdownNow();
        }
    }

    List<Thread> threads() {
        return threads;
    }

    private ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = timer;
        if (t != null) {
            return t;
        }
        synchronized (this) { // the timer is made once; held only for that (never around a lock of the loop)
            lifecycle.rejectIfTerminated("callLater");
            if (timer == null) {
                ThreadFactory platform = Thread.ofPlatform().daemon().name(loopName + "-timer").factory();
                ScheduledThreadPoolExecutor made = new ScheduledThreadPoolExecutor(1, runnable -> {
                    Thread thread = platform.newThread(runnable);
                    threads.add(thread); // joined at close: awaitTermination returns before it has ended
                    return thread;
                });
                made.setRemoveOnCancelPolicy(true);
                timer = made;
            }
            return timer;
        }
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
