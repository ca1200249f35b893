package io.asynkit.benchmarks;

import io.asynkit.loop.Loop;
import io.asynkit.loop.SchedulingPolicy;
import io.asynkit.priority.Priority;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A scenario, not a JMH benchmark: the scheduling latency of urgent (HIGH) tasks while the carriers are
 * saturated by background (LOW) CPU-bound tasks, on an asynkit loop with the PRIORITY policy, on the
 * same loop with the FIFO policy, and on the JDK's default virtual-thread scheduler.
 *
 * <p><b>Load</b> (the same code in every configuration, 2 carriers by default):
 * <ul>
 *   <li>{@code --low-tasks} (12) LOW tasks, started at once, each looping until the end: a CPU burst of
 *       {@code --burst-iterations} xorshift steps (about 150 µs on the 2-core reference VM; each
 *       configuration reports the mean wall time of its bursts), then {@link Thread#yield()}, except that
 *       every {@code --sleep-every}-th (8th) burst is followed by {@code Thread.sleep(1 ms)} instead;</li>
 *   <li>a platform timer thread that starts one HIGH task every {@code --interval-us} (1000 µs), reading
 *       {@link System#nanoTime()} immediately before the start call. The HIGH task reads it again as its
 *       first action; the difference is its <em>scheduling latency</em>. It then burns 2,000 xorshift
 *       steps (a few µs) and ends. If the timer falls more than one interval behind, it skips ahead
 *       rather than starting a burst of HIGH tasks.</li>
 * </ul>
 *
 * <p><b>Configurations</b>, each in a fresh JVM with the same flags ({@code --add-opens},
 * {@code -Xms/-Xmx} of {@code --heap}, {@code -Djdk.virtualThreadScheduler.parallelism=<carriers>}):
 * <ul>
 *   <li>{@code asynkit-priority}: {@code Loop.builder().carriers(2).policy(PRIORITY)}; LOW tasks at
 *       {@link Priority#LOW}, HIGH at {@link Priority#HIGH};</li>
 *   <li>{@code asynkit-fifo}: the same code on a FIFO loop, which ignores the priorities;</li>
 *   <li>{@code jdk-default}: {@code Thread.ofVirtual().start(..)} on the JDK's default scheduler, whose
 *       parallelism the flag sets to 2; it has no priorities.</li>
 * </ul>
 * Each runs {@code --warmup-s} (2) seconds of load that is not recorded, then {@code --measure-s} (5)
 * seconds in which every HIGH task's latency and every LOW burst is counted (about 5,000 HIGH samples at
 * the default rate). After the measurement the timer stops and the run waits for every measured HIGH
 * task to finish, so a starved HIGH task shows up as a large latency, not as a missing sample.
 *
 * <p><b>Output:</b> per configuration, the p50, p99, p99.9 and maximum HIGH latency (nearest rank), the
 * mean, and the LOW tasks' throughput: CPU bursts completed per second, in all and for the slowest LOW
 * task (so that starvation would show); then the ratios asynkit-priority / jdk-default and
 * asynkit-priority / asynkit-fifo. A CSV goes to {@code --csv}. The script
 * {@code benchmarks/scripts/priority-scenario} builds the jar and names the CSV
 * {@code benchmarks/results/priority-scenario-<UTC date>-<commit>[-dirty].csv}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.asynkit.benchmarks.PriorityLatencyScenario [options]};
 * {@code --help} lists the options. With {@code --child <configuration>} it runs one configuration in
 * the current JVM and prints one {@code RESULT} line (this is what the parent forks).
 */
public final class PriorityLatencyScenario {

    static final List<String> CONFIGURATIONS = List.of("asynkit-priority", "asynkit-fifo", "jdk-default");

    private static final String RESULT = "RESULT ";
    private static final long HIGH_WORK = 2_000;

    private PriorityLatencyScenario() {
    }

    /** The scenario's knobs; every one is an option {@code --name value}. */
    static final class Settings {
        int carriers = 2;
        int lowTasks = 12;
        long burstIterations = 85_000;
        int sleepEvery = 8;
        long intervalMicros = 1_000;
        double warmupSeconds = 2;
        double measureSeconds = 5;
        String heap = "512m";
        List<String> configurations = CONFIGURATIONS;
        List<String> jvmArgs = new ArrayList<>();
        String csv;
        String commit = "unknown";
        String child;

        static Settings parse(String[] args) {
            Settings s = new Settings();
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (option.equals("--help") || option.equals("-h")) {
                    usage(System.out);
                    System.exit(0);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + option + " needs a value (see --help)");
                }
                String value = args[++i];
                switch (option) {
                    case "--carriers" -> s.carriers = Integer.parseInt(value);
                    case "--low-tasks" -> s.lowTasks = Integer.parseInt(value);
                    case "--burst-iterations" -> s.burstIterations = Long.parseLong(value);
                    case "--sleep-every" -> s.sleepEvery = Integer.parseInt(value);
                    case "--interval-us" -> s.intervalMicros = Long.parseLong(value);
                    case "--warmup-s" -> s.warmupSeconds = Double.parseDouble(value);
                    case "--measure-s" -> s.measureSeconds = Double.parseDouble(value);
                    case "--heap" -> s.heap = value;
                    case "--configs" -> s.configurations = List.of(value.split(","));
                    case "--jvm-arg" -> s.jvmArgs.add(value);
                    case "--csv" -> s.csv = value;
                    case "--commit" -> s.commit = value;
                    case "--child" -> s.child = value;
                    default -> throw new IllegalArgumentException("unknown option " + option + " (see --help)");
                }
            }
            for (String c : s.configurations) {
                if (!CONFIGURATIONS.contains(c)) {
                    throw new IllegalArgumentException("unknown configuration " + c + "; known: " + CONFIGURATIONS);
                }
            }
            if (s.child != null && !CONFIGURATIONS.contains(s.child)) {
                throw new IllegalArgumentException("unknown configuration " + s.child + "; known: " + CONFIGURATIONS);
            }
            return s;
        }

        /** The options a child needs to run the same load. */
        List<String> loadOptions() {
            return List.of("--carriers", Integer.toString(carriers), "--low-tasks", Integer.toString(lowTasks),
                    "--burst-iterations", Long.toString(burstIterations), "--sleep-every", Integer.toString(sleepEvery),
                    "--interval-us", Long.toString(intervalMicros), "--warmup-s", Double.toString(warmupSeconds),
                    "--measure-s", Double.toString(measureSeconds));
        }

        static void usage(PrintStream out) {
            out.println("""
                    PriorityLatencyScenario: HIGH-task scheduling latency under saturating LOW load.
                    Options (defaults in brackets):
                      --configs a,b,c        configurations, each in a fresh JVM [asynkit-priority,asynkit-fifo,jdk-default]
                      --carriers n           carriers of the loop, and jdk.virtualThreadScheduler.parallelism [2]
                      --low-tasks n          LOW tasks [12]
                      --burst-iterations n   xorshift steps per LOW CPU burst (~150 us on the reference VM) [85000]
                      --sleep-every n        every n-th burst is followed by Thread.sleep(1 ms), the others by yield [8]
                      --interval-us n        one HIGH task per n microseconds [1000]
                      --warmup-s s           seconds of unrecorded load [2]
                      --measure-s s          seconds of recorded load [5]
                      --heap size            -Xms and -Xmx of the forked JVMs [512m]
                      --jvm-arg arg          one more flag for the forked JVMs (repeatable)
                      --csv path             write the results as CSV there
                      --commit id            the commit named in the CSV [unknown]
                      --child config         run one configuration in this JVM (what the parent forks)""");
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (settings.child != null) {
            Map<String, String> result = runOne(settings.child, settings);
            StringBuilder line = new StringBuilder(RESULT);
            result.forEach((k, v) -> line.append(k).append('=').append(v).append(' '));
            System.out.println(line.toString().trim());
            return;
        }
        runAll(settings);
    }

    // ---- the parent: one fresh JVM per configuration, then the table and the CSV -----------------

    private static void runAll(Settings settings) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.printf(Locale.ROOT, "load: %d carriers, %d LOW tasks (%d iterations per burst, sleep 1 ms every %d "
                        + "bursts), one HIGH task per %d us; %.1f s warm-up + %.1f s measured per configuration%n",
                settings.carriers, settings.lowTasks, settings.burstIterations, settings.sleepEvery,
                settings.intervalMicros, settings.warmupSeconds, settings.measureSeconds);
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        for (String configuration : settings.configurations) {
            List<String> command = new ArrayList<>(List.of(java, Jvm.ADD_OPENS, "-Xms" + settings.heap,
                    "-Xmx" + settings.heap, "-Djdk.virtualThreadScheduler.parallelism=" + settings.carriers));
            command.addAll(settings.jvmArgs);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                    PriorityLatencyScenario.class.getName(), "--child", configuration));
            command.addAll(settings.loadOptions());
            System.out.println("== " + configuration + " (fresh JVM; load average "
                    + loadAverage() + ")");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Map<String, String> result = null;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith(RESULT)) {
                        result = new LinkedHashMap<>();
                        for (String pair : line.substring(RESULT.length()).split(" ")) {
                            int eq = pair.indexOf('=');
                            result.put(pair.substring(0, eq), pair.substring(eq + 1));
                        }
                    } else {
                        System.out.println("   " + line);
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0 || result == null) {
                System.out.println("   FAILED: exit code " + exit + (result == null ? ", no result" : ""));
                continue;
            }
            results.put(configuration, result);
        }
        printTable(System.out, results);
        if (settings.csv != null) {
            writeCsv(Path.of(settings.csv), settings, results);
            System.out.println("CSV: " + settings.csv);
        }
    }

    private static final String[] LATENCIES = {"high_p50_us", "high_p99_us", "high_p999_us", "high_max_us", "high_mean_us"};
    private static final String[] RATIO_COLUMNS = {"high_p50_us", "high_p99_us", "high_p999_us", "high_max_us",
            "high_mean_us", "low_bursts_per_s"};
    private static final String[] CSV_COLUMNS = {"high_samples", "high_p50_us", "high_p99_us", "high_p999_us",
            "high_max_us", "high_mean_us", "low_bursts_per_s", "low_min_task_bursts_per_s", "low_mean_burst_us",
            "spare_carriers_started"};

    private static void printTable(PrintStream out, Map<String, Map<String, String>> results) {
        out.println();
        out.println("HIGH scheduling latency (us, submission to first run) and LOW throughput (CPU bursts/s)");
        out.printf(Locale.ROOT, "%-34s %8s %9s %9s %9s %9s %9s %12s %14s %11s%n", "configuration", "samples", "p50",
                "p99", "p99.9", "max", "mean", "LOW bursts/s", "slowest LOW/s", "burst us");
        for (var e : results.entrySet()) {
            Map<String, String> r = e.getValue();
            out.printf(Locale.ROOT, "%-34s %8s %9.1f %9.1f %9.1f %9.1f %9.1f %12.0f %14.0f %11.1f%n", e.getKey(),
                    r.get("high_samples"), num(r, "high_p50_us"), num(r, "high_p99_us"), num(r, "high_p999_us"),
                    num(r, "high_max_us"), num(r, "high_mean_us"), num(r, "low_bursts_per_s"),
                    num(r, "low_min_task_bursts_per_s"), num(r, "low_mean_burst_us"));
        }
        for (String peer : List.of("jdk-default", "asynkit-fifo")) {
            Map<String, Double> ratio = ratios(results, peer);
            if (ratio != null) {
                out.printf(Locale.ROOT, "%-34s %8s %8.2fx %8.2fx %8.2fx %8.2fx %8.2fx %11.2fx%n",
                        "ratio asynkit-priority/" + peer, "", ratio.get("high_p50_us"), ratio.get("high_p99_us"),
                        ratio.get("high_p999_us"), ratio.get("high_max_us"), ratio.get("high_mean_us"),
                        ratio.get("low_bursts_per_s"));
            }
        }
        int fewest = results.values().stream().mapToInt(r -> Integer.parseInt(r.get("high_samples"))).min().orElse(0);
        out.printf(Locale.ROOT, "(latency ratios below 1 favour asynkit-priority; the LOW throughput ratio shows what the "
                + "LOW tasks pay for it; percentiles are nearest-rank, so with %d samples p99.9 is the sample ranked %d "
                + "from the worst, 1 being the maximum)%n", fewest, fewest - (int) Math.ceil(0.999 * fewest) + 1);
    }

    /** asynkit-priority's figure divided by the peer's, per ratio column; null if either is missing. */
    private static Map<String, Double> ratios(Map<String, Map<String, String>> results, String peer) {
        Map<String, String> ours = results.get("asynkit-priority");
        Map<String, String> theirs = results.get(peer);
        if (ours == null || theirs == null) {
            return null;
        }
        Map<String, Double> ratio = new LinkedHashMap<>();
        for (String column : RATIO_COLUMNS) {
            ratio.put(column, num(ours, column) / num(theirs, column));
        }
        return ratio;
    }

    private static void writeCsv(Path path, Settings s, Map<String, Map<String, String>> results) throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT);
        String common = String.join(",", date, s.commit, "%s", "%s", Integer.toString(s.carriers),
                Integer.toString(s.lowTasks), Long.toString(s.burstIterations), Integer.toString(s.sleepEvery),
                Long.toString(s.intervalMicros), Double.toString(s.warmupSeconds), Double.toString(s.measureSeconds));
        try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            w.write("date,commit,configuration,kind,carriers,low_tasks,burst_iterations,sleep_every,interval_us,"
                    + "warmup_s,measure_s," + String.join(",", CSV_COLUMNS) + "\n");
            for (var e : results.entrySet()) {
                StringBuilder row = new StringBuilder(String.format(common, e.getKey(), "measured"));
                for (String column : CSV_COLUMNS) {
                    row.append(',').append(e.getValue().getOrDefault(column, ""));
                }
                w.write(row + "\n");
            }
            for (String peer : List.of("jdk-default", "asynkit-fifo")) {
                Map<String, Double> ratio = ratios(results, peer);
                if (ratio == null) {
                    continue;
                }
                // ratio rows: the same columns, holding asynkit-priority's figure / the peer's
                StringBuilder row = new StringBuilder(String.format(common, "asynkit-priority/" + peer, "ratio"));
                for (String column : CSV_COLUMNS) {
                    Double v = ratio.get(column);
                    row.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.4f", v));
                }
                w.write(row + "\n");
            }
        }
    }

    private static double num(Map<String, String> r, String key) {
        String v = r.get(key);
        return v == null ? Double.NaN : Double.parseDouble(v);
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    // ---- the child: one configuration in this JVM -------------------------------------------------

    /** Starts a task or virtual thread; returns something to wait on. */
    private interface Spawner extends AutoCloseable {
        Waitable spawn(boolean high, Callable<Void> body);

        /** Spare carriers the loop started because a task held its carrier (-1: not an asynkit loop). */
        long compensations();

        @Override
        void close();
    }

    private interface Waitable {
        void await() throws Exception;
    }

    private static Spawner spawner(String configuration, int carriers) {
        if (configuration.equals("jdk-default")) {
            return new Spawner() {
                @Override
                public Waitable spawn(boolean high, Callable<Void> body) {
                    Thread t = Thread.ofVirtual().name(high ? "high" : "low").start(() -> {
                        try {
                            body.call();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    return t::join;
                }

                @Override
                public long compensations() {
                    return -1;
                }

                @Override
                public void close() {
                }
            };
        }
        SchedulingPolicy policy = configuration.equals("asynkit-priority") ? SchedulingPolicy.PRIORITY : SchedulingPolicy.FIFO;
        Loop loop = Loop.builder().name("scenario").carriers(carriers).policy(policy).build();
        return new Spawner() {
            @Override
            public Waitable spawn(boolean high, Callable<Void> body) {
                var task = loop.newTask().name(high ? "high" : "low").priority(high ? Priority.HIGH : Priority.LOW)
                        .start(body);
                return task::get;
            }

            @Override
            public long compensations() {
                return loop.statistics().compensations();
            }

            @Override
            public void close() {
                System.out.println("loop statistics: " + loop.statistics());
                loop.close();
            }
        };
    }

    /** Keeps the JIT from dropping the bursts' work. */
    static volatile long sink;

    static long burn(long iterations, long x) {
        for (long i = 0; i < iterations; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    static Map<String, String> runOne(String configuration, Settings s) throws Exception {
        long interval = TimeUnit.MICROSECONDS.toNanos(s.intervalMicros);
        long warmup = (long) (s.warmupSeconds * 1e9);
        long measure = (long) (s.measureSeconds * 1e9);
        int capacity = (int) (measure / interval) + 16;
        long[] submitted = new long[capacity];
        long[] latency = new long[capacity];
        AtomicInteger measuredDone = new AtomicInteger();
        AtomicLongArray bursts = new AtomicLongArray(s.lowTasks);
        AtomicLongArray burstNanos = new AtomicLongArray(s.lowTasks);
        int[] measuredCount = new int[1];
        long[] skipped = new long[1];
        List<Waitable> highs = new ArrayList<>();
        List<Waitable> lows = new ArrayList<>();

        try (Spawner spawner = spawner(configuration, s.carriers)) {
            class Low implements Callable<Void> {
                private final int index;
                private volatile boolean done;

                Low(int index) {
                    this.index = index;
                }

                @Override
                public Void call() throws InterruptedException {
                    long x = 0x9E3779B97F4A7C15L + index;
                    for (long k = 1; !done; k++) {
                        long t0 = System.nanoTime();
                        x = burn(s.burstIterations, x);
                        long t1 = System.nanoTime();
                        bursts.lazySet(index, bursts.get(index) + 1); // one writer per slot
                        burstNanos.lazySet(index, burstNanos.get(index) + (t1 - t0));
                        if (k % s.sleepEvery == 0) {
                            Thread.sleep(1);
                        } else {
                            Thread.yield();
                        }
                    }
                    sink = x;
                    return null;
                }
            }
            List<Low> lowBodies = new ArrayList<>();
            for (int i = 0; i < s.lowTasks; i++) {
                Low low = new Low(i);
                lowBodies.add(low);
                lows.add(spawner.spawn(false, low));
            }

            long start = System.nanoTime();
            long measureStart = start + warmup;
            long measureEnd = measureStart + measure;
            Thread timer = Thread.ofPlatform().name("high-arrivals").start(() -> {
                long next = System.nanoTime();
                while (true) {
                    next += interval;
                    long now;
                    while ((now = System.nanoTime()) < next) {
                        LockSupport.parkNanos(next - now);
                    }
                    if (now >= measureEnd) {
                        return;
                    }
                    if (now - next > interval) { // fell behind (the OS did not run us): no burst of catch-up tasks
                        skipped[0] += (now - next) / interval;
                        next = now;
                    }
                    if (now < measureStart || measuredCount[0] >= capacity) {
                        spawner.spawn(true, () -> {
                            sink = burn(HIGH_WORK, System.nanoTime());
                            return null;
                        });
                        continue;
                    }
                    int i = measuredCount[0]++;
                    Callable<Void> body = () -> {
                        long started = System.nanoTime();
                        latency[i] = started - submitted[i];
                        sink = burn(HIGH_WORK, started);
                        measuredDone.incrementAndGet();
                        return null;
                    };
                    submitted[i] = System.nanoTime();
                    highs.add(spawner.spawn(true, body));
                }
            });

            sleepUntil(measureStart);
            long[] before = snapshot(bursts);
            long[] nanosBefore = snapshot(burstNanos);
            long windowStart = System.nanoTime();
            sleepUntil(measureEnd);
            long[] after = snapshot(bursts);
            long[] nanosAfter = snapshot(burstNanos);
            double window = (System.nanoTime() - windowStart) / 1e9;
            timer.join();
            for (Waitable high : highs) { // every measured HIGH task ends; a slow one is a large latency
                high.await();
            }
            for (Low low : lowBodies) {
                low.done = true;
            }
            for (Waitable low : lows) {
                low.await();
            }

            int n = measuredCount[0];
            if (measuredDone.get() != n) {
                throw new IllegalStateException(measuredDone.get() + " of " + n + " measured HIGH tasks finished");
            }
            long[] sorted = Arrays.copyOf(latency, n);
            Arrays.sort(sorted);
            long total = 0;
            long minTask = Long.MAX_VALUE;
            long nanos = 0;
            for (int i = 0; i < s.lowTasks; i++) {
                long d = after[i] - before[i];
                total += d;
                minTask = Math.min(minTask, d);
                nanos += nanosAfter[i] - nanosBefore[i];
            }
            double sum = 0;
            for (long v : sorted) {
                sum += v;
            }
            Map<String, String> r = new LinkedHashMap<>();
            r.put("high_samples", Integer.toString(n));
            r.put("high_p50_us", us(percentile(sorted, 0.50)));
            r.put("high_p99_us", us(percentile(sorted, 0.99)));
            r.put("high_p999_us", us(percentile(sorted, 0.999)));
            r.put("high_max_us", us(n == 0 ? Double.NaN : sorted[n - 1]));
            r.put("high_mean_us", us(n == 0 ? Double.NaN : sum / n));
            r.put("low_bursts_per_s", String.format(Locale.ROOT, "%.1f", total / window));
            r.put("low_min_task_bursts_per_s", String.format(Locale.ROOT, "%.1f", minTask / window));
            r.put("low_mean_burst_us", String.format(Locale.ROOT, "%.2f", total == 0 ? Double.NaN : nanos / 1e3 / total));
            r.put("timer_intervals_skipped", Long.toString(skipped[0]));
            System.out.printf(Locale.ROOT, "%s: %d HIGH samples, %d LOW bursts in %.2f s, timer skipped %d intervals%n",
                    configuration, n, total, window, skipped[0]);
            long compensations = spawner.compensations();
            r.put("spare_carriers_started", compensations < 0 ? "" : Long.toString(compensations));
            return r;
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length); // nearest rank
        return sorted[Math.max(0, rank - 1)];
    }

    private static String us(double nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e3);
    }

    private static long[] snapshot(AtomicLongArray a) {
        long[] copy = new long[a.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = a.get(i);
        }
        return copy;
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        for (long now; (now = System.nanoTime()) < deadline; ) {
            Thread.sleep(Math.max(1, (deadline - now) / 1_000_000), 0);
        }
    }
}
