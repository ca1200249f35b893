package io.asynkit.spring.priority;

import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Controller;

/**
 * Proxies beans that carry {@link Priority} on the class or a method so that each call runs at that
 * priority, built the way Spring applies {@code @Async}. The advice goes ahead of existing advisors, so
 * that a task {@code @Async} creates for the call already has the priority when it is first queued.
 * Controllers are left alone: a {@code HandlerInterceptor} applies their priority to the request's task.
 */
public class PriorityAnnotationBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

    public PriorityAnnotationBeanPostProcessor() {
        Pointcut onClass = new AnnotationMatchingPointcut(Priority.class, true);
        Pointcut onMethod = new AnnotationMatchingPointcut(null, Priority.class, true);
        this.advisor = new DefaultPointcutAdvisor(new ComposablePointcut(onClass).union(onMethod), new PriorityInterceptor());
        setBeforeExistingAdvisors(true);
        setOrder(Ordered.LOWEST_PRECEDENCE);
    }

    @Override
    protected boolean isEligible(Object bean, String beanName) {
        return !isController(bean.getClass()) && super.isEligible(bean, beanName);
    }

    private static boolean isController(Class<?> type) {
        return org.springframework.core.annotation.AnnotatedElementUtils.hasAnnotation(type, Controller.class);
    }
}
