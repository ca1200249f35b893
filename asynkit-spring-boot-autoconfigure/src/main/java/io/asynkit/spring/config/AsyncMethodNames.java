package io.asynkit.spring.config;

import org.jspecify.annotations.Nullable;

/**
 * Hands the name of the {@code @Async} method being called to the executor that starts its task:
 * {@link AsyncMethodNamingInterceptor} sets it on the calling thread around Spring's async advice, which
 * submits the call at once, on the same thread; {@link AsynkitTaskExecutor} takes it with the submission.
 */
final class AsyncMethodNames {

    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    private AsyncMethodNames() {
    }

    /** Sets the name for the next submission on this thread; returns the previous one, to restore. */
    static @Nullable String offer(@Nullable String name) {
        String previous = PENDING.get();
        set(name);
        return previous;
    }

    /** Takes (and clears) the name offered for this submission, or null. */
    static @Nullable String take() {
        String name = PENDING.get();
        if (name != null) {
            PENDING.remove();
        }
        return name;
    }

    static void set(@Nullable String name) {
        if (name == null) {
            PENDING.remove();
        } else {
            PENDING.set(name);
        }
    }
}
