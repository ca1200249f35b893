package io.asynkit.group;

import io.asynkit.coro.Context;
import io.asynkit.internal.Throwables;
import io.asynkit.loop.Drive;
import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.Task;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Structured concurrency with eager starts, in the manner of anyio's task group and
 * {@code asyncio.TaskGroup}, with the Python library's {@code EagerTaskGroup}: every child starts at
 * once, on its starter's behalf, and runs until it first parks before the starter continues.
 *
 * <pre>{@code
 * Summary summary = TaskGroup.run(group -> {
 *     Task<Prices> prices = group.startNow(() -> pricing.fetch(ids));      // on the wire already
 *     Task<Stock> stock = group.startNow(() -> warehouse.fetch(ids));
 *     int port = group.start(status -> server.serve(0, status::started));    // returns once bound
 *     return new Summary(prices.get(), stock.get(), port);
 * });                                                                        // all children ended here
 * }</pre>
 *
 * <p><b>Rules.</b>
 * <ul>
 *   <li>Leaving {@link #run} waits for every child (and every child's children started in the group):
 *       when it returns or throws, no child's code is still running, whatever happened.</li>
 *   <li>The first failure (a child's exception, or the body's) cancels every other child at once.
 *       {@code run} then throws that first failure as it was thrown, with the later ones added as
 *       suppressed. Children cancelled by the group, and their reactions to it, are not failures.</li>
 *   <li>If the task running the group is cancelled or interrupted while it waits at the end, the
 *       children are cancelled and still waited for before the interruption propagates.</li>
 *   <li>The body is not interrupted when a child fails: it learns of it from the child's task, from
 *       {@link #isCancelled()}, or at the end.</li>
 * </ul>
 * Children run on the loop of the task that calls {@code run} (or the given loop), in a copy of the
 * caller's context, and inherit its priority unless given another. Starting a child in a group that
 * has ended is an {@link IllegalStateException}.
 */
public final class TaskGroup {

    /** The code of a group: it starts children and may return a value. */
    @FunctionalInterface
    public interface Body<T> {
        T run(TaskGroup group) throws Exception;
    }

    /** A child started with {@link #start}: it reports readiness through {@code status}. */
    @FunctionalInterface
    public interface Startable<S> {
        void run(TaskStatus<S> status) throws Exception;
    }

    private final Loop loop;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final Set<Task<?>> running = new LinkedHashSet<>();
    private final List<Throwable> failures = new ArrayList<>();
    private boolean cancelled;
    private boolean ended;
    private CompletableFuture<Void> allEnded; // completed when the last running child ends, once waited for

    private TaskGroup(Loop loop) {
        this.loop = loop;
    }

    /**
     * Runs {@code body} with a new group whose children run on the caller's loop (from a platform thread:
     * {@link Loop#common()}), and waits for all of them.
     *
     * @return what {@code body} returns
     * @throws Exception the first failure of the body or a child, with the others suppressed
     */
    public static <T> T run(Body<T> body) throws Exception {
        Task<?> current = Task.currentOrNull();
        return run(current != null ? current.loop() : Loop.common(), body);
    }

    /** {@link #run(Body)} with the children on {@code loop}. */
    public static <T> T run(Loop loop, Body<T> body) throws Exception {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(body, "body");
        TaskGroup group = new TaskGroup(loop);
        T result = null;
        try {
            result = body.run(group);
        } catch (Throwable failure) {
            group.fail(failure, null);
        }
        group.awaitChildren();
        Throwable first = group.firstFailure();
        if (first != null) {
            throw Throwables.rethrowable(first);
        }
        return result;
    }

    /**
     * Starts {@code fn} as a child, eagerly: it runs at once and this returns when it first parks or
     * ends. A child that fails before it first parks is not a failure of the group: its exception is
     * thrown here, as from a plain call, as the Python library's {@code EagerTaskGroup.start_soon} does. A
     * failure after its first park fails the group.
     *
     * @throws IllegalStateException if the group has ended or is cancelled
     * @throws Exception             what the child threw before it first parked, unwrapped
     */
    public <T> Task<T> startNow(Callable<T> fn) throws Exception {
        return startNow("group-child", fn);
    }

    /** The Python library's name ({@code start_soon}) for {@link #startNow(Callable)}: the same call; it starts now. */
    public <T> Task<T> startSoon(Callable<T> fn) throws Exception {
        return startNow(fn);
    }

    /** The Python library's name for {@link #startNow(String, Callable)}: the same call. */
    public <T> Task<T> startSoon(String name, Callable<T> fn) throws Exception {
        return startNow(name, fn);
    }

    /** {@link #startNow(Callable)} with a name for the child's task. */
    public <T> Task<T> startNow(String name, Callable<T> fn) throws Exception {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fn, "fn");
        // IN_SEGMENT until the starter has seen the child's first park; a failure before that is the starter's
        AtomicReference<Object> earlyFailure = new AtomicReference<>(IN_SEGMENT);
        Launched<T> launched = launch(name, fn, failure -> earlyFailure.compareAndSet(IN_SEGMENT, failure));
        if (launched.outcome() == Drive.Outcome.FINISHED) {
            if (earlyFailure.get() instanceof Throwable failure) {
                throw Throwables.rethrowable(failure);
            }
        } else if (earlyFailure.getAndSet(PARKED) instanceof Throwable failure) {
            fail(failure, launched.task()); // failed after its park, before we saw the park: the group's
        }
        return launched.task();
    }

    private static final Object IN_SEGMENT = new Object();
    private static final Object PARKED = new Object();

    /**
     * Starts {@code fn} as a child, eagerly, and waits until it calls {@link TaskStatus#started}: the
     * value it passes is returned. A child that fails before it reports ready is not a failure of the
     * group: its exception is thrown here instead. If it returns without reporting, this throws
     * {@link IllegalStateException}.
     *
     * @throws Exception             the child's failure before it reported ready
     * @throws IllegalStateException if the group has ended or is cancelled, or the child never reported
     */
    public <S> S start(Startable<S> fn) throws Exception {
        return start("group-child", fn);
    }

    /** {@link #start(Startable)} with a name for the child's task. */
    public <S> S start(String name, Startable<S> fn) throws Exception {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fn, "fn");
        CompletableFuture<S> ready = new CompletableFuture<>();
        TaskStatus<S> status = ready::complete;
        launch(name, () -> {
            try {
                fn.run(status);
            } catch (Throwable failure) {
                ready.completeExceptionally(failure);
                throw failure;
            }
            ready.completeExceptionally(new IllegalStateException("child " + name + " of the task group ended "
                    + "without calling started()"));
            return null;
        }, failure -> !ready.isDone() || ready.isCompletedExceptionally()); // before ready: start() throws it
        try {
            return Scheduling.await(ready);
        } catch (CompletionException e) {
            throw Throwables.rethrowable(e.getCause());
        }
    }

    /** Cancels every child; the group then only waits for them to end. Starting more is an error. */
    public void cancel() {
        cancelAllBut(null);
    }

    private void cancelAllBut(Task<?> spared) {
        List<Task<?>> toCancel;
        lock.lock();
        try {
            cancelled = true;
            toCancel = new ArrayList<>(running);
        } finally {
            lock.unlock();
        }
        for (Task<?> task : toCancel) {
            if (task != spared) {
                task.cancel(true);
            }
        }
    }

    /** True once a failure or {@link #cancel()} cancelled the group. */
    public boolean isCancelled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }

    /** The children still running, in start order. */
    public List<Task<?>> children() {
        lock.lock();
        try {
            return List.copyOf(running);
        } finally {
            lock.unlock();
        }
    }

    /** The loop the children run on. */
    public Loop loop() {
        return loop;
    }

    // ---- internals -------------------------------------------------------------------------------

    /** A child and how its eager start ended. */
    private record Launched<T>(Task<T> task, Drive.Outcome outcome) {
    }

    /**
     * Registers a child and drives it until it first parks or ends. Its failure fails the group unless
     * {@code claimedByStarter} takes it when it happens (then the starter throws it), and unless the child
     * was cancelled meanwhile (then it is its reaction to the cancellation).
     */
    private <T> Launched<T> launch(String name, Callable<T> fn, Predicate<Throwable> claimedByStarter) {
        lock.lock();
        try {
            requireOpen(name); // before making the task: the loop may be gone with the group
        } finally {
            lock.unlock();
        }
        Context context = Context.capture();
        Callable<T> body = context.wrap(fn);
        Drive drive = Drive.forNewTask(loop.newTask().name(name).scopedValues(context.scopedValues()), () -> {
            Task<?> self = Task.current();
            try {
                return body.call();
            } catch (Throwable failure) {
                if (!self.isCancelled() && !claimedByStarter.test(failure)) {
                    fail(failure, self);
                }
                throw failure;
            } finally {
                childEnded(self);
            }
        });
        @SuppressWarnings("unchecked") // the drive's task runs body, a Callable<T>
        Task<T> child = (Task<T>) drive.task();
        lock.lock();
        try {
            requireOpen(name);
            running.add(child);
        } finally {
            lock.unlock();
        }
        try {
            return new Launched<>(child, drive.run(Drive.Until.PARK));
        } catch (RejectedExecutionException refused) { // the loop shut down since the child was made: it never runs
            childEnded(child);
            throw refused;
        }
    }

    private void requireOpen(String name) {
        if (ended) {
            throw new IllegalStateException("cannot start " + name + ": the task group has ended (all its "
                    + "children finished and TaskGroup.run returned)");
        }
        if (cancelled) {
            throw new IllegalStateException("cannot start " + name + ": the task group is cancelled"
                    + (failures.isEmpty() ? "" : " after a failure: " + failures.get(0)));
        }
    }

    private void childEnded(Task<?> child) {
        CompletableFuture<Void> waiting = null;
        lock.lock();
        try {
            running.remove(child);
            if (running.isEmpty() && allEnded != null) {
                waiting = allEnded;
            }
        } finally {
            lock.unlock();
        }
        if (waiting != null) {
            waiting.complete(null); // outside the lock: it may resume the waiting task
        }
    }


    /** Records a failure of the body ({@code source} null) or a child; the first cancels the other children. */
    private void fail(Throwable failure, Task<?> source) {
        boolean first;
        lock.lock();
        try {
            if (source == null && cancelled && failure instanceof CancellationException) {
                return; // the body's reaction to the group's cancellation
            }
            first = failures.isEmpty() && !cancelled;
            failures.add(failure);
        } finally {
            lock.unlock();
        }
        if (first) {
            cancelAllBut(source);
        }
    }

    private boolean isFirstFailure(Throwable failure) {
        lock.lock();
        try {
            return !failures.isEmpty() && failures.get(0) == failure;
        } finally {
            lock.unlock();
        }
    }

    /** The first failure with the later ones suppressed, or null. Called once, at the end. */
    private Throwable firstFailure() {
        lock.lock();
        try {
            if (failures.isEmpty()) {
                return null;
            }
            Throwable first = failures.get(0);
            for (Throwable later : failures.subList(1, failures.size())) {
                if (later != first) {
                    first.addSuppressed(later);
                }
            }
            return first;
        } finally {
            lock.unlock();
        }
    }


    /**
     * Waits until no child runs. If the waiting task is interrupted (or an exception is thrown into it),
     * the children are cancelled and still waited for; the interruption becomes a failure of the group.
     */
    private void awaitChildren() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (running.isEmpty()) {
                ended = true;
                return;
            }
            allEnded = done;
        } finally {
            lock.unlock();
        }
        Throwable interruption = null;
        for (;;) {
            try {
                Scheduling.await(done);
                break;
            } catch (Throwable t) { // interrupted, or an exception thrown into the waiting task
                if (interruption == null) {
                    interruption = t;
                    fail(t, null);
                    cancel();
                }
            }
        }
        lock.lock();
        try {
            ended = true;
        } finally {
            lock.unlock();
        }
        if (interruption instanceof InterruptedException && !isFirstFailure(interruption)) {
            Thread.currentThread().interrupt(); // a child's failure is thrown: keep the interrupt status
        }
    }
}
