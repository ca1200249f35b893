package io.asynkit.loop;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hand-over of a task whose thread has ended is dropped: the JDK may hand a continuation over again after
 * the dispatch it belonged to (see docs/design.md, "Repeated hand-overs"), and one that arrives after the task
 * ended must not bring it back to life. Without the rule the task became runnable again, a carrier ran its
 * dropped continuation (a failure reported to the loop's handler), and the counts by state went wrong.
 */
class EndedTaskHandOverTest {

    @Test
    void aHandOverOfAnEndedTaskChangesNothing() throws Exception {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        try (Loop loop = Loop.builder().name("ended-hand-over").carriers(2)
                .exceptionHandler((l, source, error) -> reported.add(error)).build()) {
            Task<String> task = loop.submit(() -> "done");
            assertThat(task.get(10, TimeUnit.SECONDS)).isEqualTo("done");
            await().atMost(10, TimeUnit.SECONDS).until(() -> task.taskState() == TaskState.DONE);
            LoopStatistics before = loop.statistics();

            ((Scheduler) loop.engine()).push(task); // a late hand-over, from a thread outside the loop

            for (int i = 0; i < 3; i++) { // let both carriers go round: a wrongly queued entry would run now
                loop.submit(() -> null).get(10, TimeUnit.SECONDS);
            }
            // A future completes before its task's carrier counts the task ended: wait for the count.
            await("no task counted live after the late hand-over").atMost(10, TimeUnit.SECONDS)
                    .until(() -> loop.statistics().liveTasks() <= 0);
            LoopStatistics after = loop.statistics();
            assertThat(task.taskState()).isEqualTo(TaskState.DONE);
            assertThat(after.liveTasks()).as("live tasks").isZero();
            assertThat(after.runnable() + after.running() + after.blocked()).as("tasks counted in any state").isZero();
            assertThat(after.tasksCompleted() - before.tasksCompleted()).as("tasks completed since").isEqualTo(3);
            assertThat(reported).as("failures reported to the loop's handler").isEmpty();
        }
    }
}
