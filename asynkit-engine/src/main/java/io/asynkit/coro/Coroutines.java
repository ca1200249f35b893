package io.asynkit.coro;

import io.asynkit.internal.Throwables;
import io.asynkit.loop.Drive;
import io.asynkit.loop.Loop;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Coroutine tools: eager calls, running code synchronously, running code in a given context.
 *
 * <pre>{@code
 * import static io.asynkit.coro.Coroutines.*;
 *
 * CompletableFuture<Data> data = eager(() -> fetchRemote(id)); // the request is on the wire already
 * Intermediate local = computeLocally();                        // meanwhile, do local work
 * return combine(local, data.join());
 * }</pre>
 *
 * <p>Every tool runs the call in its own virtual thread, driven on the caller's behalf by the
 * engine's one primitive ({@link Drive}): from a task the call runs next on the same loop and the
 * caller resumes the moment it parks; from a platform thread the caller carries the call itself,
 * with no thread hand-off. The tools nest inside each other to any depth.
 */
public final class Coroutines {

    private Coroutines() {
    }

    /**
     * Calls {@code body} eagerly: it starts at once, on the caller's behalf, and the caller continues
     * as soon as it first parks, returns or throws. If it never parked, the result is an already
     * completed future (an exception is delivered through the future, not thrown here); otherwise it is
     * the future of the task the call continues in.
     *
     * <p>With the Python README's example, the order of events is {@code a, 1, b, c, 2} with eager and
     * {@code a, b, 1, c, 2} with a plain task.
     */
    public static <T> CompletableFuture<T> eager(Callable<T> body) {
        return CoroStart.start(body).asCompletableFuture();
    }

    /**
     * {@link #eager(Callable)}, with the call running as a task named {@code name} of {@code loop}, whatever
     * loop (if any) the caller runs on.
     *
     * @throws UnsupportedOperationException if {@code loop} runs degraded (no scheduler hook)
     */
    public static <T> CompletableFuture<T> eager(Loop loop, String name, Callable<T> body) {
        return CoroStart.start(loop, name, body).asCompletableFuture();
    }

    /**
     * Runs {@code body} on the caller's behalf and returns its result, provided it completes without
     * blocking. A plain yield (a sleep of zero) is not blocking (see {@link #awaitSyncStrict}).
     *
     * <p>If the code would block, it is aborted where it would block: a {@link SynchronousAbort} is
     * raised there (a JDK wait sees an interrupt), its {@code finally} blocks run, and
     * {@link SynchronousError} is thrown with the abort, whose stack trace is the blocking point, as its
     * cause. Code that catches the abort and returns a value instead has that value returned. Inside,
     * creating tasks and using the loop are errors; eager calls, monitors and generators work.
     *
     * @throws SynchronousError if the code would block
     * @throws Exception        whatever {@code body} throws, unwrapped
     */
    public static <T> T awaitSync(Callable<T> body) throws Exception {
        return awaitSync(body, Drive.Until.BLOCK);
    }

    /** {@link #awaitSync}, where a yield (a sleep of zero) counts as blocking too. */
    public static <T> T awaitSyncStrict(Callable<T> body) throws Exception {
        return awaitSync(body, Drive.Until.BLOCK_OR_YIELD);
    }

    private static <T> T awaitSync(Callable<T> body, Drive.Until until) throws Exception {
        Objects.requireNonNull(body, "body");
        Coroutine<T> coroutine = Coroutine.create("sync", body, Context.capture());
        if (coroutine.step(until) != Drive.Outcome.FINISHED) {
            return coroutine.abortSynchronous(until);
        }
        return coroutine.valueOrThrow();
    }

    /**
     * Iterates {@code generator} synchronously, as the Python library's {@code aiter_sync}: each step
     * runs as {@link #awaitSync}, so a generator that would block fails with {@link SynchronousError}
     * instead. (A generator consumed directly from a platform thread may block: it is carried inline.)
     */
    public static <Y> Iterable<Y> iterateSync(Generator<Y> generator) {
        Objects.requireNonNull(generator, "generator");
        return () -> new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return sync(generator::hasNext);
            }

            @Override
            public Y next() {
                return sync(generator::next);
            }
        };
    }

    private static <T> T sync(Callable<T> step) {
        try {
            return awaitSync(step);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    /**
     * Runs {@code body} in {@code context} (instead of the caller's) and waits for its result: the
     * Python library's {@code coro_await(coro, context=)}. The call starts eagerly, on the caller's behalf,
     * and is awaited as a whole: if the caller is cancelled, interrupted or has an exception thrown into it
     * meanwhile, the call gets it where it waits, as if it ran on the caller's own thread, and this returns
     * what the call then ends with.
     *
     * @throws Exception whatever {@code body} throws, unwrapped
     */
    public static <T> T callIn(Context context, Callable<T> body) throws Exception {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(body, "body");
        Coroutine<T> call = Coroutine.create("callIn", body, context);
        if (call.step(Drive.Until.END) == Drive.Outcome.PARKED) {
            return call.abortSynchronous(Drive.Until.BLOCK); // nested in awaitSync, where blocking is an error
        }
        return call.valueOrThrow();
    }
}
