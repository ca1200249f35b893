package io.asynkit.spring.testing;

import io.asynkit.loop.LatencyGuard;
import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.priority.Priority;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;

/** Test support: a two-carrier loop with a latency guard, made to lend one carrier. */
public final class Loans {

    public static final Duration BOUND = Duration.ofMillis(20);

    private Loans() {
    }

    /** A two-carrier loop named {@code name} with a {@link #BOUND} latency guard. */
    public static Loop guardedLoop(String name) {
        return Loop.builder().name(name).carriers(2).latencyGuard(LatencyGuard.after(BOUND)).build();
    }

    /**
     * Keeps both carriers of {@code loop} busy with spinning LOW tasks until a HIGH task has run on a
     * carrier on loan, then lets them end; returns once the loan has ended.
     */
    public static void lendOnce(Loop loop) throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch spinning = new CountDownLatch(2);
        List<Task<?>> spinners = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            spinners.add(loop.newTask().name("spinner-" + i).priority(Priority.LOW).start(() -> {
                spinning.countDown();
                while (!release.get()) {
                    Thread.onSpinWait();
                }
            }));
        }
        try {
            spinning.await(10, TimeUnit.SECONDS);
            loop.newTask().name("high").priority(Priority.HIGH).start(() -> { }).get(10, TimeUnit.SECONDS);
            await("the loan ends").atMost(Duration.ofSeconds(10)).until(() -> loop.statistics().carriersOnLoan() == 0);
        } finally {
            release.set(true);
            for (Task<?> spinner : spinners) {
                spinner.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
