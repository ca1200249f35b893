package io.asynkit.benchmarks;

import io.asynkit.loop.Loop;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Two measurements behind the analysis of (b) in docs/benchmarks.md, outside JMH:
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED -Xms4g -Xmx4g \
 *      -cp benchmarks/target/benchmarks.jar io.asynkit.benchmarks.SpawnProbe queue
 * java --add-opens=java.base/java.lang=ALL-UNNAMED -Xms2g -Xmx2g \
 *      -cp benchmarks/target/benchmarks.jar io.asynkit.benchmarks.SpawnProbe retained asynkit|virtual
 * </pre>
 *
 * <ul>
 *   <li>{@code queue}: {@link SpawnBenchmark}'s batch on a loop with one carrier per core, sampling
 *       {@code loop.queueLength()} every 16,384 submissions: how far the submitter runs ahead;</li>
 *   <li>{@code retained}: heap retained per completed no-op task whose future is still referenced, for
 *       a loop ({@code asynkit}) or {@code Executors.newVirtualThreadPerTaskExecutor()} ({@code virtual}),
 *       measured after full GCs; then {@code jcmd <pid> GC.class_histogram} shows the objects.</li>
 * </ul>
 */
public final class SpawnProbe {

    private static final Callable<Integer> NO_OP = () -> 1;
    private static Future<?>[] kept; // static: keeps the futures reachable while the heap is measured

    private SpawnProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("queue")) {
            queueDepth();
        } else if (args.length >= 2 && args[0].equals("retained")) {
            retained(args[1]);
        } else {
            System.err.println("usage: SpawnProbe queue | SpawnProbe retained asynkit|virtual");
            System.exit(2);
        }
    }

    private static void queueDepth() throws Exception {
        int tasks = SpawnBenchmark.TASKS;
        Future<?>[] futures = new Future<?>[tasks];
        int cores = Runtime.getRuntime().availableProcessors();
        try (Loop loop = Loop.builder().name("spawn-probe").carriers(cores).build()) {
            for (int batch = 0; batch < 6; batch++) {
                int maxQueued = 0;
                long t0 = System.nanoTime();
                for (int i = 0; i < tasks; i++) {
                    futures[i] = loop.submit(NO_OP);
                    if ((i & 16383) == 0) {
                        maxQueued = Math.max(maxQueued, loop.queueLength());
                    }
                }
                long t1 = System.nanoTime();
                int queuedAfterSubmit = loop.queueLength();
                for (int i = 0; i < tasks; i++) {
                    futures[i].get();
                    futures[i] = null;
                }
                long t2 = System.nanoTime();
                System.out.printf("batch %d: submit %.0f ns/task, then get %.0f ns/task; ready queue: max sampled %d,"
                        + " %d after the last submit%n", batch, (t1 - t0) / (double) tasks, (t2 - t1) / (double) tasks,
                        maxQueued, queuedAfterSubmit);
            }
        }
    }

    private static void retained(String kind) throws Exception {
        int tasks = 200_000;
        try (ExecutorService executor = switch (kind) {
            case "asynkit" -> Loop.builder().name("spawn-probe").carriers(Runtime.getRuntime().availableProcessors()).build();
            case "virtual" -> Executors.newVirtualThreadPerTaskExecutor();
            default -> throw new IllegalArgumentException("asynkit or virtual, not " + kind);
        }) {
            for (int round = 0; round < 3; round++) {
                kept = null;
                long before = BlockedFootprintBenchmark.usedHeapAfterFullGc();
                kept = new Future<?>[tasks];
                for (int i = 0; i < tasks; i++) {
                    kept[i] = executor.submit(NO_OP);
                }
                for (int i = 0; i < tasks; i++) {
                    kept[i].get();
                }
                Thread.sleep(200); // let the last threads finish unwinding
                long after = BlockedFootprintBenchmark.usedHeapAfterFullGc();
                System.out.printf("%s, round %d: %.0f bytes retained per completed task still referenced by its future"
                        + " (pid %d)%n", kind, round, (after - before) / (double) tasks, ProcessHandle.current().pid());
            }
            if (Boolean.getBoolean("histogram")) {
                Process jcmd = new ProcessBuilder(System.getProperty("java.home") + "/bin/jcmd",
                        Long.toString(ProcessHandle.current().pid()), "GC.class_histogram").redirectErrorStream(true).start();
                new String(jcmd.getInputStream().readAllBytes()).lines().limit(16).forEach(System.out::println);
            }
            kept = null;
        }
    }
}
