package io.asynkit.internal;

import io.asynkit.loop.Task;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Engine internals shared between asynkit's own packages (the loop, and the priority locks that feed
 * priority inheritance into it). <b>Not API</b>: it may change in any release. Java has no "friend"
 * packages without modules, so the loop package registers its implementation here, as the JDK's
 * {@code SharedSecrets} do.
 */
public final class TaskInternals {

    /** What the loop package provides. */
    public interface Access {
        /**
         * Sets the priority {@code task} inherits from the waiters on locks it holds
         * ({@link Double#POSITIVE_INFINITY}: none), re-keying it in its loop's ready queue if queued.
         */
        void setInheritedPriority(Task<?> task, double inherited);

        /** The priority inherited so far ({@link Double#POSITIVE_INFINITY}: none). */
        double inheritedPriority(Task<?> task);

        /**
         * Called by {@code task} itself: if {@code exception} was thrown into it and not delivered yet,
         * forgets it and clears the interrupt that carried it; returns whether it did.
         */
        boolean withdrawThrow(Task<?> task, Throwable exception);
    }

    private static volatile Access access;
    private static volatile Consumer<Task<?>> priorityListener = task -> { };

    static {
        try { // Task registers its Access in its static initializer
            Class.forName(Task.class.getName(), true, Task.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TaskInternals() {
    }

    /** Called once, by the loop package. */
    public static void register(Access implementation) {
        if (access != null) {
            throw new IllegalStateException("task internals are registered already");
        }
        access = Objects.requireNonNull(implementation);
    }

    /** The loop package's implementation. */
    public static Access access() {
        return access;
    }

    /**
     * Registers what to call after a task's own priority changed (the priority package: a waiter's new
     * priority re-orders the lock it waits on and flows on to the lock's owner).
     */
    public static void onOwnPriorityChange(Consumer<Task<?>> listener) {
        priorityListener = Objects.requireNonNull(listener);
    }

    /** Called by the loop package after {@code task}'s own priority changed. */
    public static void ownPriorityChanged(Task<?> task) {
        priorityListener.accept(task);
    }
}
