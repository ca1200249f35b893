package io.asynkit.spring.config;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.scheduling.annotation.AsyncConfigurer;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Points {@code @Async} at {@code applicationTaskExecutor}, as Boot's own configurer does when Boot owns the
 * executor (Boot's backs off once the starter's executor exists). It stands alone when the application has
 * no {@link AsyncConfigurer}; it wraps the application's when it has one, which then keeps its say: its
 * executor, if it returns one, and its uncaught-exception handler.
 *
 * <pre>{@code
 * @Bean
 * AsyncConfigurer asyncErrors() {                     // wrapped: @Async still runs on the loop
 *     return new AsyncConfigurer() {
 *         public AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
 *             return (error, method, params) -> alerts.raise(method, error);
 *         }
 *     };
 * }
 * }</pre>
 */
public class AsynkitAsyncConfigurer implements AsyncConfigurer {

    private final BeanFactory beanFactory;
    private final @Nullable AsyncConfigurer delegate;

    /**
     * @param beanFactory where {@code applicationTaskExecutor} is found, when first needed
     * @param delegate    the application's configurer, or {@code null}
     */
    public AsynkitAsyncConfigurer(BeanFactory beanFactory, @Nullable AsyncConfigurer delegate) {
        this.beanFactory = Objects.requireNonNull(beanFactory, "beanFactory");
        this.delegate = delegate;
    }

    /** The delegate's executor if it gives one, else {@code applicationTaskExecutor}. */
    @Override
    public Executor getAsyncExecutor() {
        Executor executor = delegate != null ? delegate.getAsyncExecutor() : null;
        return executor != null ? executor : beanFactory.getBean(
                TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME, Executor.class);
    }

    @Override
    public @Nullable AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
        return delegate != null ? delegate.getAsyncUncaughtExceptionHandler() : null;
    }
}
