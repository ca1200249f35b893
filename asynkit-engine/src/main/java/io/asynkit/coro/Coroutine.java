package io.asynkit.coro;

import io.asynkit.internal.Throwables;
import io.asynkit.loop.Drive;
import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * A callable being driven: its task (on the caller's loop, or the common loop for callers outside
 * any loop) and the {@link Drive} that runs it on the caller's behalf. The shared core of
 * {@link CoroStart}, {@link Coroutines#awaitSync}, {@link BoundMonitor} and {@link Generator}.
 */
final class Coroutine<T> {

    final Task<T> task;
    final Drive drive;

    @SuppressWarnings("unchecked") // the drive's task runs body, a Callable<T>
    private Coroutine(Drive drive) {
        this.drive = drive;
        this.task = (Task<T>) drive.task();
        drive.closeWith(CoroutineExit::new); // when its loop shuts down with it suspended and unreachable
    }

    /** A coroutine on the caller's loop (the common loop outside any loop), to be run at once. */
    static <T> Coroutine<T> create(String kind, Callable<T> body, Context context) {
        Task<?> caller = Task.currentOrNull();
        return create(caller != null ? caller.loop() : Loop.common(), kind, body, context);
    }

    /** A coroutine on {@code loop}, to be run at once: its first step starts it. */
    static <T> Coroutine<T> create(Loop loop, String name, Callable<T> body, Context context) {
        return new Coroutine<>(Drive.forNewTask(loop.newTask().name(name).scopedValues(context.scopedValues()),
                context.wrap(body)));
    }

    Drive.Outcome step(Drive.Until until) {
        return drive.run(until);
    }

    /** {@link #step(Drive.Until)}, giving up waiting after {@code timeout} ({@link Drive.Outcome#TIMED_OUT}). */
    Drive.Outcome step(Drive.Until until, Duration timeout) {
        return timeout == null ? drive.run(until) : drive.run(until, timeout);
    }

    boolean hasEnded() {
        return task.isDone() && task.taskState() == TaskState.DONE;
    }

    /** The value, or the failure rethrown as it was thrown (checked exceptions included). */
    T valueOrThrow() throws Exception {
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw Throwables.rethrowable(e.getCause());
        }
    }

    /** The failure of an ended task, or null if it returned a value. */
    Throwable failure() {
        try {
            task.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    /**
     * The task parked in a synchronous drive: raise a {@link SynchronousAbort} at its blocking point,
     * drive it until it has unwound, and produce the error to throw. If the code caught the abort and
     * returned a value instead, that value is the result.
     */
    T abortSynchronous(Drive.Until until) throws SynchronousError {
        StackTraceElement[] where = task.stackTrace();
        SynchronousAbort abort = new SynchronousAbort("aborted: " + describe() + " would block at "
                + (where.length > 0 ? where[0] : "an unknown point"));
        abort.setStackTrace(where);
        Drive.Outcome outcome = drive.run(until, () -> task.throwInto(abort));
        if (outcome != Drive.Outcome.FINISHED) {
            task.cancel(true);
            drive.release(); // held for the abort until now: it goes on, cancelled, as an ordinary task
            throw new SynchronousError(describe() + " failed to complete synchronously, and ignored the "
                    + "SynchronousAbort: it blocked again while unwinding (it was cancelled and left to its loop)", abort);
        }
        Throwable failure = failure();
        if (failure == null) {
            return task.resultNow();
        }
        if (failure != abort) {
            abort.addSuppressed(failure);
        }
        throw new SynchronousError(describe() + " failed to complete synchronously: it would block", abort);
    }

    /**
     * Throws {@code exception} into the parked task (a JDK wait sees it as an interrupt; asynkit's
     * waits throw it) and drives it to its next park or end.
     */
    Drive.Outcome throwAndStep(Throwable exception, Drive.Until until) {
        return drive.run(until, () -> task.throwInto(exception));
    }

    /** {@link #throwAndStep(Throwable, Drive.Until)}, giving up waiting after {@code timeout} (null: never). */
    Drive.Outcome throwAndStep(Throwable exception, Drive.Until until, Duration timeout) {
        return timeout == null ? throwAndStep(exception, until)
                : drive.run(until, () -> task.throwInto(exception), timeout);
    }

    String describe() {
        return "coroutine " + task.name();
    }
}
