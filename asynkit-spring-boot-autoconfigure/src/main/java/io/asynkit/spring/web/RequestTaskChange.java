package io.asynkit.spring.web;

import io.asynkit.loop.Task;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.web.servlet.AsyncHandlerInterceptor;

/**
 * A change to the request's task, made once Spring MVC has chosen the handler and undone when the request
 * is done or handed to async processing (an async dispatch runs the interceptor again): what the request's
 * task looks like while a handler runs, for a request running as an asynkit task. Requests on other threads
 * are left alone.
 *
 * @param <U> what undoes the change, kept as a request attribute in between
 */
abstract class RequestTaskChange<U> implements AsyncHandlerInterceptor {

    private final String attribute = getClass().getName() + ".undo";
    private final Class<U> undoType;

    RequestTaskChange(Class<U> undoType) {
        this.undoType = undoType;
    }

    /** Makes the change in the current task for {@code handler}; returns what undoes it, or null for none. */
    abstract @Nullable U change(HttpServletRequest request, Object handler);

    /** Undoes the change, in the request's task. */
    abstract void undo(U undo);

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (Task.isInTask()) {
            undo(request); // a second dispatch in the same task (an error dispatch) starts from the original
            U undo = change(request, handler);
            if (undo != null) {
                request.setAttribute(attribute, undo);
            }
        }
        return true;
    }

    @Override
    public void afterConcurrentHandlingStarted(HttpServletRequest request, HttpServletResponse response, Object handler) {
        undo(request);
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
                                @Nullable Exception ex) {
        undo(request);
    }

    private void undo(HttpServletRequest request) {
        Object undo = request.getAttribute(attribute);
        if (undoType.isInstance(undo)) {
            request.removeAttribute(attribute);
            undo(undoType.cast(undo));
        }
    }
}
