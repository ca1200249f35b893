package io.asynkit.spring.web;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.spring.support.TaskNames;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RequestTaskNameInterceptor}: the route names the request's task while its handler runs. */
class RequestTaskNameInterceptorTests {

    @Test
    void theRouteWithThePrefixNamesTheTaskUntilTheRequestIsDoneOrGoesAsync() throws Exception {
        RequestTaskNameInterceptor interceptor = new RequestTaskNameInterceptor("shop ");
        try (Loop loop = Loop.builder().name("naming").build()) {
            loop.newTask().name("shop http-request").start(() -> {
                Task<?> task = Task.current();
                MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/orders/42");
                request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/api/orders/{id}");
                MockHttpServletResponse response = new MockHttpServletResponse();

                interceptor.preHandle(request, response, "handler");
                assertThat(task.name()).isEqualTo("shop POST /api/orders/{id}");
                assertThat(Thread.currentThread().getName()).isEqualTo("shop POST /api/orders/{id}");
                interceptor.afterConcurrentHandlingStarted(request, response, "handler");
                assertThat(task.name()).isEqualTo("shop http-request");

                interceptor.preHandle(request, response, "handler"); // the async dispatch names it again
                interceptor.afterCompletion(request, response, "handler", null);
                assertThat(task.name()).isEqualTo("shop http-request");
                assertThat(Thread.currentThread().getName()).isEqualTo("shop http-request");

                request.removeAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
                interceptor.preHandle(request, response, "handler");
                assertThat(task.name()).as("no pattern, no new name").isEqualTo("shop http-request");
                return null;
            }).get();
        }
    }

    @Test
    void requestsOutsideATaskAreLeftAlone() throws Exception {
        RequestTaskNameInterceptor interceptor = new RequestTaskNameInterceptor("");
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x");
        request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/x");
        String before = Thread.currentThread().getName();
        assertThat(interceptor.preHandle(request, new MockHttpServletResponse(), "handler")).isTrue();
        assertThat(Thread.currentThread().getName()).isEqualTo(before);
    }
}
