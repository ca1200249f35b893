package io.asynkit.spring.eager;

import io.asynkit.coro.Context;
import io.asynkit.coro.Coroutines;
import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.spring.eager.EagerMethods.ReturnKind;
import io.asynkit.spring.support.TaskDecorators;
import io.asynkit.spring.support.TaskNames;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.MethodClassKey;
import org.springframework.core.task.TaskDecorator;
import org.springframework.util.ClassUtils;

import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The advice behind {@link Eager}: runs the intercepted call eagerly and hands the caller a
 * {@link CompletableFuture} (or nothing, for {@code void}). Built by
 * {@link EagerAnnotationBeanPostProcessor}; usable in a hand-made {@code ProxyFactory} too.
 *
 * <p>Where the call runs: called from an asynkit task, through the engine's
 * {@link Coroutines#eager} on that task's loop (which also keeps {@code awaitSync}'s rules when the
 * caller is inside one); from any other thread, as a task of the loop this interceptor was given
 * (the application's {@code Loop} bean), driven on the caller's behalf until it first parks or ends;
 * with no loop given, on {@link Loop#common()}. When the JVM lacks the scheduler hook (a degraded
 * loop, see {@code MissingHookPolicy}) no call can be driven: the call is then started as an ordinary
 * task of the loop instead, so the caller gets control back at once and the call runs concurrently,
 * without the eager start.
 */
public class EagerInterceptor implements MethodInterceptor {

    private static final Log LOG = LogFactory.getLog(EagerInterceptor.class);

    private final Supplier<Loop> loop;
    private final Supplier<AsyncUncaughtExceptionHandler> exceptionHandler;
    private final Supplier<TaskDecorator> taskDecorator;
    private final Map<MethodClassKey, String> taskNames = new ConcurrentHashMap<>();

    /**
     * @param loop             the loop for callers outside any task; may supply {@code null} for the
     *                         engine's common loop. Asked on every such call (cache it if it is costly).
     * @param exceptionHandler receives what {@code void} methods throw; must not supply {@code null}
     * @param taskDecorator    wraps every call (as an executor's decorator wraps tasks: decorated on the
     *                         caller's thread, run in the call's task); may supply {@code null}
     */
    public EagerInterceptor(Supplier<Loop> loop, Supplier<AsyncUncaughtExceptionHandler> exceptionHandler,
                            Supplier<TaskDecorator> taskDecorator) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.exceptionHandler = Objects.requireNonNull(exceptionHandler, "exceptionHandler");
        this.taskDecorator = Objects.requireNonNull(taskDecorator, "taskDecorator");
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Method method = invocation.getMethod();
        ReturnKind kind = ReturnKind.of(method.getReturnType());
        if (kind == null) { // the post-processor rejects these at start-up; a hand-made proxy may not
            throw new IllegalArgumentException("Invalid return type for @Eager method " + EagerMethods.describe(method)
                    + ": " + method.getGenericReturnType().getTypeName() + "; an @Eager method must return "
                    + EagerMethods.ALLOWED);
        }
        Object target = invocation.getThis();
        Class<?> targetClass = target != null ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
        Method specific = BridgeMethodResolver.findBridgedMethod(ClassUtils.getMostSpecificMethod(method, targetClass));
        Callable<Object> body = kind == ReturnKind.VOID
                ? () -> runVoid(invocation, specific)
                : () -> callFuture(invocation);
        CompletableFuture<Object> future = start(decorate(body), taskName(specific, targetClass));
        return kind == ReturnKind.VOID ? null : future;
    }

    /**
     * Eagerly on the caller's loop (a task) or the application's loop (a plain thread); on a degraded
     * loop, which cannot drive anything, as an ordinary task.
     */
    private CompletableFuture<Object> start(Callable<Object> body, String name) {
        Task<?> caller = Task.currentOrNull();
        Loop target = caller != null ? caller.loop() : loop.get();
        if (target == null) {
            target = Loop.common();
        }
        return target.isHookAvailable() ? Coroutines.eager(target, name, body) : startPlainTask(target, body, name);
    }

    private static CompletableFuture<Object> startPlainTask(Loop loop, Callable<Object> body, String name) {
        Context context = Context.capture();
        return loop.newTask().name(name).scopedValues(context.scopedValues()).start(context.wrap(body))
                .toCompletableFuture();
    }

    /** For future-returning methods: the value of the future the method returned (waited for in the task). */
    private static Object callFuture(MethodInvocation invocation) throws Exception {
        Object result = proceed(invocation);
        return switch (result) {
            case null -> null;
            // toCompletableFuture(): a minimal stage (CompletableFuture.completedStage) refuses get()
            case CompletableFuture<?> future -> await(future.toCompletableFuture());
            case Future<?> future -> await(future);
            case CompletionStage<?> stage -> await(asFuture(stage));
            default -> result;
        };
    }

    private static Object await(Future<?> future) throws Exception {
        try {
            return future.get(); // no park if it is complete (the usual completedFuture(x))
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause() != null ? e.getCause() : e);
        } catch (InterruptedException e) {
            future.cancel(true); // our future was cancelled (or the loop shuts down): pass it on
            throw e;
        }
    }

    private static CompletableFuture<Object> asFuture(CompletionStage<?> stage) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> {
            if (failure != null) {
                future.completeExceptionally(failure);
            } else {
                future.complete(value);
            }
        });
        return future;
    }

    /** For void methods: fire-and-forget, failures to the handler. */
    private Object runVoid(MethodInvocation invocation, Method method) {
        try {
            invocation.proceed();
        } catch (Throwable failure) {
            try {
                exceptionHandler.get().handleUncaughtException(failure, method, invocation.getArguments());
            } catch (Throwable handlerFailure) {
                handlerFailure.addSuppressed(failure);
                LOG.error("The uncaught-exception handler failed on what @Eager method "
                        + EagerMethods.describe(method) + " threw", handlerFailure);
            }
        }
        return null;
    }

    /** The body wrapped by the task decorator: decorated here, on the caller's thread; run in the call's task. */
    private Callable<Object> decorate(Callable<Object> body) {
        return TaskDecorators.decorate(taskDecorator.get(), body);
    }

    private static Object proceed(MethodInvocation invocation) throws Exception {
        try {
            return invocation.proceed();
        } catch (Throwable t) {
            throw rethrowable(t);
        }
    }

    /** An exception as it is, an error thrown at once, any other throwable wrapped. */
    private static Exception rethrowable(Throwable t) {
        if (t instanceof Error error) {
            throw error;
        }
        return t instanceof Exception e ? e : new UndeclaredThrowableException(t);
    }

    private String taskName(Method method, Class<?> targetClass) {
        return taskNames.computeIfAbsent(new MethodClassKey(method, targetClass),
                key -> "eager:" + TaskNames.ofMethod(targetClass, method));
    }
}
