package io.asynkit.spring.priority;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;

import java.util.OptionalDouble;

/** Runs each call of a {@link Priority}-annotated bean method at that priority ({@link Priorities#callAt}). */
final class PriorityInterceptor implements MethodInterceptor {

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        OptionalDouble priority = Priorities.declaredFor(invocation.getMethod(),
                target != null ? AopUtils.getTargetClass(target) : null);
        if (priority.isEmpty()) {
            return invocation.proceed();
        }
        return Priorities.callAt(priority.getAsDouble(), invocation::proceed);
    }
}
