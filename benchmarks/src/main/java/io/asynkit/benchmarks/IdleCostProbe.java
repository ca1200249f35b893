package io.asynkit.benchmarks;

import io.asynkit.loop.LatencyGuard;
import io.asynkit.loop.Loop;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * What an idle loop costs: the process's CPU time over 20 idle seconds of a two-carrier loop, without a
 * latency guard or with one of the given bound (docs/operations.md, "Latency guard"). Outside JMH:
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED \
 *      -cp benchmarks/target/benchmarks.jar io.asynkit.benchmarks.IdleCostProbe none|PT0.001S|PT0.00025S
 * </pre>
 */
public final class IdleCostProbe {

    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration MEASURED = Duration.ofSeconds(20);

    private IdleCostProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: IdleCostProbe none|<ISO-8601 duration of the guard's bound>");
        }
        Loop.Builder builder = Loop.builder().name("idle-probe").carriers(2);
        if (!args[0].equals("none")) {
            builder.latencyGuard(LatencyGuard.after(Duration.parse(args[0])));
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Loop loop = builder.build()) {
            loop.submit(() -> 1).get(); // the carriers have started and gone idle again
            Thread.sleep(SETTLE);
            long cpuBefore = os.getProcessCpuTime();
            long before = System.nanoTime();
            Thread.sleep(MEASURED);
            double share = (os.getProcessCpuTime() - cpuBefore) / (double) (System.nanoTime() - before);
            System.out.printf("%s: %.2f%% of one core while idle (%.1f ms of CPU per second)%n",
                    args[0], 100 * share, 1000 * share);
        }
    }
}
