package io.asynkit.priority;

import io.asynkit.internal.TaskInternals;
import io.asynkit.loop.Task;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who holds which {@link PriorityLock} and who waits for which: the graph priority inheritance walks.
 *
 * <p>One graph for the whole JVM, guarded by one lock, {@link #LOCK}: a chain walk must see every
 * lock and party along the chain at once, and locks of different loops (and plain threads) can meet
 * in one chain. Only contended operations take it (an uncontended acquire or release is a CAS on the
 * lock itself), and nothing parks while holding it. Lock order: {@code LOCK}, then a loop's own lock
 * (taken to re-key a task in its ready queue); never the reverse.
 *
 * <p>Invariants, while {@code LOCK} is not held:
 * <ul>
 *   <li>a party is in {@link #PARTIES} exactly while it waits for a lock or owns a lock with waiters;</li>
 *   <li>every lock with waiters is in its owner's {@link Party#held} (unless it is free for an instant,
 *       between a release and the hand-off to its best waiter);</li>
 *   <li>every party's {@link Party#inherited} is the best effective priority among the waiters of its
 *       held locks, and each waiter's key in its lock is its current effective priority;</li>
 *   <li>the waits form no cycle: a wait that would close one is refused ({@link DeadlockException}).</li>
 * </ul>
 */
final class InheritanceGraph {

    static final ReentrantLock LOCK = new ReentrantLock();

    private static final Map<Object, Party> PARTIES = new HashMap<>();
    private static final TaskInternals.Access TASKS = TaskInternals.access();
    private static volatile boolean empty = true; // lets a priority change skip the graph when no one waits
    private static long arrivals;

    static {
        TaskInternals.onOwnPriorityChange(InheritanceGraph::ownPriorityChanged);
    }

    private InheritanceGraph() {
    }

    /** The party for an owner identity (a Task or a Thread), made if absent. Under LOCK. */
    static Party party(Object identity) {
        Party party = PARTIES.get(identity);
        if (party == null) {
            party = new Party(identity);
            PARTIES.put(identity, party);
            empty = false;
        }
        return party;
    }

    /** How many parties the graph holds (for tests: 0 once no one waits). */
    static int size() {
        LOCK.lock();
        try {
            return PARTIES.size();
        } finally {
            LOCK.unlock();
        }
    }

    /** The party for an identity, or null if it takes no part now. Under LOCK. */
    static Party existing(Object identity) {
        return identity == null ? null : PARTIES.get(identity);
    }

    /** Drops a party that no longer waits or holds a contended lock. Under LOCK. */
    static void forgetIfIdle(Party party) {
        if (party != null && party.isIdle() && party.inherited == Double.POSITIVE_INFINITY) {
            PARTIES.remove(party.identity);
            empty = PARTIES.isEmpty();
        }
    }

    /** The next arrival number, for FIFO order among waiters of equal priority. Under LOCK. */
    static long nextArrival() {
        return ++arrivals;
    }

    /**
     * Recomputes what {@code party} inherits and carries any change along the chain of waits: its key
     * in the lock it waits for, what that lock's owner inherits, and so on. Stops where nothing changes.
     * Each step moves one lock further along an acyclic chain, so the walk ends; the bound below only
     * guards the invariant. Under LOCK.
     */
    static void propagateFrom(Party party) {
        for (int steps = 0; party != null && steps <= PARTIES.size(); steps++) {
            double inherited = Double.POSITIVE_INFINITY;
            for (PriorityLock lock : party.held) {
                inherited = Math.min(inherited, lock.bestWaiterKey());
            }
            double before = party.effectivePriority();
            party.inherited = inherited;
            if (party.task != null) {
                TASKS.setInheritedPriority(party.task, inherited); // re-keys it in its ready queue
            }
            PriorityLock next = party.waitingOn;
            if (next == null || party.effectivePriority() == before) {
                forgetIfIdle(party);
                return;
            }
            next.rekey(party);
            party = next.ownerParty();
        }
    }

    /**
     * Throws {@link DeadlockException} if {@code waiter} waiting for {@code lock} would close a cycle:
     * the owner of {@code lock} waits, through a chain of locks, for something {@code waiter} owns.
     * Under LOCK.
     */
    static void refuseCycle(Object waiter, PriorityLock lock) {
        StringBuilder chain = new StringBuilder();
        PriorityLock at = lock;
        for (int steps = 0; at != null && steps <= PARTIES.size() + 1; steps++) {
            Object owner = at.ownerIdentity();
            if (owner == null) {
                return;
            }
            chain.append(" ").append(at).append(" is held by ").append(describe(owner));
            if (owner == waiter) {
                throw new DeadlockException(describe(waiter) + " would deadlock waiting for " + lock + ":" + chain
                        + ". Acquire locks in one global order, or use tryLock with a timeout");
            }
            Party party = PARTIES.get(owner);
            at = party != null ? party.waitingOn : null;
            if (at != null) {
                chain.append(", which waits for");
            }
        }
    }

    static String describe(Object identity) {
        return identity instanceof Task<?> task ? "task " + task.name() : "thread " + ((Thread) identity).getName();
    }

    /** A task's own priority changed: re-order the lock it waits for and pass the change on. */
    private static void ownPriorityChanged(Task<?> task) {
        if (empty) {
            return;
        }
        LOCK.lock();
        try {
            Party party = PARTIES.get(task);
            if (party != null && party.waitingOn != null) {
                party.waitingOn.rekey(party);
                propagateFrom(party.waitingOn.ownerParty());
            }
        } finally {
            LOCK.unlock();
        }
    }
}
