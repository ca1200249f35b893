package io.asynkit.spring.application;

import io.asynkit.loop.Task;
import org.slf4j.MDC;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An application with what users propagate to their tasks, as Spring Security's
 * {@code SecurityContextHolder} and logging's MDC keep it: in thread-locals, copied by a {@link TaskDecorator}
 * on the thread that submits the work.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableAsync
@EnableScheduling
@Import({PropagationTestApplication.Work.class, PropagationTestApplication.WhereController.class})
public class PropagationTestApplication {

    /** A thread-local like Spring Security's {@code SecurityContextHolder}. */
    public static final ThreadLocal<String> USER = new ThreadLocal<>();

    /** What a body saw of the context, and the task it ran in. */
    public record Seen(String requestId, String user, boolean inTask, String task) {
        public static Seen here() {
            Task<?> task = Task.currentOrNull();
            return new Seen(MDC.get("requestId"), USER.get(), task != null, task != null ? task.name() : null);
        }
    }

    /** As Micrometer's {@code ContextPropagatingTaskDecorator} and Spring Security's decorators work. */
    @Bean
    TaskDecorator contextCopyingDecorator() {
        return runnable -> {
            Map<String, String> mdc = MDC.getCopyOfContextMap();
            String user = USER.get();
            return () -> {
                Map<String, String> previousMdc = MDC.getCopyOfContextMap();
                String previousUser = USER.get();
                if (mdc != null) {
                    MDC.setContextMap(mdc);
                }
                USER.set(user);
                try {
                    runnable.run();
                } finally {
                    if (previousMdc != null) {
                        MDC.setContextMap(previousMdc);
                    } else {
                        MDC.clear();
                    }
                    USER.set(previousUser);
                }
            };
        };
    }

    public static class Work {
        final AtomicReference<Seen> scheduled = new AtomicReference<>();
        final AtomicInteger ticks = new AtomicInteger();

        @Async
        public CompletableFuture<Seen> async() {
            return CompletableFuture.completedFuture(Seen.here());
        }

        @Scheduled(fixedRate = 20)
        public void tick() {
            scheduled.set(Seen.here());
            ticks.incrementAndGet();
        }

        public Seen lastScheduled() {
            return scheduled.get();
        }

        public int ticks() {
            return ticks.get();
        }
    }

    @RestController
    public static class WhereController {
        @GetMapping("/seen")
        Seen seen() {
            return Seen.here();
        }
    }
}
