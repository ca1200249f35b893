package io.asynkit.loop;

/**
 * A test's hold on the carriers' turns, so that a multi-carrier loop can be driven deterministically and its
 * every choice checked (see {@code DispatchModelTest}). Null in production: a carrier then takes its turns
 * freely and parks in {@link Idle} when it has nothing to do.
 *
 * <p>With a gate, a carrier asks for each turn ({@link #awaitTurn}), reports the entry it begins
 * ({@link #beginning}, under the lock of the queue it took it from) and reports the end of its turn
 * ({@link #turnEnded}); it parks in the gate instead of {@link Idle} while the gate is closed.
 */
interface TurnGate {

    /** Blocks until {@code carrier} may take a turn. */
    void awaitTurn(Carrier carrier);

    /** {@code carrier} begins {@code entry}, just taken from {@code from} (under its lock). Must not throw. */
    void beginning(Carrier carrier, RunQueue from, ReadyEntry entry);

    /**
     * {@code carrier}'s turn ended, having run an entry or found nothing. Returns true if the gate still holds
     * the carriers (a carrier that found nothing then asks for its next turn instead of parking).
     */
    boolean turnEnded(Carrier carrier, boolean ran);
}
