package io.asynkit.spring.config;

import io.asynkit.loop.Loop;
import io.asynkit.spring.support.TaskDecorators;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanNameAware;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.ExecutorConfigurationSupport;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link AsynkitTaskExecutor} and {@link AsynkitTaskScheduler} share, as Spring's executors share
 * {@link ExecutorConfigurationSupport}: the loop, task names, the {@link TaskDecorator}, and the
 * {@link SmartLifecycle} of Spring 6.1+ executors.
 *
 * <p><b>Lifecycle.</b> {@code ConfigurableApplicationContext.stop()} <em>pauses</em>: work submitted or
 * falling due while paused waits, in its task, until {@code start()} resumes it, and the stop completes
 * once no work that had already started is running (bounded by Spring's
 * {@code spring.lifecycle.timeout-per-shutdown-phase}). Closing the context never leaves work held: from
 * the moment it starts closing, everything runs again, until the loop itself is closed
 * ({@link AsynkitLoopLifecycle}). The loop is not owned here and is never closed here.
 *
 * <p><b>Names.</b> Tasks are named {@code taskNamePrefix + what}: {@code what} is the bean method when
 * known, else a counter. The prefix defaults to the bean name followed by {@code '-'}, as Spring's
 * executors name their threads, or to {@code defaultPrefix} outside a context.
 */
public abstract class LoopExecutionSupport
        implements SmartLifecycle, ApplicationContextAware, ApplicationListener<ContextClosedEvent>, BeanNameAware {

    /** The phase of Spring's executors and schedulers: after the web server stops, paused after it. */
    public static final int DEFAULT_PHASE = ExecutorConfigurationSupport.DEFAULT_PHASE;

    private final Loop loop;
    private final PauseGate gate = new PauseGate();
    private final AtomicLong counter = new AtomicLong();
    private String taskNamePrefix;
    private boolean taskNamePrefixSet;
    private @Nullable TaskDecorator taskDecorator;
    private int phase = DEFAULT_PHASE;
    private @Nullable ApplicationContext applicationContext;

    LoopExecutionSupport(Loop loop, String defaultPrefix) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.taskNamePrefix = defaultPrefix;
    }

    /** The loop the tasks run on. */
    public Loop getLoop() {
        return loop;
    }

    /** Names the tasks {@code prefix + what} (their virtual threads too), e.g. {@code "task-"}. */
    public void setTaskNamePrefix(String taskNamePrefix) {
        this.taskNamePrefix = Objects.requireNonNull(taskNamePrefix, "taskNamePrefix");
        this.taskNamePrefixSet = true;
    }

    public String getTaskNamePrefix() {
        return taskNamePrefix;
    }

    /**
     * Wraps every submitted task (for a schedule: once, when it is scheduled), on the thread that submits
     * it, as Spring's executors do: what the decorator captures (MDC, security context, tracing) is the
     * submitter's.
     */
    public void setTaskDecorator(TaskDecorator taskDecorator) {
        this.taskDecorator = Objects.requireNonNull(taskDecorator, "taskDecorator");
    }

    /** The phase in which the context pauses and resumes this; default {@link #DEFAULT_PHASE}. */
    public void setPhase(int phase) {
        this.phase = phase;
    }

    @Override
    public int getPhase() {
        return phase;
    }

    @Override
    public void setBeanName(String name) {
        Objects.requireNonNull(name, "name");
        if (!taskNamePrefixSet) {
            taskNamePrefix = name + "-";
        }
    }

    @Override
    public void setApplicationContext(ApplicationContext applicationContext) {
        this.applicationContext = Objects.requireNonNull(applicationContext, "applicationContext");
    }

    /** Resumes: held work runs, new work runs at once. */
    @Override
    public void start() {
        gate.resume();
    }

    /** Pauses, without waiting for running work. */
    @Override
    public void stop() {
        gate.pause(null);
    }

    /** Pauses; {@code callback} runs once no work that had started is still running. */
    @Override
    public void stop(Runnable callback) {
        gate.pause(Objects.requireNonNull(callback, "callback"));
    }

    @Override
    public boolean isRunning() {
        return !gate.isPaused() && !loop.isTerminated();
    }

    /** Its own context is closing: nothing is held from now on. */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (Objects.requireNonNull(event, "event").getApplicationContext() == applicationContext) {
            gate.openForGood();
            contextClosing();
        }
    }

    /** Called once its context starts closing, after the gate has opened for good. */
    void contextClosing() {
    }

    /** {@code task} as the decorator wraps it, decorated now, on the calling thread. */
    Runnable decorated(Runnable task) {
        return taskDecorator != null ? taskDecorator.decorate(task) : task;
    }

    /** {@code prefix + what}, or {@code prefix + n} when {@code what} is null. */
    String taskName(@Nullable String what) {
        return taskNamePrefix + (what != null ? what : Long.toString(counter.incrementAndGet()));
    }

    /** {@code body} as the decorator wraps it, decorated now, on the calling thread. */
    <T> Callable<T> decorated(Callable<T> body) {
        return TaskDecorators.decorate(taskDecorator, body);
    }

    /** In the task, {@code body} first waits while paused. */
    Runnable gated(Runnable body) {
        return () -> {
            if (!gate.enter()) {
                return; // cancelled while held by a pause: the task's future already says so
            }
            try {
                body.run();
            } finally {
                gate.exit();
            }
        };
    }

    /** In the task, {@code body} first waits while paused. */
    <T> Callable<T> gated(Callable<T> body) {
        return () -> {
            if (!gate.enter()) {
                return null; // cancelled while held by a pause: the task's future already says so
            }
            try {
                return body.call();
            } finally {
                gate.exit();
            }
        };
    }

    /** Spring's exception for work refused because the loop is shut down. */
    TaskRejectedException rejected(String what, @Nullable Throwable cause) {
        return new TaskRejectedException(what + ": asynkit loop '" + loop.name() + "' is shut down, no new tasks "
                + "are accepted", cause);
    }
}
