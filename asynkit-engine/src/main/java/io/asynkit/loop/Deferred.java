package io.asynkit.loop;

import java.util.ArrayList;
import java.util.List;

/**
 * Work that must not run under a lock, collected while one is held and run after it is released:
 * completing a future (its dependants run at once), waking a caller (its resumption takes a queue lock),
 * handing a task back from a lane. Owned by one thread at a time (a carrier keeps one for good).
 */
final class Deferred {

    private final List<Runnable> actions = new ArrayList<>(4);

    void add(Runnable action) {
        actions.add(action);
    }

    boolean isEmpty() {
        return actions.isEmpty();
    }

    /** Runs and forgets everything collected, in order; a failure of one does not stop the others. */
    void run() {
        if (actions.isEmpty()) {
            return;
        }
        Throwable first = null;
        for (int i = 0; i < actions.size(); i++) { // an action may add more: they run too
            try {
                actions.get(i).run();
            } catch (Throwable t) {
                if (first == null) {
                    first = t;
                } else {
                    first.addSuppressed(t);
                }
            }
        }
        actions.clear();
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
    }
}
