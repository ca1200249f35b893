package io.asynkit.loop;

/**
 * An immutable snapshot of the {@link ScopedValue} bindings of a thread, so that a task can see the
 * values its creator saw, as the forks of a {@code StructuredTaskScope} do. Unlike a fork, the task
 * may outlive the creator's binding scope: it keeps the values of the snapshot, exactly as an asyncio
 * task keeps its copy of the creator's {@code contextvars}.
 *
 * <pre>{@code
 * ScopedValue.where(USER, alice).run(() ->
 *     loop.newTask().scopedValues(ScopedValueBindings.capture()).start(() -> USER.get())); // "alice"
 * }</pre>
 */
public final class ScopedValueBindings {

    private static final ScopedValueBindings NONE = new ScopedValueBindings(null);

    final Object snapshot; // the JDK's ScopedValue.Snapshot, or null

    private ScopedValueBindings(Object snapshot) {
        this.snapshot = snapshot;
    }

    /** The calling thread's bindings (empty if this JVM does not allow reading them). */
    public static ScopedValueBindings capture() {
        Object snapshot = SchedulerHook.get().captureScopedValueBindings();
        return snapshot == null ? NONE : new ScopedValueBindings(snapshot);
    }

    /** No bindings at all. */
    public static ScopedValueBindings none() {
        return NONE;
    }
}
