package io.asynkit.loop;

import io.asynkit.priority.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static io.asynkit.loop.Scheduling.yieldNow;
import static io.asynkit.testing.Tasks.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;

/** Priority ordering of the ready queue on a single-carrier loop. */
@Timeout(30)
class PriorityOrderTest {

    private final List<String> log = new ArrayList<>();

    private Task<?> logging(double priority, String name) {
        return Loop.current().newTask().name(name).priority(priority).start(() -> log.add(name));
    }

    @Test
    void lowerPriorityRunsFirstAndEqualPrioritiesKeepTheirOrder() throws Exception {
        Loop.builder().policy(SchedulingPolicy.PRIORITY).run(() -> {
            logging(Priority.LOW, "low1");
            logging(Priority.NORMAL, "normal1");
            logging(Priority.HIGH, "high1");
            logging(Priority.LOW, "low2");
            logging(Priority.HIGH, "high2");
            logging(-5.5, "between");
            yieldNow(); // main is NORMAL: it re-enters after normal1
            log.add("main");
            yieldNow(); // strict priority: the LOW tasks still wait behind a NORMAL main
            log.add("main-again");
            Task.current().setPriority(Priority.LOW + 1);
            yieldNow();
            return null;
        });
        assertThat(log).containsExactly("high1", "high2", "between", "normal1", "main", "main-again", "low1", "low2");
    }

    @Test
    void fifoLoopIgnoresPriorities() throws Exception {
        Loop.builder().policy(SchedulingPolicy.FIFO).run(() -> {
            logging(Priority.LOW, "low");
            logging(Priority.HIGH, "high");
            yieldNow();
            log.add("main");
            return null;
        });
        assertThat(log).containsExactly("low", "high", "main");
    }

    @Test
    void changingThePriorityOfAQueuedTaskReordersItAtOnce() throws Exception {
        Loop.run(() -> {
            Task<?> a = logging(Priority.NORMAL, "a");
            Task<?> b = logging(Priority.NORMAL, "b");
            Task<?> c = logging(Priority.LOW, "c");
            c.setPriority(Priority.HIGH);
            a.setPriority(Priority.LOW);
            assertThat(Loop.current().runnableTasks()).containsExactly(c, b, a);
            a.get();
            return null;
        });
        assertThat(log).containsExactly("c", "b", "a");
    }

    @Test
    void aRunningTaskThatLowersItsPriorityYieldsToNormalWork() throws Exception {
        Loop.run(() -> {
            logging(Priority.NORMAL, "normal");
            Task.current().setPriority(Priority.LOW);
            logging(Priority.NORMAL, "created-after"); // created by a LOW task, but explicitly NORMAL
            yieldNow();
            log.add("main");
            return null;
        });
        assertThat(log).containsExactly("normal", "created-after", "main");
    }

    @Test
    void newTasksInheritTheCreatorsPriority() throws Exception {
        Loop.run(() -> {
            Task.current().setPriority(Priority.HIGH);
            Task<Double> child = Loop.current().submit(() -> Task.current().priority());
            assertThat(child.priority()).isEqualTo(Priority.HIGH);
            assertThat(child.get()).isEqualTo(Priority.HIGH);
            return null;
        });
        try (Loop loop = Loop.builder().build()) {
            assertThat(loop.submit(() -> 1).priority()).isEqualTo(Priority.NORMAL);
        }
    }

    @Test
    void aWokenTaskIsQueuedByPriority() throws Exception {
        Loop.run(() -> {
            java.util.concurrent.CompletableFuture<Void> gate = new java.util.concurrent.CompletableFuture<>();
            Loop.current().newTask().name("high-waiter").priority(Priority.HIGH).start(() -> {
                gate.get();
                log.add("high-waiter");
                return null;
            });
            yieldNow(); // high-waiter blocks on the gate
            logging(Priority.NORMAL, "normal");
            logging(Priority.LOW, "low");
            gate.complete(null); // wakes high-waiter: it goes ahead of everything queued
            yieldNow();
            log.add("main");
            yieldNow(); // main (NORMAL) still goes before low
            return null;
        });
        assertThat(log).containsExactly("high-waiter", "normal", "main"); // low was cancelled as main ended
    }

    @Test
    void aTaskWokenFromAJdkLockOrMonitorIsQueuedByItsPriority() throws Exception {
        Loop.run(() -> {
            java.util.concurrent.locks.ReentrantLock jdkLock = new java.util.concurrent.locks.ReentrantLock();
            jdkLock.lock();
            Task<?> high = Loop.current().newTask().priority(Priority.HIGH).start(() -> {
                jdkLock.lock();
                jdkLock.unlock();
                log.add("high-after-ReentrantLock");
            });
            awaitBlocked(high);
            logging(Priority.NORMAL, "normal");
            jdkLock.unlock(); // wakes high, which goes ahead of the NORMAL task queued before it
            high.get();

            Object monitor = new Object();
            Task<?> high2;
            synchronized (monitor) {
                high2 = Loop.current().newTask().priority(Priority.HIGH).start(() -> {
                    synchronized (monitor) {
                        log.add("high-after-synchronized");
                    }
                });
                awaitBlocked(high2);
                logging(Priority.NORMAL, "normal2");
            } // leaving the monitor wakes high2, through the JDK's unblocker thread: wait for it without parking
            while (high2.taskState() == TaskState.BLOCKED) {
                Thread.onSpinWait();
            }
            high2.get();
            return null;
        });
        assertThat(log).containsExactly("high-after-ReentrantLock", "normal", "high-after-synchronized", "normal2");
    }
}
