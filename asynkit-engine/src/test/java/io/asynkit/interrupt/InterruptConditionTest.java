package io.asynkit.interrupt;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
