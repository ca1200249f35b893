package io.asynkit.spring.config;

import org.jspecify.annotations.Nullable;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pause and resume for the work an executor or scheduler hands to the loop, as Spring's executors pause
 * their pools: while paused, new work waits at the gate (in its task, before its body) and work already
 * past the gate runs to its end; {@link #pause(Runnable)} reports when none is left running. The gate never
 * closes for good: once the context is closing, {@link #openForGood()} lets everything through, so that
 * work held by a pause still runs in the loop's shutdown grace period.
 *
 * <p>Cheap when not paused: one atomic increment and decrement per task, no lock.
 */
final class PauseGate {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition resumed = lock.newCondition();
    /** Work past the gate and not yet finished (and, briefly, work checking the gate). */
    private final AtomicInteger passing = new AtomicInteger();
    private volatile boolean paused;
    // Guarded by lock.
    private boolean openForGood;
    private @Nullable Runnable whenIdle;

    /**
     * Holds new work back; {@code whenIdle} (if not null) runs once no work is past the gate, at once if
     * none is.
     */
    void pause(@Nullable Runnable whenIdle) {
        lock.lock();
        try {
            if (openForGood) {
                runIfNotNull(whenIdle);
                return;
            }
            paused = true;
            this.whenIdle = null;
            if (passing.get() == 0) {
                runIfNotNull(whenIdle);
            } else {
                this.whenIdle = whenIdle;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lets the held work through and new work pass again. */
    void resume() {
        lock.lock();
        try {
            paused = false;
            whenIdle = null;
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The context is closing: nothing is held any more, now or later; a pending {@code whenIdle} runs. */
    void openForGood() {
        lock.lock();
        try {
            openForGood = true;
            paused = false;
            Runnable callback = whenIdle;
            whenIdle = null;
            runIfNotNull(callback);
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isPaused() {
        return paused;
    }

    /**
     * Called by the work, in its task, before its body: waits while paused.
     *
     * @return true to run the body (then call {@link #exit()}); false if the task was interrupted while it
     *         waited, which means it was cancelled (its thread's interrupt status is set again)
     */
    boolean enter() {
        passing.incrementAndGet();
        if (!paused) {
            return true;
        }
        exit(); // not passing after all: a pause that waits for idle must not wait for this one
        lock.lock();
        try {
            while (paused) {
                resumed.await();
            }
            passing.incrementAndGet();
            return true;
        } catch (InterruptedException cancelled) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Called by the work, in its task, after its body. */
    void exit() {
        if (passing.decrementAndGet() == 0 && paused) {
            lock.lock();
            try {
                if (passing.get() == 0 && whenIdle != null) {
                    Runnable callback = whenIdle;
                    whenIdle = null;
                    callback.run();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private static void runIfNotNull(@Nullable Runnable callback) {
        if (callback != null) {
            callback.run();
        }
    }
}
