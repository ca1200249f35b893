package io.asynkit.interrupt;

import io.asynkit.internal.Throwables;
import io.asynkit.loop.Task;

import java.util.Date;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes any {@link Condition} (for example a {@link ReentrantLock}'s) raise exceptions thrown into the
 * waiting task, the very instance, with the lock held again, and never lose a signal to them: the
 * Python library's {@code InterruptCondition}. ({@link io.asynkit.priority.PriorityCondition} behaves so
 * already.)
 *
 * <pre>{@code
 * ReentrantLock lock = new ReentrantLock();
 * Condition ready = InterruptCondition.of(lock.newCondition());
 * lock.lock();
 * try {
 *     while (!isReady()) {
 *         ready.await();   // an InterruptException thrown into this task comes out here, as itself
 *     }
 * } finally {
 *     lock.unlock();
 * }
 * }</pre>
 *
 * <p>A JDK condition takes its lock back before it throws {@link InterruptedException}; this wrapper then
 * throws the exception that was thrown into the task instead, if there is one. If the waiter had been
 * signalled before the exception arrived (the JDK returns normally then), the signal is passed on to
 * another waiter with {@link Condition#signal()} before the exception is raised, so it is not lost.
 * Plain interrupts keep the JDK's behaviour. Checked exceptions thrown into the task are raised wrapped
 * in {@link java.util.concurrent.CompletionException}, as asynkit's waits do.
 */
public final class InterruptCondition implements Condition {

    private final Condition delegate;

    private InterruptCondition(Condition delegate) {
        this.delegate = delegate;
    }

    /** Wraps {@code condition}; the caller keeps using the condition's lock as before. */
    public static InterruptCondition of(Condition condition) {
        Objects.requireNonNull(condition, "condition");
        return condition instanceof InterruptCondition already ? already : new InterruptCondition(condition);
    }

    @FunctionalInterface
    private interface Wait<T> {
        T await() throws InterruptedException;
    }

    private <T> T interruptAware(Wait<T> wait) throws InterruptedException {
        T result;
        try {
            result = wait.await();
        } catch (InterruptedException e) {
            Throwable thrown = Task.takeThrownException();
            if (thrown == null) {
                throw e;
            }
            thrown.addSuppressed(e);
            throw Throwables.unchecked(thrown);
        }
        Throwable thrown = Task.takeThrownException();
        if (thrown != null) { // it came after a signal (or a timeout): pass the signal on, then raise
            delegate.signal();
            throw Throwables.unchecked(thrown);
        }
        return result;
    }


    @Override
    public void await() throws InterruptedException {
        interruptAware(() -> {
            delegate.await();
            return null;
        });
    }

    /**
     * Waits ignoring {@link Thread#interrupt()}, as the JDK's does; an exception thrown into the task
     * still ends the wait once it is signalled or wakes otherwise.
     */
    @Override
    public void awaitUninterruptibly() {
        try {
            interruptAware(() -> {
                delegate.awaitUninterruptibly();
                return null;
            });
        } catch (InterruptedException impossible) { // the JDK's uninterruptible wait never throws it
            throw new AssertionError(impossible);
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        return interruptAware(() -> delegate.awaitNanos(nanosTimeout));
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return interruptAware(() -> delegate.await(time, unit));
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return interruptAware(() -> delegate.awaitUntil(deadline));
    }

    @Override
    public void signal() {
        delegate.signal();
    }

    @Override
    public void signalAll() {
        delegate.signalAll();
    }
}
