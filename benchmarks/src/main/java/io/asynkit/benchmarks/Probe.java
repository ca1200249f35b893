package io.asynkit.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Figures a benchmark measures itself, inside its invocations (for example with
 * {@link System#nanoTime()} around one call), as opposed to JMH's time per invocation. A benchmark
 * {@link #record records} a total and a count under a name; {@link ProbeProfiler} turns each name into
 * a secondary result holding the mean (total / count) over the iteration, averaged over iterations.
 */
final class Probe {

    /** A running total: sum of the measured values and how many there were. */
    record Total(String unit, long sum, long count) {
    }

    private static final Map<String, Total> TOTALS = new LinkedHashMap<>();

    private Probe() {
    }

    /** Adds {@code count} measurements summing to {@code sum} (in {@code unit}) to the figure {@code name}. */
    static synchronized void record(String name, String unit, long sum, long count) {
        TOTALS.merge(name, new Total(unit, sum, count), (a, b) -> new Total(a.unit(), a.sum() + b.sum(),
                a.count() + b.count()));
    }

    /** The totals recorded since the last call, by name; clears them. */
    static synchronized Map<String, Total> drain() {
        Map<String, Total> copy = new LinkedHashMap<>(TOTALS);
        TOTALS.clear();
        return copy;
    }
}
