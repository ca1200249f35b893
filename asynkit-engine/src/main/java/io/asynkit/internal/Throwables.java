package io.asynkit.internal;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletionException;

/**
 * How asynkit passes on an exception it caught or took from a task, in one place. <b>Not API.</b>
 */
public final class Throwables {

    private Throwables() {
    }

    /**
     * For a method that may throw only unchecked exceptions (an asynkit wait raising an exception thrown
     * into the task): a {@link RuntimeException} as it is, an {@link Error} thrown at once, anything else
     * wrapped in {@link CompletionException}, as {@code CompletableFuture.join()} does.
     */
    public static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException unchecked) {
            return unchecked;
        }
        if (t instanceof Error error) {
            throw error;
        }
        return new CompletionException(t);
    }

    /**
     * For a method declared {@code throws Exception} (rethrowing a callable's failure unwrapped): an
     * {@link Exception} as it is, an {@link Error} thrown at once, any other {@code Throwable} wrapped in
     * {@link UndeclaredThrowableException}.
     */
    public static Exception rethrowable(Throwable t) {
        if (t instanceof Error error) {
            throw error;
        }
        return t instanceof Exception e ? e : new UndeclaredThrowableException(t);
    }
}
