package io.asynkit.spring.eager;

import io.asynkit.loop.Loop;
import io.asynkit.spring.support.TaskDecorators;
import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.aop.interceptor.SimpleAsyncUncaughtExceptionHandler;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Applies {@link Eager}: proxies every bean with {@code @Eager} methods (or an {@code @Eager} class)
 * so that calls through the proxy run eagerly ({@link EagerInterceptor}). Built as Spring builds
 * {@code AsyncAnnotationBeanPostProcessor}: one advisor (an annotation pointcut for the class or the
 * method, and the interceptor), added in front of the advisors of a bean that is already proxied
 * ({@code @Transactional}, aspects), so that those run inside the eager task.
 *
 * <p>Beans are checked as they are proxied: an {@code @Eager} method that returns anything but
 * {@code CompletableFuture}, {@code CompletionStage}, {@code Future} or {@code void}, or that is
 * private or static, fails start-up with a {@link BeanInitializationException} naming the bean, the
 * method, its return type and the allowed types.
 *
 * <p>Collaborators, each found lazily on the first call unless {@linkplain #configure configured}: the
 * application's unique {@link Loop} bean (for callers outside any asynkit task; without one, the
 * engine's common loop), the uncaught-exception handler of the application's unique
 * {@link AsyncConfigurer} (without one, Spring's {@link SimpleAsyncUncaughtExceptionHandler}, which
 * logs), and the application's {@link TaskDecorator} beans (applied in order, as Boot's executors do).
 *
 * <p>The order (default {@link Ordered#LOWEST_PRECEDENCE}, Boot property {@code asynkit.eager.order})
 * places this post-processor among the other advising ones, e.g. {@code @EnableAsync(order)}.
 */
public class EagerAnnotationBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

    private Supplier<Loop> loop;
    private Supplier<AsyncUncaughtExceptionHandler> exceptionHandler;
    private Supplier<TaskDecorator> taskDecorator;
    private Pointcut pointcut;
    private final Map<Class<?>, List<String>> checked = new ConcurrentHashMap<>();

    public EagerAnnotationBeanPostProcessor() {
        setBeforeExistingAdvisors(true);
        setOrder(Ordered.LOWEST_PRECEDENCE);
    }

    /**
     * Sets the collaborators instead of finding them in the bean factory; a {@code null} supplier (or
     * one that supplies {@code null}) keeps the default. Call before the bean factory is set.
     */
    public void configure(Supplier<Loop> loop, Supplier<AsyncUncaughtExceptionHandler> exceptionHandler,
                          Supplier<TaskDecorator> taskDecorator) {
        this.loop = loop;
        this.exceptionHandler = exceptionHandler;
        this.taskDecorator = taskDecorator;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        super.setBeanFactory(beanFactory);
        Supplier<Loop> loopFromContext = lazyOptional(() -> beanFactory.getBeanProvider(Loop.class).getIfUnique());
        Supplier<AsyncUncaughtExceptionHandler> handlerFromContext = () -> {
            AsyncConfigurer configurer = beanFactory.getBeanProvider(AsyncConfigurer.class).getIfUnique();
            return configurer != null ? configurer.getAsyncUncaughtExceptionHandler() : null;
        };
        Supplier<TaskDecorator> decoratorFromContext = lazyOptional(() ->
                TaskDecorators.combine(beanFactory.getBeanProvider(TaskDecorator.class).orderedStream().toList()));
        EagerInterceptor interceptor = new EagerInterceptor(
                orElse(loop, loopFromContext),
                new SingletonSupplier<>(orElse(exceptionHandler, handlerFromContext),
                        SimpleAsyncUncaughtExceptionHandler::new),
                orElse(taskDecorator, decoratorFromContext));
        pointcut = EagerMethods.pointcut();
        DefaultPointcutAdvisor eagerAdvisor = new DefaultPointcutAdvisor(pointcut, interceptor);
        eagerAdvisor.setOrder(getOrder());
        this.advisor = eagerAdvisor;
    }

    /** Checks the bean's {@code @Eager} methods, then proxies it (or adds the advice to its proxy). */
    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (pointcut != null && !(bean instanceof AopInfrastructureBean)) {
            Class<?> targetClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
            List<String> problems = checked.computeIfAbsent(targetClass, type ->
                    AnnotationUtils.isCandidateClass(type, Eager.class) ? EagerMethods.problems(pointcut, type) : List.of());
            if (!problems.isEmpty()) {
                throw new BeanInitializationException("Invalid @Eager method" + (problems.size() > 1 ? "s" : "")
                        + " on bean '" + beanName + "' (" + targetClass.getName() + "): " + String.join("; ", problems)
                        + ". An @Eager method must return " + EagerMethods.ALLOWED + " (callers get a "
                        + "CompletableFuture for the first three); class-level @Eager covers every public method "
                        + "the class declares, so annotate the methods instead if some must stay plain calls.");
            }
        }
        return super.postProcessAfterInitialization(bean, beanName);
    }

    /** Looks up once, on first use, and remembers the answer ("none" included). */
    private static <T> Supplier<T> lazyOptional(Supplier<T> lookup) {
        SingletonSupplier<Optional<T>> once = SingletonSupplier.of(() -> Optional.ofNullable(lookup.get()));
        return () -> once.obtain().orElse(null);
    }

    private static <T> Supplier<T> orElse(Supplier<T> configured, Supplier<T> fallback) {
        if (configured == null) {
            return fallback;
        }
        return () -> {
            T value = configured.get();
            return value != null ? value : fallback.get();
        };
    }
}
