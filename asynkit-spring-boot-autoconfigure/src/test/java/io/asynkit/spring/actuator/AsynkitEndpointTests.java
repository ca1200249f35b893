package io.asynkit.spring.actuator;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;
import io.asynkit.priority.Priority;
import io.asynkit.spring.actuator.AsynkitEndpoint.AsynkitDescriptor;
import io.asynkit.spring.actuator.AsynkitEndpoint.StackFrameDescriptor;
import io.asynkit.spring.actuator.AsynkitEndpoint.TaskDescriptor;
import io.asynkit.spring.testing.Loans;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint's content on a one-carrier loop: two tasks parked on a future (blocked), and a probe
 * task that starts two more (runnable, queued behind it) and reads the endpoint while it runs.
 */
class AsynkitEndpointTests {

    private final CompletableFuture<Void> gate = new CompletableFuture<>();
    private Loop loop;
    private Task<?> lowWaiter;
    private Task<?> highWaiter;

    @BeforeEach
    void startBlockedTasks() {
        loop = Loop.builder().name("endpoint-test").carriers(1).build();
        lowWaiter = loop.newTask().name("low-waiter").priority(Priority.LOW).start(this::waitAtTheGate);
        highWaiter = loop.newTask().name("high-waiter").priority(Priority.HIGH).start(this::waitAtTheGate);
        await().atMost(Duration.ofSeconds(10)).until(() -> lowWaiter.taskState() == TaskState.BLOCKED
                && highWaiter.taskState() == TaskState.BLOCKED);
    }

    @AfterEach
    void releaseAndClose() {
        gate.complete(null);
        loop.close();
    }

    private void waitAtTheGate() {
        gate.join();
    }

    /** Reads the endpoint from a task of the loop, with two tasks queued behind it. */
    private AsynkitDescriptor readWithTwoQueued(AsynkitEndpoint endpoint) throws Exception {
        Task<AsynkitDescriptor> probe = loop.newTask().name("probe").start(() -> {
            loop.newTask().name("queued-normal").start(() -> { });
            loop.newTask().name("queued-high").priority(Priority.HIGH).start(() -> { });
            return endpoint.asynkit();
        });
        return probe.get(10, TimeUnit.SECONDS);
    }

    @Test
    void describesTheLoopItsCountersAndItsTasks() throws Exception {
        AsynkitDescriptor d = readWithTwoQueued(new AsynkitEndpoint(loop, false, 200));

        assertThat(d.loop().name()).isEqualTo("endpoint-test");
        assertThat(d.loop().mode()).isEqualTo("scheduled");
        assertThat(d.loop().policy()).isEqualTo("PRIORITY");
        assertThat(d.loop().carriers()).isEqualTo(1);
        assertThat(d.loop().spareCarriers()).isZero();
        assertThat(d.loop().boostAfter()).isEqualTo(Loop.DEFAULT_BOOST_AFTER);

        assertThat(d.counts().queueLength()).isEqualTo(2);
        assertThat(d.counts().runnable()).isEqualTo(2);
        assertThat(d.counts().running()).isEqualTo(1);
        assertThat(d.counts().blocked()).isEqualTo(2);
        assertThat(d.counts().tasksStarted()).isEqualTo(5);
        assertThat(d.counts().tasksCompleted()).isZero();
        assertThat(d.counts().dispatches()).isGreaterThanOrEqualTo(3);
        assertThat(d.counts().callbacks()).isZero();
        assertThat(d.counts().compensations()).isZero();
        assertThat(d.counts().carrierFailures()).isZero();
        assertThat(d.truncated()).isFalse();

        // in run order: HIGH first although it was started second
        assertThat(d.runnable()).extracting(TaskDescriptor::name).containsExactly("queued-high", "queued-normal");
        assertThat(d.runnable()).extracting(TaskDescriptor::state).containsOnly("RUNNABLE");
        assertThat(d.runnable()).extracting(TaskDescriptor::dispatches).containsOnly(0L);
        assertThat(d.running()).extracting(TaskDescriptor::name).containsExactly("probe");
        assertThat(d.blocked()).extracting(TaskDescriptor::name)
                .containsExactlyInAnyOrder("low-waiter", "high-waiter");

        TaskDescriptor low = d.blocked().stream().filter(t -> t.name().equals("low-waiter")).findFirst().orElseThrow();
        assertThat(low.id()).isEqualTo(lowWaiter.id());
        assertThat(low.priority()).isEqualTo(Priority.LOW);
        assertThat(low.effectivePriority()).isEqualTo(Priority.LOW);
        assertThat(low.state()).isEqualTo("BLOCKED");
        assertThat(Duration.parse(low.timeInState())).isPositive();
        assertThat(low.dispatches()).isEqualTo(1);
        assertThat(low.adopted()).isFalse();
        assertThat(low.waitingAt()).isNull();
        assertThat(low.stackTrace()).isNull();

        assertThat(d.boosting().bands()).extracting(AsynkitEndpoint.BandDescriptor::band)
                .containsExactly("HIGH", "NORMAL", "LOW");
        assertThat(d.boosting().bands().get(0).dispatches()).isEqualTo(1); // high-waiter
        assertThat(d.boosting().bands().get(2).dispatches()).isEqualTo(1); // low-waiter
        assertThat(d.boosting().boosts()).isZero();
        assertThat(Duration.parse(d.boosting().longestWait()).isNegative()).isFalse();
        assertThat(Duration.parse(d.boosting().bands().get(0).meanWait()).isNegative()).isFalse();
        assertThat(Duration.parse(d.boosting().bands().get(0).maxWait()).isNegative()).isFalse();
    }

    @Test
    void stacksOnlyWhenEnabled() throws Exception {
        AsynkitDescriptor d = readWithTwoQueued(new AsynkitEndpoint(loop, true, 200));

        TaskDescriptor waiter = d.blocked().getFirst();
        assertThat(waiter.stackTrace()).isNotEmpty();
        assertThat(waiter.stackTrace()).extracting(StackFrameDescriptor::moduleName).contains("java.base");
        StackFrameDescriptor waitingAt = waiter.waitingAt();
        assertThat(waitingAt).isNotNull();
        assertThat(waitingAt.className()).isEqualTo(AsynkitEndpointTests.class.getName());
        assertThat(waitingAt.methodName()).isEqualTo("waitAtTheGate");
        assertThat(waitingAt.fileName()).isEqualTo("AsynkitEndpointTests.java");
        assertThat(waitingAt.lineNumber()).isPositive();
        assertThat(waitingAt.moduleName()).isNull();
        assertThat(waiter.stackTrace()).contains(waitingAt);

        assertThat(d.running().getFirst().stackTrace()).isNotEmpty();
        assertThat(d.running().getFirst().waitingAt()).as("only blocked tasks wait somewhere").isNull();
    }

    @Test
    void listsAreCutAtMaxTasksAndTheCountsStayComplete() throws Exception {
        AsynkitDescriptor d = readWithTwoQueued(new AsynkitEndpoint(loop, false, 1));

        assertThat(d.truncated()).isTrue();
        assertThat(d.runnable()).extracting(TaskDescriptor::name).containsExactly("queued-high");
        assertThat(d.running()).hasSize(1);
        assertThat(d.blocked()).hasSize(1);
        assertThat(d.counts().runnable()).isEqualTo(2);
        assertThat(d.counts().blocked()).isEqualTo(2);
    }

    @Test
    void maxTasksZeroKeepsOnlyTheCounts() {
        AsynkitDescriptor d = new AsynkitEndpoint(loop, true, 0).asynkit();

        assertThat(d.truncated()).isTrue();
        assertThat(d.runnable()).isEmpty();
        assertThat(d.running()).isEmpty();
        assertThat(d.blocked()).isEmpty();
        assertThat(d.counts().blocked()).isEqualTo(2);
    }

    @Test
    void notTruncatedAtExactlyMaxTasks() {
        AsynkitDescriptor d = new AsynkitEndpoint(loop, false, 2).asynkit(); // read from outside: 2 blocked

        assertThat(d.blocked()).hasSize(2);
        assertThat(d.truncated()).isFalse();
    }

    @Test
    void oneTaskById() {
        AsynkitEndpoint endpoint = new AsynkitEndpoint(loop, true, 200);

        TaskDescriptor high = endpoint.task(highWaiter.id());
        assertThat(high).isNotNull();
        assertThat(high.name()).isEqualTo("high-waiter");
        assertThat(high.priority()).isEqualTo(Priority.HIGH);
        assertThat(high.state()).isEqualTo("BLOCKED");
        assertThat(high.waitingAt()).isNotNull();
        assertThat(high.waitingAt().methodName()).isEqualTo("waitAtTheGate");
    }

    @Test
    void unknownAndEndedTasksAreNotFound() throws Exception {
        AsynkitEndpoint endpoint = new AsynkitEndpoint(loop, false, 200);
        Task<?> ended = loop.submit(() -> { });
        ended.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> ended.taskState() == TaskState.DONE);

        assertThat(endpoint.task(ended.id())).isNull();
        assertThat(endpoint.task(Long.MAX_VALUE)).isNull();
        assertThat(endpoint.task(-1)).isNull();
    }

    @Test
    void refusesNegativeMaxTasks() {
        assertThatIllegalArgumentException().isThrownBy(() -> new AsynkitEndpoint(loop, false, -1))
                .withMessage("maxTasks must not be negative (it is the most tasks listed per state; 0 lists none "
                        + "and keeps the counts), but was -1");
    }

    @Test
    void descriptorListsAreImmutable() {
        List<TaskDescriptor> blocked = new AsynkitEndpoint(loop, false, 200).asynkit().blocked();
        assertThat(blocked).isUnmodifiable();
    }

    @Test
    void describesTheLatencyGuardAndItsLoansOnlyWhenTheLoopHasOne() throws Exception {
        assertThat(new AsynkitEndpoint(loop, false, 200).asynkit().latencyGuard()).isNull();
        try (Loop guarded = Loans.guardedLoop("guarded")) {
            AsynkitEndpoint endpoint = new AsynkitEndpoint(guarded, false, 200);
            assertThat(endpoint.asynkit().latencyGuard().loans()).isZero();
            Loans.lendOnce(guarded);
            AsynkitEndpoint.LatencyGuardDescriptor guard = endpoint.asynkit().latencyGuard();
            assertThat(guard.bound()).isEqualTo("PT0.02S");
            assertThat(guard.maxExtraCarriers()).isEqualTo(1);
            assertThat(guard.onLoan()).isZero();
            assertThat(guard.loans()).isEqualTo(1);
            assertThat(Duration.parse(guard.timeOnLoan())).isPositive();
        }
    }
}
