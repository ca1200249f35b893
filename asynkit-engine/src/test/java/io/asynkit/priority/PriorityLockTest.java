package io.asynkit.priority;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.asynkit.loop.Scheduling.yieldNow;
import static io.asynkit.testing.Tasks.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link PriorityLock} on a single-carrier loop: every ordering is exact. */
@Timeout(30)
class PriorityLockTest {

    private final List<String> log = new CopyOnWriteArrayList<>();

    /** A task that takes {@code lock}, logs its name and releases it. */
    private Task<?> locker(PriorityLock lock, String name, double priority) {
        return Loop.current().newTask().name(name).priority(priority).start(() -> {
            lock.lock();
            try {
                log.add(name);
            } finally {
                lock.unlock();
            }
        });
    }

    @Test
    void waitersAreServedByPriorityAndFifoAmongEquals() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            lock.lock();
            Task<?> low1 = locker(lock, "low1", Priority.LOW);
            awaitBlocked(low1);
            Task<?> high1 = locker(lock, "high1", Priority.HIGH);
            awaitBlocked(high1);
            Task<?> normal = locker(lock, "normal", Priority.NORMAL);
            awaitBlocked(normal);
            Task<?> high2 = locker(lock, "high2", Priority.HIGH);
            awaitBlocked(high2);
            Task<?> low2 = locker(lock, "low2", Priority.LOW);
            awaitBlocked(low2);
            assertThat(lock.getQueueLength()).isEqualTo(5);
            lock.unlock();
            for (Task<?> t : List.of(low1, high1, normal, high2, low2)) {
                t.get();
            }
            return null;
        });
        assertThat(log).containsExactly("high1", "high2", "normal", "low1", "low2");
    }

    @Test
    void theOwnerInheritsTheBestWaitersPriorityAndRunsAheadOfMediumWork() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("resource");
            CompletableFuture<Void> gate = new CompletableFuture<>();
            Task<?> low = Loop.current().newTask().name("low").priority(Priority.LOW).start(() -> {
                lock.lock();
                try {
                    gate.get();
                    log.add("low-releases");
                } finally {
                    lock.unlock();
                }
                return null;
            });
            awaitBlocked(low);
            assertThat(lock.owner()).contains(low);
            Task<?> high = locker(lock, "high", Priority.HIGH);
            awaitBlocked(high);
            assertThat(low.effectivePriority()).isEqualTo(Priority.HIGH);
            assertThat(low.priority()).isEqualTo(Priority.LOW);
            Task<?> medium = Loop.current().newTask().name("medium").priority(-5).start(() -> log.add("medium"));
            gate.complete(null); // low wakes and is queued as HIGH: ahead of medium, which is already queued
            high.get();
            medium.get();
            assertThat(low.effectivePriority()).isEqualTo(Priority.LOW);
            return null;
        });
        assertThat(log).containsExactly("low-releases", "high", "medium");
    }

    /**
     * A chain through three locks: t1 holds A; t2 holds B and waits for A; t3 holds C and waits for B;
     * a HIGH task then waits for C. All three inherit HIGH, and t2 moves ahead of an earlier NORMAL
     * waiter in A's queue (the Python library leaves it behind).
     */
    @Test
    void inheritanceFlowsThroughAThreeLockChainAndReordersEveryWaiterQueue() throws Exception {
        Loop.run(() -> {
            PriorityLock a = new PriorityLock("A");
            PriorityLock b = new PriorityLock("B");
            PriorityLock c = new PriorityLock("C");
            AtomicBoolean release = new AtomicBoolean();
            Task<?> t1 = Loop.current().newTask().name("t1").priority(Priority.LOW).start(() -> {
                a.lock();
                try {
                    while (!release.get()) {
                        Thread.sleep(1);
                    }
                    log.add("t1");
                } finally {
                    a.unlock();
                }
                return null;
            });
            awaitBlocked(t1);
            Task<?> normalWaiter = locker(a, "normal-waiter", Priority.NORMAL);
            awaitBlocked(normalWaiter);
            Task<?> t2 = nested(b, a, "t2");
            awaitBlocked(t2);
            Task<?> t3 = nested(c, b, "t3");
            awaitBlocked(t3);
            assertThat(t1.effectivePriority()).isEqualTo(Priority.NORMAL); // from normal-waiter
            assertThat(t2.effectivePriority()).isEqualTo(Priority.LOW);

            Task<?> high = locker(c, "high", Priority.HIGH);
            awaitBlocked(high);
            assertThat(List.of(t1, t2, t3)).allSatisfy(t -> assertThat(t.effectivePriority()).isEqualTo(Priority.HIGH));

            release.set(true);
            for (Task<?> t : List.of(t1, t2, t3, high, normalWaiter)) {
                t.get();
            }
            assertThat(List.of(t1, t2, t3)).allSatisfy(t -> assertThat(t.effectivePriority()).isEqualTo(Priority.LOW));
            return null;
        });
        assertThat(log).containsExactly("t1", "t2", "t3", "high", "normal-waiter");
    }

    /** A LOW task that holds {@code held}, then waits for {@code wanted}. */
    private Task<?> nested(PriorityLock held, PriorityLock wanted, String name) {
        return Loop.current().newTask().name(name).priority(Priority.LOW).start(() -> {
            held.lock();
            try {
                wanted.lock();
                try {
                    log.add(name);
                } finally {
                    wanted.unlock();
                }
            } finally {
                held.unlock();
            }
        });
    }

    @Test
    void releasingOneOfTwoLocksDropsToTheOtherLocksBestWaiterNotToTheBase() throws Exception {
        Loop.run(() -> {
            PriorityLock x = new PriorityLock("x");
            PriorityLock y = new PriorityLock("y");
            x.lock();
            y.lock();
            Task.current().setPriority(Priority.LOW);
            Task<?> high = locker(x, "high", Priority.HIGH);
            Task<?> normal = locker(y, "normal", Priority.NORMAL);
            awaitBlocked(high, normal);
            assertThat(Task.current().effectivePriority()).isEqualTo(Priority.HIGH);
            x.unlock();
            assertThat(Task.current().effectivePriority()).isEqualTo(Priority.NORMAL);
            y.unlock();
            assertThat(Task.current().effectivePriority()).isEqualTo(Priority.LOW);
            high.get();
            normal.get();
            return null;
        });
    }

    @Test
    void aWaiterThatTimesOutOrChangesPriorityUpdatesTheOwner() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            lock.lock();
            Task.current().setPriority(Priority.LOW);
            Task<Boolean> impatient = Loop.current().newTask().name("impatient").priority(Priority.HIGH)
                    .start(() -> lock.tryLock(30, TimeUnit.MILLISECONDS));
            Task<?> normal = locker(lock, "normal", Priority.NORMAL);
            awaitBlocked(impatient, normal);
            assertThat(Task.current().effectivePriority()).isEqualTo(Priority.HIGH);
            assertThat(impatient.get()).isFalse();
            assertThat(Task.current().effectivePriority()).isEqualTo(Priority.NORMAL);
            normal.setPriority(-3);
            assertThat(Task.current().effectivePriority()).isEqualTo(-3);
            normal.setPriority(Priority.LOW + 5);
            assertThat(Task.current().effectivePriority()).isEqualTo(Priority.LOW);
            lock.unlock();
            normal.get();
            return null;
        });
    }

    @Test
    void changingAWaitersPriorityReordersTheQueue() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            lock.lock();
            Task<?> first = locker(lock, "first", Priority.NORMAL);
            awaitBlocked(first);
            Task<?> second = locker(lock, "second", Priority.NORMAL);
            awaitBlocked(second);
            second.setPriority(Priority.HIGH);
            lock.unlock();
            first.get();
            second.get();
            return null;
        });
        assertThat(log).containsExactly("second", "first");
    }

    @Test
    void amongEqualsTheReleasingTaskMayTakeTheLockAgainWithoutASwitch() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            lock.lock();
            Task<?> waiter = locker(lock, "waiter", Priority.NORMAL);
            awaitBlocked(waiter);
            lock.unlock(); // an equal waiter is woken, not handed the lock
            lock.lock();   // and this task takes it again at once, as with a non-fair ReentrantLock
            log.add("main again");
            lock.unlock();
            waiter.get();
            assertThat(log).containsExactly("main again", "waiter");
            return null;
        });
    }

    @Test
    void aStrictlyBetterWaiterIsHandedTheLockAndNobodyWorseTakesItFirst() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            lock.lock();
            Task<?> high = locker(lock, "high", Priority.HIGH);
            awaitBlocked(high);
            lock.unlock(); // handed over: owed to a strictly better waiter
            assertThat(lock.owner()).contains(high);
            lock.lock();   // waits for it
            log.add("main");
            lock.unlock();
            Task<?> normal = locker(lock, "normal", Priority.NORMAL);
            lock.lock();
            awaitBlocked(normal);
            lock.unlock(); // equal: woken, not handed over
            Task.current().setPriority(Priority.LOW);
            lock.lock();   // a LOW task may not take the free lock ahead of a NORMAL waiter
            log.add("main, now LOW");
            lock.unlock();
            assertThat(log).containsExactly("high", "main", "normal", "main, now LOW");
            return null;
        });
    }

    @Test
    void aTaskThatTookTheLockAheadOfAnEqualWaiterStillInheritsWhenTheWaiterGetsBetter() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            lock.lock();
            Task<?> waiter = locker(lock, "waiter", Priority.NORMAL);
            awaitBlocked(waiter);
            lock.unlock();
            lock.lock(); // taken again ahead of the equal waiter, without the graph knowing the new owner yet
            waiter.setPriority(Priority.HIGH);
            assertThat(Task.current().effectivePriority()).as("inherited from the re-keyed waiter")
                    .isEqualTo(Priority.HIGH);
            lock.unlock(); // now owed to the waiter: handed over
            assertThat(lock.owner()).contains(waiter);
            assertThat(Task.current().effectivePriority()).isEqualTo(Priority.NORMAL);
            waiter.get();
            assertThat(InheritanceGraph.size()).as("nothing left in the graph").isZero();
            return null;
        });
    }

    @Test
    void tryLockNeitherWaitsNorJumpsTheQueue() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            assertThat(lock.tryLock()).isTrue();
            assertThat(lock.tryLock()).isTrue(); // reentrant
            assertThat(lock.getHoldCount()).isEqualTo(2);
            Task<Boolean> other = Loop.current().submit(() -> lock.tryLock());
            assertThat(other.get()).isFalse();
            Task<?> waiter = locker(lock, "waiter", Priority.LOW);
            awaitBlocked(waiter);
            assertThat(Task.current().effectivePriority()).isEqualTo(Priority.NORMAL); // a LOW waiter lends nothing
            lock.unlock();
            lock.unlock(); // a LOW waiter is owed no hand-off: the lock is free, the waiter woken, not run yet
            assertThat(lock.isLocked()).isFalse();
            assertThat(lock.tryLock()).as("tryLock takes a free lock ahead of no waiter").isFalse();
            waiter.get();
            assertThat(lock.isLocked()).isFalse();
            return null;
        });
    }

    @Test
    void aWaitThatWouldCloseACycleIsRefusedWithTheCycleNamed() throws Exception {
        Loop.run(() -> {
            PriorityLock a = new PriorityLock("A");
            PriorityLock b = new PriorityLock("B");
            a.lock();
            Task<?> other = Loop.current().newTask().name("other").start(() -> {
                b.lock();
                try {
                    a.lock();
                    a.unlock();
                } finally {
                    b.unlock();
                }
            });
            awaitBlocked(other);
            assertThatThrownBy(b::lock).isInstanceOf(DeadlockException.class)
                    .hasMessageContaining("task main") // Loop.run names its task main
                    .hasMessageContaining("PriorityLock[B held by task other]")
                    .hasMessageContaining("PriorityLock[A held by task main]");
            assertThat(b.getQueueLength()).isZero();
            a.unlock();
            other.get();
            return null;
        });
    }

    @Test
    void interruptsFollowTheLockInterface() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            lock.lock();
            Task<?> interruptible = Loop.current().submit(() -> {
                lock.lockInterruptibly();
                return null;
            });
            AtomicReference<Thread> stubbornThread = new AtomicReference<>();
            Task<Boolean> stubborn = Loop.current().submit(() -> {
                stubbornThread.set(Thread.currentThread());
                lock.lock();
                try {
                    return Thread.currentThread().isInterrupted();
                } finally {
                    lock.unlock();
                }
            });
            awaitBlocked(interruptible, stubborn);
            interruptible.cancel(true);
            stubbornThread.get().interrupt();
            while (interruptible.taskState() != TaskState.DONE || stubborn.taskState() != TaskState.BLOCKED) {
                Thread.sleep(1);
            }
            assertThat(lock.getQueueLength()).isEqualTo(1); // lock() kept waiting
            lock.unlock();
            assertThat(stubborn.get()).isTrue(); // and kept the interrupt status
            Thread.currentThread().interrupt();
            assertThatThrownBy(lock::lockInterruptibly).isInstanceOf(InterruptedException.class);
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> lock.tryLock(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            return null;
        });
    }

    @Test
    void anExceptionThrownIntoAWaiterIsRaisedByLockAndTheWaiterLeaves() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            lock.lock();
            Task.current().setPriority(Priority.LOW);
            Task<?> waiter = Loop.current().newTask().name("waiter").priority(Priority.HIGH).start(() -> {
                lock.lock();
                return null;
            });
            awaitBlocked(waiter);
            assertThat(Task.current().effectivePriority()).isEqualTo(Priority.HIGH);
            IllegalStateException boom = new IllegalStateException("boom");
            waiter.throwInto(boom);
            assertThatThrownBy(waiter::get).hasCause(boom);
            assertThat(lock.getQueueLength()).isZero();
            assertThat(Task.current().effectivePriority()).isEqualTo(Priority.LOW);
            assertThat(lock.isHeldByCurrentThread()).isTrue();
            lock.unlock();
            return null;
        });
    }

    @Test
    void anExceptionThrownIntoAWaiterJustHandedTheLockIsRaisedAndTheLockPassedOn() throws Exception {
        for (boolean interruptibly : new boolean[] {false, true}) {
            log.clear();
            Loop.run(() -> {
                PriorityLock lock = new PriorityLock("l");
                lock.lock();
                Task<?> first = Loop.current().newTask().name("first").priority(Priority.HIGH).start(() -> {
                    if (interruptibly) {
                        lock.lockInterruptibly();
                    } else {
                        lock.lock();
                    }
                    log.add("first got the lock");
                    lock.unlock();
                    return null;
                });
                awaitBlocked(first);
                Task<?> second = locker(lock, "second", Priority.NORMAL);
                awaitBlocked(second);
                lock.unlock();                                   // handed to first (better), which has not run yet
                assertThat(lock.owner()).contains(first);
                IllegalStateException gone = new IllegalStateException("gone");
                assertThat(io.asynkit.interrupt.Interrupts.taskInterrupt(first, gone)).isTrue();
                assertThatThrownBy(first::get).hasCause(gone);  // raised, not lost...
                second.get();                                    // ...and the lock went on to the next waiter
                assertThat(lock.isLocked()).isFalse();
                return null;
            });
            assertThat(log).as("interruptibly=%s", interruptibly).containsExactly("second");
        }
    }

    @Test
    void misuseGetsClearErrors() throws Exception {
        PriorityLock lock = new PriorityLock("guard");
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("cannot unlock guard: it is not held");
        Loop.run(() -> {
            lock.lock();
            Task<?> stranger = Loop.current().newTask().name("stranger").start(lock::unlock);
            assertThatThrownBy(stranger::get).hasCauseInstanceOf(IllegalMonitorStateException.class)
                    .hasMessageContaining("held by task main, not by the caller, task stranger");
            lock.unlock();
            return null;
        });
        assertThatThrownBy(() -> lock.tryLock(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> lock.newCondition().await()).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void theGraphForgetsEveryoneOnceNoOneWaits() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            lock.lock();
            Task<?> a = locker(lock, "a", Priority.HIGH);
            Task<?> b = locker(lock, "b", Priority.LOW);
            awaitBlocked(a, b);
            assertThat(InheritanceGraph.size()).isEqualTo(3);
            lock.unlock();
            a.get();
            b.get();
            return null;
        });
        assertThat(InheritanceGraph.size()).isZero();
    }
}
