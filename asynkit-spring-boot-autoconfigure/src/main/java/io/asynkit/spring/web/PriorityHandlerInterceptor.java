package io.asynkit.spring.web;

import io.asynkit.loop.Task;
import io.asynkit.spring.priority.Priorities;
import io.asynkit.spring.priority.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.AsyncHandlerInterceptor;

import java.util.OptionalDouble;

/**
 * Applies {@link Priority} of the handling controller (method, else class) to the request's task as
 * soon as Spring MVC has chosen the handler (a lower priority than the request's yields at once, see
 * {@link Priorities#enter}), and gives the task its own priority back when the request
 * is done (or handed to async processing; an async dispatch applies it again). Requests not running as
 * asynkit tasks are left alone.
 */
public class PriorityHandlerInterceptor implements AsyncHandlerInterceptor {

    private static final String PREVIOUS = PriorityHandlerInterceptor.class.getName() + ".previous";

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        Task<?> task = Task.currentOrNull();
        OptionalDouble priority = Priorities.declaredFor(method.getMethod(), method.getBeanType());
        if (task == null || priority.isEmpty()) {
            return true;
        }
        request.setAttribute(PREVIOUS, Priorities.enter(priority.getAsDouble()));
        return true;
    }

    @Override
    public void afterConcurrentHandlingStarted(HttpServletRequest request, HttpServletResponse response, Object handler) {
        restore(request);
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
        restore(request);
    }

    private static void restore(HttpServletRequest request) {
        if (request.getAttribute(PREVIOUS) instanceof Double previous) {
            request.removeAttribute(PREVIOUS);
            Task<?> task = Task.currentOrNull();
            if (task != null) {
                task.setPriority(previous);
            }
        }
    }
}
