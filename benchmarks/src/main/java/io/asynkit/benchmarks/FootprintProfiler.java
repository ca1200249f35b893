package io.asynkit.benchmarks;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.Collection;
import java.util.List;

/**
 * Turns {@link BlockedFootprintBenchmark}'s measurement of each iteration into the secondary results
 * {@code bytesPerTask} and {@code blockedTasks}, averaged over iterations (with error and raw data in
 * the JSON results). {@code @AuxCounters} cannot do this: JMH sums its EVENTS counters over the
 * iterations. {@link BenchMain} adds this profiler to every run; with JMH's own main, add
 * {@code -prof io.asynkit.benchmarks.FootprintProfiler}. Other benchmarks report nothing through it.
 */
public final class FootprintProfiler implements InternalProfiler {

    @Override
    public String getDescription() {
        return "asynkit: retained heap per blocked task, measured by BlockedFootprintBenchmark";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        BlockedFootprintBenchmark.takeFigures(); // drop anything left from an earlier iteration
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                      IterationResult result) {
        BlockedFootprintBenchmark.Figures m = BlockedFootprintBenchmark.takeFigures();
        if (m == null) {
            return List.of();
        }
        return List.of(
                new ScalarResult("bytesPerTask", m.bytesPerTask(), "B/task", AggregationPolicy.AVG),
                new ScalarResult("blockedTasks", m.blockedTasks(), "tasks", AggregationPolicy.AVG));
    }
}
