package io.asynkit.spring.config;

import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.Ordered;
import org.springframework.scheduling.annotation.Async;

/**
 * Names the task of every {@code @Async} call after its bean and method ({@code task-ReportService.build}
 * rather than {@code task-7}): adds, in front of Spring's {@code @Async} advice, an advice that tells the
 * starter's executor the method being submitted. Built as Spring builds {@code @Async}; at the same order as
 * {@code @EnableAsync}'s post-processor (lowest precedence by default) and registered after it, so that
 * it runs after it and its advice goes first. With an executor other than the starter's the name is not
 * used.
 */
public class AsyncMethodNamingPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

    public AsyncMethodNamingPostProcessor() {
        Pointcut onClass = new AnnotationMatchingPointcut(Async.class, true);
        Pointcut onMethod = new AnnotationMatchingPointcut(null, Async.class, true);
        this.advisor = new DefaultPointcutAdvisor(new ComposablePointcut(onClass).union(onMethod),
                new AsyncMethodNamingInterceptor());
        setBeforeExistingAdvisors(true);
        setOrder(Ordered.LOWEST_PRECEDENCE);
    }
}
