package io.asynkit.coro;

/**
 * Thrown by {@link Coroutines#awaitSync} (and by synchronous iteration) when the code it runs would have
 * blocked: catch this one. The cause is a {@link SynchronousAbort} whose stack trace is where the code would
 * have parked; whatever the aborted code itself ended with is attached to the abort as suppressed. The engine
 * throws its subclass {@link SynchronousError}, the Python library's name (an exception, not a
 * {@link Error}).
 *
 * <pre>{@code
 * try {
 *     return Coroutines.awaitSync(() -> cache.get(key));
 * } catch (WouldBlockException missed) {
 *     return loadAsynchronously(key);
 * }
 * }</pre>
 */
public class WouldBlockException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WouldBlockException(String message, Throwable cause) {
        super(message, cause);
    }
}
