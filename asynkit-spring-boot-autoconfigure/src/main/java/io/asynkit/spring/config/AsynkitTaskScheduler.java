package io.asynkit.spring.config;

import io.asynkit.loop.Handle;
import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.support.PeriodicTrigger;
import org.springframework.scheduling.support.SimpleTriggerContext;
import org.springframework.scheduling.support.TaskUtils;
import org.springframework.util.ErrorHandler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Spring's {@link TaskScheduler} on an asynkit {@link Loop}: the application's {@code taskScheduler},
 * so every {@code @Scheduled} method (cron, fixed rate, fixed delay) runs each execution as a task of
 * the loop. The loop's timer wakes it; nothing runs on a scheduler thread.
 *
 * <pre>{@code
 * taskScheduler.scheduleAtFixedRate(this::housekeeping, Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>Every kind of schedule is a {@link Trigger}: after each execution the trigger gives the next time
 * (fixed rate from the previous scheduled time, fixed delay from the previous completion, as
 * {@link PeriodicTrigger} does), so executions of one schedule never overlap. An exception in a
 * repeating execution is logged and the schedule goes on; a one-shot's exception completes its
 * future, as Spring's own schedulers do ({@link TaskUtils#getDefaultErrorHandler}).
 *
 * <p>As Spring's schedulers: the {@code TaskDecorator} decorates each schedule once, on the thread that
 * schedules it; {@code context.stop()} pauses (executions falling due wait until {@code context.start()},
 * see {@link LoopExecutionSupport}); once the context starts closing, no execution starts any more and
 * new schedules are refused with {@code TaskRejectedException}.
 *
 * <p>Executions are named {@code prefix + Bean.method} for {@code @Scheduled} methods (e.g.
 * {@code scheduling-Housekeeping.sweep}), else {@code prefix + n} per schedule.
 */
public class AsynkitTaskScheduler extends LoopExecutionSupport implements TaskScheduler {

    private final Clock clock;
    private volatile boolean closing;
    private ErrorHandler errorHandler;

    /**
     * @param loop the loop the executions run on; this scheduler never closes it
     */
    public AsynkitTaskScheduler(Loop loop) {
        this(loop, Clock.systemDefaultZone());
    }

    AsynkitTaskScheduler(Loop loop, Clock clock) {
        super(loop, "scheduling-");
        this.clock = clock;
    }

    /** Replaces the default error handling (log and continue for repeating tasks, propagate for one-shots). */
    public void setErrorHandler(ErrorHandler errorHandler) {
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
    }

    @Override
    public Clock getClock() {
        return clock;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
        Objects.requireNonNull(trigger, "trigger");
        return new Schedule(task, trigger, true).start();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
        Objects.requireNonNull(startTime, "startTime");
        Trigger once = context -> context.lastScheduledExecution() == null ? startTime : null;
        return new Schedule(task, once, false).start();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant startTime, Duration period) {
        return schedule(task, periodic(period, true, startTime));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
        return schedule(task, periodic(period, true, null));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Instant startTime, Duration delay) {
        return schedule(task, periodic(delay, false, startTime));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
        return schedule(task, periodic(delay, false, null));
    }

    private Trigger periodic(Duration period, boolean fixedRate, Instant startTime) {
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, but was " + period);
        }
        PeriodicTrigger trigger = new PeriodicTrigger(period);
        trigger.setFixedRate(fixedRate);
        if (startTime != null) {
            Duration initialDelay = Duration.between(clock.instant(), startTime);
            trigger.setInitialDelay(initialDelay.isNegative() ? Duration.ZERO : initialDelay);
        }
        return trigger;
    }

    @Override
    void contextClosing() {
        closing = true;
    }

    @Override
    public String toString() {
        return "AsynkitTaskScheduler[loop=" + getLoop().name() + ", prefix=" + getTaskNamePrefix() + "]";
    }

    /**
     * One schedule: a timer for the next execution, then a task for it, then the next time from the
     * trigger. Its future completes when the trigger has no next time, a one-shot ran, or it is cancelled.
     */
    private final class Schedule implements ScheduledFuture<Object> {
        private final Runnable task;
        private final Trigger trigger;
        private final boolean repeating;
        private final String taskName;
        private final SimpleTriggerContext context = new SimpleTriggerContext(clock);
        private final CompletableFuture<Object> finished = new CompletableFuture<>();
        private final ReentrantLock lock = new ReentrantLock();
        // Guarded by lock.
        private Handle timer;
        private Task<?> running;
        private Instant next;

        Schedule(Runnable task, Trigger trigger, boolean repeating) {
            Objects.requireNonNull(task, "task");
            this.taskName = taskName(ScheduledMethods.nameOf(task));
            this.task = decorated(task);
            this.trigger = trigger;
            this.repeating = repeating;
        }

        Schedule start() {
            if (closing || getLoop().isShutdown()) {
                throw rejected("cannot schedule " + taskName, null);
            }
            try {
                scheduleNext();
            } catch (RejectedExecutionException e) {
                throw rejected("cannot schedule " + taskName, e);
            }
            return this;
        }

        private void scheduleNext() {
            Instant at = trigger.nextExecution(context);
            lock.lock();
            try {
                if (finished.isDone()) {
                    return;
                }
                if (at == null) {
                    finished.complete(null);
                    return;
                }
                next = at;
                Duration delay = Duration.between(clock.instant(), at);
                timer = getLoop().callLater(delay.isNegative() ? Duration.ZERO : delay, () -> run(at));
            } finally {
                lock.unlock();
            }
        }

        /** On the loop, when the time has come: start the execution as a task. */
        private void run(Instant scheduled) {
            lock.lock();
            try {
                if (finished.isDone()) {
                    return;
                }
                if (closing) { // as Spring's schedulers: nothing starts once the context is closing
                    finished.completeExceptionally(new CancellationException("the application context is closing"));
                    return;
                }
                running = getLoop().newTask().name(taskName).start(gated(() -> execute(scheduled)));
            } catch (RejectedExecutionException shuttingDown) {
                finished.completeExceptionally(shuttingDown);
            } finally {
                lock.unlock();
            }
        }

        private Void execute(Instant scheduled) {
            Instant started = clock.instant();
            try {
                task.run();
            } catch (Throwable failure) {
                ErrorHandler handler = errorHandler != null ? errorHandler : TaskUtils.getDefaultErrorHandler(repeating);
                try {
                    handler.handleError(failure);
                } catch (Throwable propagated) {
                    finished.completeExceptionally(propagated);
                    return null;
                }
            } finally {
                context.update(scheduled, started, clock.instant());
                lock.lock();
                try {
                    running = null;
                } finally {
                    lock.unlock();
                }
            }
            try {
                scheduleNext();
            } catch (RejectedExecutionException shuttingDown) {
                finished.completeExceptionally(shuttingDown);
            }
            return null;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            Task<?> current;
            lock.lock();
            try {
                // not finished.cancel(): CompletableFuture.cancel returns true again once cancelled
                if (!finished.completeExceptionally(new CancellationException())) {
                    return false;
                }
                if (timer != null) {
                    timer.cancel();
                }
                current = running;
            } finally {
                lock.unlock();
            }
            if (current != null && mayInterruptIfRunning) {
                current.cancel(true);
            }
            return true;
        }

        @Override
        public boolean isCancelled() {
            return finished.isCancelled();
        }

        @Override
        public boolean isDone() {
            return finished.isDone();
        }

        @Override
        public Object get() throws InterruptedException, ExecutionException {
            return finished.get();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return finished.get(timeout, unit);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            lock.lock();
            try {
                Instant at = next;
                return at == null ? 0 : unit.convert(Duration.between(clock.instant(), at));
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int compareTo(Delayed other) {
            return other == this ? 0 : Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public String toString() {
            return "Schedule[" + taskName + (isCancelled() ? " cancelled" : isDone() ? " done" : " next " + next) + "]";
        }
    }
}
