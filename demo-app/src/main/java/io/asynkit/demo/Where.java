package io.asynkit.demo;

import io.asynkit.loop.Task;

/** Where a piece of code ran: the asynkit task (name and priority), or a plain thread. */
public record Where(String task, Double priority, String thread) {

    static Where here() {
        Task<?> task = Task.currentOrNull();
        return new Where(task != null ? task.name() : null, task != null ? task.priority() : null,
                Thread.currentThread().toString());
    }
}
