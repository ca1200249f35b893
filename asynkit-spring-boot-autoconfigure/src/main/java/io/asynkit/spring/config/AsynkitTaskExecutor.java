package io.asynkit.spring.config;

import io.asynkit.internal.Throwables;
import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskBuilder;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.TaskRejectedException;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spring's {@link AsyncTaskExecutor} on an asynkit {@link Loop}: every submitted runnable or callable
 * runs as a task of the loop. It is the application's {@code applicationTaskExecutor}, so {@code @Async}
 * methods, Spring MVC's async request processing and everything else that asks Boot for its executor
 * run on the loop.
 *
 * <pre>{@code
 * @Autowired AsyncTaskExecutor applicationTaskExecutor;
 * Future<Report> report = applicationTaskExecutor.submit(this::buildReport); // an asynkit Task
 * }</pre>
 *
 * <p>Each task inherits the priority of the task that submits it (see {@code @Priority}), or runs at
 * NORMAL when submitted from a plain thread. The futures returned are the tasks themselves. A
 * {@link TaskDecorator} wraps every runnable and callable, as Boot's executors apply theirs.
 * {@link #execute} is fire-and-forget: a failure goes to the loop's exception handler.
 */
public class AsynkitTaskExecutor implements AsyncTaskExecutor {

    private final Loop loop;
    private final String taskNamePrefix;
    private final TaskDecorator decorator;
    private final AtomicLong counter = new AtomicLong();

    /**
     * @param loop           the loop the tasks run on
     * @param taskNamePrefix names the tasks {@code prefix + n}
     * @param decorator      applied to every task, or null
     */
    public AsynkitTaskExecutor(Loop loop, String taskNamePrefix, TaskDecorator decorator) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.taskNamePrefix = Objects.requireNonNull(taskNamePrefix, "taskNamePrefix");
        this.decorator = decorator;
    }

    /** The loop the tasks run on. */
    public Loop getLoop() {
        return loop;
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        newTask().execute(decorate(task));
    }

    @Override
    public Future<?> submit(Runnable task) {
        Objects.requireNonNull(task, "task");
        return newTask().start(decorate(task));
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return start(task);
    }

    @Override
    public CompletableFuture<Void> submitCompletable(Runnable task) {
        Objects.requireNonNull(task, "task");
        return newTask().start(decorate(task)).toCompletableFuture();
    }

    @Override
    public <T> CompletableFuture<T> submitCompletable(Callable<T> task) {
        return start(task).toCompletableFuture();
    }

    private <T> Task<T> start(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        if (decorator == null) {
            return newTask().start(task);
        }
        return newTask().start(() -> { // a decorator wraps runnables: carry the callable's outcome across it
            Object[] outcome = new Object[1];
            Throwable[] failure = new Throwable[1];
            decorator.decorate(() -> {
                try {
                    outcome[0] = task.call();
                } catch (Throwable t) {
                    failure[0] = t;
                }
            }).run();
            if (failure[0] != null) {
                throw Throwables.rethrowable(failure[0]);
            }
            @SuppressWarnings("unchecked")
            T value = (T) outcome[0];
            return value;
        });
    }

    private TaskBuilder newTask() {
        if (loop.isShutdown()) { // as Spring's executors report it; the loop would say RejectedExecutionException
            throw new TaskRejectedException("executor on asynkit loop '" + loop.name() + "' is shut down: "
                    + "no new tasks are accepted");
        }
        return loop.newTask().name(taskNamePrefix + counter.incrementAndGet());
    }

    private Runnable decorate(Runnable task) {
        return decorator != null ? decorator.decorate(task) : task;
    }

    @Override
    public String toString() {
        return "AsynkitTaskExecutor[loop=" + loop.name() + "]";
    }
}
