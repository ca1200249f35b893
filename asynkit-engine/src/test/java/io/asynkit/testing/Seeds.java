package io.asynkit.testing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.LongStream;

/**
 * Seeds for randomized tests: a fixed list, so that every run checks the same cases, plus one new random
 * seed per run, so that runs over time explore more. A parameterized test named after its seed
 * ({@code @ParameterizedTest(name = "seed {0}")}) prints the seed of a failure, and
 * {@code -Dasynkit.seed=<seed>} replays it as the extra seed.
 */
public final class Seeds {

    private static final long[] FIXED = {1, 7, 42, 20_261_204, 0x5DEECE66DL};

    private Seeds() {
    }

    /** The fixed seeds, and one random (or {@code asynkit.seed}) seed. */
    public static LongStream fixedAndOneRandom() {
        String replay = System.getProperty("asynkit.seed");
        long extra = replay != null ? Long.parseLong(replay) : ThreadLocalRandom.current().nextLong();
        return LongStream.concat(LongStream.of(FIXED), LongStream.of(extra));
    }
}
