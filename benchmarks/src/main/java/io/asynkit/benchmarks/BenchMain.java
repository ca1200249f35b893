package io.asynkit.benchmarks;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.PrintStream;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark jar's entry point: runs JMH with the given command line (every JMH option works),
 * with {@link FootprintProfiler} added, then prints asynkit's figures next to its peers' with the ratio
 * and whether the target is met.
 * Listing and help options are handed to JMH's own main unchanged.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Options withFootprint = new OptionsBuilder().parent(options).addProfiler(FootprintProfiler.class).build();
        Collection<RunResult> results = new Runner(withFootprint).run();
        new Summary(results).print(System.out);
    }

    /** The comparison table; rows whose two sides were not both run are left out. */
    static final class Summary {
        private final Map<String, RunResult> byKey = new HashMap<>();

        Summary(Collection<RunResult> results) {
            for (RunResult r : results) {
                String benchmark = r.getParams().getBenchmark();
                String shortName = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
                String param = "";
                for (String key : r.getParams().getParamsKeys()) {
                    param = r.getParams().getParam(key);
                }
                byKey.put(shortName + "[" + param + "]", r);
            }
        }

        void print(PrintStream out) {
            out.println();
            out.println("asynkit vs peers (ratio = asynkit / peer for costs, asynkit throughput / peer throughput for (b))");
            out.printf(Locale.ROOT, "%-34s %-18s %-16s %-18s %-9s %-9s %s%n",
                    "figure", "asynkit", "peer", "peer figure", "ratio", "target", "met");
            cost(out, "(a) yield switch, ns/yield", "SwitchBenchmark.yieldSwitch[asynkit]",
                    "SwitchBenchmark.yieldSwitch[jdk-default]", "jdk-default", 1.3);
            cost(out, "(a) yield switch, ns/yield", "SwitchBenchmark.yieldSwitch[asynkit]",
                    "SwitchOneCarrierJdkBenchmark.yieldSwitch[jdk-1-carrier]", "jdk-1-carrier", Double.NaN);
            cost(out, "(a) park/unpark, ns/round trip", "SwitchBenchmark.parkUnparkPingPong[asynkit]",
                    "SwitchBenchmark.parkUnparkPingPong[jdk-default]", "jdk-default", 1.3);
            cost(out, "(a) park/unpark, ns/round trip", "SwitchBenchmark.parkUnparkPingPong[asynkit]",
                    "SwitchOneCarrierJdkBenchmark.parkUnparkPingPong[jdk-1-carrier]", "jdk-1-carrier", Double.NaN);
            for (String ours : new String[] {"asynkit", "asynkit-fifo"}) {
                throughput(out, "(b) spawn 1M, ops/s (" + ours + ")", "SpawnBenchmark.spawnAndComplete[" + ours + "]",
                        "SpawnBenchmark.spawnAndComplete[virtual-per-task]", "virtual-per-task", 0.8);
                throughput(out, "(b) spawn 1M, ops/s (" + ours + ")", "SpawnBenchmark.spawnAndComplete[" + ours + "]",
                        "SpawnBenchmark.spawnAndComplete[pool-2]", "pool-2", Double.NaN);
            }
            RunResult ours = byKey.get("BlockedFootprintBenchmark.blockedTasks[asynkit]");
            RunResult peer = byKey.get("BlockedFootprintBenchmark.blockedTasks[virtual-thread]");
            if (ours != null && peer != null) {
                Result a = ours.getSecondaryResults().get("bytesPerTask");
                Result p = peer.getSecondaryResults().get("bytesPerTask");
                if (a != null && p != null) {
                    row(out, "(c) retained heap, bytes/task", a.getScore(), a.getScoreError(), "virtual-thread",
                            p.getScore(), p.getScoreError(), a.getScore() / p.getScore(), "<= 1.5x",
                            a.getScore() / p.getScore() <= 1.5);
                }
            }
            out.println("(per-task cost of (b) in ns/task is the JMH score; ops/s = 1e9 / score)");
        }

        private void cost(PrintStream out, String figure, String oursKey, String peerKey, String peerName, double target) {
            RunResult ours = byKey.get(oursKey);
            RunResult peer = byKey.get(peerKey);
            if (ours == null || peer == null) {
                return;
            }
            Result a = ours.getPrimaryResult();
            Result p = peer.getPrimaryResult();
            double ratio = a.getScore() / p.getScore();
            row(out, figure, a.getScore(), a.getScoreError(), peerName, p.getScore(), p.getScoreError(), ratio,
                    Double.isNaN(target) ? "-" : "<= " + target + "x", Double.isNaN(target) ? null : ratio <= target);
        }

        private void throughput(PrintStream out, String figure, String oursKey, String peerKey, String peerName,
                                double target) {
            RunResult ours = byKey.get(oursKey);
            RunResult peer = byKey.get(peerKey);
            if (ours == null || peer == null) {
                return;
            }
            double a = 1e9 / ours.getPrimaryResult().getScore();
            double p = 1e9 / peer.getPrimaryResult().getScore();
            double ratio = a / p;
            row(out, figure, a, Double.NaN, peerName, p, Double.NaN, ratio,
                    Double.isNaN(target) ? "-" : ">= " + target + "x", Double.isNaN(target) ? null : ratio >= target);
        }

        private static void row(PrintStream out, String figure, double ours, double oursError, String peerName,
                                double peer, double peerError, double ratio, String target, Boolean met) {
            out.printf(Locale.ROOT, "%-34s %-18s %-16s %-18s %-9s %-9s %s%n", figure, format(ours, oursError), peerName,
                    format(peer, peerError), String.format(Locale.ROOT, "%.2fx", ratio), target,
                    met == null ? "-" : met ? "yes" : "NO");
        }

        private static String format(double score, double error) {
            String s = score >= 10_000 ? String.format(Locale.ROOT, "%,.0f", score) : String.format(Locale.ROOT, "%.1f", score);
            return Double.isNaN(error) ? s : s + " ± " + (error >= 100 ? String.format(Locale.ROOT, "%.0f", error)
                    : String.format(Locale.ROOT, "%.1f", error));
        }
    }
}
