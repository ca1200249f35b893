package io.asynkit.loop;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import static io.asynkit.loop.Scheduling.createTaskDescend;
import static io.asynkit.loop.Scheduling.sleepInsert;
import static io.asynkit.loop.Scheduling.taskIsBlocked;
import static io.asynkit.loop.Scheduling.taskIsRunnable;
import static io.asynkit.loop.Scheduling.taskReinsert;
import static io.asynkit.loop.Scheduling.taskSwitch;
import static io.asynkit.loop.Scheduling.yieldNow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Exact orderings of the scheduling helpers on a single-carrier loop, on both policies: with every
 * priority equal, FIFO and PRIORITY loops must behave identically.
 */
@Timeout(30)
class SchedulingHelpersTest {

    /** Log shared by the tasks of one test; a single carrier means no synchronisation is needed. */
    private final List<String> log = new ArrayList<>();

    private static <T> T runOn(SchedulingPolicy policy, Callable<T> main) throws Exception {
        return Loop.builder().name("test-" + policy).policy(policy).carriers(1).run(main);
    }

    private List<Task<?>> loggingTasks(String... names) {
        List<Task<?>> tasks = new ArrayList<>();
        for (String name : names) {
            tasks.add(Loop.current().newTask().name(name).start(() -> log.add(name)));
        }
        return tasks;
    }

    private static void joinAll(List<Task<?>> tasks) throws Exception {
        for (Task<?> t : tasks) {
            t.get();
        }
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void plainYieldRunsEverythingQueuedFirst(SchedulingPolicy policy) throws Exception {
        runOn(policy, () -> {
            List<Task<?>> tasks = loggingTasks("t1", "t2", "t3");
            yieldNow();
            log.add("main");
            joinAll(tasks);
            return null;
        });
        assertThat(log).containsExactly("t1", "t2", "t3", "main");
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void sleepInsertResumesAfterExactlyThatManyEntries(SchedulingPolicy policy) throws Exception {
        runOn(policy, () -> {
            List<Task<?>> tasks = loggingTasks("t1", "t2", "t3", "t4");
            sleepInsert(2);
            log.add("main");
            joinAll(tasks);
            return null;
        });
        assertThat(log).containsExactly("t1", "t2", "main", "t3", "t4");
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void sleepInsertZeroResumesBeforeTheQueueAndTheEndAfterIt(SchedulingPolicy policy) throws Exception {
        runOn(policy, () -> {
            List<Task<?>> tasks = loggingTasks("t1", "t2");
            sleepInsert(0);
            log.add("main0");
            sleepInsert(Loop.current().queueLength());
            log.add("main-end");
            joinAll(tasks);
            return null;
        });
        assertThat(log).containsExactly("main0", "t1", "t2", "main-end");
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void theJavaNamesOrderExactlyAsThePythonOnes(SchedulingPolicy policy) throws Exception {
        runOn(policy, () -> {
            List<Task<?>> tasks = loggingTasks("t1", "t2", "t3", "t4");
            Loop.current().moveToPosition(tasks.get(3), 0);       // queue_insert_pos
            Scheduling.yieldToPosition(2);                         // sleep_insert
            log.add("main");
            joinAll(tasks);
            return null;
        });
        assertThat(log).containsExactly("t4", "t1", "main", "t2", "t3");
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void taskReinsertMovesARunnableTask(SchedulingPolicy policy) throws Exception {
        runOn(policy, () -> {
            List<Task<?>> tasks = loggingTasks("t1", "t2", "t3", "t4");
            taskReinsert(tasks.get(3), 0);
            taskReinsert(tasks.get(0), 2);
            yieldNow();
            log.add("main");
            joinAll(tasks);
            return null;
        });
        assertThat(log).containsExactly("t4", "t2", "t1", "t3", "main");
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void taskSwitchRunsTheTargetNextAndQueuesTheCallerAtTheEnd(SchedulingPolicy policy) throws Exception {
        runOn(policy, () -> {
            List<Task<?>> tasks = loggingTasks("t1", "t2", "t3");
            taskSwitch(tasks.get(2));
            log.add("main");
            joinAll(tasks);
            return null;
        });
        assertThat(log).containsExactly("t3", "t1", "t2", "main");
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void taskSwitchWithPositionOneResumesRightAfterTheTarget(SchedulingPolicy policy) throws Exception {
        runOn(policy, () -> {
            List<Task<?>> tasks = loggingTasks("t1", "t2", "t3");
            taskSwitch(tasks.get(2), 1);
            log.add("main");
            joinAll(tasks);
            return null;
        });
        assertThat(log).containsExactly("t3", "main", "t1", "t2");
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void taskSwitchWithPositionZeroResumesBeforeTheTarget(SchedulingPolicy policy) throws Exception {
        runOn(policy, () -> {
            List<Task<?>> tasks = loggingTasks("t1", "t2", "t3");
            taskSwitch(tasks.get(2), 0);
            log.add("main");
            yieldNow();
            joinAll(tasks);
            return null;
        });
        assertThat(log).containsExactly("main", "t3", "t1", "t2");
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void createTaskDescendRunsTheChildDepthFirst(SchedulingPolicy policy) throws Exception {
        runOn(policy, () -> {
            List<Task<?>> others = loggingTasks("other");
            log.add("a");
            Task<?> child = createTaskDescend(() -> {
                log.add("1");
                yieldNow();
                log.add("2");
                return null;
            });
            log.add("b");
            child.get();
            log.add("c");
            joinAll(others);
            return null;
        });
        assertThat(log).containsExactly("a", "1", "b", "other", "2", "c");
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void aPlainTaskRunsOnlyWhenTheCreatorParks(SchedulingPolicy policy) throws Exception {
        runOn(policy, () -> {
            log.add("a");
            Task<?> child = Loop.current().submit(() -> {
                log.add("1");
                yieldNow();
                log.add("2");
                return null;
            });
            log.add("b");
            child.get();
            log.add("c");
            return null;
        });
        assertThat(log).containsExactly("a", "b", "1", "2", "c");
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void runnableBlockedAndRunningTasksPartitionAllTasks(SchedulingPolicy policy) throws Exception {
        runOn(policy, () -> {
            Loop loop = Loop.current();
            CompletableFuture<String> gate = new CompletableFuture<>();
            Task<String> waiter = loop.newTask().name("waiter").start(() -> gate.get());
            yieldNow(); // waiter runs and blocks on the gate
            List<Task<?>> runnable = loggingTasks("r1", "r2");
            Task<?> main = Task.current();

            assertThat(loop.runnableTasks()).containsExactlyElementsOf(runnable);
            assertThat(loop.blockedTasks()).containsExactly(waiter);
            assertThat(loop.runningTasks()).containsExactly(main);
            assertThat(loop.allTasks()).containsExactlyInAnyOrder(waiter, runnable.get(0), runnable.get(1), main);
            assertThat(taskIsBlocked(waiter)).isTrue();
            assertThat(taskIsRunnable(waiter)).isFalse();
            assertThat(taskIsRunnable(runnable.get(0))).isTrue();
            assertThat(taskIsRunnable(main)).isTrue();
            assertThat(waiter.taskState()).isEqualTo(TaskState.BLOCKED);
            assertThat(waiter.stackTrace()).anyMatch(frame -> frame.getClassName().equals(CompletableFuture.class.getName()));
            assertThat(loop.queueFind(t -> t.name().equals("r2"))).contains(runnable.get(1));
            LoopStatistics stats = loop.statistics();
            assertThat(stats.runnable()).isEqualTo(2);
            assertThat(stats.blocked()).isEqualTo(1);
            assertThat(stats.running()).isEqualTo(1);

            gate.complete("open");
            assertThat(waiter.get()).isEqualTo("open");
            joinAll(runnable);
            assertThat(waiter.taskState()).isEqualTo(TaskState.DONE);
            assertThat(loop.allTasks()).containsExactly(main);
            return null;
        });
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void helpersRejectMisuseWithClearErrors(SchedulingPolicy policy) throws Exception {
        assertThatThrownBy(() -> sleepInsert(0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not inside an asynkit task");
        runOn(policy, () -> {
            Loop loop = Loop.current();
            List<Task<?>> tasks = loggingTasks("t1");
            assertThatThrownBy(() -> sleepInsert(-1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> sleepInsert(2))
                    .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("valid: 0..1");
            assertThatThrownBy(() -> taskReinsert(tasks.get(0), 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> taskSwitch(Task.current()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("itself");
            assertThatThrownBy(() -> taskSwitch(tasks.get(0), 3)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> taskSwitch(tasks.get(0), -1)).isInstanceOf(IndexOutOfBoundsException.class);
            joinAll(tasks);
            assertThatThrownBy(() -> taskSwitch(tasks.get(0)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not in the ready queue")
                    .hasMessageContaining("DONE");
            assertThatThrownBy(() -> taskReinsert(tasks.get(0), 0)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> taskSwitch(null)).isInstanceOf(NullPointerException.class);
            assertThat(loop.queueLength()).isZero();
            try (Loop other = Loop.builder().name("other").build()) {
                Task<String> foreign = other.submit(() -> "x");
                foreign.get();
                assertThatThrownBy(() -> taskSwitch(foreign))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to loop 'other'");
                long startedOnOther = other.statistics().tasksStarted();
                assertThatThrownBy(() -> createTaskDescend(other.newTask(), () -> "never"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("task builder of the current loop").hasMessageContaining("'other'");
                assertThat(other.statistics().tasksStarted()).as("no task started on the other loop")
                        .isEqualTo(startedOnOther);
            }
            return null;
        });
    }
}
