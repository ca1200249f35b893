package io.asynkit.spring.testapp;

import io.asynkit.loop.Task;
import io.asynkit.spring.eager.Eager;
import io.asynkit.spring.priority.Priority;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.concurrent.CompletableFuture;

/** A small application that reports, from every place code can run, which task it runs in. */
@SpringBootApplication
@EnableAsync
@EnableScheduling
public class WebTestApplication {

    /** Where the code that made it ran: the task as created, and the name its thread goes by now. */
    public record Where(boolean inTask, String task, double priority, String loop, String thread) {
        static Where here() {
            Task<?> task = Task.currentOrNull();
            String thread = Thread.currentThread().getName();
            return task == null ? new Where(false, thread, Double.NaN, null, thread)
                    : new Where(true, task.name(), task.priority(), task.loop().name(), thread);
        }
    }

    /** Requests that wait in their handler until released, so that they can be seen while they wait. */
    @RestController
    public static class HoldController {
        public static final CompletableFuture<Void> RELEASE = new CompletableFuture<>();

        @GetMapping("/hold/{id}")
        Where hold(@org.springframework.web.bind.annotation.PathVariable String id) {
            RELEASE.join();
            return Where.here();
        }
    }

    @RestController
    public static class PlainController {
        private final Background background;

        PlainController(Background background) {
            this.background = background;
        }

        @GetMapping("/where")
        Where where() {
            return Where.here();
        }

        @Priority(Priority.HIGH)
        @GetMapping("/high")
        Where high() {
            return Where.here();
        }

        @GetMapping("/async")
        Where async() throws Exception {
            return background.lowAsync().get();
        }

        @GetMapping("/eager")
        Where eager() throws Exception {
            return background.highEager().get();
        }

        @GetMapping("/scheduled")
        Where scheduled() throws Exception {
            return background.lastTick().get();
        }
    }

    @RestController
    @Priority(Priority.LOW)
    public static class LowController {
        @GetMapping("/low")
        Where low() {
            return Where.here();
        }

        @Priority(-5)
        @GetMapping("/low/override")
        Where override() {
            return Where.here();
        }
    }

    @RestController
    @jakarta.annotation.Priority(1)
    public static class MistakenController {
        @GetMapping("/mistaken")
        Where mistaken() {
            return Where.here();
        }
    }

    @Service
    public static class Background {
        private final CompletableFuture<Where> lastTick = new CompletableFuture<>();

        public CompletableFuture<Where> lastTick() { // through the proxy: fields of a proxy are not the bean's
            return lastTick;
        }

        @Async
        @Priority(Priority.LOW)
        public CompletableFuture<Where> lowAsync() {
            return CompletableFuture.completedFuture(Where.here());
        }

        @Eager
        @Priority(Priority.HIGH)
        public CompletableFuture<Where> highEager() {
            return CompletableFuture.completedFuture(Where.here());
        }

        @Scheduled(fixedRate = 20)
        @Priority(Priority.LOW)
        public void tick() {
            lastTick.complete(Where.here());
        }
    }
}
