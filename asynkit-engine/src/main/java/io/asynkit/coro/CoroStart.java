package io.asynkit.coro;

import io.asynkit.loop.Drive;
import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A call started eagerly: it runs at once, on the caller's behalf, until it first parks, returns or
 * throws; then the caller decides what to do with it. The counterpart of the Python library's
 * {@code CoroStart}, and what {@link Coroutines#eager} is built on.
 *
 * <pre>{@code
 * try (CoroStart<Page> start = CoroStart.start(() -> cache.getOrFetch(key))) {
 *     if (start.isDone()) {
 *         return start.result();          // a cache hit: no task switch happened at all
 *     }
 *     prepareSomethingElse();             // the fetch is in flight
 *     return start.join();                // now wait for it
 * }
 * }</pre>
 *
 * <p>The call runs in its own virtual thread (a task of the caller's loop, or of
 * {@link io.asynkit.loop.Loop#common()} when started outside any loop) with a copy of the caller's
 * {@link Context}. If it parks, it continues on that loop as an ordinary task ({@link #task()}).
 *
 * <p>Single use: {@link #join()} may be called once. {@link #close()} cleans up a start that was never
 * joined: a pending call is aborted at its blocking point and its {@code finally} blocks run before it
 * returns, parks in them included (in Java awaiting is blocking, so {@code close()} is Python's
 * {@code aclose()}); {@link #close(Duration)} bounds that wait.
 *
 * @param <T> the result type
 */
public final class CoroStart<T> implements AutoCloseable {

    private final Coroutine<T> coroutine;
    private final boolean finishedAtStart;
    private boolean consumed;

    private CoroStart(Coroutine<T> coroutine, boolean finishedAtStart) {
        this.coroutine = coroutine;
        this.finishedAtStart = finishedAtStart;
    }

    /** Starts {@code body} in a copy of the caller's context and runs it until it first parks or ends. */
    public static <T> CoroStart<T> start(Callable<T> body) {
        return start(body, Context.capture());
    }

    /**
     * Starts {@code body} in {@code context} and runs it until it first parks or ends.
     *
     * @throws SynchronousError if called inside {@link Coroutines#awaitSync} and the call blocks
     */
    public static <T> CoroStart<T> start(Callable<T> body, Context context) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(context, "context");
        return start(Coroutine.create("eager", body, context));
    }

    /**
     * Starts {@code body} as a task named {@code name} of {@code loop} (whatever loop, if any, the caller
     * runs on), in a copy of the caller's context, and runs it until it first parks or ends. For
     * frameworks that own a loop, such as a Spring application's:
     *
     * <pre>{@code
     * CoroStart<Quote> start = CoroStart.start(applicationLoop, "quote", () -> pricing.quote(order));
     * }</pre>
     *
     * @throws UnsupportedOperationException if {@code loop} runs degraded (no scheduler hook)
     * @throws SynchronousError              if called inside {@link Coroutines#awaitSync} and the call blocks
     */
    public static <T> CoroStart<T> start(Loop loop, String name, Callable<T> body) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
        return start(Coroutine.create(loop, name, body, Context.capture()));
    }

    private static <T> CoroStart<T> start(Coroutine<T> coroutine) {
        Drive.Outcome outcome = coroutine.step(Drive.Until.PARK);
        if (outcome == Drive.Outcome.PARKED && coroutine.task.isSynchronous()) {
            coroutine.abortSynchronous(Drive.Until.BLOCK); // nested in awaitSync: blocking is an error
            outcome = Drive.Outcome.FINISHED; // it caught the abort and returned a value
        }
        return new CoroStart<>(coroutine, outcome == Drive.Outcome.FINISHED);
    }

    /** True if the call finished (returned or threw) while starting, and the start is not yet consumed. */
    public boolean isDone() {
        return finishedAtStart && !consumed;
    }

    /** True if the call parked while starting: it is still running, as {@link #task()}. */
    public boolean isPending() {
        return !finishedAtStart && !consumed;
    }

    /**
     * The value the call returned while starting.
     *
     * @throws IllegalStateException if the call did not finish while starting, or the start was consumed
     * @throws CompletionException   with the call's exception as cause, if it threw
     */
    public T result() {
        requireDone("result()");
        Throwable failure = coroutine.failure();
        if (failure != null) {
            throw new CompletionException(failure);
        }
        return coroutine.task.resultNow();
    }

    /**
     * What the call threw while starting, or {@code null} if it returned.
     *
     * @throws IllegalStateException if the call did not finish while starting
     */
    public Throwable exception() {
        requireDone("exception()");
        return coroutine.failure();
    }

    /**
     * Waits for the call and returns its value (inside a task this parks the task). Single use.
     *
     * @throws IllegalStateException if already joined or closed
     * @throws CompletionException   with the call's exception as cause, if it threw
     * @throws InterruptedException  if the waiting thread is interrupted
     */
    public T join() throws InterruptedException {
        if (consumed) {
            throw new IllegalStateException("CoroStart: already awaited (join() is single use) or closed");
        }
        consumed = true;
        return Scheduling.await(coroutine.task);
    }

    /**
     * The result of a call that finished while starting, as an already completed future.
     *
     * @throws IllegalStateException if the call did not finish while starting
     */
    public CompletableFuture<T> asFuture() {
        requireDone("asFuture()");
        return completedFuture();
    }

    /**
     * The call as something to wait on: an already completed future if it finished while starting,
     * otherwise its task's future (cancelling it cancels the task). Not consuming.
     */
    public CompletableFuture<T> asCompletableFuture() {
        return finishedAtStart ? completedFuture() : coroutine.task.toCompletableFuture();
    }

    private CompletableFuture<T> completedFuture() {
        Throwable failure = coroutine.failure();
        return failure == null ? CompletableFuture.completedFuture(coroutine.task.resultNow())
                : CompletableFuture.failedFuture(failure);
    }

    /** The task the call runs in; after a park it continues there as an ordinary task. */
    public Task<T> task() {
        return coroutine.task;
    }

    /**
     * Raises {@code exception} in the pending call at its blocking point and waits until the call ends, as
     * the Python library's {@code CoroStart.athrow}: parks while it handles the exception are waited for. A
     * JDK wait in the call sees the interrupt; asynkit's waits throw {@code exception} itself.
     *
     * @return the value, if the call handles the exception and returns
     * @throws IllegalStateException if the call is not pending (done, joined or closed)
     * @throws Exception             whatever the call ends with, unwrapped
     */
    public T throwInto(Throwable exception) throws Exception {
        Objects.requireNonNull(exception, "exception");
        requirePending("throw into");
        consumed = true;
        coroutine.throwAndStep(exception, Drive.Until.END);
        return coroutine.valueOrThrow();
    }

    /**
     * Raises {@code exception} in the pending call at its blocking point, and again each time the call parks
     * before it ends, at most {@code tries} times in all: the Python library's {@code CoroStart.throw(exc,
     * tries=)}, for calls that may swallow an interrupt once or twice.
     *
     * @return the value, if the call handles the exception and returns
     * @throws IllegalArgumentException if {@code tries} is less than 1
     * @throws IllegalStateException    if the call is not pending, or is still running after the last try
     *                                  (it goes on as an ordinary task of its loop)
     * @throws Exception                whatever the call ends with, unwrapped
     */
    public T throwInto(Throwable exception, int tries) throws Exception {
        Objects.requireNonNull(exception, "exception");
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be at least 1, but was " + tries);
        }
        requirePending("throw into");
        consumed = true;
        for (int i = 0; i < tries; i++) {
            if (coroutine.throwAndStep(exception, Drive.Until.PARK) == Drive.Outcome.FINISHED) {
                return coroutine.valueOrThrow();
            }
        }
        throw new IllegalStateException(coroutine.describe() + " ignored " + exception.getClass().getName() + " "
                + tries + " times: it parked again instead of ending, and goes on as task " + coroutine.task.name());
    }

    /**
     * Cleans up: a pending call is aborted at its blocking point with {@link CoroutineExit}, and this returns
     * once it has ended, its {@code finally} blocks run (cleanup that parks is waited for, as Python's
     * {@code aclose()} awaits it); a finished or joined start is just marked consumed. Idempotent.
     *
     * @throws RuntimeException a failure of the cleanup other than the exit (a checked one wrapped in
     *                          {@link CompletionException})
     */
    @Override
    public void close() {
        closeWithin(null);
    }

    /**
     * {@link #close()}, waiting at most {@code timeout} for the call to end.
     *
     * @return true if it ended (or was not pending); false if the time ran out first: the call goes on
     *         unwinding as an ordinary task of its loop ({@link #task()})
     */
    public boolean close(Duration timeout) {
        return closeWithin(Objects.requireNonNull(timeout, "timeout"));
    }

    /** {@link #close(Duration)}; a null timeout waits as long as it takes. */
    private boolean closeWithin(Duration timeout) {
        if (!isPending()) {
            consumed = true;
            return true;
        }
        consumed = true;
        CoroutineExit exit = new CoroutineExit(coroutine.describe() + " closed before it was joined");
        if (coroutine.throwAndStep(exit, Drive.Until.END, timeout) == Drive.Outcome.TIMED_OUT) {
            return false;
        }
        Throwable failure = coroutine.failure();
        if (failure != null && failure != exit && !(failure instanceof InterruptedException)) {
            switch (failure) {
                case RuntimeException unchecked -> throw unchecked;
                case Error error -> throw error;
                default -> throw new CompletionException(failure);
            }
        }
        return true;
    }

    private void requirePending(String operation) {
        if (!isPending()) {
            throw new IllegalStateException("CoroStart: cannot " + operation + " a call that is not pending (done, "
                    + "joined or closed)");
        }
    }

    private void requireDone(String operation) {
        if (!isDone()) {
            throw new IllegalStateException("CoroStart." + operation + ": the call is not done ("
                    + (consumed ? "already consumed" : "it parked and is still running") + ")");
        }
    }

    @Override
    public String toString() {
        return "CoroStart[" + coroutine.task.name() + (isDone() ? " done" : isPending() ? " pending" : " consumed") + "]";
    }
}
