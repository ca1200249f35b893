package io.asynkit.coro;

import java.time.Duration;
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
 * <p><b>Closing.</b> {@link #close()} raises {@link CoroutineExit} where the coroutine is suspended and
 * waits until it has unwound: in Java awaiting is blocking, so cleanup that parks (I/O, a sleep, a
 * yield) is waited for, as Python's {@code aclose()} awaits it. A bound monitor that becomes unreachable
 * while its coroutine is suspended is closed too (without anyone waiting), as Python closes an unreachable
 * async generator; so is one whose loop shuts down with nothing else left to resume it.
 *
 * @param <T> the coroutine's result type
 */
public final class BoundMonitor<T> implements AutoCloseable {

    private final MonitorSession<T> session;

    BoundMonitor(Monitor<?> monitor, Callable<T> body, Context context) {
        this.session = new MonitorSession<>(monitor, body, context);
        session.closeWhenUnreachable(this);
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
     * Like {@link #await}, but raises {@code exception} from the coroutine's pending {@code oob()} (Python's
     * {@code athrow}): what the coroutine sends or returns next is the answer, however long it takes.
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
     * Closes a suspended coroutine: {@link CoroutineExit} is raised from its pending {@code oob()}, and this
     * returns once the coroutine has unwound (its {@code finally} blocks ran, parks in them included). A
     * coroutine that has not started or has ended is left alone.
     *
     * @throws IllegalStateException if the coroutine catches the exit and sends more data: it stays suspended
     *                               there, resumable, and the data is the exception's {@link OOBData} cause
     * @throws Exception             a failure of the coroutine's cleanup other than the exit itself
     */
    @Override
    public void close() throws Exception {
        session.close(null);
    }

    /**
     * {@link #close()}, waiting at most {@code timeout} for the coroutine to unwind.
     *
     * @return true if it unwound (or there was nothing to close); false if the time ran out first: it then
     *         goes on unwinding, undriven, as an ordinary task of its loop
     */
    public boolean close(Duration timeout) throws Exception {
        return session.close(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * The state of the coroutine: not started; {@code SUSPENDED} in {@code oob()} waiting to be resumed;
     * {@code RUNNING} while an await is in progress (the code runs, or waits inside a call it made); or
     * finished.
     */
    public CoroutineState state() {
        return session.state();
    }

    /** Where the coroutine is: its current stack, empty when not started or finished. */
    public StackTraceElement[] stackTrace() {
        return session.stackTrace();
    }

    /** Resumes with data or an exception; out-of-band data comes back as {@link OOBData}. */
    T resume(Object data, Throwable failure) throws OOBData, Exception {
        Object result = session.step(data, failure, null);
        if (result == MonitorSession.SENT) {
            throw new OOBData(session.takeSent());
        }
        @SuppressWarnings("unchecked")
        T value = (T) result;
        return value;
    }

    /** The session its generator steps through. */
    MonitorSession<T> session() {
        return session;
    }
}
