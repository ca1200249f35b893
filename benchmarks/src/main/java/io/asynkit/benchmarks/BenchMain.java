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
 * with {@link FootprintProfiler} and {@link ProbeProfiler} added, then prints asynkit's figures next to
 * its peers' with the ratio and whether the target is met.
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
        Options withProfilers = new OptionsBuilder().parent(options).addProfiler(FootprintProfiler.class)
                .addProfiler(ProbeProfiler.class).build();
        Collection<RunResult> results = new Runner(withProfilers).run();
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
                StringBuilder all = new StringBuilder();
                for (String key : r.getParams().getParamsKeys()) {
                    param = r.getParams().getParam(key);
                    all.append(all.isEmpty() ? "" : ",").append(key).append('=').append(param);
                }
                byKey.put(shortName + "[" + param + "]", r);
                if (r.getParams().getParamsKeys().size() > 1) { // e.g. "...[n=1000,policy=fifo]"
                    byKey.put(shortName + "[" + all + "]", r);
                }
            }
        }

        void print(PrintStream out) {
            out.println();
            out.println("asynkit vs peers (ratio = asynkit / peer: for costs (ns) lower is better, for throughputs "
                    + "(ops/s, elements/s) higher is better)");
            out.printf(Locale.ROOT, "%-48s %-20s %-27s %-20s %-9s %-11s %s%n",
                    "figure", "asynkit", "peer", "peer figure", "ratio", "target", "met");
            cost(out, "(a) yield switch, ns/yield", "SwitchBenchmark.yieldSwitch[asynkit]",
                    "SwitchBenchmark.yieldSwitch[jdk-default]", "jdk-default", 1.3);
            cost(out, "(a) yield switch, ns/yield", "SwitchBenchmark.yieldSwitch[asynkit]",
                    "SwitchOneCarrierJdkBenchmark.yieldSwitch[jdk-1-carrier]", "jdk-1-carrier", 1.0);
            cost(out, "(a) park/unpark, ns/round trip", "SwitchBenchmark.parkUnparkPingPong[asynkit]",
                    "SwitchBenchmark.parkUnparkPingPong[jdk-default]", "jdk-default", 1.3);
            cost(out, "(a) park/unpark, ns/round trip", "SwitchBenchmark.parkUnparkPingPong[asynkit]",
                    "SwitchOneCarrierJdkBenchmark.parkUnparkPingPong[jdk-1-carrier]", "jdk-1-carrier", 1.0);
            for (String ours : new String[] {"asynkit", "asynkit-fifo"}) {
                throughput(out, "(b) spawn 1M, ops/s (" + ours + ")", "SpawnBenchmark.spawnAndComplete[" + ours + "]",
                        "SpawnBenchmark.spawnAndComplete[virtual-per-task]", "virtual-per-task", 0.8);
                throughput(out, "(b) spawn 1M, ops/s (" + ours + ")", "SpawnBenchmark.spawnAndComplete[" + ours + "]",
                        "SpawnBenchmark.spawnAndComplete[pool-2]", "pool-2", Double.NaN);
            }
            throughput(out, "(b') spawn inside, 2 vs 1 carrier, ops/s", "SpawnInsideBenchmark.spawnFromInside[asynkit-2]",
                    "SpawnInsideBenchmark.spawnFromInside[asynkit-1]", "asynkit, 1 carrier", 1.6);
            throughput(out, "(b') spawn inside, ops/s", "SpawnInsideBenchmark.spawnFromInside[asynkit-2]",
                    "SpawnInsideBenchmark.spawnFromInside[virtual-per-task]", "virtual-per-task", Double.NaN);
            compare(out, "(c) retained heap, bytes/task", secondary("BlockedFootprintBenchmark.blockedTasks[asynkit]",
                            "bytesPerTask"), "virtual-thread",
                    secondary("BlockedFootprintBenchmark.blockedTasks[virtual-thread]", "bytesPerTask"), true, 1.2);

            Result eager = primary("EagerBenchmark.eager[]");
            compare(out, "(d) eager call, no park, ns/call", eager, "supplyAsync, 1 carrier",
                    primary("CoroutineOneCarrierJdkBenchmark.supplyAsyncVirtual[]"), true, 1.0);
            compare(out, "(d) eager call, no park, ns/call", eager, "supplyAsync, vthread",
                    primary("EagerBenchmark.supplyAsyncVirtual[]"), true, Double.NaN);
            compare(out, "(d) eager call, no park, ns/call", eager, "plain task submit+get",
                    primary("EagerBenchmark.taskSubmitGet[]"), true, Double.NaN);
            compare(out, "(d) eager call, no park, ns/call", eager, "direct call",
                    primary("EagerBenchmark.directCall[]"), true, Double.NaN);
            absolute(out, "(d) eager call, no park, ns/call", eager, "< 2000 ns", eager != null && eager.getScore() < 2000);

            Result parks = secondary("EagerParkBenchmark.eagerParks[]", EagerParkBenchmark.RETURN_NS);
            absolute(out, "(e) eager call that parks, ns until caller runs", parks, "< 3000 ns",
                    parks != null && parks.getScore() < 3000);
            compare(out, "(e) eager call that parks, ns until caller runs", parks, "vthread start+wait",
                    secondary("EagerParkBenchmark.virtualThreadStartUntilParked[]", EagerParkBenchmark.RETURN_NS), true,
                    Double.NaN);
            compare(out, "(e) whole cycle (park, wake, end), ns/call", primary("EagerParkBenchmark.eagerParks[]"),
                    "vthread start+wait", primary("EagerParkBenchmark.virtualThreadStartUntilParked[]"), true, Double.NaN);

            Result fromTask = primary("GeneratorBenchmark.consume[asynkit-task]");
            absolute(out, "(f) generator from a task, elements/s", fromTask, ">= 4M/s",
                    fromTask != null && fromTask.getScore() >= 4e6);
            compare(out, "(f) generator from a task, elements/s", fromTask, "SyncQueue, vthr, 1 carrier",
                    primary("CoroutineOneCarrierJdkBenchmark.sqVirtual[]"), false, 0.75);
            compare(out, "(f) generator from a task, elements/s", fromTask, "SynchronousQueue, vthreads",
                    primary("GeneratorBenchmark.consume[sq-virtual]"), false, Double.NaN);
            Result sqPlatform = primary("GeneratorBenchmark.consume[sq-platform]");
            compare(out, "(f) generator from a platform thread, el/s", primary("GeneratorBenchmark.consume[asynkit-platform]"),
                    "SynchronousQueue, platform", sqPlatform, false, 1.0);
            compare(out, "(f) same, -Dasynkit.inlineCarrier=true, el/s",
                    primary("GeneratorInlineCarrierBenchmark.consume[asynkit-platform-inline]"),
                    "SynchronousQueue, platform", sqPlatform, false, 9);
            cost(out, "PriorityLock, 4 contenders, one priority, ns", "PriorityLockBenchmark.contended[priority-lock-equal]",
                    "PriorityLockBenchmark.contended[fair]", "fair ReentrantLock", 1.5);
            cost(out, "PriorityLock, 4 contenders, one priority, ns", "PriorityLockBenchmark.contended[priority-lock-equal]",
                    "PriorityLockBenchmark.contended[non-fair]", "non-fair ReentrantLock", 2.0);
            cost(out, "PriorityLock, 4 contenders, 4 priorities, ns", "PriorityLockBenchmark.contended[priority-lock-mixed]",
                    "PriorityLockBenchmark.contended[fair]", "fair ReentrantLock", 1.5);
            cost(out, "PriorityLock uncontended, ns/lock+unlock", "PriorityLockBenchmark.uncontended[priority-lock-equal]",
                    "PriorityLockBenchmark.uncontended[non-fair]", "ReentrantLock", 1.5);
            for (String n : new String[] {"10", "1000", "100000"}) {
                cost(out, "(g) dispatch, " + n + " runnable, ns/dispatch",
                        "PriorityDispatchBenchmark.dispatch[n=" + n + ",policy=priority]",
                        "PriorityDispatchBenchmark.dispatch[n=" + n + ",policy=fifo]", "asynkit-fifo, same n",
                        "1000".equals(n) ? 2.0 : Double.NaN);
            }
            out.println("(b): ops/s = 1e9 / the JMH score (ns/task); (c): the secondary result bytesPerTask; (e): the "
                    + "secondary result " + EagerParkBenchmark.RETURN_NS + "; the ± figures are JMH's 99.9% half-widths");
        }

        private Result primary(String key) {
            RunResult r = byKey.get(key);
            return r == null ? null : r.getPrimaryResult();
        }

        private Result secondary(String key, String name) {
            RunResult r = byKey.get(key);
            return r == null ? null : r.getSecondaryResults().get(name);
        }

        /**
         * A row comparing two figures; {@code lowerIsBetter} for costs (target: ratio at most
         * {@code target}), otherwise throughputs (target: ratio at least {@code target}); NaN: no target.
         */
        private static void compare(PrintStream out, String figure, Result ours, String peerName, Result peer,
                                    boolean lowerIsBetter, double target) {
            if (ours == null || peer == null) {
                return;
            }
            double ratio = ours.getScore() / peer.getScore();
            boolean none = Double.isNaN(target);
            row(out, figure, ours.getScore(), ours.getScoreError(), peerName, peer.getScore(), peer.getScoreError(), ratio,
                    none ? "-" : (lowerIsBetter ? "<= " : ">= ") + target + "x",
                    none ? null : lowerIsBetter ? ratio <= target : ratio >= target);
        }

        /** A row with an absolute target and no peer. */
        private static void absolute(PrintStream out, String figure, Result ours, String target, boolean met) {
            if (ours == null) {
                return;
            }
            out.printf(Locale.ROOT, "%-48s %-20s %-27s %-20s %-9s %-11s %s%n", figure,
                    format(ours.getScore(), ours.getScoreError()), "-", "-", "-", target, met ? "yes" : "NO");
        }

        private void cost(PrintStream out, String figure, String oursKey, String peerKey, String peerName, double target) {
            compare(out, figure, primary(oursKey), peerName, primary(peerKey), true, target);
        }

        /** (b): the scores are ns per task; the row shows tasks per second. */
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
            out.printf(Locale.ROOT, "%-48s %-20s %-27s %-20s %-9s %-11s %s%n", figure, format(ours, oursError), peerName,
                    format(peer, peerError), String.format(Locale.ROOT, "%.2fx", ratio), target,
                    met == null ? "-" : met ? "yes" : "NO");
        }

        private static String format(double score, double error) {
            String s = score >= 10_000 ? String.format(Locale.ROOT, "%,.0f", score) : String.format(Locale.ROOT, "%.1f", score);
            return Double.isNaN(error) ? s : s + " ± " + (error >= 100 ? String.format(Locale.ROOT, "%,.0f", error)
                    : String.format(Locale.ROOT, "%.1f", error));
        }
    }
}
