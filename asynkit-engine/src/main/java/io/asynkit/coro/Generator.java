package io.asynkit.coro;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A running generator made by {@link GeneratorObject#generate}: consume it as an {@link Iterator}
 * (or in a for-each loop), a {@link Stream}, or a {@link Flow.Publisher}; send values in, throw
 * exceptions in, close it. The Python library's {@code GeneratorObjectIterator}.
 *
 * <p>Consumed from a platform thread, the generator's code runs inline on that thread, with no loop
 * and no thread hand-off, even when it blocks; consumed from a task, it runs on the task's loop, right
 * away, with the consumer resuming the moment a value is yielded.
 *
 * <p>Errors: the generator's exceptions reach the consumer (checked ones wrapped in
 * {@link CompletionException}); {@code next()} on an exhausted generator throws
 * {@link NoSuchElementException}; consuming it while it runs (from inside itself, or from two threads)
 * is an {@link IllegalStateException} ("already running").
 *
 * @param <Y> the type of the yielded values
 */
public final class Generator<Y> implements Iterator<Y>, Iterable<Y>, AutoCloseable {

    /**
     * Guards the consumer side. A {@code ReentrantLock}, never {@code synchronized}: a thread driving a
     * virtual thread must not hold a monitor (see {@link io.asynkit.loop.Drive}).
     */
    private final ReentrantLock lock = new ReentrantLock();
    private final BoundMonitor<?> coroutine; // held only here: once this generator is unreachable, it closes
    private final MonitorSession<?> session;
    private boolean finished;
    private boolean hasLookahead;
    private Y lookahead;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    Generator(BoundMonitor<?> coroutine) {
        this.coroutine = coroutine;
        this.session = coroutine.session();
    }

    @Override
    public boolean hasNext() {
        enter();
        try {
            return fetch();
        } finally {
            lock.unlock();
        }
    }

    /** Runs the generator to its next value unless one is waiting already. Holding the lock. */
    private boolean fetch() {
        if (!hasLookahead && !finished) {
            advance(null, null);
        }
        return hasLookahead;
    }

    @Override
    public Y next() {
        enter();
        try {
            if (!fetch()) {
                throw new NoSuchElementException("generator is exhausted");
            }
            hasLookahead = false;
            Y value = lookahead;
            lookahead = null;
            return value;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Resumes the generator with {@code value} (returned by its pending {@code ayield}) and returns the
     * next value it yields. The first call must send null (the generator has not reached an ayield yet).
     *
     * @throws NoSuchElementException   if the generator ends instead of yielding
     * @throws IllegalStateException    if a value fetched by {@link #hasNext()} has not been consumed
     * @throws IllegalArgumentException if {@code value} is not null and the generator has not started; the
     *                                  generator is not used up by that, and starts with the next call
     */
    public Y send(Object value) {
        enter();
        try {
            requireNoLookahead("send");
            if (finished) {
                throw new NoSuchElementException("generator is exhausted");
            }
            if (value != null && session.state() == CoroutineState.NEW) {
                throw new IllegalArgumentException("cannot send a value into a generator that has not started: "
                        + "it has no ayield to return it from yet; start it with next() or send(null)");
            }
            advance(value, null);
            return next();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Raises {@code exception} from the generator's pending {@code ayield} and returns the next value it
     * yields, as Python's {@code athrow}. On a generator that has not started, the exception is raised
     * at once; on an exhausted one, nothing happens and null is returned.
     *
     * @throws NoSuchElementException if the generator handles the exception and ends
     */
    public Y throwInto(Throwable exception) {
        enter();
        try {
            Objects.requireNonNull(exception, "exception");
            requireNoLookahead("throwInto");
            if (finished) {
                return null;
            }
            advance(null, exception);
            return next();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the generator: a suspended one gets {@link CoroutineExit} from its pending {@code ayield},
     * and this returns once it has unwound, its {@code finally} blocks run (cleanup that parks is waited for,
     * as Python's {@code aclose()} awaits it). A value fetched by {@link #hasNext()} and not consumed is
     * dropped. Idempotent. An unreachable generator is closed as well, without anyone waiting.
     *
     * @throws IllegalStateException if the generator catches the exit and yields again: it stays alive and
     *                               resumable, and the value it yielded is the next one {@link #next()} returns
     * @throws CompletionException   wrapping a checked exception its cleanup failed with (unchecked ones are
     *                               thrown as they are)
     */
    @Override
    public void close() {
        closeWithin(null);
    }

    /**
     * {@link #close()}, waiting at most {@code timeout} for the generator to unwind.
     *
     * @return true if it unwound (or there was nothing to close); false if the time ran out first: it goes
     *         on unwinding, undriven, as an ordinary task of its loop, and the generator counts as closed
     */
    public boolean close(Duration timeout) {
        return closeWithin(Objects.requireNonNull(timeout, "timeout"));
    }

    /** {@link #close(Duration)}; a null timeout waits as long as it takes. */
    private boolean closeWithin(Duration timeout) {
        enter();
        try {
            hasLookahead = false;
            lookahead = null;
            if (finished) {
                return true;
            }
            Object result;
            try {
                result = session.closeStep(timeout);
            } catch (RuntimeException | Error e) {
                finished = true;
                throw e;
            } catch (Exception e) {
                finished = true;
                throw new CompletionException(e);
            }
            if (result == MonitorSession.SENT) {
                @SuppressWarnings("unchecked")
                Y value = (Y) session.takeSent();
                lookahead = value; // not lost: the generator lives on, and this is its next value
                hasLookahead = true;
                throw new IllegalStateException("generator ignored CoroutineExit: it yielded " + OOBData.describe(value)
                        + " instead of ending; it stays open, and next() returns that value");
            }
            finished = true;
            return result == MonitorSession.CLOSED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * NEW; {@code SUSPENDED} at an ayield, waiting for the consumer; {@code RUNNING} while the consumer waits
     * for its next value (the code runs, or waits inside a call it made); or FINISHED. Python's
     * {@code coro_is_suspended} is also true in the second kind of {@code RUNNING}: see the Python mapping.
     */
    public CoroutineState state() {
        return session.state();
    }

    /** The generator's current stack; empty when not started or finished. */
    public StackTraceElement[] stackTrace() {
        return session.stackTrace();
    }

    @Override
    public Iterator<Y> iterator() {
        return this;
    }

    /** The remaining values as a sequential stream; closing the stream closes the generator. */
    public Stream<Y> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false)
                .onClose(this::close);
    }

    /**
     * The remaining values as a {@link Flow.Publisher} for one subscriber, honouring its demand: the
     * generator runs (in a task of the subscribing task's loop, or of the common loop) only while
     * values are requested. Cancelling the subscription closes the generator.
     */
    public Flow.Publisher<Y> publisher() {
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            if (!subscribed.compareAndSet(false, true)) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(new IllegalStateException("a generator can be subscribed to only once"));
                return;
            }
            new Pump(subscriber).subscribe();
        };
    }

    private void advance(Object send, Throwable failure) {
        if (session.state() == CoroutineState.RUNNING) {
            throw new IllegalStateException("generator is already running");
        }
        try {
            if (session.step(send, failure, null) == MonitorSession.SENT) {
                @SuppressWarnings("unchecked")
                Y value = (Y) session.takeSent();
                lookahead = value;
                hasLookahead = true;
            } else {
                finished = true; // returned instead of yielding
            }
        } catch (NoSuchElementException e) {
            finished = true;
            throw new IllegalStateException("generator raised NoSuchElementException", e);
        } catch (RuntimeException | Error e) {
            finished = finishedAfterFailure();
            throw e;
        } catch (Exception e) {
            finished = finishedAfterFailure();
            throw new CompletionException(e);
        }
    }

    /** A failure finishes the generator when it ended it, or was raised at once into one that never started. */
    private boolean finishedAfterFailure() {
        CoroutineState state = session.state();
        return state == CoroutineState.FINISHED || state == CoroutineState.NEW;
    }

    private void enter() {
        if (!lock.tryLock()) {
            throw new IllegalStateException("generator is already running (consumed from another thread)");
        }
    }

    private void requireNoLookahead(String operation) {
        if (hasLookahead) {
            throw new IllegalStateException(operation + ": a value fetched by hasNext() has not been consumed; call "
                    + "next() first");
        }
    }

    /** Drives the generator for one subscriber, strictly by demand; signals are serialised by {@code wip}. */
    private final class Pump implements Flow.Subscription {
        private final Flow.Subscriber<? super Y> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private final Loop loop;
        private volatile boolean cancelled;
        private boolean done;

        Pump(Flow.Subscriber<? super Y> subscriber) {
            this.subscriber = subscriber;
            Task<?> current = Task.currentOrNull();
            this.loop = current != null ? current.loop() : Loop.common();
        }

        void subscribe() {
            subscriber.onSubscribe(this);
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancelled = true;
                loop.submit(() -> {
                    subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive "
                            + "(Reactive Streams rule 3.9)"));
                    closeQuietly();
                    return null;
                });
                return;
            }
            demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            drain();
        }

        private void drain() {
            if (wip.getAndIncrement() == 0) {
                loop.submit(this::run);
            }
        }

        private Void run() {
            int missed = 1;
            do {
                while (!done) {
                    if (cancelled) {
                        done = true;
                        closeQuietly();
                        break;
                    }
                    if (demand.get() == 0) {
                        break;
                    }
                    Y value;
                    try {
                        if (!hasNext()) {
                            done = true;
                            subscriber.onComplete();
                            break;
                        }
                        value = next();
                    } catch (Throwable failure) {
                        done = true;
                        subscriber.onError(failure);
                        break;
                    }
                    demand.decrementAndGet();
                    subscriber.onNext(value);
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
            return null;
        }

        private void closeQuietly() {
            try {
                close();
            } catch (RuntimeException | Error ignored) {
                // the subscriber went away; the generator's own failure has nowhere to go
            }
        }
    }
}
