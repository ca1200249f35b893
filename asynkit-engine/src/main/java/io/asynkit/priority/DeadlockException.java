package io.asynkit.priority;

/**
 * Thrown instead of waiting for a {@link PriorityLock} when the wait would close a cycle: the lock's
 * owner waits, directly or through a chain of priority locks, for a lock the caller holds, so no one
 * in the cycle could ever proceed. The message names every task and lock in the cycle. The caller
 * does not hold the lock it asked for; the locks it held before are unchanged.
 */
public class DeadlockException extends IllegalStateException {

    public DeadlockException(String message) {
        super(message);
    }
}
