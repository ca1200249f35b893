package io.asynkit.coro;

import io.asynkit.internal.Throwables;
import io.asynkit.loop.Drive;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Everything of a {@link BoundMonitor} that its coroutine's side touches: the coroutine, the data going in
 * and out, and the steps that drive it. Kept apart from the {@code BoundMonitor} its user holds, so that
 * the suspended coroutine's stack (which references this) never keeps that object reachable: once the user
 * drops it, a {@link Cleaner} closes the coroutine, as Python's finaliser closes an unreachable async
 * generator.
 */
final class MonitorSession<T> {

    /** What {@link #step} returns when the coroutine sent out-of-band data ({@link #takeSent()}). */
    static final Object SENT = new Object();

    /** What {@link #step} returns when the caller stopped waiting (the coroutine goes on undriven). */
    static final Object TIMED_OUT = new Object();

    private static final class CleanerHolder {
        static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().daemon()
                .name("asynkit-coroutine-cleaner").factory());
    }

    private final Monitor<?> monitor;
    private final Callable<T> body;
    private final Context context;
    private volatile Coroutine<T> coroutine; // created on first step; read by the cleaner's thread too
    private Object incoming;          // data to resume with
    private Throwable incomingFailure;  // or an exception to raise from oob()
    private Object sent; // the out-of-band data of the last step that returned SENT

    MonitorSession(Monitor<?> monitor, Callable<T> body, Context context) {
        this.monitor = monitor;
        this.body = body;
        this.context = context;
    }

    /** Closes this session's coroutine once {@code owner} (the object its user holds) becomes unreachable. */
    void closeWhenUnreachable(Object owner) {
        CleanerHolder.CLEANER.register(owner, this::abandonIfSuspended);
    }

    /**
     * Runs the coroutine (starting it, or resuming its pending {@code oob()} with data or an exception)
     * until it sends out-of-band data ({@link #SENT}), ends (its result), or {@code timeout} passes
     * ({@link #TIMED_OUT}; null: no limit). No exception is thrown for the data, so that a generator pays
     * nothing per value for it.
     */
    Object step(Object data, Throwable failure, Duration timeout) throws Exception {
        Coroutine<T> c = coroutine;
        if (c == null) {
            if (data != null || failure != null) {
                if (failure != null) {
                    throw Throwables.rethrowable(failure); // never started: raised at once, as in Python
                }
                throw new IllegalArgumentException("cannot send non-null data into a coroutine that has not started: "
                        + "the first await must be await() or await(null)");
            }
            c = Coroutine.create("monitor", body, context);
            coroutine = c;
        } else if (c.hasEnded()) {
            throw new IllegalStateException("the monitored coroutine has ended; it cannot be awaited again");
        }
        monitor.enter(this);
        Drive.Outcome outcome = null;
        Object oob;
        try {
            incoming = data;
            incomingFailure = failure;
            outcome = c.step(Drive.Until.SIGNAL, timeout);
        } finally {
            oob = monitor.exit();
        }
        switch (outcome) {
            case SIGNALLED -> {
                sent = oob;
                return SENT;
            }
            case TIMED_OUT -> {
                return TIMED_OUT;
            }
            case PARKED -> {
                // only inside awaitSync, where every drive stops at a block: the coroutine would block
                return c.abortSynchronous(Drive.Until.BLOCK);
            }
            case FINISHED -> {
                Throwable thrown = c.failure();
                if (thrown instanceof OOBData) {
                    throw new IllegalStateException("coroutine raised OOBData itself", thrown);
                }
                return c.valueOrThrow();
            }
        }
        throw new AssertionError(outcome);
    }

    /** The data sent by the last step that returned {@link #SENT}. */
    Object takeSent() {
        Object data = sent;
        sent = null;
        return data;
    }

    /** Called from {@link Monitor#oob} on the coroutine's side: suspend, then return or raise what the awaiter sent. */
    Object suspend() throws Exception {
        coroutine.drive.signal();
        Object data = incoming;
        Throwable failure = incomingFailure;
        incoming = null;
        incomingFailure = null;
        if (failure != null) {
            throw Throwables.rethrowable(failure);
        }
        return data;
    }

    /** What {@link #closeStep} returns when the coroutine unwound, or there was nothing to close. */
    static final Object CLOSED = new Object();

    /**
     * Closes a suspended coroutine: {@link CoroutineExit} is raised from its pending {@code oob()}, and this
     * waits (at most {@code timeout}; null: as long as it takes) until the coroutine has unwound, parks in
     * its cleanup included. A coroutine that has not started or has ended is left alone.
     *
     * @return {@link #CLOSED}; {@link #TIMED_OUT} if the time ran out first (the coroutine goes on unwinding,
     *         undriven, on its loop); or {@link #SENT} if it caught the exit and sent more data
     *         ({@link #takeSent()}): it stays suspended there
     * @throws Exception a failure of the coroutine's cleanup other than the exit itself
     */
    Object closeStep(Duration timeout) throws Exception {
        Coroutine<T> c = coroutine;
        if (c == null || c.hasEnded() || c.drive.suspendedTask() == null) {
            return CLOSED;
        }
        CoroutineExit exit = new CoroutineExit(c.describe() + " closed");
        try {
            Object result = step(null, exit, timeout);
            return result == SENT || result == TIMED_OUT ? result : CLOSED; // a value returned meanwhile is dropped
        } catch (CoroutineExit expected) {
            return CLOSED; // the coroutine let it propagate
        }
    }

    /** {@link #closeStep} for a monitor: true if closed, false if timed out; ignoring the exit is an error. */
    boolean close(Duration timeout) throws Exception {
        Object result = closeStep(timeout);
        if (result == SENT) {
            Object data = takeSent();
            throw new IllegalStateException(describe() + " ignored CoroutineExit: it sent " + OOBData.describe(data)
                    + " and is suspended there again", new OOBData(data));
        }
        return result == CLOSED;
    }

    String describe() {
        Coroutine<T> c = coroutine;
        return c != null ? c.describe() : "coroutine (not started)";
    }

    /** Closes the coroutine if it is suspended, without waiting: for a session nobody can resume any more. */
    private void abandonIfSuspended() {
        Coroutine<T> c = coroutine;
        if (c != null && !c.hasEnded()) {
            c.drive.abandon(new CoroutineExit(c.describe() + " closed: the generator or monitor awaiting it became "
                    + "unreachable while it was suspended"));
        }
    }

    /** The state of the coroutine: not started, suspended in {@code oob()}, running, or finished. */
    CoroutineState state() {
        Coroutine<T> c = coroutine;
        if (c == null) {
            return CoroutineState.NEW;
        }
        if (c.hasEnded()) {
            return CoroutineState.FINISHED;
        }
        return c.drive.suspendedTask() != null ? CoroutineState.SUSPENDED : CoroutineState.RUNNING;
    }

    /** Where the coroutine is: its current stack, empty when not started or finished. */
    StackTraceElement[] stackTrace() {
        Coroutine<T> c = coroutine;
        return c == null ? new StackTraceElement[0] : c.task.stackTrace();
    }
}
