package io.asynkit.interrupt;

import io.asynkit.internal.TaskInternals;
import io.asynkit.internal.Throwables;
import io.asynkit.loop.Handle;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Raising a chosen exception in another task, and timeouts built on it: the Python library's
 * {@code task_throw}, {@code task_interrupt} and {@code task_timeout}.
 *
 * <pre>{@code
 * import static io.asynkit.interrupt.Interrupts.*;
 *
 * // stop a worker where it waits, with a reason it can handle
 * taskInterrupt(worker, new InterruptException("shutting down shard 3"));
 *
 * // give a block of code 200 ms; only this block's own expiry becomes a TimeoutException
 * Quote quote = withTimeout(Duration.ofMillis(200), () -> pricing.quote(order));
 * }</pre>
 *
 * <p><b>Where the exception is raised.</b> The target is interrupted, which wakes it from any
 * interruptible wait, and the exception is raised at its next asynkit-aware blocking point, on entering
 * it or woken in it: {@link Scheduling#await} (of a future not yet done), {@link Scheduling#sleep},
 * {@link Scheduling#yieldNow}, the priority locks and conditions, {@link InterruptCondition}, monitors
 * and generators. A plain JDK blocking call sees only the interrupt: {@code Thread.sleep},
 * {@code Future.get}, {@code Object.wait} and {@code BlockingQueue} methods throw
 * {@link InterruptedException}, an interruptible channel read closes the channel and throws
 * {@code ClosedByInterruptException}, and classic socket reads are not woken at all. The exception
 * then stays pending for the next asynkit-aware point; {@link Task#takeThrownException()} reads and
 * clears it, for code that handles the interrupt itself. A task that is new when thrown into raises
 * the exception before its body starts.
 */
public final class Interrupts {

    private Interrupts() {
    }

    /**
     * Makes {@code task} runnable with {@code exception} raised at its blocking point (see the class
     * comment). A second call before delivery replaces the first exception. The target's future and
     * whatever it awaits are not cancelled.
     *
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the task is done, has a pending cancellation, or is the calling task
     */
    public static void taskThrow(Task<?> task, Throwable exception) {
        Objects.requireNonNull(task, "task");
        task.throwInto(exception);
    }

    /**
     * {@link #taskThrow}, then a switch to the target at once ({@link Scheduling#taskSwitch}), so that
     * when this returns the target has run with the exception raised, up to its next blocking point or
     * its end. If the target cannot be made runnable at once (it runs on another carrier, or sits in a
     * wait that ignores interrupts, such as entering a {@code synchronized} block), the exception stays
     * pending as with {@code taskThrow} and no switch happens.
     *
     * @return true if the target ran before this returned
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if not called from a task of the target's loop, or for the reasons of {@code taskThrow}
     */
    public static boolean taskInterrupt(Task<?> task, Throwable exception) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(exception, "exception");
        Task<?> current = Task.current();
        if (current.loop() != task.loop()) {
            throw new IllegalStateException("taskInterrupt switches to the target, so it must be called from a task "
                    + "of the target's loop '" + task.loop().name() + "', not from task " + current.name()
                    + " of loop '" + current.loop().name() + "'; use taskThrow instead");
        }
        task.throwInto(exception);
        if (task.taskState() != TaskState.RUNNABLE) {
            return false;
        }
        try {
            Scheduling.taskSwitch(task);
            return true;
        } catch (IllegalStateException takenByAnotherCarrier) {
            return false;
        }
    }

    /**
     * Runs {@code block} in the current task with a time limit. When the time is up, a
     * {@link TimeoutInterrupt} of this call's own is thrown into the task (see the class comment for
     * where it is raised); if it comes out of the block, this throws {@link TimeoutException} with it
     * as the cause. Anything else comes out untouched: a timeout of an enclosing block, a cancellation of
     * the task, the block's own exceptions. If the block ends before the interrupt is delivered, its
     * result is returned and the interrupt withdrawn. A JDK wait in the block that the expiry interrupted
     * throws {@link InterruptedException}: coming out of the block after the expiry, that is reported as
     * the timeout too.
     *
     * @param timeout zero or negative has already expired, as for {@code Future.get} and {@code tryLock}: the
     *                block then times out at its first blocking point, and returns if it never blocks
     * @throws TimeoutException      if this call's own time limit ended the block
     * @throws IllegalStateException if not called from inside a task
     * @throws Exception             whatever the block throws
     */
    public static <T> T withTimeout(Duration timeout, Callable<T> block) throws Exception {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(block, "block");
        Task<?> current = Task.currentOrNull();
        if (current == null) {
            throw new IllegalStateException("withTimeout interrupts the current task, so it must run inside an "
                    + "asynkit task, not on " + Thread.currentThread() + "; for a Future, use get(timeout, unit)");
        }
        Expiry expiry = new Expiry(current, timeout);
        T result;
        try {
            result = block.call();
        } catch (Throwable failure) {
            boolean fired = expiry.disarm();
            if (failure == expiry.interrupt || (fired && causedByExpiry(failure, expiry.interrupt))) {
                TimeoutException timedOut = new TimeoutException("timed out after " + timeout + " in task "
                        + current.name());
                timedOut.initCause(failure);
                throw timedOut;
            }
            throw Throwables.rethrowable(failure);
        }
        expiry.disarm();
        return result;
    }


    /** True if {@code failure} is, or was caused by, the expiry's interrupt or the interrupt it carried. */
    private static boolean causedByExpiry(Throwable failure, TimeoutInterrupt interrupt) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t == interrupt || t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /** The timer of one {@link #withTimeout} call. */
    private static final class Expiry {
        private static final int ARMED = 0;
        private static final int FIRING = 1;
        private static final int FIRED = 2;
        private static final int DISARMED = 3;

        final TimeoutInterrupt interrupt;
        private final Task<?> task;
        private final AtomicInteger state = new AtomicInteger(ARMED);
        private final Handle timer;

        Expiry(Task<?> task, Duration timeout) {
            this.task = task;
            this.interrupt = new TimeoutInterrupt("time limit of " + timeout + " reached in task " + task.name());
            this.timer = task.loop().callLater(timeout.isNegative() ? Duration.ZERO : timeout, this::fire);
        }

        private void fire() {
            if (state.compareAndSet(ARMED, FIRING)) {
                try {
                    task.throwInto(interrupt);
                } catch (IllegalStateException doneOrCancelled) {
                    // nothing left to interrupt
                } finally {
                    state.set(FIRED);
                }
            }
        }

        /** Stops the timer; withdraws the interrupt if it fired but was not delivered. Returns whether it fired. */
        boolean disarm() {
            timer.cancel();
            if (state.compareAndSet(ARMED, DISARMED)) {
                return false;
            }
            while (state.get() == FIRING) {
                Thread.onSpinWait(); // the timer callback is between its check and its throw: a moment
            }
            TaskInternals.access().withdrawThrow(task, interrupt);
            return true;
        }
    }
}
