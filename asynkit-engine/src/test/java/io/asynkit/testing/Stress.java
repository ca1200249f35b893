package io.asynkit.testing;

import java.time.Duration;

/**
 * Sizing stress tests by time, not by count: a test runs rounds until its time budget is spent, so it
 * takes about as long on a busy machine as on a quiet one (doing less there), and the suite stays within
 * its limits with other processes beside it. {@code -Dasynkit.stress.scale=4} multiplies every budget,
 * for a longer search.
 */
public final class Stress {

    private static final double SCALE = Double.parseDouble(System.getProperty("asynkit.stress.scale", "1"));

    private Stress() {
    }

    /** One round of a stress test, numbered from 0. */
    @FunctionalInterface
    public interface Round {
        void run(int round) throws Exception;
    }

    /** {@code budget}, scaled by {@code asynkit.stress.scale}. */
    public static Duration budget(Duration budget) {
        return Duration.ofNanos((long) (budget.toNanos() * SCALE));
    }

    /**
     * Runs {@code round} for 0, 1, 2, ... until {@code budget} (scaled) has passed since the first round
     * started, and at least {@code minRounds} times; returns how many rounds ran.
     */
    public static int repeatFor(Duration budget, int minRounds, Round round) throws Exception {
        long end = System.nanoTime() + budget(budget).toNanos();
        int rounds = 0;
        do {
            round.run(rounds++);
        } while (rounds < minRounds || System.nanoTime() - end < 0);
        return rounds;
    }
}
