package io.asynkit.priority;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.asynkit.testing.Tasks.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link PriorityCondition} on a single-carrier loop. */
@Timeout(30)
class PriorityConditionTest {

    private final List<String> log = new CopyOnWriteArrayList<>();

    private Task<?> waiter(PriorityLock lock, PriorityCondition condition, String name, double priority) {
        return Loop.current().newTask().name(name).priority(priority).start(() -> {
            lock.lock();
            try {
                condition.await();
                assertThat(lock.isHeldByCurrentThread()).isTrue();
                log.add(name);
            } finally {
                lock.unlock();
            }
            return null;
        });
    }

    @Test
    void signalWakesTheBestWaiterFirstAndEveryWaitReleasesAndRetakesAllHolds() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            PriorityCondition condition = lock.newCondition();
            Task<?> low = waiter(lock, condition, "low", Priority.LOW);
            awaitBlocked(low);
            Task<?> normal = waiter(lock, condition, "normal", Priority.NORMAL);
            awaitBlocked(normal);
            Task<?> high = waiter(lock, condition, "high", Priority.HIGH);
            awaitBlocked(high);
            Task<?> normal2 = waiter(lock, condition, "normal2", Priority.NORMAL);
            awaitBlocked(normal2);
            lock.lock();
            lock.lock();
            assertThat(condition.getWaitQueueLength()).isEqualTo(4);
            condition.signal();
            lock.unlock();
            lock.unlock();
            high.get();
            assertThat(log).containsExactly("high");
            lock.lock();
            try {
                condition.signalAll();
            } finally {
                lock.unlock();
            }
            for (Task<?> t : List.of(low, normal, normal2)) {
                t.get();
            }
            return null;
        });
        assertThat(log).containsExactly("high", "normal", "normal2", "low");
    }

    @Test
    void timedWaitsReturnFalseWithTheLockHeld() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            PriorityCondition condition = lock.newCondition();
            lock.lock();
            lock.lock();
            assertThat(condition.await(5, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(condition.awaitNanos(1_000_000)).isLessThanOrEqualTo(0);
            assertThat(lock.getHoldCount()).isEqualTo(2);
            lock.unlock();
            lock.unlock();
            return null;
        });
    }

    @Test
    void anInterruptBeforeTheSignalThrowsWithTheLockHeld() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            PriorityCondition condition = lock.newCondition();
            Task<Boolean> waiting = Loop.current().submit(() -> {
                lock.lock();
                try {
                    condition.await();
                    return false;
                } catch (InterruptedException e) {
                    return lock.isHeldByCurrentThread();
                } finally {
                    lock.unlock();
                }
            });
            awaitBlocked(waiting);
            waiting.cancel(true);
            while (!waiting.isDone() || waiting.taskState() != io.asynkit.loop.TaskState.DONE) {
                Thread.sleep(1);
            }
            lock.lock();
            try {
                assertThat(condition.getWaitQueueLength()).isZero();
            } finally {
                lock.unlock();
            }
            return null;
        });
    }

    @Test
    void aThrownExceptionIsRaisedAsTheSameInstanceAfterTheLockIsRetaken() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            PriorityCondition condition = lock.newCondition();
            Task<Throwable> waiting = Loop.current().submit(() -> {
                lock.lock();
                try {
                    condition.awaitUninterruptibly();
                    return null;
                } catch (IllegalStateException e) {
                    assertThat(lock.isHeldByCurrentThread()).isTrue();
                    return e;
                } finally {
                    lock.unlock();
                }
            });
            awaitBlocked(waiting);
            lock.lock(); // the waiter must wait for the lock before it can raise
            IllegalStateException interrupt = new IllegalStateException("interrupt");
            waiting.throwInto(interrupt);
            Thread.sleep(5);
            assertThat(waiting.isDone()).isFalse();
            lock.unlock();
            assertThat(waiting.get()).isSameAs(interrupt);
            return null;
        });
    }

    @Test
    void aSignalledWaiterThatIsThrownIntoPassesTheSignalOn() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            PriorityCondition condition = lock.newCondition();
            Task<?> first = waiter(lock, condition, "first", Priority.HIGH);
            awaitBlocked(first);
            Task<?> second = waiter(lock, condition, "second", Priority.NORMAL);
            awaitBlocked(second);
            lock.lock();
            condition.signal();                                  // first is signalled...
            first.throwInto(new IllegalStateException("gone"));  // ...and then interrupted
            lock.unlock();
            assertThatThrownBy(first::get).hasRootCauseMessage("gone");
            second.get();                                        // got the signal first did not use
            return null;
        });
        assertThat(log).containsExactly("second");
    }

    @Test
    void aSignalledWaiterThrownIntoAfterItWasHandedTheLockRaisesAndPassesTheSignalOn() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            PriorityCondition condition = lock.newCondition();
            Task<?> first = waiter(lock, condition, "first", Priority.HIGH);
            awaitBlocked(first);
            Task<?> second = waiter(lock, condition, "second", Priority.NORMAL);
            awaitBlocked(second);
            lock.lock();
            condition.signal();                   // first is signalled...
            io.asynkit.loop.Scheduling.yieldNow(); // ...and queues for the lock we hold
            awaitBlocked(first);
            lock.unlock();                        // the lock is handed to first, which has not run yet
            IllegalStateException gone = new IllegalStateException("gone");
            assertThat(io.asynkit.interrupt.Interrupts.taskInterrupt(first, gone)).isTrue();
            assertThatThrownBy(first::get).hasCause(gone);
            second.get();                         // got the signal first did not use
            return null;
        });
        assertThat(log).containsExactly("second");
    }

    @Test
    void aDeadlineFarInThePastOrFutureDoesNotOverflow() throws Exception {
        Loop.run(() -> {
            PriorityLock lock = new PriorityLock("l");
            PriorityCondition condition = lock.newCondition();
            lock.lock();
            try {
                assertThat(condition.awaitUntil(new java.util.Date(Long.MIN_VALUE))).isFalse();
                assertThat(condition.awaitNanos(Long.MIN_VALUE)).isNotPositive();
                assertThat(condition.await(Long.MIN_VALUE, TimeUnit.DAYS)).isFalse();
                Task<?> signaller = Loop.current().submit(() -> {
                    lock.lock();
                    try {
                        condition.signalAll();
                    } finally {
                        lock.unlock();
                    }
                    return null;
                });
                assertThat(condition.awaitUntil(new java.util.Date(Long.MAX_VALUE))).isTrue();
                signaller.get();
                Task<?> again = Loop.current().submit(() -> {
                    lock.lock();
                    try {
                        condition.signalAll();
                    } finally {
                        lock.unlock();
                    }
                    return null;
                });
                assertThat(condition.awaitNanos(Long.MAX_VALUE)).isPositive();
                again.get();
            } finally {
                lock.unlock();
            }
            return null;
        });
    }

    @Test
    void aConditionOverAnyLockWakesByPriorityAndRestoresEveryHold() throws Exception {
        Loop.run(() -> {
            java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
            PriorityCondition condition = PriorityCondition.of(lock);
            List<Task<?>> waiters = new java.util.ArrayList<>();
            for (double priority : new double[] {Priority.LOW, Priority.HIGH, Priority.NORMAL}) {
                waiters.add(Loop.current().newTask().name("p" + priority).priority(priority).start(() -> {
                    lock.lock();
                    lock.lock();
                    try {
                        condition.await();
                        assertThat(lock.getHoldCount()).isEqualTo(2);
                        log.add(Task.current().name());
                    } finally {
                        lock.unlock();
                        lock.unlock();
                    }
                    return null;
                }));
            }
            awaitBlocked(waiters.toArray(Task<?>[]::new));
            lock.lock();
            try {
                condition.signalAll();
            } finally {
                lock.unlock();
            }
            for (Task<?> waiter : waiters) {
                waiter.get();
            }
            assertThatThrownBy(condition::signal).isInstanceOf(IllegalMonitorStateException.class);
            assertThat(condition.lock()).isSameAs(lock);
            return null;
        });
        assertThat(log).containsExactly("p-10.0", "p0.0", "p10.0");
    }

    @Test
    void everyMethodNeedsTheLock() {
        PriorityLock lock = new PriorityLock("guard");
        PriorityCondition condition = lock.newCondition();
        assertThat(condition.lock()).isSameAs(lock);
        assertThatThrownBy(condition::signal).isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("cannot signal a condition of guard: it is not held");
        assertThatThrownBy(condition::signalAll).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(condition::awaitUninterruptibly).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(() -> condition.await(1, null)).isInstanceOf(NullPointerException.class);
    }
}
