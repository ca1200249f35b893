package io.asynkit.reliability;

import io.asynkit.priority.PriorityCondition;
import io.asynkit.priority.PriorityLock;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.Options;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.annotations.Validate;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Test;
import io.asynkit.testing.Stress;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Lincheck checks {@link PriorityCondition} through a one-slot mailbox built from one
 * {@link PriorityLock} and two of its conditions, {@code notEmpty} and {@code notFull}: {@code put}
 * waits on {@code notFull} while the slot is taken and signals {@code notEmpty}; {@code take} waits on
 * {@code notEmpty} while it is empty and signals {@code notFull}. Variants signal with
 * {@code signalAll()} ({@code putBroadcast}, {@code takeBroadcast}) and wait holding the lock twice
 * ({@code takeReentrantly}: a wait releases every hold and takes all of them back). The results must be
 * linearizable as a one-slot mailbox, and every execution must end. That checks, in every interleaving
 * explored:
 * <ul>
 *   <li>no wake-up is lost (a signal given while the waiter is on its way to park, or between its
 *       release of the lock and its park): a lost one leaves a waiter parked for good, which Lincheck
 *       reports as a hang (model checking: a deadlock, every thread parked; stress: the invocation
 *       timeout);</li>
 *   <li>a signal goes to a waiter of that condition and not to one of the other condition on the same
 *       lock (that would also lose it);</li>
 *   <li>a waiter takes the lock back, with all its holds, before {@code await} returns: otherwise two
 *       threads use the slot at once (a value taken twice or overwritten, which no linearization
 *       explains), its {@code unlock} throws {@link IllegalMonitorStateException}, or the hold count
 *       checked after the wait is wrong;</li>
 *   <li>after each execution ({@link #noWaiterLeft()}) the lock is free and neither condition nor the
 *       lock has a waiter left.</li>
 * </ul>
 *
 * <p><b>Why custom scenarios.</b> {@code take} on an empty mailbox waits until a {@code put}, so a
 * random scenario with more takes than puts never ends, and Lincheck would report that hang as a
 * failure. The scenarios are therefore built here, each balanced so that every wait is eventually
 * satisfied in <em>every</em> interleaving: as many puts as takes in the parallel part, a thread either
 * only puts, only takes, or does (put, take) pairs; an item put before the parallel part is taken after
 * it, and then no thread does pairs (a pair's put could then find the slot full with no taker left).
 * Lincheck's own random generation is switched off ({@code iterations(0)}); a fixed set of hand-written
 * scenarios (the classic lost wake-up, both sides waiting, {@code signalAll}, reentrant waits) is
 * followed by random balanced ones from a seeded {@link Random}. The sequential specification
 * ({@link MailboxSpec}) throws on a take from an empty slot and on a put into a full one, which the
 * mailbox never does, so a linearization must place every take after a put of its value and every put
 * after the take that emptied the slot. ({@code @Operation(blocking = true)} exists in Lincheck 2.39 but
 * only exempts an operation from the non-blocking progress checks, which are off here; it does not let
 * a random scenario wait forever.)
 *
 * <p><b>Both modes.</b> Model checking controls the threads and switches between them at the lock's and
 * the condition's shared-memory accesses and inside park/unpark, so it reaches the narrow windows
 * (a signal between the waiter's release and its park) systematically; stress testing runs the same
 * scenarios on real threads, where the JDK's park/unpark and memory model are real.
 *
 * <p>Sizes: by time, not by count ({@link Stress}; up to 3 threads and 6 operations per scenario). Model
 * checking runs the 6 fixed scenarios and 2 random ones, then rounds of 2 new random ones, 50 invocations
 * each, for 20 s; stress testing the same with 5 random ones a round, 3,000 invocations each, for 8 s.
 * The fixed scenarios always run. {@code -Dasynkit.stress.scale} scales the time and
 * {@code -Dasynkit.lincheck.condition.seed} changes the random scenarios.
 */
@Timeout(180)
@Param(name = "value", gen = IntGen.class, conf = "1:9") // unused: every scenario is built here
public class PriorityConditionLincheckTest {

    private final PriorityLock lock = new PriorityLock("lincheck-mailbox");
    private final PriorityCondition notEmpty = lock.newCondition();
    private final PriorityCondition notFull = lock.newCondition();
    private boolean full;
    private int slot;

    private void putLocked(int value, boolean broadcast) throws InterruptedException {
        while (full) {
            notFull.await();
            checkHolds(1);
        }
        full = true;
        slot = value;
        if (broadcast) {
            notEmpty.signalAll();
        } else {
            notEmpty.signal();
        }
    }

    private int takeLocked(int holds, boolean broadcast) throws InterruptedException {
        while (!full) {
            notEmpty.await();
            checkHolds(holds);
        }
        full = false;
        if (broadcast) {
            notFull.signalAll();
        } else {
            notFull.signal();
        }
        return slot;
    }

    /** After a wait: the lock is held again, with every hold the waiter had. */
    private void checkHolds(int expected) {
        if (!lock.isHeldByCurrentThread() || lock.getHoldCount() != expected) {
            throw new IllegalStateException("ANOMALY: after await the caller holds " + lock.getHoldCount()
                    + " holds (held: " + lock.isHeldByCurrentThread() + "), expected " + expected);
        }
    }

    /** Waits while the slot is full, fills it and signals one taker. */
    @Operation
    public void put(@Param(name = "value") int value) throws InterruptedException {
        lock.lock();
        try {
            putLocked(value, false);
        } finally {
            lock.unlock();
        }
    }

    /** The same, waking every taker with {@code signalAll()}. */
    @Operation
    public void putBroadcast(@Param(name = "value") int value) throws InterruptedException {
        lock.lock();
        try {
            putLocked(value, true);
        } finally {
            lock.unlock();
        }
    }

    /** Waits while the slot is empty, empties it, signals one putter and returns the value. */
    @Operation
    public int take() throws InterruptedException {
        lock.lock();
        try {
            return takeLocked(1, false);
        } finally {
            lock.unlock();
        }
    }

    /** The same, waking every putter with {@code signalAll()}. */
    @Operation
    public int takeBroadcast() throws InterruptedException {
        lock.lock();
        try {
            return takeLocked(1, true);
        } finally {
            lock.unlock();
        }
    }

    /** The same, waiting with two holds of the lock. */
    @Operation
    public int takeReentrantly() throws InterruptedException {
        lock.lock();
        try {
            lock.lock();
            try {
                return takeLocked(2, false);
            } finally {
                lock.unlock();
            }
        } finally {
            lock.unlock();
        }
    }

    /** After each execution: the lock is free, and no one waits for it or on either condition. */
    @Validate
    public void noWaiterLeft() {
        check(!lock.isLocked(), "the lock is still held: " + lock);
        check(lock.getQueueLength() == 0, lock.getQueueLength() + " waiters left on " + lock);
        lock.lock();
        try {
            check(notEmpty.getWaitQueueLength() == 0, notEmpty.getWaitQueueLength() + " waiters left on notEmpty");
            check(notFull.getWaitQueueLength() == 0, notFull.getWaitQueueLength() + " waiters left on notFull");
        } finally {
            lock.unlock();
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    @Test
    void modelChecking() throws Exception {
        Stress.repeatFor(Duration.ofSeconds(20), 1, round -> {
            ModelCheckingOptions options = new ModelCheckingOptions()
                    .iterations(0) // no random scenarios of Lincheck's own: an unbalanced one never ends
                    .invocationsPerIteration(50)
                    .sequentialSpecification(MailboxSpec.class);
            LinChecker.check(PriorityConditionLincheckTest.class, withScenarios(options, round, 2));
        });
    }

    @Test
    void stressTesting() throws Exception {
        Stress.repeatFor(Duration.ofSeconds(8), 1, round -> {
            StressOptions options = new StressOptions()
                    .iterations(0)
                    .invocationsPerIteration(3_000)
                    .sequentialSpecification(MailboxSpec.class);
            LinChecker.check(PriorityConditionLincheckTest.class, withScenarios(options, round, 5));
        });
    }

    // ---- scenarios -----------------------------------------------------------------------------------

    /** Round 0: the fixed scenarios and {@code random} random ones; later rounds: new random ones. */
    private static <O extends Options<O, ?>> O withScenarios(O options, int round, int random) {
        List<ExecutionScenario> scenarios = round == 0 ? fixedScenarios() : new ArrayList<>();
        scenarios.addAll(randomScenarios(new Random(SEED + round), random));
        for (ExecutionScenario scenario : scenarios) {
            options.addCustomScenario(scenario);
        }
        return options;
    }

    private static final long SEED = Long.getLong("asynkit.lincheck.condition.seed", 20_250_601L);

    /** The hand-written scenarios. */
    static List<ExecutionScenario> fixedScenarios() {
        List<ExecutionScenario> scenarios = new ArrayList<>();
        // the classic lost wake-up: the put may come between the taker's check and its park
        scenarios.add(scenario(List.of(), List.of(List.of(aTake()), List.of(aPut(1))), List.of()));
        // two takers on notEmpty, the second put waits on notFull until one of them took
        scenarios.add(scenario(List.of(), List.of(List.of(aTake()), List.of(aTake()), List.of(aPut(1), aPut(2))),
                List.of()));
        // both sides wait in turn
        scenarios.add(scenario(List.of(), List.of(List.of(aPut(1), aPut(2)), List.of(aTake(), aTake())), List.of()));
        // signalAll wakes both takers; one finds the slot empty again and waits anew
        scenarios.add(scenario(List.of(), List.of(List.of(aTake()), List.of(aTakeReentrantly()),
                List.of(aPutBroadcast(1), aPutBroadcast(2))), List.of()));
        // a full slot before the parallel part: both putters wait on notFull, signalAll wakes both
        scenarios.add(scenario(List.of(aPut(1)), List.of(List.of(aPut(2)), List.of(aPut(3)),
                List.of(aTakeBroadcast(), aTakeBroadcast())), List.of(aTake())));
        // (put, take) pairs from every thread
        scenarios.add(scenario(List.of(), List.of(List.of(aPut(1), aTake()), List.of(aPut(2), aTakeReentrantly())),
                List.of()));
        return scenarios;
    }

    /** {@code count} random balanced scenarios. */
    static List<ExecutionScenario> randomScenarios(Random random, int count) {
        List<ExecutionScenario> scenarios = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            scenarios.add(randomScenario(random));
        }
        return scenarios;
    }

    /**
     * A random scenario that ends in every interleaving: 2 or 3 threads, each only putting, only taking, or
     * doing (put, take) pairs, with as many puts as takes in the parallel part; sometimes an item put before
     * it and taken after it (then no pairs).
     */
    private static ExecutionScenario randomScenario(Random random) {
        boolean prefilled = random.nextInt(3) == 0;
        int threads = 2 + random.nextInt(2);
        int[] value = {prefilled ? 2 : 1};
        List<List<Actor>> parallel = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            parallel.add(new ArrayList<>());
        }
        if (!prefilled && random.nextBoolean()) {
            List<Actor> pairs = parallel.get(random.nextInt(threads));
            for (int p = 1 + random.nextInt(2); p > 0; p--) {
                pairs.add(randomPut(random, value));
                pairs.add(randomTake(random));
            }
            if (threads == 2) {
                // the other thread puts and takes as well, in pairs, or it would be left without a partner
                List<Actor> other = parallel.get(parallel.get(0) == pairs ? 1 : 0);
                other.add(randomPut(random, value));
                other.add(randomTake(random));
                return scenario(List.of(), parallel, List.of());
            }
        }
        // the threads without pairs: at least one putter and one taker, with as many puts as takes
        List<List<Actor>> putters = new ArrayList<>();
        List<List<Actor>> takers = new ArrayList<>();
        for (List<Actor> thread : parallel) {
            if (!thread.isEmpty()) {
                continue;
            }
            if (putters.isEmpty()) {
                putters.add(thread);
            } else if (takers.isEmpty()) {
                takers.add(thread);
            } else {
                (random.nextBoolean() ? putters : takers).add(thread);
            }
        }
        int items = Math.max(putters.size(), takers.size()) + random.nextInt(2);
        for (int i = 0; i < items; i++) {
            putters.get(i < putters.size() ? i : random.nextInt(putters.size())).add(randomPut(random, value));
            takers.get(i < takers.size() ? i : random.nextInt(takers.size())).add(randomTake(random));
        }
        return prefilled
                ? scenario(List.of(aPut(1)), parallel, List.of(aTake()))
                : scenario(List.of(), parallel, List.of());
    }

    private static Actor randomPut(Random random, int[] value) {
        return random.nextInt(3) == 0 ? aPutBroadcast(value[0]++) : aPut(value[0]++);
    }

    private static Actor randomTake(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> aTakeBroadcast();
            case 1 -> aTakeReentrantly();
            default -> aTake();
        };
    }

    private static ExecutionScenario scenario(List<Actor> initial, List<List<Actor>> parallel, List<Actor> post) {
        return new ExecutionScenario(initial, parallel, post, null); // Lincheck adds the @Validate function
    }

    private static Actor aPut(int value) {
        return actor("put", value);
    }

    private static Actor aPutBroadcast(int value) {
        return actor("putBroadcast", value);
    }

    private static Actor aTake() {
        return actor("take");
    }

    private static Actor aTakeBroadcast() {
        return actor("takeBroadcast");
    }

    private static Actor aTakeReentrantly() {
        return actor("takeReentrantly");
    }

    private static Actor actor(String name, Object... arguments) {
        Class<?>[] types = arguments.length == 0 ? new Class<?>[0] : new Class<?>[] {int.class};
        try {
            Method method = PriorityConditionLincheckTest.class.getMethod(name, types);
            return new Actor(method, List.of(arguments));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The sequential specification: a one-slot mailbox whose take from an empty slot and put into a full one
     * fail, so that a linearization must order each take after the put of its value.
     */
    public static final class MailboxSpec {
        private boolean full;
        private int slot;

        public void put(int value) {
            if (full) {
                throw new IllegalStateException("full");
            }
            full = true;
            slot = value;
        }

        public void putBroadcast(int value) {
            put(value);
        }

        public int take() {
            if (!full) {
                throw new IllegalStateException("empty");
            }
            full = false;
            return slot;
        }

        public int takeBroadcast() {
            return take();
        }

        public int takeReentrantly() {
            return take();
        }
    }
}
