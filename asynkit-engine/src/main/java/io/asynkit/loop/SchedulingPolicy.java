package io.asynkit.loop;

/** How a loop orders its ready queue. */
public enum SchedulingPolicy {
    /** First in, first out, like asyncio and the JDK's default scheduler. Task priorities are ignored. */
    FIFO,
    /**
     * Lowest effective priority first, FIFO among equal priorities. With every priority equal this
     * behaves exactly like {@link #FIFO}.
     */
    PRIORITY
}
