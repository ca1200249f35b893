package io.asynkit.coro;

/** Where a coroutine (a monitored coroutine, a generator) is in its life; Python's {@code coro_is_*}. */
public enum CoroutineState {
    /** Created, not started. */
    NEW,
    /** Running (or parked inside a call it makes) on someone's behalf right now. */
    RUNNING,
    /** Suspended at an out-of-band send ({@code oob}, {@code ayield}), waiting to be resumed. */
    SUSPENDED,
    /** Returned or threw. */
    FINISHED
}
