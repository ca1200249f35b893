package io.asynkit.spring.web;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.spring.priority.Priorities;
import io.asynkit.spring.priority.Priority;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.method.HandlerMethod;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link PriorityHandlerInterceptor}: applies the handler's priority, and gives the task its own back. */
class PriorityHandlerInterceptorTests {

    @Priority(Priority.LOW)
    static class Handlers {
        public void plain() {
        }

        @Priority(Priority.HIGH)
        public void urgent() {
        }

        @Priority(Double.NaN)
        public void broken() {
        }
    }

    private static HandlerMethod handler(String name) throws NoSuchMethodException {
        return new HandlerMethod(new Handlers(), Handlers.class.getMethod(name));
    }

    @Test
    void theRequestTaskRunsAtTheHandlersPriorityAndGetsItsOwnBack() throws Exception {
        PriorityHandlerInterceptor interceptor = new PriorityHandlerInterceptor();
        Loop.run(() -> {
            Task<?> task = Task.current();
            MockHttpServletRequest request = new MockHttpServletRequest();
            MockHttpServletResponse response = new MockHttpServletResponse();
            interceptor.preHandle(request, response, handler("urgent"));
            assertThat(task.priority()).isEqualTo(Priority.HIGH);
            interceptor.afterCompletion(request, response, handler("urgent"), null);
            assertThat(task.priority()).isEqualTo(Priority.NORMAL);

            interceptor.preHandle(request, response, handler("plain")); // the class's
            assertThat(task.priority()).isEqualTo(Priority.LOW);
            interceptor.afterConcurrentHandlingStarted(request, response, handler("plain"));
            assertThat(task.priority()).isEqualTo(Priority.NORMAL);

            assertThatThrownBy(() -> interceptor.preHandle(request, response, handler("broken")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a finite number");
            assertThat(interceptor.preHandle(request, response, "not a handler method")).isTrue();
            assertThat(task.priority()).isEqualTo(Priority.NORMAL);
            return null;
        });
        MockHttpServletRequest outsideATask = new MockHttpServletRequest();
        assertThat(interceptor.preHandle(outsideATask, new MockHttpServletResponse(), handler("urgent"))).isTrue();
    }

    @Test
    void aLowerPriorityTakesEffectBeforeTheHandlerRunsAHigherOneDoesNotYield() throws Exception {
        PriorityHandlerInterceptor interceptor = new PriorityHandlerInterceptor();
        List<String> log = new CopyOnWriteArrayList<>();
        try (Loop loop = Loop.builder().name("one").carriers(1).build()) { // one carrier: exact order
            loop.submit(() -> {
                loop.execute(() -> log.add("queued NORMAL request"));
                interceptor.preHandle(new MockHttpServletRequest(), new MockHttpServletResponse(), handler("plain"));
                log.add("LOW handler's first line");
                return null;
            }).get();
            assertThat(log).containsExactly("queued NORMAL request", "LOW handler's first line");

            log.clear();
            loop.submit(() -> {
                loop.execute(() -> log.add("queued NORMAL request"));
                interceptor.preHandle(new MockHttpServletRequest(), new MockHttpServletResponse(), handler("urgent"));
                log.add("HIGH handler's first line");
                return null;
            }).get();
            loop.submit(() -> null).get(); // queued after the NORMAL request: it has run by now
            assertThat(log).containsExactly("HIGH handler's first line", "queued NORMAL request");
        }
    }

    @Test
    void enteringAPriorityNeedsATaskAndAFiniteValue() throws Exception {
        assertThatThrownBy(() -> Priorities.enter(Priority.LOW)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not inside an asynkit task");
        Loop.run(() -> {
            assertThatThrownBy(() -> Priorities.enter(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
            assertThat(Task.current().priority()).isEqualTo(Priority.NORMAL);
            assertThat(Priorities.enter(Priority.HIGH)).isEqualTo(Priority.NORMAL);
            assertThat(Priorities.enter(Priority.LOW)).isEqualTo(Priority.HIGH);
            assertThat(Task.current().priority()).isEqualTo(Priority.LOW);
            return null;
        });
    }
}
