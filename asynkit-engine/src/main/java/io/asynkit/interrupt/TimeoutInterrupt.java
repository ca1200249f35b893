package io.asynkit.interrupt;

/**
 * The interrupt that {@link Interrupts#withTimeout} throws into its own task when the time is up.
 * Each timeout throws its own instance and recognises only that one, so nested timeouts and ordinary
 * cancellation are never confused: the block that timed out turns it into a
 * {@link java.util.concurrent.TimeoutException}; any other block lets it pass untouched.
 */
public class TimeoutInterrupt extends InterruptException {

    public TimeoutInterrupt(String message) {
        super(message);
    }
}
