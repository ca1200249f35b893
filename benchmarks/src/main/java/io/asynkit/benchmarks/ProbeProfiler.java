package io.asynkit.benchmarks;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns what benchmarks {@link Probe#record recorded} during an iteration into secondary results (the
 * mean per measurement, averaged over iterations, with error and raw data in the JSON results), the
 * way {@link FootprintProfiler} does for the footprint. {@link BenchMain} adds it to every run; with
 * JMH's own main, add {@code -prof io.asynkit.benchmarks.ProbeProfiler}.
 */
public final class ProbeProfiler implements InternalProfiler {

    @Override
    public String getDescription() {
        return "asynkit: figures the benchmarks measure inside their invocations (e.g. time until an eager call returns)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        Probe.drain(); // drop anything left from an earlier iteration
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                      IterationResult result) {
        List<Result> results = new ArrayList<>();
        for (Map.Entry<String, Probe.Total> e : Probe.drain().entrySet()) {
            Probe.Total t = e.getValue();
            if (t.count() > 0) {
                results.add(new ScalarResult(e.getKey(), t.sum() / (double) t.count(), t.unit(), AggregationPolicy.AVG));
            }
        }
        return results;
    }
}
