package io.asynkit.spring.config;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskBuilder;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Spring's {@link AsyncTaskExecutor} on an asynkit {@link Loop}: every submitted runnable or callable
 * runs as a task of the loop. It is the application's {@code applicationTaskExecutor}, so {@code @Async}
 * methods, Spring MVC's async request processing and everything else that asks Boot for its executor
 * run on the loop.
 *
 * <pre>{@code
 * @Autowired AsyncTaskExecutor applicationTaskExecutor;
 * Future<Report> report = applicationTaskExecutor.submit(this::buildReport); // an asynkit Task
 *
 * @Bean                                          // an executor of your own, on the application's loop
 * AsynkitTaskExecutor reportExecutor(Loop loop) {
 *     AsynkitTaskExecutor executor = new AsynkitTaskExecutor(loop);
 *     executor.setTaskNamePrefix("report-");     // default: the bean name and '-'
 *     return executor;
 * }
 * }</pre>
 *
 * <p>As Spring's executors behave:
 * <ul>
 * <li>The {@link TaskDecorator} decorates every submission on the submitting thread, for every kind of
 *     submission, so MDC, security context and tracing reach the task.</li>
 * <li>{@code submit} returns the {@link Task} itself; {@code submitCompletable} a {@link CompletableFuture}
 *     that fails with a {@link CompletionException} wrapping what the task threw (cancelling it cancels
 *     the task). {@link #execute} is fire-and-forget: a failure goes to the loop's exception handler.</li>
 * <li>A submission to a closed loop throws Spring's {@code TaskRejectedException}.</li>
 * <li>It is a {@code SmartLifecycle}: {@code context.stop()} pauses it, {@code context.start()} resumes it
 *     (see {@link LoopExecutionSupport}).</li>
 * </ul>
 *
 * <p>Each task inherits the priority of the task that submits it (see {@code @Priority}), or runs at
 * NORMAL when submitted from a plain thread. Tasks are named {@code prefix + n}, or, for an
 * {@code @Async} method, {@code prefix + Bean.method} (e.g. {@code task-ReportService.build}).
 */
public class AsynkitTaskExecutor extends LoopExecutionSupport implements AsyncTaskExecutor {

    /**
     * @param loop the loop the tasks run on; this executor never closes it
     */
    public AsynkitTaskExecutor(Loop loop) {
        super(loop, "async-");
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        TaskBuilder builder = newTask();
        submitted(() -> builder.execute(gated(decorated(task))));
    }

    @Override
    public Future<?> submit(Runnable task) {
        return start(task);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return start(task);
    }

    @Override
    public CompletableFuture<Void> submitCompletable(Runnable task) {
        return completable(start(task));
    }

    @Override
    public <T> CompletableFuture<T> submitCompletable(Callable<T> task) {
        return completable(start(task));
    }

    private Task<Void> start(Runnable task) {
        Objects.requireNonNull(task, "task");
        TaskBuilder builder = newTask();
        return submitted(() -> builder.start(gated(decorated(task))));
    }

    private <T> Task<T> start(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        TaskBuilder builder = newTask();
        return submitted(() -> builder.start(gated(decorated(task))));
    }

    /** As {@code CompletableFuture.supplyAsync} reports failures; cancelling it cancels the task. */
    private static <T> CompletableFuture<T> completable(Task<T> task) {
        CompletableFuture<T> future = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                task.cancel(true);
                return super.cancel(mayInterruptIfRunning);
            }
        };
        task.toCompletableFuture().whenComplete((value, failure) -> {
            if (failure == null) {
                future.complete(value);
            } else if (failure instanceof CancellationException || failure instanceof CompletionException) {
                future.completeExceptionally(failure);
            } else {
                future.completeExceptionally(new CompletionException(failure));
            }
        });
        return future;
    }

    /** Checked first, before any decorator runs: a shut-down loop refuses, as Spring's executors do. */
    private TaskBuilder newTask() {
        if (getLoop().isShutdown()) {
            throw rejected("executor " + this, null);
        }
        return getLoop().newTask().name(taskName(AsyncMethodNames.take()));
    }

    /** The loop may close between the check and the start: the same exception then. */
    private <T> T submitted(Supplier<T> submission) {
        try {
            return submission.get();
        } catch (RejectedExecutionException closedMeanwhile) {
            throw rejected("executor " + this, closedMeanwhile);
        }
    }

    @Override
    public String toString() {
        return "AsynkitTaskExecutor[loop=" + getLoop().name() + ", prefix=" + getTaskNamePrefix() + "]";
    }
}
