package io.asynkit.testing;

import org.jetbrains.kotlinx.lincheck.CTestConfiguration;
import org.jetbrains.kotlinx.lincheck.CTestStructure;
import org.jetbrains.kotlinx.lincheck.RandomProvider;
import org.jetbrains.kotlinx.lincheck.execution.RandomExecutionGenerator;

/**
 * Lincheck in rounds, sized by time ({@link Stress#repeatFor}): every round a new set of random scenarios.
 * Lincheck seeds its scenario generator with the same value in every check, so repeated checks would
 * repeat the same scenarios; a check configured with
 * {@code .executionGenerator(LincheckRounds.Generator.class)} inside {@link #round} draws them from a
 * seed of that round instead.
 */
public final class LincheckRounds {

    private static volatile int currentRound;

    private LincheckRounds() {
    }

    /** Runs {@code check} as round {@code round}: its scenarios come from that round's seed. */
    public static void round(int round, Runnable check) {
        currentRound = round;
        check.run();
    }

    /** Lincheck's random scenario generator, moved on by the current round's worth of seeds. */
    public static final class Generator extends RandomExecutionGenerator {
        public Generator(CTestConfiguration configuration, CTestStructure structure, RandomProvider random) {
            for (int i = 0; i < currentRound * 97; i++) {
                random.createRandom(); // the provider hands out a fixed sequence of seeds: skip this many
            }
            super(configuration, structure, random);
        }
    }
}
