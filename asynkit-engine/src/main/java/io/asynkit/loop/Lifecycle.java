package io.asynkit.loop;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loop's run state, one atomic word, with the count of foreign starts in flight.
 *
 * <table>
 *   <caption>Run-state transitions</caption>
 *   <tr><th>from</th><th>event</th><th>to</th></tr>
 *   <tr><td>RUNNING</td><td>{@code shutdown()}, {@code shutdownNow()}, {@code close()}</td><td>SHUTDOWN</td></tr>
 *   <tr><td>SHUTDOWN</td><td>no task live, no foreign start in flight, every inbox empty
 *       ({@link Engine#tryTerminate})</td><td>TERMINATED</td></tr>
 *   <tr><td>SHUTDOWN</td><td>{@code close()} gave up on tasks that ignored cancellation</td><td>TERMINATED</td></tr>
 * </table>
 *
 * <p>New tasks are accepted only while RUNNING; callbacks and timers until TERMINATED.
 *
 * <p><b>A start racing shutdown</b> is either admitted and then waited for, or refused, never lost: a
 * thread outside the loop that starts a task counts itself in ({@link #enterForeignStart}) before it checks
 * the state, and out after it has handed the task over; termination waits until no such start is in
 * flight, and the last one out of a shut-down loop (admitted or refused) tries to terminate it. A task of
 * the loop that starts another needs no count: it is live itself, so the loop cannot terminate before the
 * new task is admitted. A callback that starts a task is counted like a thread outside: it is not live.
 */
final class Lifecycle {

    static final int RUNNING = 0;
    static final int SHUTDOWN = 1;
    static final int TERMINATED = 2;

    private final String loopName;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final AtomicInteger foreignStarts = new AtomicInteger();
    private final CountDownLatch terminated = new CountDownLatch(1);

    Lifecycle(String loopName) {
        this.loopName = loopName;
    }

    int state() {
        return state.get();
    }

    boolean isAccepting() {
        return state.get() == RUNNING;
    }

    boolean isShutDown() {
        return state.get() != RUNNING;
    }

    boolean isTerminated() {
        return state.get() == TERMINATED;
    }

    /** RUNNING → SHUTDOWN; returns whether this call did it. */
    boolean shutdown() {
        return state.compareAndSet(RUNNING, SHUTDOWN);
    }

    /** SHUTDOWN → TERMINATED; returns whether this call did it (then the caller cleans up, once). */
    boolean terminate() {
        if (state.compareAndSet(SHUTDOWN, TERMINATED)) {
            terminated.countDown();
            return true;
        }
        return false;
    }

    boolean awaitTermination(long nanos) throws InterruptedException {
        return terminated.await(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * A thread outside the loop is about to start a task: counts it in and returns true if the loop accepts
     * tasks. If not, the caller counts itself out again ({@link #exitForeignStart}), and tries to terminate
     * the loop if that says so: it may have been the start the loop's termination waited for.
     */
    boolean enterForeignStart() {
        foreignStarts.incrementAndGet();
        return state.get() == RUNNING;
    }

    /** The start counted in by {@link #enterForeignStart} has handed its task over; returns true if the caller should try to terminate. */
    boolean exitForeignStart() {
        return foreignStarts.decrementAndGet() == 0 && state.get() == SHUTDOWN;
    }

    boolean foreignStartsInFlight() {
        return foreignStarts.get() != 0;
    }

    RejectedExecutionException rejection(Task<?> task) {
        return new RejectedExecutionException("loop '" + loopName + "' is shut down and accepts no new tasks; task "
                + task.name() + " rejected");
    }

    void rejectIfShutDown(String taskName) {
        if (state.get() != RUNNING) {
            throw new RejectedExecutionException("loop '" + loopName + "' is shut down and accepts no new tasks; task "
                    + (taskName != null ? taskName : "(unnamed)") + " rejected");
        }
    }

    void rejectIfTerminated(String operation) {
        if (state.get() == TERMINATED) {
            throw new RejectedExecutionException("loop '" + loopName + "' has terminated; " + operation + " rejected");
        }
    }
}
