package io.asynkit.loop;

/**
 * The settings a {@link Loop.Builder} produced, validated once: durations are in nanoseconds, saturated
 * (a duration too long for nanoseconds means "as long as it takes"), and {@code boostAfter} is the bound
 * in force (0 when boosting is off or the loop is FIFO). {@code latencyGuard} is null without a guard;
 * {@code turnGate} is a test's (null otherwise).
 */
record LoopConfig(String name, int carriers, int maxSpareCarriers, SchedulingPolicy policy,
                  MissingHookPolicy missingHook, long shutdownNanos, long cancelNanos, long pinnedCheckNanos,
                  int carrierNice, Loop.ExceptionHandler exceptionHandler, boolean eagerTasks, int boostAfter,
                  LatencyGuard latencyGuard, TurnGate turnGate) {

    boolean prioritized() {
        return policy == SchedulingPolicy.PRIORITY;
    }
}
