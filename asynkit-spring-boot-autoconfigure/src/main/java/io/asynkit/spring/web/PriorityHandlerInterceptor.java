package io.asynkit.spring.web;

import io.asynkit.loop.Task;
import io.asynkit.spring.priority.Priorities;
import io.asynkit.spring.priority.Priority;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.web.method.HandlerMethod;

import java.util.OptionalDouble;

/**
 * Applies {@link Priority} of the handling controller (method, else class) to the request's task as
 * soon as Spring MVC has chosen the handler (a lower priority than the request's yields at once, see
 * {@link Priorities#enter}), and gives the task its own priority back when the request
 * is done (or handed to async processing; an async dispatch applies it again). Requests not running as
 * asynkit tasks are left alone.
 */
public class PriorityHandlerInterceptor extends RequestTaskChange<Double> {

    public PriorityHandlerInterceptor() {
        super(Double.class);
    }

    /** Enters the handler's priority; the task's own priority before it undoes it. */
    @Override
    @Nullable Double change(HttpServletRequest request, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return null;
        }
        OptionalDouble priority = Priorities.declaredFor(method.getMethod(), method.getBeanType());
        return priority.isPresent() ? Priorities.enter(priority.getAsDouble()) : null;
    }

    @Override
    void undo(Double previous) {
        Task<?> task = Task.currentOrNull();
        if (task != null) {
            task.setPriority(previous);
        }
    }
}
