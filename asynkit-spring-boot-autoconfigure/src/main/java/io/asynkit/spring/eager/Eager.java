package io.asynkit.spring.eager;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs calls to a bean method <em>eagerly</em>: the call starts at once, on the caller's behalf, as an
 * asynkit task, and the caller gets control back the moment the call first parks (waits for I/O, a
 * lock, a future, a sleep), returns or throws. It is {@code Coroutines.eager} applied by a proxy, as
 * {@code @Async} applies an executor.
 *
 * <pre>{@code
 * @Service
 * class PriceService {
 *     @Eager
 *     public CompletableFuture<Price> price(String sku) {
 *         Price cached = cache.get(sku);
 *         if (cached != null) {
 *             return CompletableFuture.completedFuture(cached); // no park: the caller gets a completed future
 *         }
 *         return CompletableFuture.completedFuture(remote.fetch(sku)); // parks on I/O: the caller continues
 *     }
 * }
 *
 * CompletableFuture<Price> price = priceService.price(sku); // the request is on the wire already
 * Stock stock = stockService.stock(sku);                      // meanwhile
 * return new Offer(price.join(), stock);
 * }</pre>
 *
 * <p><b>Where.</b> On a method: that method. On a class: every public, non-static method the class
 * declares (and that its subclasses declare), but not the methods of {@link Object} ({@code toString},
 * {@code equals}, {@code hashCode}, even when overridden) and not methods inherited from a superclass
 * that is not itself {@code @Eager} (annotate or override those). Annotations are found on overridden
 * methods and on superclasses and interfaces too. {@code @Eager} on a private or static method fails
 * start-up: such a method is never intercepted.
 *
 * <p><b>Return types.</b> {@code CompletableFuture}, {@code CompletionStage} or {@code Future}: the
 * caller gets a {@code CompletableFuture} that completes with the value of the future the method
 * returned (typically {@code CompletableFuture.completedFuture(x)}); if the call never parked it is
 * already complete. {@code void}: fire-and-forget. Any other return type fails start-up, naming the
 * bean, the method and the allowed types.
 *
 * <p><b>Exceptions.</b> Never thrown at the call site: for a future, they complete it exceptionally
 * (the method's exception itself, or the failure of the future it returned); for {@code void}, they go
 * to the application's {@code AsyncConfigurer.getAsyncUncaughtExceptionHandler()}, or are logged by
 * Spring's {@code SimpleAsyncUncaughtExceptionHandler}.
 *
 * <p><b>Where it runs.</b> Called from an asynkit task, on that task's loop, depth-first: the caller
 * resumes right after the call parks. Called from any other thread, on the application's asynkit
 * {@code Loop} bean (not the engine's common loop), the caller waiting until the call first parks
 * or ends. After its first park the call continues as an ordinary task of that loop. The call
 * sees a copy of the caller's asynkit {@code Context} and runs through the application's
 * {@code TaskDecorator}s, as {@code @Async} tasks do.
 *
 * <p><b>Proxies.</b> As with {@code @Async}, only calls through the Spring proxy are eager:
 * <em>self-invocation</em> ({@code this.price(sku)} from another method of the same bean) runs as a
 * plain call on the caller's thread. The advice is added in front of the bean's other advisors
 * ({@code @Transactional}, aspects), so they run inside the eager task; {@code asynkit.eager.order}
 * orders the post-processor against {@code @EnableAsync(order)} and others.
 *
 * @see EagerAnnotationBeanPostProcessor
 * @see io.asynkit.coro.Coroutines#eager
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Eager {
}
