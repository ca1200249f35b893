package io.asynkit.spring.config;

import io.asynkit.loop.Loop;
import io.asynkit.spring.support.TaskDecorators;
import org.springframework.beans.factory.BeanFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionProperties;
import org.springframework.boot.autoconfigure.task.TaskSchedulingProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.scheduling.config.TaskManagementConfigUtils;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The executor and the scheduler of {@link AsynkitAutoConfiguration}, with the conditions of Boot's
 * {@code TaskExecutionAutoConfiguration} and {@code TaskSchedulingAutoConfiguration}.
 */
final class AsynkitTaskConfigurations {

    private AsynkitTaskConfigurations() {
    }

    /** Boot's thread-name prefix names the tasks; Boot's {@code TaskDecorator} beans decorate them, in order. */
    static <T extends LoopExecutionSupport> T configure(T support, String taskNamePrefix,
                                                        ObjectProvider<TaskDecorator> taskDecorators) {
        support.setTaskNamePrefix(taskNamePrefix);
        TaskDecorator decorator = TaskDecorators.combine(taskDecorators.orderedStream().toList());
        if (decorator != null) {
            support.setTaskDecorator(decorator);
        }
        return support;
    }

    /**
     * {@code applicationTaskExecutor}, unless the application defines an {@link Executor} of its own (a
     * user's {@code ThreadPoolTaskExecutor} is then what {@code @Async} uses, as without asynkit; a bean
     * declared with {@code @Bean(defaultCandidate = false)} does not count, as for Boot). With it,
     * {@code @Async} is pointed at it as Boot does.
     *
     * <p>Not with {@code spring.task.execution.mode=force}: Boot then defines its own
     * {@code applicationTaskExecutor} whatever else exists, and two definitions of one bean name stop
     * start-up. Boot's executor is used, and {@link ForcedModeWarning} says so.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(value = Executor.class, ignored = Loop.class)
    @ConditionalOnProperty(value = "spring.task.execution.mode", havingValue = "auto", matchIfMissing = true)
    @Import({AsyncConfigurerWrapperConfiguration.class, AsyncConfigurerConfiguration.class,
            AsyncMethodNamingConfiguration.class})
    static class ExecutorConfiguration {

        @Bean(name = TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME)
        AsynkitTaskExecutor applicationTaskExecutor(Loop loop, TaskExecutionProperties properties,
                                                    ObjectProvider<TaskDecorator> taskDecorators) {
            return configure(new AsynkitTaskExecutor(loop), properties.getThreadNamePrefix(), taskDecorators);
        }

        /** Boot sizes its own executor with these; the loop has carriers, and no pool per executor. */
        @Bean
        IgnoredProperties asynkitIgnoredExecutionProperties() {
            return new IgnoredProperties("applicationTaskExecutor runs every task on the loop's carriers, without a "
                    + "thread pool, queue or concurrency limit of its own; size the loop with asynkit.carriers",
                    "spring.task.execution.pool", "spring.task.execution.simple");
        }
    }

    /** {@code taskScheduler}, with {@code @EnableScheduling} and no scheduler of the application's, as Boot's. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(name = TaskManagementConfigUtils.SCHEDULED_ANNOTATION_PROCESSOR_BEAN_NAME)
    @ConditionalOnMissingBean({TaskScheduler.class, ScheduledExecutorService.class})
    static class SchedulerConfiguration {

        @Bean(name = "taskScheduler")
        AsynkitTaskScheduler taskScheduler(Loop loop, TaskSchedulingProperties properties,
                                           ObjectProvider<TaskDecorator> taskDecorators) {
            return configure(new AsynkitTaskScheduler(loop), properties.getThreadNamePrefix(), taskDecorators);
        }

        /** Boot sizes its own scheduler with these; the loop's timer wakes executions that run on its carriers. */
        @Bean
        IgnoredProperties asynkitIgnoredSchedulingProperties() {
            return new IgnoredProperties("taskScheduler runs every execution as a task of the loop, woken by the "
                    + "loop's timer, without a thread pool or concurrency limit of its own; size the loop with "
                    + "asynkit.carriers", "spring.task.scheduling.pool", "spring.task.scheduling.simple");
        }
    }

    /** The application's {@link AsyncConfigurer} keeps its say, and falls back on {@code applicationTaskExecutor}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(AsyncConfigurer.class)
    static class AsyncConfigurerWrapperConfiguration {

        @Bean
        static BeanPostProcessor asynkitAsyncConfigurerWrapper(ObjectProvider<BeanFactory> beanFactory) {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    if (bean instanceof AsyncConfigurer configurer && !(bean instanceof AsynkitAsyncConfigurer)) {
                        return new AsynkitAsyncConfigurer(beanFactory.getObject(), configurer);
                    }
                    return bean;
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(AsyncConfigurer.class)
    static class AsyncConfigurerConfiguration {

        @Bean
        AsynkitAsyncConfigurer asynkitAsyncConfigurer(BeanFactory beanFactory) {
            return new AsynkitAsyncConfigurer(beanFactory, null);
        }
    }

    /** Only where {@code @EnableAsync} applies {@code @Async}: elsewhere the proxies would be for nothing. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(name = TaskManagementConfigUtils.ASYNC_ANNOTATION_PROCESSOR_BEAN_NAME)
    static class AsyncMethodNamingConfiguration {

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static AsyncMethodNamingPostProcessor asynkitAsyncMethodNamingPostProcessor() {
            return new AsyncMethodNamingPostProcessor();
        }
    }

    /** Why {@code @Async} does not run on the loop although asynkit is on: said once, at start-up. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(value = "spring.task.execution.mode", havingValue = "force")
    static class ForcedModeWarning {

        private static final Log LOG = LogFactory.getLog(AsynkitAutoConfiguration.class);

        @Bean
        SmartInitializingSingleton asynkitForcedModeWarning() {
            return () -> LOG.warn("asynkit: spring.task.execution.mode=force makes Spring Boot define its own "
                    + "applicationTaskExecutor, a thread pool, so asynkit's is not defined: @Async methods and "
                    + "everything else that uses applicationTaskExecutor run on Boot's pool, not on the loop. To run "
                    + "them on the loop beside executors of your own, remove the property and declare your executors "
                    + "with @Bean(defaultCandidate = false).");
        }
    }

}
