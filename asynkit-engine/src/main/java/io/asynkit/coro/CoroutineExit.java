package io.asynkit.coro;

import java.util.concurrent.CancellationException;

/**
 * Raised into a coroutine (a pending {@link CoroStart}, a suspended {@link Generator} or
 * {@link BoundMonitor}) that is being closed, like Python's {@code GeneratorExit}: the coroutine should
 * let it propagate; its {@code finally} blocks run. Catching it and suspending again is an error.
 */
public class CoroutineExit extends CancellationException {

    private static final long serialVersionUID = 1L;

    public CoroutineExit(String message) {
        super(message);
    }
}
