package io.asynkit.spring.contract;

import io.asynkit.loop.Loop;
import io.asynkit.spring.config.AsynkitTaskExecutor;
import org.springframework.core.task.AsyncTaskExecutor;

/**
 * {@link TaskExecutorContract} on {@link AsynkitTaskExecutor}, as Spring checks it on
 * {@code ThreadPoolTaskExecutor} ({@code ThreadPoolTaskExecutorTests}). Not ported from there: the tests of
 * core and maximum pool sizes, keep-alive and queue capacity, which a loop does not have (its carriers are
 * set when it is built).
 */
class AsynkitTaskExecutorContractTests extends TaskExecutorContract {

    @Override
    protected AsyncTaskExecutor buildExecutor(Loop loop) {
        AsynkitTaskExecutor executor = new AsynkitTaskExecutor(loop);
        executor.setTaskNamePrefix(threadNamePrefix);
        return executor;
    }
}
