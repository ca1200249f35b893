package io.asynkit.spring.config;

import io.asynkit.spring.support.TaskNames;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Offers {@code Bean.method} as the name of the task that Spring's {@code @Async} advice, running inside
 * this one on the same thread, submits for the call ({@link AsyncMethodNames}).
 */
final class AsyncMethodNamingInterceptor implements MethodInterceptor {

    private final Map<MethodClassKey, String> names = new ConcurrentHashMap<>();

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Class<?> targetClass = target != null ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass();
        String name = names.computeIfAbsent(new MethodClassKey(invocation.getMethod(), targetClass),
                key -> TaskNames.ofMethod(targetClass, invocation.getMethod()));
        String previous = AsyncMethodNames.offer(name);
        try {
            return invocation.proceed();
        } finally {
            AsyncMethodNames.set(previous);
        }
    }
}
