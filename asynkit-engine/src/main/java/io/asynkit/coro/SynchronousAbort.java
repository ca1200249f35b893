package io.asynkit.coro;

import java.util.concurrent.CancellationException;

/**
 * Raised into code run by {@link Coroutines#awaitSync} at the point where it would block, so that it
 * unwinds (its {@code finally} blocks run) before {@code awaitSync} throws {@link SynchronousError}.
 * At a JDK blocking call the code sees the interrupt ({@link InterruptedException}); asynkit's own
 * waits throw this exception itself. Its stack trace is the blocking point.
 */
public class SynchronousAbort extends CancellationException {

    private static final long serialVersionUID = 1L;

    public SynchronousAbort(String message) {
        super(message);
    }
}
