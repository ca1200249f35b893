package io.asynkit.loop;

/**
 * What a loop does when the JVM was started without {@code --add-opens java.base/java.lang=ALL-UNNAMED},
 * so that virtual threads cannot be given the loop as their scheduler.
 */
public enum MissingHookPolicy {
    /** Refuse to build the loop: {@link HookUnavailableException} names the flag to add. */
    FAIL,
    /**
     * Build a degraded loop: tasks run as virtual threads on the JDK's default scheduler, so they still
     * run, complete and can be cancelled, and are still listed by the loop, but there is no ready queue
     * to order or inspect. Priorities are recorded but not applied; positional scheduling
     * ({@link Scheduling#sleepInsert}, {@link Scheduling#taskSwitch} and friends) throws
     * {@link UnsupportedOperationException}; RUNNABLE and RUNNING cannot be told apart and are both
     * reported as RUNNING. A warning naming the flag is logged once per loop.
     */
    DEGRADE
}
