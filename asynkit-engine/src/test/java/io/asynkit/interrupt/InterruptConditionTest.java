package io.asynkit.interrupt;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static io.asynkit.interrupt.Interrupts.taskThrow;
import static io.asynkit.testing.Tasks.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link InterruptCondition} around a {@link ReentrantLock}'s condition. */
@Timeout(30)
class InterruptConditionTest {

    @Test
    void theThrownInstanceComesOutWithTheLockHeld() throws Exception {
        Loop.run(() -> {
            ReentrantLock lock = new ReentrantLock();
            Condition condition = InterruptCondition.of(lock.newCondition());
            Task<Throwable> waiter = Loop.current().submit(() -> {
                lock.lock();
                try {
                    condition.await();
                    return null;
                } catch (InterruptException e) {
                    assertThat(lock.isHeldByCurrentThread()).isTrue();
                    return e;
                } finally {
                    lock.unlock();
                }
            });
            awaitBlocked(waiter);
            InterruptException interrupt = new InterruptException("wake up differently");
            taskThrow(waiter, interrupt);
            assertThat(waiter.get()).isSameAs(interrupt);
            return null;
        });
    }

    @Test
    void aSignalTheInterruptedWaiterCannotUseGoesToTheNextWaiter() throws Exception {
        Loop.run(() -> {
            ReentrantLock lock = new ReentrantLock();
            Condition condition = InterruptCondition.of(lock.newCondition());
            Task<String> first = Loop.current().submit(() -> waitOn(lock, condition));
            awaitBlocked(first);
            Task<String> second = Loop.current().submit(() -> waitOn(lock, condition));
            awaitBlocked(second);
            lock.lock();
            try {
                condition.signal();                                  // first is signalled...
                taskThrow(first, new InterruptException("gone"));   // ...then thrown into
            } finally {
                lock.unlock();
            }
            assertThat(first.get()).isEqualTo("gone");
            assertThat(second.get()).isEqualTo("signalled");
            return null;
        });
        assertThat(InterruptCondition.of(InterruptCondition.of(new ReentrantLock().newCondition())))
                .isInstanceOf(InterruptCondition.class);
        assertThatThrownBy(() -> InterruptCondition.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void timedWaitsReportASignalAndATimeoutAsTheJdksDo() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Condition condition = InterruptCondition.of(lock.newCondition());
        Loop.run(() -> {
            lock.lock();
            try { // nobody signals: each times out
                assertThat(condition.awaitNanos(1_000_000)).isLessThanOrEqualTo(0);
                assertThat(condition.await(1, TimeUnit.MILLISECONDS)).isFalse();
                assertThat(condition.awaitUntil(new Date(System.currentTimeMillis() + 1))).isFalse();
            } finally {
                lock.unlock();
            }
            List<Task<Object>> waiters = List.of(
                    Loop.current().submit(() -> underLock(lock, () -> condition.awaitNanos(TimeUnit.MINUTES.toNanos(1)))),
                    Loop.current().submit(() -> underLock(lock, () -> condition.await(1, TimeUnit.MINUTES))),
                    Loop.current().submit(() -> underLock(lock, () ->
                            condition.awaitUntil(new Date(System.currentTimeMillis() + 60_000)))),
                    Loop.current().submit(() -> underLock(lock, () -> {
                        condition.awaitUninterruptibly();
                        return "woken";
                    })));
            for (Task<Object> waiter : waiters) {
                awaitBlocked(waiter);
            }
            lock.lock();
            try {
                condition.signalAll(); // every waiter, not only the first
            } finally {
                lock.unlock();
            }
            assertThat((Long) waiters.get(0).get()).as("time left").isPositive();
            assertThat(waiters.get(1).get()).isEqualTo(true);
            assertThat(waiters.get(2).get()).isEqualTo(true);
            assertThat(waiters.get(3).get()).isEqualTo("woken");
            return null;
        });
    }

    @Test
    void anExceptionThrownIntoATimedWaitComesOutWithTheInterruptSuppressed() throws Exception {
        Loop.run(() -> {
            ReentrantLock lock = new ReentrantLock();
            Condition condition = InterruptCondition.of(lock.newCondition());
            Task<Object> waiter = Loop.current().submit(() -> underLock(lock, () -> condition.await(1, TimeUnit.MINUTES)));
            awaitBlocked(waiter);
            InterruptException thrown = new InterruptException("stop waiting");
            taskThrow(waiter, thrown);
            assertThatThrownBy(waiter::get).cause().isSameAs(thrown);
            assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class);
            return null;
        });
    }

    @Test
    void anUninterruptibleWaitRaisesTheThrownExceptionOnceSignalled() throws Exception {
        Loop.run(() -> {
            ReentrantLock lock = new ReentrantLock();
            Condition condition = InterruptCondition.of(lock.newCondition());
            Task<Object> waiter = Loop.current().submit(() -> underLock(lock, () -> {
                try {
                    condition.awaitUninterruptibly();
                    return "woken";
                } catch (InterruptException e) {
                    assertThat(lock.isHeldByCurrentThread()).isTrue();
                    return e;
                }
            }));
            awaitBlocked(waiter);
            InterruptException thrown = new InterruptException("later");
            taskThrow(waiter, thrown);
            awaitBlocked(waiter); // the JDK's uninterruptible wait goes on waiting
            lock.lock();
            try {
                condition.signal();
            } finally {
                lock.unlock();
            }
            assertThat(waiter.get()).isSameAs(thrown);
            return null;
        });
    }

    private interface Body {
        Object call() throws Exception;
    }

    private static Object underLock(ReentrantLock lock, Body body) throws Exception {
        lock.lock();
        try {
            return body.call();
        } finally {
            lock.unlock();
        }
    }

    private static String waitOn(ReentrantLock lock, Condition condition) throws InterruptedException {
        lock.lock();
        try {
            condition.await();
            return "signalled";
        } catch (InterruptException e) {
            return e.getMessage();
        } finally {
            lock.unlock();
        }
    }
}
