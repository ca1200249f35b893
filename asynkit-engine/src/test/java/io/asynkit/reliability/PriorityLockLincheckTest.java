package io.asynkit.reliability;

import io.asynkit.priority.PriorityLock;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Test;
import io.asynkit.testing.LincheckRounds;
import io.asynkit.testing.Stress;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

/**
 * Lincheck checks that a counter guarded by a {@link PriorityLock} (blocking {@code lock()}, the
 * interruptible acquisition, reentrancy, and the lock's own queue and hand-off) behaves as an
 * atomic counter in every interleaving it explores: model checking explores the thread switches
 * systematically, including those inside the lock's park and hand-off; stress testing runs real
 * threads. A broken mutual exclusion, a lost wake-up (a hang) or a lost hand-off fails the test with
 * the interleaving that shows it.
 */
@Timeout(180)
public class PriorityLockLincheckTest {

    private final PriorityLock lock = new PriorityLock("lincheck");
    private int counter;

    /** Increments under the lock; the result is unique and consecutive, as an atomic counter's. */
    @Operation
    public int increment() {
        lock.lock();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }

    /** The same, holding the lock twice (reentrancy). */
    @Operation
    public int incrementReentrantly() {
        lock.lock();
        try {
            lock.lock();
            try {
                return ++counter;
            } finally {
                lock.unlock();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The same through the interruptible acquisition. */
    @Operation
    public int incrementInterruptibly() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }

    @Operation
    public int read() {
        lock.lock();
        try {
            return counter;
        } finally {
            lock.unlock();
        }
    }

    @Test
    void modelChecking() throws Exception {
        // Model checking instruments the JDK classes the lock uses and explores each interleaving in one
        // thread: rounds of one scenario each, new every round, for 12 s (-Dasynkit.stress.scale to search longer).
        Stress.repeatFor(Duration.ofSeconds(12), 1, round -> LincheckRounds.round(round, () ->
                LinChecker.check(PriorityLockLincheckTest.class, new ModelCheckingOptions()
                        .executionGenerator(LincheckRounds.Generator.class)
                        .iterations(1)
                        .invocationsPerIteration(150)
                        .threads(2)
                        .actorsPerThread(3)
                        .sequentialSpecification(AtomicCounterSpec.class))));
    }

    @Test
    void stressTesting() throws Exception {
        Stress.repeatFor(Duration.ofSeconds(8), 1, round -> LincheckRounds.round(round, () ->
                LinChecker.check(PriorityLockLincheckTest.class, new StressOptions()
                        .executionGenerator(LincheckRounds.Generator.class)
                        .iterations(5)
                        .invocationsPerIteration(2_000)
                        .threads(3)
                        .actorsPerThread(3)
                        .sequentialSpecification(AtomicCounterSpec.class))));
    }

    /**
     * The sequential specification: an atomic counter. ({@code tryLock()} is left out: whether it
     * succeeds depends on timing, which no sequential specification can say.)
     */
    public static final class AtomicCounterSpec {
        private int counter;

        public int increment() {
            return ++counter;
        }

        public int incrementReentrantly() {
            return ++counter;
        }

        public int incrementInterruptibly() {
            return ++counter;
        }

        public int read() {
            return counter;
        }
    }
}
