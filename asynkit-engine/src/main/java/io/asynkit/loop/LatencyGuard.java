package io.asynkit.loop;

import io.asynkit.priority.PriorityBand;

import java.time.Duration;
import java.util.Objects;

/**
 * A bound on how long a runnable task waits while every carrier runs work of a strictly worse priority
 * band ({@link PriorityBand}): when a task has waited that long, the loop lends an extra carrier, a platform
 * thread that runs only work of the waiting task's band or better, and retires it as soon as there is none.
 * Set it with {@link Loop.Builder#latencyGuard}.
 *
 * <pre>{@code
 * Loop loop = Loop.builder()
 *         .carriers(2)
 *         .latencyGuard(LatencyGuard.after(Duration.ofMillis(1)).maxExtraCarriers(1))
 *         .build();
 * }</pre>
 *
 * <p><b>Why.</b> A loop cannot take a carrier away from a task in the middle of its slice: a HIGH request
 * queued behind two CPU-bound LOW tasks on a two-carrier loop waits until one of them parks or yields, or,
 * if they never do (a spinning or pinned task), for good. The guard turns that wait into a bound. No peer
 * offers it: the JDK's scheduler has no priorities.
 *
 * <p><b>What the bound is.</b> The watchdog looks every quarter of the bound: a loan starts between
 * {@code bound} and {@code 1.25 * bound} after the task became runnable, plus the start of a thread
 * (tens of microseconds), and then the task runs at once. Only a strictly better band gets a loan: a
 * NORMAL task behind NORMAL work, or anything behind HIGH work, waits its turn as usual; so does a task
 * placed by a positional operation for one carrier's queue, which no other carrier takes. At most
 * {@code maxExtraCarriers} loans are out at once.
 *
 * <p><b>What it costs.</b> An extra carrier is one more runnable thread than the loop was given: the
 * operating system time-slices it against the busy carriers (and, on a host with no spare core, against
 * everything else), so the LOW work it overtakes runs a little slower for the loan's duration. The watchdog
 * wakes four times per bound (every 250 µs for a 1 ms bound) while the loop lives. Loans and their total
 * time are counted in {@link LoopStatistics#carrierLoans()} and {@link LoopStatistics#carrierLoanNanos()}.
 * An extra carrier keeps the nice value of the thread that starts it, not {@link Loop.Builder#carrierNice}:
 * it exists to run the better band promptly.
 *
 * <p><b>Where it applies.</b> A PRIORITY loop with two or more carriers. A one-carrier loop promises one
 * task at a time, which a loan breaks, so it gets one only when asked for with {@link #evenOnOneCarrier()};
 * a FIFO loop has no bands and refuses a guard; a degraded loop, whose tasks are plain virtual threads on the
 * JDK's scheduler, ignores it.
 *
 * <p>Instances are immutable; each method returns a new guard.
 */
public final class LatencyGuard {

    /** The shortest bound: the watchdog looks four times per bound, and a shorter one would keep a core busy. */
    public static final Duration MIN_BOUND = Duration.ofNanos(250_000);

    private final Duration bound;
    private final int maxExtraCarriers;
    private final boolean evenOnOneCarrier;

    private LatencyGuard(Duration bound, int maxExtraCarriers, boolean evenOnOneCarrier) {
        this.bound = bound;
        this.maxExtraCarriers = maxExtraCarriers;
        this.evenOnOneCarrier = evenOnOneCarrier;
    }

    /**
     * A guard that lends a carrier once a task has waited {@code bound} behind worse-band work; at most one
     * extra carrier at a time until {@link #maxExtraCarriers(int)} says otherwise.
     *
     * @throws IllegalArgumentException if {@code bound} is shorter than {@link #MIN_BOUND} (250 µs)
     */
    public static LatencyGuard after(Duration bound) {
        Objects.requireNonNull(bound, "bound");
        if (bound.compareTo(MIN_BOUND) < 0) {
            throw new IllegalArgumentException("a latency guard's bound must be at least " + MIN_BOUND.toNanos() / 1000
                    + " µs, but was " + bound + ": the watchdog looks four times per bound and would keep a core busy");
        }
        return new LatencyGuard(bound, 1, false);
    }

    /**
     * The most extra carriers on loan at once (default 1).
     *
     * @throws IllegalArgumentException if {@code max} is less than 1 or more than 1024
     */
    public LatencyGuard maxExtraCarriers(int max) {
        if (max < 1 || max > 1024) {
            throw new IllegalArgumentException("maxExtraCarriers must be between 1 and 1024, but was " + max
                    + "; build the loop without a latency guard to have none");
        }
        return new LatencyGuard(bound, max, evenOnOneCarrier);
    }

    /**
     * Allows loans on a one-carrier loop too, which then runs a second task beside the first while a loan is
     * out: its promise of one task at a time holds only between loans.
     */
    public LatencyGuard evenOnOneCarrier() {
        return new LatencyGuard(bound, maxExtraCarriers, true);
    }

    /** How long a task may wait behind worse-band work before a carrier is lent. */
    public Duration bound() {
        return bound;
    }

    /** The most extra carriers on loan at once. */
    public int maxExtraCarriers() {
        return maxExtraCarriers;
    }

    /** True if a one-carrier loop may get loans too. */
    public boolean isEvenOnOneCarrier() {
        return evenOnOneCarrier;
    }

    /** Refuses a guard the loop cannot honour, saying why; called by {@link Loop.Builder#build()}. */
    void checkFits(int carriers, SchedulingPolicy policy) {
        if (policy != SchedulingPolicy.PRIORITY) {
            throw new IllegalArgumentException("a latency guard needs a PRIORITY loop: a " + policy + " loop has no "
                    + "priority bands, so no task is ever behind worse work");
        }
        if (carriers == 1 && !evenOnOneCarrier) {
            throw new IllegalArgumentException("a latency guard on a one-carrier loop would run a second task beside "
                    + "the first, breaking its promise of one task at a time; use carriers(2) or more, or ask for it "
                    + "with LatencyGuard.after(" + bound + ").evenOnOneCarrier()");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyGuard g && bound.equals(g.bound) && maxExtraCarriers == g.maxExtraCarriers
                && evenOnOneCarrier == g.evenOnOneCarrier;
    }

    @Override
    public int hashCode() {
        return Objects.hash(bound, maxExtraCarriers, evenOnOneCarrier);
    }

    @Override
    public String toString() {
        return "LatencyGuard[after " + bound + ", at most " + maxExtraCarriers + " extra carrier"
                + (maxExtraCarriers == 1 ? "" : "s") + (evenOnOneCarrier ? ", even on one carrier" : "") + "]";
    }
}
