package io.asynkit.spring.contract;

import io.asynkit.loop.Loop;
import io.asynkit.spring.config.AsynkitTaskExecutor;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.scheduling.support.DelegatingErrorHandlingRunnable;
import org.springframework.scheduling.support.TaskUtils;

/**
 * {@link TaskExecutorContract} with a task decorator, as Spring's {@code DecoratedThreadPoolTaskExecutorTests}
 * checks it: the decorator wraps every kind of submission and failures still reach the futures.
 */
class DecoratedAsynkitTaskExecutorContractTests extends TaskExecutorContract {

    @Override
    protected AsyncTaskExecutor buildExecutor(Loop loop) {
        AsynkitTaskExecutor executor = new AsynkitTaskExecutor(loop);
        executor.setTaskDecorator(runnable ->
                new DelegatingErrorHandlingRunnable(runnable, TaskUtils.LOG_AND_PROPAGATE_ERROR_HANDLER));
        executor.setTaskNamePrefix(threadNamePrefix);
        return executor;
    }
}
