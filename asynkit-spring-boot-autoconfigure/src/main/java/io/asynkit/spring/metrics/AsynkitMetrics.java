package io.asynkit.spring.metrics;

import io.asynkit.loop.Loop;
import io.asynkit.loop.LoopStatistics;
import io.asynkit.priority.PriorityBand;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Micrometer meters for an asynkit {@link Loop}, tagged {@code name=<loop name>}.
 *
 * <pre>{@code
 * // the starter binds the application's loop by itself; this replaces that binder to add a tag
 * @Bean
 * AsynkitMetrics asynkitMetrics(Loop loop) {
 *     return new AsynkitMetrics(loop, Tags.of("region", "eu-west"));
 * }
 *
 * // any other loop: bind it yourself (give each loop its own name: the name tag tells them apart)
 * new AsynkitMetrics(reportsLoop).bindTo(meterRegistry);
 * }</pre>
 *
 * <p>Boot's executor meters, with the meaning they have for Micrometer's {@code ExecutorServiceMetrics}:
 * <ul>
 *   <li>{@code executor.queued} (gauge, tasks): entries in the ready queue;</li>
 *   <li>{@code executor.active} (gauge, threads): tasks mounted on a carrier;</li>
 *   <li>{@code executor.completed} (function counter, tasks): tasks whose thread has ended;</li>
 *   <li>{@code executor.pool.size} (gauge, threads): carriers, spare carriers and carriers on loan included.</li>
 * </ul>
 * and the engine's own:
 * <ul>
 *   <li>{@code asynkit.tasks} (gauge, tasks), tagged {@code state} = {@code runnable}, {@code running},
 *       {@code blocked};</li>
 *   <li>{@code asynkit.dispatches} (function counter, dispatches): carrier mounts of a task or runs of a
 *       callback;</li>
 *   <li>{@code asynkit.boosts} (function counter, boosts): dispatches that ran a task ahead of better
 *       work;</li>
 *   <li>{@code asynkit.compensations} (function counter, threads): spare carriers started for pinned
 *       tasks;</li>
 *   <li>{@code asynkit.carrier.failures} (function counter, threads): carriers that died of an internal
 *       error and were replaced;</li>
 *   <li>{@code asynkit.carrier.loans} (function timer): extra carriers a latency guard lent, and the time the
 *       ended ones were out; {@code asynkit.carriers.on.loan} (gauge, threads): those out now;</li>
 *   <li>{@code asynkit.queue.wait} (function timer) and {@code asynkit.queue.wait.max} (time gauge),
 *       tagged {@code band} = {@code high}, {@code normal}, {@code low}: time from becoming runnable to
 *       being mounted, by band of effective priority.</li>
 * </ul>
 *
 * <p>Every meter reads one {@link Loop#statistics()} snapshot, shared by all meters for a few
 * milliseconds, so a scrape takes the loop's lock about once instead of once per meter, and the meters
 * of one scrape agree with each other. The meters keep this binder and the loop reachable for as long
 * as they are registered.
 */
public class AsynkitMetrics implements MeterBinder {

    /** How long one statistics snapshot serves the meters. */
    static final Duration DEFAULT_SNAPSHOT_TTL = Duration.ofMillis(10);

    private final Loop loop;
    private final Iterable<Tag> tags;
    private final long snapshotTtlNanos;
    private volatile Snapshot snapshot;

    private record Snapshot(LoopStatistics statistics, long takenAt) {
    }

    /** Meters for {@code loop}, tagged with its name. */
    public AsynkitMetrics(Loop loop) {
        this(loop, Tags.empty());
    }

    /**
     * Meters for {@code loop}, tagged with its name and {@code tags}.
     *
     * @throws NullPointerException if an argument is null
     */
    public AsynkitMetrics(Loop loop, Iterable<Tag> tags) {
        this(loop, tags, DEFAULT_SNAPSHOT_TTL);
    }

    AsynkitMetrics(Loop loop, Iterable<Tag> tags, Duration snapshotTtl) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.tags = Tags.concat(Objects.requireNonNull(tags, "tags"), "name", loop.name());
        this.snapshotTtlNanos = snapshotTtl.toNanos();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        gauge(registry, "executor.queued", "Entries (tasks and callbacks) in the loop's ready queue", "tasks",
                LoopStatistics::queueLength);
        gauge(registry, "executor.active", "Tasks mounted on a carrier thread of the loop", "threads",
                LoopStatistics::running);
        counter(registry, "executor.completed", "Tasks of the loop whose thread has ended", "tasks",
                LoopStatistics::tasksCompleted);
        gauge(registry, "executor.pool.size", "Carrier threads of the loop, spare carriers and loans included",
                "threads", s -> s.carriers() + s.spareCarriers() + s.carriersOnLoan());

        String tasks = "Live tasks of the loop by scheduling state";
        Gauge.builder("asynkit.tasks", loop, l -> statistics().runnable()).tags(tags).tag("state", "runnable")
                .description(tasks).baseUnit("tasks").register(registry);
        Gauge.builder("asynkit.tasks", loop, l -> statistics().running()).tags(tags).tag("state", "running")
                .description(tasks).baseUnit("tasks").register(registry);
        Gauge.builder("asynkit.tasks", loop, l -> statistics().blocked()).tags(tags).tag("state", "blocked")
                .description(tasks).baseUnit("tasks").register(registry);

        counter(registry, "asynkit.dispatches", "Times a carrier mounted a task or ran a callback", "dispatches",
                LoopStatistics::dispatches);
        counter(registry, "asynkit.boosts",
                "Dispatches that ran a starving task ahead of better-priority work (anti-starvation boosts)",
                "boosts", LoopStatistics::boosts);
        counter(registry, "asynkit.compensations",
                "Spare carriers started because a task held its carrier while parked", "threads",
                LoopStatistics::compensations);
        counter(registry, "asynkit.carrier.failures",
                "Carriers that died of an internal error of the loop and were replaced (0 when healthy)", "threads",
                LoopStatistics::carrierFailures);
        FunctionTimer.builder("asynkit.carrier.loans", loop, l -> statistics().carrierLoans(),
                        l -> statistics().carrierLoanNanos(), TimeUnit.NANOSECONDS)
                .tags(tags).description("Extra carriers the latency guard lent to a task waiting behind worse-band "
                        + "work, and the time the ended loans were out")
                .register(registry);
        gauge(registry, "asynkit.carriers.on.loan", "Extra carriers the latency guard has on loan now", "threads",
                LoopStatistics::carriersOnLoan);

        for (PriorityBand band : PriorityBand.values()) {
            String bandTag = band.name().toLowerCase(Locale.ROOT);
            ToLongFunction<Loop> count = l -> statistics().band(band).dispatches();
            ToDoubleFunction<Loop> total = l -> statistics().band(band).totalWaitNanos();
            FunctionTimer.builder("asynkit.queue.wait", loop, count, total, TimeUnit.NANOSECONDS)
                    .tags(tags).tag("band", bandTag)
                    .description("Time tasks waited in the ready queue, from becoming runnable to being mounted, "
                            + "by band of effective priority")
                    .register(registry);
            TimeGauge.builder("asynkit.queue.wait.max", loop, TimeUnit.NANOSECONDS,
                            l -> statistics().band(band).maxWaitNanos())
                    .tags(tags).tag("band", bandTag)
                    .description("Longest time a task waited in the ready queue since the loop was built, "
                            + "by band of effective priority")
                    .register(registry);
        }
    }

    // The loop is the meters' (weakly held) state object; the functions hold this binder, and so the
    // loop, strongly: the meters work for as long as they are registered, however the binder was made.

    private void gauge(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<LoopStatistics> value) {
        Gauge.builder(name, loop, l -> value.applyAsDouble(statistics())).tags(tags).description(description)
                .baseUnit(unit).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<LoopStatistics> value) {
        FunctionCounter.builder(name, loop, l -> value.applyAsDouble(statistics())).tags(tags)
                .description(description).baseUnit(unit).register(registry);
    }

    /** The current snapshot, taken anew once it is older than the snapshot TTL. */
    LoopStatistics statistics() {
        long now = System.nanoTime();
        Snapshot s = snapshot;
        if (s == null || now - s.takenAt() >= snapshotTtlNanos) {
            s = new Snapshot(loop.statistics(), now); // a race takes two snapshots: harmless
            snapshot = s;
        }
        return s.statistics();
    }
}
