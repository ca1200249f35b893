package io.asynkit.coro;

import io.asynkit.internal.Throwables;
import io.asynkit.loop.Drive;

import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A coroutine bound to a {@link Monitor}: await it repeatedly, receiving its out-of-band data as
 * {@link OOBData}, until it returns. The Python library's {@code BoundMonitor}.
 *
 * <pre>{@code
 * BoundMonitor<Line> parser = monitor.bind(() -> readLine(monitor, buffer)); // asks for data with oob()
 * parser.start();                                  // run until it first asks
 * Line line;
 * while ((line = parser.tryAwait(io.read(), null)) == null) { }   // feed it until it returns
 * }</pre>
 *
 * @param <T> the coroutine's result type
 */
public final class BoundMonitor<T> implements AutoCloseable {

    private final Monitor<?> monitor;
    private final Callable<T> body;
    private final Context context;
    private Coroutine<T> coroutine;   // created on first await
    private Object incoming;          // data to resume with
    private Throwable incomingFailure;  // or an exception to raise from oob()

    BoundMonitor(Monitor<?> monitor, Callable<T> body, Context context) {
        this.monitor = monitor;
        this.body = body;
        this.context = context;
    }

    /** {@link #await(Object)} with {@code null}. */
    public T await() throws OOBData, Exception {
        return await(null);
    }

    /**
     * Runs the coroutine (starting it the first time, otherwise resuming its pending {@code oob()} with
     * {@code data}) until it sends out-of-band data or ends.
     *
     * @return the coroutine's result
     * @throws OOBData                  when the coroutine sent out-of-band data; await again to resume it
     * @throws IllegalArgumentException if non-null data is sent to a coroutine that has not started
     * @throws IllegalStateException    if the monitor is busy with another coroutine, this one is running,
     *                                  or it has ended
     * @throws Exception                what the coroutine threw, unwrapped
     */
    public T await(Object data) throws OOBData, Exception {
        return resume(data, null);
    }

    /**
     * Like {@link #await}, but raises {@code exception} from the coroutine's pending {@code oob()}.
     */
    public T throwInto(Throwable exception) throws OOBData, Exception {
        return resume(null, Objects.requireNonNull(exception, "exception"));
    }

    /**
     * Starts the coroutine and returns the first out-of-band data it sends.
     *
     * @throws IllegalStateException if the coroutine returns without calling {@code oob()}
     */
    public Object start() throws Exception {
        try {
            T value = await(null);
            throw new IllegalStateException("Coroutine did not await Monitor.oob(): it returned " + value);
        } catch (OOBData oob) {
            return oob.data();
        }
    }

    /** Awaits with {@code data}; returns {@code sentinel} (discarding the data) if the coroutine sent oob data. */
    public T tryAwait(Object data, T sentinel) throws Exception {
        try {
            return await(data);
        } catch (OOBData oob) {
            return sentinel;
        }
    }

    /**
     * Closes a suspended coroutine: {@link CoroutineExit} is raised from its pending {@code oob()}, so
     * its {@code finally} blocks run. A coroutine that has not started or has ended is left alone.
     *
     * @throws IllegalStateException if the coroutine catches the exit and sends more data
     */
    @Override
    public void close() throws Exception {
        if (coroutine == null || coroutine.hasEnded() || coroutine.drive.suspendedTask() == null) {
            return;
        }
        CoroutineExit exit = new CoroutineExit("monitor coroutine closed");
        try {
            throwInto(exit);
        } catch (OOBData more) {
            throw new IllegalStateException("Monitor coroutine ignored CoroutineExit: it sent " + more.data());
        } catch (CoroutineExit expected) {
            // the coroutine let it propagate: closed
        }
    }

    /** The state of the coroutine: not started, suspended in {@code oob()}, running, or finished. */
    public CoroutineState state() {
        if (coroutine == null) {
            return CoroutineState.NEW;
        }
        if (coroutine.hasEnded()) {
            return CoroutineState.FINISHED;
        }
        return coroutine.drive.suspendedTask() != null ? CoroutineState.SUSPENDED : CoroutineState.RUNNING;
    }

    /** Where the coroutine is: its current stack, empty when not started or finished. */
    public StackTraceElement[] stackTrace() {
        return coroutine == null ? new StackTraceElement[0] : coroutine.task.stackTrace();
    }

    /** Resumes with data or an exception; out-of-band data comes back as {@link OOBData}. */
    T resume(Object data, Throwable failure) throws OOBData, Exception {
        Object result = step(data, failure);
        if (result == SENT) {
            throw new OOBData(takeSent());
        }
        @SuppressWarnings("unchecked")
        T value = (T) result;
        return value;
    }

    /** What {@link #step} returns when the coroutine sent out-of-band data ({@link #takeSent()}). */
    static final Object SENT = new Object();

    private Object sent; // the out-of-band data of the last step that returned SENT

    /** The data sent by the last step that returned {@link #SENT}. */
    Object takeSent() {
        Object data = sent;
        sent = null;
        return data;
    }

    /**
     * Runs the coroutine (starting it, or resuming its pending {@code oob()} with data or an exception)
     * until it sends out-of-band data ({@link #SENT}) or ends (its result). No exception is thrown for
     * the data, so that a generator pays nothing per value for it.
     */
    Object step(Object data, Throwable failure) throws Exception {
        if (coroutine == null) {
            if (data != null || failure != null) {
                if (failure != null) {
                    throw Throwables.rethrowable(failure); // never started: raised at once, as in Python
                }
                throw new IllegalArgumentException("cannot send non-null data into a coroutine that has not started: "
                        + "the first await must be await() or await(null)");
            }
            coroutine = Coroutine.create("monitor", body, context);
        } else if (coroutine.hasEnded()) {
            throw new IllegalStateException("the monitored coroutine has ended; it cannot be awaited again");
        }
        monitor.enter(this);
        Drive.Outcome outcome = null;
        Object oob;
        try {
            incoming = data;
            incomingFailure = failure;
            outcome = coroutine.step(Drive.Until.SIGNAL);
        } finally {
            oob = monitor.exit();
        }
        if (outcome == Drive.Outcome.SIGNALLED) {
            sent = oob;
            return SENT;
        }
        if (outcome == Drive.Outcome.PARKED) {
            // only inside awaitSync, where every drive stops at a block: the coroutine would block
            return coroutine.abortSynchronous(Drive.Until.BLOCK);
        }
        Throwable thrown = coroutine.failure();
        if (thrown instanceof OOBData) {
            throw new IllegalStateException("coroutine raised OOBData itself", thrown);
        }
        return coroutine.valueOrThrow();
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
}
