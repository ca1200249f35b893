package io.asynkit.coro;

/**
 * Thrown by {@link Coroutines#awaitSync} (and by synchronous iteration) when the code it runs would
 * have blocked. The cause is a {@link SynchronousAbort} whose stack trace is where the code would have
 * parked; whatever the aborted code itself ended with is attached to the abort as suppressed.
 */
public class SynchronousError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SynchronousError(String message, Throwable cause) {
        super(message, cause);
    }
}
