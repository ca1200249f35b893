package io.asynkit.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class LoopLifecycleTest {

    private static List<Thread> threadsOf(String loopName) {
        List<Thread> threads = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(loopName + "-")) {
                threads.add(t);
            }
        }
        return threads;
    }

    @Test
    void runReturnsMainsResultAndLeavesNoThreadBehind() throws Exception {
        String result = Loop.builder().name("run-result").carriers(2).run(() -> {
            Task<String> world = Loop.current().submit(() -> "world");
            return "hello " + world.get();
        });
        assertThat(result).isEqualTo("hello world");
        assertThat(threadsOf("run-result")).isEmpty();
    }

    @Test
    void runThrowsMainsOwnExceptionUnwrapped() {
        assertThatThrownBy(() -> Loop.run(() -> {
            throw new IOException("disk on fire");
        })).isExactlyInstanceOf(IOException.class).hasMessage("disk on fire");
        assertThatThrownBy(() -> Loop.run(() -> {
            throw new StackOverflowError("deep");
        })).isExactlyInstanceOf(StackOverflowError.class);
    }

    @Test
    void runCancelsTasksMainLeftBehind() throws Exception {
        AtomicReference<Task<?>> orphan = new AtomicReference<>();
        Loop.builder().name("run-orphans").run(() -> {
            orphan.set(Loop.current().submit(() -> {
                Thread.sleep(Duration.ofHours(1));
                return null;
            }));
            return null;
        });
        assertThat(orphan.get().isCancelled()).isTrue();
        assertThat(orphan.get().taskState()).isEqualTo(TaskState.DONE);
        assertThat(threadsOf("run-orphans")).isEmpty();
    }

    @Test
    void shutdownRejectsNewTasksAndLetsRunningOnesFinish() throws Exception {
        Loop loop = Loop.builder().name("shutdown").carriers(2).build();
        CountDownLatch release = new CountDownLatch(1);
        Task<String> running = loop.submit(() -> {
            release.await();
            return "finished";
        });
        loop.shutdown();
        assertThat(loop.isShutdown()).isTrue();
        assertThatThrownBy(() -> loop.submit(() -> "late"))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("loop 'shutdown' is shut down");
        assertThat(loop.isTerminated()).isFalse();
        release.countDown();
        assertThat(running.get()).isEqualTo("finished");
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        loop.close();
        assertThat(threadsOf("shutdown")).isEmpty();
    }

    @Test
    void closeCancelsTasksThatOutliveTheShutdownTimeout() throws Exception {
        Loop loop = Loop.builder().name("close-cancel").shutdownTimeout(Duration.ofMillis(100)).build();
        CountDownLatch started = new CountDownLatch(1);
        Task<?> sleeper = loop.submit(() -> {
            started.countDown();
            Thread.sleep(Duration.ofHours(1));
            return null;
        });
        started.await();
        loop.close();
        assertThat(sleeper.isCancelled()).isTrue();
        assertThat(loop.isTerminated()).isTrue();
        assertThat(threadsOf("close-cancel")).isEmpty();
    }

    @Test
    void closeAbandonsTasksThatIgnoreCancellationAndStillEnds() {
        Loop loop = Loop.builder().name("close-stubborn").shutdownTimeout(Duration.ofMillis(50))
                .cancelTimeout(Duration.ofMillis(50)).build();
        loop.submit(() -> {
            while (true) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ignored) {
                    // a task that refuses to stop
                }
            }
        });
        loop.close();
        assertThat(loop.isTerminated()).isTrue();
        assertThat(threadsOf("close-stubborn")).isEmpty();
    }

    @Test
    void closeFromOwnTaskIsRefused() throws Exception {
        try (Loop loop = Loop.builder().name("self-close").build()) {
            Task<?> t = loop.submit(() -> {
                loop.close();
                return null;
            });
            assertThatThrownBy(t::get).hasCauseInstanceOf(IllegalStateException.class)
                    .cause().hasMessageContaining("cannot be closed from its own task");
        }
    }

    @Test
    void cancellingABlockedTaskInterruptsIt() throws Exception {
        try (Loop loop = Loop.builder().name("cancel").build()) {
            AtomicReference<Throwable> seen = new AtomicReference<>();
            Task<?> task = blockedUntilInterrupted(loop, seen);
            assertThat(task.cancel(true)).isTrue();
            assertThat(task.isCancelled()).isTrue();
            assertThatThrownBy(task::get).isInstanceOf(java.util.concurrent.CancellationException.class);
            awaitState(task, TaskState.DONE);
            assertThat(seen.get()).isInstanceOf(InterruptedException.class);
        }
    }

    /** A task blocked on a future that never completes; the interrupt that ends its wait goes to {@code seen}. */
    private static Task<?> blockedUntilInterrupted(Loop loop, AtomicReference<Throwable> seen) throws InterruptedException {
        CountDownLatch blocked = new CountDownLatch(1);
        Task<?> task = loop.submit(() -> {
            blocked.countDown();
            try {
                new CompletableFuture<>().get();
            } catch (InterruptedException e) {
                seen.set(e);
            }
            return null;
        });
        blocked.await();
        return task;
    }

    /**
     * Only the cancel that cancels returns true (found by {@code TaskStateLincheckTest}: the future's own
     * cancel returned true for every call); a later cancel(true) still interrupts a task cancelled quietly.
     */
    @Test
    void onlyTheCancelThatCancelsReturnsTrueAndALaterCancelTrueStillInterrupts() throws Exception {
        try (Loop loop = Loop.builder().name("cancel-once").build()) {
            AtomicReference<Throwable> seen = new AtomicReference<>();
            Task<?> task = blockedUntilInterrupted(loop, seen);
            assertThat(task.cancel(false)).as("the first cancel").isTrue();
            assertThat(task.cancel(false)).as("a second cancel(false)").isFalse();
            awaitState(task, TaskState.BLOCKED);
            assertThat(seen.get()).as("cancel(false) does not interrupt").isNull();
            assertThat(task.cancel(true)).as("cancel(true) of a cancelled task").isFalse();
            awaitState(task, TaskState.DONE);
            assertThat(seen.get()).as("but it interrupts it").isInstanceOf(InterruptedException.class);
            assertThat(task.isCancelled()).isTrue();
            assertThat(task.cancel(true)).as("cancel(true) of an ended task").isFalse();
            Task<Integer> completed = loop.submit(() -> 1);
            assertThat(completed.get()).isEqualTo(1);
            assertThat(completed.cancel(true)).as("cancel of a completed task").isFalse();
            assertThat(completed.isCancelled()).isFalse();
        }
    }

    @Test
    void aTaskCancelledBeforeItRanNeverRunsItsBody() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Loop.run(() -> {
            Task<?> t = Loop.current().submit(() -> log.add("ran"));
            t.cancel(true);
            Scheduling.yieldNow();
            return null;
        });
        assertThat(log).isEmpty();
    }

    @Test
    void callbacksRunInQueueOrderAndTimersFire() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        Loop.run(() -> {
            Loop loop = Loop.current();
            loop.submit(() -> log.add("task"));
            loop.callSoon(() -> log.add("soon"));
            loop.callAtPosition(0, () -> log.add("first"));
            Handle cancelled = loop.callSoon(() -> log.add("never"));
            assertThat(cancelled.cancel()).isTrue();
            assertThat(cancelled.cancel()).isFalse();
            CountDownLatch fired = new CountDownLatch(1);
            long start = System.nanoTime();
            loop.callLater(Duration.ofMillis(30), () -> {
                log.add("later");
                fired.countDown();
            });
            Scheduling.yieldNow();
            log.add("main");
            fired.await();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
            return null;
        });
        assertThat(log).containsExactly("first", "task", "soon", "main", "later");
    }

    @Test
    void pendingTimersAreCancelledWhenTheLoopTerminates() throws Exception {
        Loop loop = Loop.builder().name("timers").build();
        Handle handle = loop.callLater(Duration.ofHours(1), () -> { });
        loop.close();
        assertThat(handle.isCancelled()).isTrue();
        assertThat(handle.hasRun()).isFalse();
        assertThatThrownBy(() -> loop.callSoon(() -> { })).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("terminated");
        assertThat(threadsOf("timers")).isEmpty();
    }

    @Test
    void uncaughtExceptionsReachTheHandlerAndAFailingHandlerDoesNotStopTheLoop() throws Exception {
        List<Throwable> handled = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch twoHandled = new CountDownLatch(2);
        try (Loop loop = Loop.builder().name("handler").exceptionHandler((l, source, error) -> {
            handled.add(error);
            twoHandled.countDown();
            throw new IllegalStateException("handler broke");
        }).build()) {
            loop.execute(() -> {
                throw new IllegalArgumentException("from task");
            });
            loop.callSoon(() -> {
                throw new UnsupportedOperationException("from callback");
            });
            assertThat(twoHandled.await(10, TimeUnit.SECONDS)).isTrue();
            Task<String> failing = loop.submit(() -> {
                throw new IOException("to the future");
            });
            assertThatThrownBy(failing::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
            assertThat(loop.submit(() -> "still alive").get()).isEqualTo("still alive");
        }
        assertThat(handled).extracting(Throwable::getMessage).containsExactlyInAnyOrder("from task", "from callback");
    }

    @Test
    void virtualThreadsStartedInsideATaskAreAdopted() throws Exception {
        try (Loop loop = Loop.builder().name("adopt").build()) {
            AtomicReference<Task<?>> seenInside = new AtomicReference<>();
            Task<?> parent = loop.submit(() -> {
                Thread child = Thread.ofVirtual().name("library-thread").start(() -> {
                    seenInside.set(Task.currentOrNull());
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                });
                child.join();
                return null;
            });
            parent.get();
            awaitState(parent, TaskState.DONE);
            Task<?> adopted = seenInside.get();
            assertThat(adopted).isNotNull();
            assertThat(adopted.isAdopted()).isTrue();
            assertThat(adopted.name()).isEqualTo("library-thread");
            assertThat(adopted.loop()).isSameAs(loop);
            adopted.get(10, TimeUnit.SECONDS);
            awaitState(adopted, TaskState.DONE);
            LoopStatistics stats = loop.statistics();
            assertThat(stats.adoptedThreads()).isEqualTo(1);
            assertThat(stats.tasksStarted()).isEqualTo(2);
            assertThat(stats.tasksCompleted()).isEqualTo(2);
            assertThat(loop.allTasks()).isEmpty();
        }
    }

    @Test
    void aTaskRenamedWhileItRunsGoesByItsNewNameAndSoDoesItsThread() throws Exception {
        try (Loop loop = Loop.builder().name("rename").build()) {
            Task<String> task = loop.newTask().name("http-request").start(() -> {
                Task.current().setName("GET /api/quote");
                return Thread.currentThread().getName();
            });
            assertThat(task.get()).isEqualTo("GET /api/quote");
            assertThat(task.name()).isEqualTo("GET /api/quote");
            assertThat(task.toString()).contains("'GET /api/quote'");
            assertThatThrownBy(() -> task.setName(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void anAdoptedThreadOutlivesTheTaskThatStartedItAndStaysItsOwnTask() throws Exception {
        try (Loop loop = Loop.builder().name("adopt-outlives").build()) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Task<?>> seenInside = new AtomicReference<>();
            Task<Thread> parent = loop.submit(() -> Thread.ofVirtual().name("outliver").start(() -> {
                try {
                    release.await(); // parks past the parent's end, and resumes after it
                    seenInside.set(Task.currentOrNull());
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            }));
            Thread child = parent.get();
            awaitState(parent, TaskState.DONE);
            release.countDown();
            assertThat(child.join(Duration.ofSeconds(10))).isTrue();
            assertThat(seenInside.get()).isNotNull().isNotSameAs(parent);
            assertThat(seenInside.get().isAdopted()).isTrue();
            assertThat(parent.taskState()).isEqualTo(TaskState.DONE);
            awaitState(seenInside.get(), TaskState.DONE);
            LoopStatistics stats = loop.statistics();
            assertThat(stats.tasksStarted()).isEqualTo(2);
            assertThat(stats.tasksCompleted()).isEqualTo(2);
            assertThat(stats.liveTasks()).isZero();
        }
    }

    /**
     * Waits for {@code latch} with a native frame on the stack (an FFM upcall from the C library's
     * {@code qsort} comparator), so a virtual thread waiting here holds its carrier: it is pinned.
     */
    static void awaitWithNativeFrame(CountDownLatch entered, CountDownLatch release) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS));
        MethodHandle compare = MethodHandles.insertArguments(MethodHandles.lookup().findStatic(LoopLifecycleTest.class,
                "compareWhileWaiting", MethodType.methodType(int.class, CountDownLatch.class, CountDownLatch.class,
                        MemorySegment.class, MemorySegment.class)), 0, entered, release);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment comparator = linker.upcallStub(compare,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), arena);
            MemorySegment twoInts = arena.allocateFrom(ValueLayout.JAVA_INT, 2, 1);
            qsort.invokeExact(twoInts, 2L, 4L, comparator);
        }
    }

    private static int compareWhileWaiting(CountDownLatch entered, CountDownLatch release, MemorySegment a,
            MemorySegment b) {
        entered.countDown();
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    @Test
    void aPinnedTaskDoesNotStallTheOtherTasks() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Loop loop = Loop.builder().name("pinned").carriers(1).pinnedCheckInterval(Duration.ofMillis(5)).build()) {
            Task<?> pinned = loop.submit(() -> {
                try {
                    awaitWithNativeFrame(entered, release);
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
                return null;
            });
            try {
                assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
                awaitCarrierParked(loop);
                Task<String> other = loop.submit(() -> "ran while the only carrier was pinned");
                assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("ran while the only carrier was pinned");
                assertThat(loop.statistics().compensations()).isPositive();
                assertThat(pinned.taskState()).isEqualTo(TaskState.RUNNING);
            } finally {
                release.countDown();
            }
            pinned.get(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitCarrierParked(Loop loop) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threadsOf(loop.name() + "-carrier").stream().noneMatch(t -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.BLOCKED)
                || loop.runningTasks().isEmpty()) {
            assertThat(System.nanoTime()).as("the carrier parks inside the task").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    @Test
    void builderRejectsBadSettings() {
        assertThatThrownBy(() -> Loop.builder().carriers(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("carriers must be between 1 and 32767, but was 0");
        assertThatThrownBy(() -> Loop.builder().name(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Loop.builder().shutdownTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shutdownTimeout");
        assertThatThrownBy(() -> Loop.builder().pinnedCheckInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Loop.builder().policy(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Loop.builder().maxSpareCarriers(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badArgumentsGetClearErrors() throws Exception {
        try (Loop loop = Loop.builder().name("args").build()) {
            assertThatThrownBy(() -> loop.submit((java.util.concurrent.Callable<Object>) null))
                    .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> loop.callLater(Duration.ofMillis(-1), () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
            assertThatThrownBy(() -> loop.callAtPosition(1, () -> { }))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> loop.newTask().priority(Double.NaN))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
            assertThatThrownBy(() -> loop.newTask().priority(Double.NEGATIVE_INFINITY))
                    .isInstanceOf(IllegalArgumentException.class);
            Task<String> t = loop.submit(() -> "x");
            assertThatThrownBy(() -> t.setPriority(Double.POSITIVE_INFINITY))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Loop.current()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not inside an asynkit task");
        }
    }

    static void awaitState(Task<?> task, TaskState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (task.taskState() != state) {
            assertThat(System.nanoTime()).as("task %s reaches %s", task, state).isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
