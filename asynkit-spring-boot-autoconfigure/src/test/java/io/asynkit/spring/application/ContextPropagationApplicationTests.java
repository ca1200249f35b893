package io.asynkit.spring.application;

import io.asynkit.spring.application.PropagationTestApplication.Seen;
import io.asynkit.spring.application.PropagationTestApplication.Work;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.test.context.ContextConfiguration;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.asynkit.spring.application.PropagationTestApplication.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MDC and a security-context-like thread-local reach every body the starter runs, through the application's
 * {@code TaskDecorator}, decorated on the thread that submits the work: {@code @Async} methods,
 * {@code submit(Callable)}, {@code submitCompletable} and {@code @Scheduled} methods (whose schedule is
 * registered, and decorated, by the thread that starts the application).
 */
@SpringBootTest(classes = PropagationTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ContextConfiguration(initializers = ContextPropagationApplicationTests.StartingThreadContext.class)
class ContextPropagationApplicationTests {

    /** What the thread that starts the application carries while it registers the schedules. */
    static class StartingThreadContext implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            MDC.put("requestId", "startup");
            USER.set("scheduler");
        }
    }

    @Autowired
    Work work;

    @Autowired
    @Qualifier("applicationTaskExecutor")
    AsyncTaskExecutor executor;

    @BeforeEach
    void asARequestWouldSetThem() {
        MDC.clear();
        MDC.put("requestId", "r-1");
        USER.set("alice");
    }

    @AfterEach
    void clear() {
        MDC.clear();
        USER.remove();
    }

    @Test
    void asyncMethodsSeeTheCallersContext() throws Exception {
        Seen seen = work.async().get(10, TimeUnit.SECONDS);
        assertThat(seen).isEqualTo(new Seen("r-1", "alice", true, "task-PropagationTestApplication.Work.async"));
    }

    @Test
    void submittedCallablesSeeTheSubmittersContext() throws Exception {
        assertThat(executor.submit(Seen::here).get(10, TimeUnit.SECONDS))
                .extracting(Seen::requestId, Seen::user, Seen::inTask).containsExactly("r-1", "alice", true);
        assertThat(executor.submitCompletable(Seen::here).get(10, TimeUnit.SECONDS))
                .extracting(Seen::requestId, Seen::user, Seen::inTask).containsExactly("r-1", "alice", true);
        Runnable checksTheUser = () -> assertThat(USER.get()).isEqualTo("alice");
        assertThat(executor.submitCompletable(checksTheUser).get(10, TimeUnit.SECONDS)).isNull();
        assertThat(executor.submit(checksTheUser).get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void scheduledMethodsSeeTheContextTheirScheduleWasRegisteredWith() {
        await().atMost(Duration.ofSeconds(10)).until(() -> work.lastScheduled() != null);
        assertThat(work.lastScheduled()).isEqualTo(new Seen("startup", "scheduler", true,
                "scheduling-PropagationTestApplication.Work.tick"));
    }

    @Test
    void nothingLeaksIntoTheTasksAfterwards() throws Exception {
        MDC.clear();
        USER.remove();
        assertThat(executor.submit(Seen::here).get(10, TimeUnit.SECONDS))
                .extracting(Seen::requestId, Seen::user).containsExactly(null, null);
    }
}
