package io.asynkit.coro;

/**
 * The Python library's name ({@code SynchronousError}) for what {@link Coroutines#awaitSync} throws when
 * the code it runs would have blocked; despite the name, a {@link RuntimeException}. Catch its base,
 * {@link WouldBlockException}.
 */
public class SynchronousError extends WouldBlockException {

    private static final long serialVersionUID = 1L;

    public SynchronousError(String message, Throwable cause) {
        super(message, cause);
    }
}
