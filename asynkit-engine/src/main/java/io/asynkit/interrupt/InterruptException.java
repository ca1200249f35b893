package io.asynkit.interrupt;

import java.util.concurrent.CancellationException;

/**
 * The base type for exceptions thrown into tasks with {@link Interrupts#taskThrow} and
 * {@link Interrupts#taskInterrupt}. It is a {@link CancellationException}, so code that already
 * cleans up after cancellation (and the JDK's own {@code CompletableFuture} handling) treats an
 * interrupt the same way; it is not the same as cancellation, though: the task's future is not
 * cancelled, and a task that catches the interrupt simply carries on.
 *
 * <pre>{@code
 * Interrupts.taskInterrupt(worker, new InterruptException("configuration reloaded"));
 * }</pre>
 */
public class InterruptException extends CancellationException {

    public InterruptException() {
        super();
    }

    public InterruptException(String message) {
        super(message);
    }
}
