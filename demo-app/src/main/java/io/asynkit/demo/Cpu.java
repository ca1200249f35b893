package io.asynkit.demo;

import io.asynkit.loop.Scheduling;

import java.time.Duration;

/** CPU work for the demo's endpoints: a hash chain that the JIT cannot remove. */
final class Cpu {

    private Cpu() {
    }

    /** Computes for about {@code work}, without a scheduling point. Returns a checksum. */
    static long burn(Duration work) {
        long end = System.nanoTime() + work.toNanos();
        long x = 0x9E3779B97F4A7C15L;
        do {
            for (int i = 0; i < 256; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
        } while (System.nanoTime() < end);
        return x;
    }

    /**
     * Computes for about {@code work} in slices of {@code slice}, yielding between slices: long CPU
     * work on a cooperative scheduler must offer the carrier back now and then, or nothing else runs
     * on it meanwhile (the same code runs on the JDK's scheduler, where a yield is a yield too).
     */
    static long burnYielding(Duration work, Duration slice) {
        long remaining = work.toNanos();
        long checksum = 0;
        while (remaining > 0) {
            long step = Math.min(remaining, slice.toNanos());
            checksum += burn(Duration.ofNanos(step));
            remaining -= step;
            Scheduling.yieldNow();
        }
        return checksum;
    }
}
