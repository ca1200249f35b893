package io.asynkit.interrupt;

/**
 * An exception thrown into a task with {@link Interrupts#taskInterrupt}, under the Python library's name
 * ({@code InterruptException}). Catch its base, {@link TaskInterruptException}, whose name cannot be
 * mistaken for the JDK's {@link InterruptedException}; it also catches {@link TimeoutInterrupt}.
 *
 * <pre>{@code
 * Interrupts.taskInterrupt(worker, new InterruptException("configuration reloaded"));
 * }</pre>
 */
public class InterruptException extends TaskInterruptException {

    public InterruptException() {
        super();
    }

    public InterruptException(String message) {
        super(message);
    }
}
