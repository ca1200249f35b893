package io.asynkit.spring.support;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TaskNames}: names after bean methods, and renaming a running task until it is restored. */
class TaskNamesTests {

    static class QuoteService {
        public void refresh() {
        }
    }

    @Test
    void aMethodsNameIsItsUserClassAndName() throws Exception {
        assertThat(TaskNames.ofMethod(QuoteService.class, QuoteService.class.getMethod("refresh")))
                .isEqualTo("TaskNamesTests.QuoteService.refresh");
    }

    @Test
    void aRenamedTaskGoesByItsNewNameUntilRestoredAndRenamingsNest() throws Exception {
        try (Loop loop = Loop.builder().name("names").build()) {
            List<String> seen = loop.newTask().name("http-request").start(() -> {
                Task<?> task = Task.current();
                TaskNames.Renaming outer = TaskNames.renameCurrent("GET /quote");
                String outerName = task.name() + " / " + Thread.currentThread().getName();
                TaskNames.Renaming inner = TaskNames.renameCurrent("GET /error");
                String innerName = task.name() + " / " + Thread.currentThread().getName();
                inner.restore();
                String restoredOnce = task.name() + " / " + Thread.currentThread().getName();
                outer.restore();
                return List.of(outerName, innerName, restoredOnce,
                        task.name() + " / " + Thread.currentThread().getName(), task.name());
            }).get();
            assertThat(seen).containsExactly("GET /quote / GET /quote", "GET /error / GET /error",
                    "GET /quote / GET /quote", "http-request / http-request", "http-request");
        }
    }

    @Test
    void outsideATaskOnlyTheThreadIsRenamed() {
        String before = Thread.currentThread().getName();
        TaskNames.Renaming renaming = TaskNames.renameCurrent("elsewhere");
        assertThat(Thread.currentThread().getName()).isEqualTo("elsewhere");
        renaming.restore();
        assertThat(Thread.currentThread().getName()).isEqualTo(before);
    }
}
