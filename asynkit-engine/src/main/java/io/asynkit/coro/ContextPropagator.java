package io.asynkit.coro;

/**
 * Carries thread-bound context (a {@link ThreadLocal}, SLF4J's MDC, a tracing span) from the thread
 * that starts a coroutine to the coroutine's own thread. Register once with
 * {@link Context#register(ContextPropagator)}.
 *
 * <pre>{@code
 * Context.register(new ContextPropagator<Map<String, String>>() {
 *     public Map<String, String> capture() { return MDC.getCopyOfContextMap(); }
 *     public void restore(Map<String, String> copy) { if (copy != null) MDC.setContextMap(copy); }
 * });
 * }</pre>
 *
 * @param <S> the captured snapshot
 */
public interface ContextPropagator<S> {

    /** Called on the starting thread: a snapshot of the context to carry (may be null). */
    S capture();

    /**
     * Called on the coroutine's thread before its code runs. The thread is new, so there is nothing to
     * restore afterwards: what the coroutine changes never reaches the caller.
     */
    void restore(S snapshot);
}
