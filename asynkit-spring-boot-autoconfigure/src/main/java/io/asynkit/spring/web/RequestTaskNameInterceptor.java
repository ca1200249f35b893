package io.asynkit.spring.web;

import io.asynkit.spring.support.TaskNames;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.web.servlet.HandlerMapping;

import java.util.Objects;

/**
 * Names a request's task after its method and route pattern ({@code GET /api/quote/{id}}) as soon as
 * Spring MVC has chosen the handler, so that thread dumps, logs and {@code /actuator/asynkit} tell which
 * endpoint a task serves; the name given when the server handed the request over ({@code http-request})
 * comes back when the request is done or goes async. The pattern, not the path, keeps the names few.
 * Requests not running as asynkit tasks, and handlers without a pattern, are left alone.
 */
public class RequestTaskNameInterceptor extends RequestTaskChange<TaskNames.Renaming> {

    private final String prefix;

    /**
     * @param prefix put before every name ({@code asynkit.web.task-name-prefix}), may be empty
     */
    public RequestTaskNameInterceptor(String prefix) {
        super(TaskNames.Renaming.class);
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    TaskNames.@Nullable Renaming change(HttpServletRequest request, Object handler) {
        return request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern
                ? TaskNames.renameCurrent(prefix + request.getMethod() + " " + pattern) : null;
    }

    @Override
    void undo(TaskNames.Renaming renaming) {
        renaming.restore();
    }
}
