package io.asynkit.spring.priority;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The asynkit priority of the task that runs a controller's requests, or a bean's {@code @Async},
 * {@code @Scheduled} and {@code @Eager} methods. Lower runs first; the constants are those of the
 * engine ({@link io.asynkit.priority.Priority}), and any finite value in between is allowed.
 *
 * <pre>{@code
 * @RestController
 * @Priority(Priority.HIGH)                       // every handler of this controller
 * class QuoteController {
 *     @GetMapping("/quote") Quote quote() { ... }
 *
 *     @Priority(Priority.LOW)                   // the method wins over the class
 *     @GetMapping("/report") Report report() { ... }
 * }
 * }</pre>
 *
 * <p><b>Where it applies.</b> For web requests, once Spring MVC knows the handler (Tomcat and Jetty
 * hand a request to the loop before it is parsed): the request's task takes the priority for the rest
 * of the request, and its own priority is restored afterwards. For other beans, around each call
 * through the bean's proxy: the calling task runs at this priority for the duration of the call, so a
 * task that {@code @Async} or {@code @Eager} creates for it inherits it. A {@code @Scheduled} method's
 * task takes the priority when the method is entered. Calls from within the same bean
 * (self-invocation) are not intercepted, as with every Spring proxy.
 *
 * <p><b>Not {@code jakarta.annotation.Priority}.</b> That annotation, on every Spring Boot class path,
 * orders beans and chooses among injection candidates; it has no effect on scheduling. asynkit logs
 * a warning at start-up for each handler that carries the jakarta one and none of this one.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Priority {

    /** Urgent work: {@link io.asynkit.priority.Priority#HIGH}. */
    double HIGH = io.asynkit.priority.Priority.HIGH;

    /** The default: {@link io.asynkit.priority.Priority#NORMAL}. */
    double NORMAL = io.asynkit.priority.Priority.NORMAL;

    /** Background work: {@link io.asynkit.priority.Priority#LOW}. */
    double LOW = io.asynkit.priority.Priority.LOW;

    /** The priority; lower runs first. Must be finite. */
    double value();
}
