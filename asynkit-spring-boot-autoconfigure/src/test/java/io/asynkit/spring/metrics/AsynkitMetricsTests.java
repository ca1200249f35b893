package io.asynkit.spring.metrics;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;
import io.asynkit.priority.Priority;
import io.asynkit.spring.testing.Loans;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

class AsynkitMetricsTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CompletableFuture<Void> gate = new CompletableFuture<>();
    private Loop loop;

    @BeforeEach
    void buildLoop() {
        loop = Loop.builder().name("metrics-test").carriers(1).build();
    }

    @AfterEach
    void close() {
        gate.complete(null);
        loop.close();
    }

    /** Fresh statistics on every read, so that each assertion sees the loop as it is. */
    private void bindUncached() {
        new AsynkitMetrics(loop, Tags.empty(), Duration.ZERO).bindTo(registry);
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tag("name", "metrics-test").tags(tags).gauge().value();
    }

    private double counter(String name) {
        return registry.get(name).tag("name", "metrics-test").functionCounter().count();
    }

    private Task<?> parkAtTheGate(String name, double priority) {
        Task<?> task = loop.newTask().name(name).priority(priority).start(() -> gate.join());
        await().atMost(Duration.ofSeconds(10)).until(() -> task.taskState() == TaskState.BLOCKED);
        return task;
    }

    @Test
    void registersEveryMeterWithItsTagsDescriptionAndUnit() {
        bindUncached();

        List<String> ids = new ArrayList<>();
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            assertThat(id.getTag("name")).as(id.toString()).isEqualTo("metrics-test");
            assertThat(id.getDescription()).as(id.toString()).isNotBlank();
            assertThat(id.getBaseUnit()).as(id.toString()).isNotBlank();
            ids.add(id.getName() + id.getTags().stream().filter(t -> !t.getKey().equals("name"))
                    .map(t -> "," + t.getKey() + "=" + t.getValue()).reduce("", String::concat));
        }
        assertThat(ids).containsExactlyInAnyOrder(
                "executor.queued", "executor.active", "executor.completed", "executor.pool.size",
                "asynkit.tasks,state=runnable", "asynkit.tasks,state=running", "asynkit.tasks,state=blocked",
                "asynkit.dispatches", "asynkit.boosts", "asynkit.compensations", "asynkit.carrier.failures",
                "asynkit.carrier.loans", "asynkit.carriers.on.loan",
                "asynkit.queue.wait,band=high", "asynkit.queue.wait,band=normal", "asynkit.queue.wait,band=low",
                "asynkit.queue.wait.max,band=high", "asynkit.queue.wait.max,band=normal",
                "asynkit.queue.wait.max,band=low");

        assertThat(registry.get("executor.queued").gauge().getId().getBaseUnit()).isEqualTo("tasks");
        assertThat(registry.get("executor.active").gauge().getId().getBaseUnit()).isEqualTo("threads");
        assertThat(registry.get("executor.completed").functionCounter().getId().getBaseUnit()).isEqualTo("tasks");
        assertThat(registry.get("executor.pool.size").gauge().getId().getBaseUnit()).isEqualTo("threads");
        assertThat(registry.get("asynkit.queue.wait").tag("band", "low").meter()).isInstanceOf(FunctionTimer.class);
        assertThat(registry.get("asynkit.queue.wait.max").tag("band", "low").meter()).isInstanceOf(TimeGauge.class);
        assertThat(registry.get("asynkit.dispatches").meter()).isInstanceOf(FunctionCounter.class);
        assertThat(registry.get("asynkit.tasks").tag("state", "blocked").meter()).isInstanceOf(Gauge.class);
    }

    @Test
    void followsTheLoop() throws Exception {
        bindUncached();
        assertThat(gauge("executor.pool.size")).isEqualTo(1);
        assertThat(gauge("asynkit.tasks", "state", "blocked")).isZero();
        assertThat(counter("executor.completed")).isZero();

        parkAtTheGate("low", Priority.LOW);
        parkAtTheGate("high", Priority.HIGH);
        assertThat(gauge("asynkit.tasks", "state", "blocked")).isEqualTo(2);
        assertThat(counter("asynkit.dispatches")).isEqualTo(2);
        assertThat(registry.get("asynkit.queue.wait").tag("band", "high").functionTimer().count()).isEqualTo(1);
        assertThat(registry.get("asynkit.queue.wait").tag("band", "low").functionTimer().count()).isEqualTo(1);
        assertThat(registry.get("asynkit.queue.wait").tag("band", "normal").functionTimer().count()).isZero();

        // read from a task: it runs, two more wait behind it on the single carrier
        Task<double[]> probe = loop.newTask().name("probe").start(() -> {
            loop.newTask().start(() -> { });
            loop.newTask().start(() -> { });
            return new double[] {gauge("executor.queued"), gauge("executor.active"),
                    gauge("asynkit.tasks", "state", "runnable"), gauge("asynkit.tasks", "state", "running")};
        });
        assertThat(probe.get(10, TimeUnit.SECONDS)).containsExactly(2, 1, 2, 1);

        gate.complete(null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(counter("executor.completed")).isEqualTo(5);
            assertThat(gauge("asynkit.tasks", "state", "blocked")).isZero();
            assertThat(gauge("executor.queued")).isZero();
            assertThat(gauge("executor.active")).isZero();
        });
        assertThat(counter("asynkit.dispatches")).isGreaterThanOrEqualTo(7);
        FunctionTimer normalWaits = registry.get("asynkit.queue.wait").tag("band", "normal").functionTimer();
        assertThat(normalWaits.count()).isEqualTo(3);
        assertThat(normalWaits.totalTime(TimeUnit.NANOSECONDS)) // unit conversions round through doubles
                .isCloseTo(loop.statistics().band(io.asynkit.priority.PriorityBand.NORMAL).totalWaitNanos(),
                        org.assertj.core.data.Offset.offset(1.0));
        assertThat(registry.get("asynkit.queue.wait.max").tag("band", "normal").timeGauge()
                .value(TimeUnit.NANOSECONDS))
                .isCloseTo(loop.statistics().band(io.asynkit.priority.PriorityBand.NORMAL).maxWaitNanos(),
                        org.assertj.core.data.Offset.offset(1.0))
                .isPositive();
        assertThat(counter("asynkit.boosts")).isZero();
        assertThat(counter("asynkit.compensations")).isZero();
        assertThat(counter("asynkit.carrier.failures")).isZero();
    }

    @Test
    void countsBoosts() throws Exception {
        try (Loop boosting = Loop.builder().name("boosting").carriers(1).boostAfter(1).build()) {
            new AsynkitMetrics(boosting, Tags.empty(), Duration.ZERO).bindTo(registry);
            // one task holds the carrier while a LOW and two HIGH tasks queue: the LOW one is overtaken once,
            // then boosted ahead of the second HIGH
            boosting.newTask().start(() -> {
                boosting.newTask().priority(Priority.LOW).start(() -> { });
                boosting.newTask().priority(Priority.HIGH).start(() -> { });
                boosting.newTask().priority(Priority.HIGH).start(() -> { });
            }).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> boosting.statistics().tasksCompleted() == 4);
            assertThat(registry.get("asynkit.boosts").tag("name", "boosting").functionCounter().count())
                    .isEqualTo(boosting.statistics().boosts()).isPositive();
        }
    }

    @Test
    void aScrapeSharesOneSnapshot() {
        new AsynkitMetrics(loop, Tags.empty(), Duration.ofHours(1)).bindTo(registry);
        assertThat(gauge("asynkit.tasks", "state", "blocked")).isZero(); // takes the snapshot

        parkAtTheGate("late", Priority.NORMAL);
        assertThat(loop.statistics().blocked()).isEqualTo(1);
        assertThat(gauge("asynkit.tasks", "state", "blocked")).as("still the cached snapshot").isZero();
    }

    @Test
    void theDefaultSnapshotLivesOnlyMilliseconds() {
        new AsynkitMetrics(loop).bindTo(registry);
        assertThat(gauge("asynkit.tasks", "state", "blocked")).isZero();

        parkAtTheGate("late", Priority.NORMAL);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(gauge("asynkit.tasks", "state", "blocked")).isEqualTo(1));
    }

    @Test
    void addsTheGivenTags() {
        new AsynkitMetrics(loop, Tags.of("region", "eu-west")).bindTo(registry);

        assertThat(registry.getMeters()).allSatisfy(meter ->
                assertThat(meter.getId().getTags()).contains(Tag.of("region", "eu-west"), Tag.of("name", "metrics-test")));
    }

    @Test
    void metersOutliveTheBinderObject() {
        new AsynkitMetrics(loop, Tags.empty(), Duration.ZERO).bindTo(registry); // not kept
        System.gc();
        parkAtTheGate("after-gc", Priority.NORMAL);

        assertThat(gauge("asynkit.tasks", "state", "blocked")).isEqualTo(1);
        assertThat(counter("asynkit.dispatches")).isEqualTo(1);
    }

    @Test
    void refusesNulls() {
        assertThatNullPointerException().isThrownBy(() -> new AsynkitMetrics(null)).withMessage("loop");
        assertThatNullPointerException().isThrownBy(() -> new AsynkitMetrics(loop, null)).withMessage("tags");
    }

    @Test
    void countsTheLatencyGuardsLoansAndTheirTime() throws Exception {
        try (Loop guarded = Loans.guardedLoop("guarded")) {
            new AsynkitMetrics(guarded, Tags.empty(), Duration.ZERO).bindTo(registry);
            FunctionTimer loans = registry.get("asynkit.carrier.loans").tag("name", "guarded").functionTimer();
            assertThat(loans.count()).isZero();
            Loans.lendOnce(guarded);
            assertThat(loans.count()).isEqualTo(1);
            assertThat(loans.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(registry.get("asynkit.carriers.on.loan").tag("name", "guarded").gauge().value()).isZero();
        }
    }
}
