package io.asynkit.group;

/**
 * Given to a child started with {@link TaskGroup#start}: the child calls {@link #started} once it is
 * ready (a server bound to its port, a subscription confirmed), and {@code start} returns the value.
 *
 * @param <S> the type of the value {@code start} returns
 */
public interface TaskStatus<S> {

    /**
     * Reports the child ready; {@link TaskGroup#start} returns {@code value}. Later calls are ignored.
     */
    void started(S value);

    /** {@link #started(Object)} with {@code null}. */
    default void started() {
        started(null);
    }
}
