package io.asynkit.interrupt;

import java.util.concurrent.CancellationException;

/**
 * The base type for exceptions thrown into tasks with {@link Interrupts#taskThrow} and
 * {@link Interrupts#taskInterrupt}: catch this one. It is a {@link CancellationException}, so code that
 * already cleans up after cancellation (and the JDK's own {@code CompletableFuture} handling) treats an
 * interrupt the same way; it is not the same as cancellation, though: the task's future is not cancelled,
 * and a task that catches the interrupt simply carries on. Not to be confused with the JDK's
 * {@link InterruptedException}, a checked exception about a thread's interrupt status.
 *
 * <pre>{@code
 * try {
 *     serve(request);
 * } catch (TaskInterruptException reloaded) {
 *     reconnect();   // e.g. Interrupts.taskInterrupt(worker, new InterruptException("configuration reloaded"))
 * }
 * }</pre>
 *
 * <p>{@link InterruptException} (the Python library's name) and {@link TimeoutInterrupt} are its
 * subclasses; the engine throws those.
 */
public class TaskInterruptException extends CancellationException {

    public TaskInterruptException() {
        super();
    }

    public TaskInterruptException(String message) {
        super(message);
    }
}
