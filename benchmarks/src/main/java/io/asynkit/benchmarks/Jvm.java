package io.asynkit.benchmarks;

/** JVM options shared by the benchmark forks (annotation values must be compile-time constants). */
final class Jvm {

    /** Every JVM that runs asynkit needs it: the engine gives virtual threads a scheduler of its own. */
    static final String ADD_OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";

    private Jvm() {
    }
}
