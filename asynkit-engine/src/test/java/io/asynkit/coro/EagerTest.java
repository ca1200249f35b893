package io.asynkit.coro;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Scheduling;
import io.asynkit.loop.SchedulingPolicy;
import io.asynkit.loop.Task;
import io.asynkit.loop.TaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.asynkit.coro.Coroutines.eager;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class EagerTest {

    private final List<Object> log = Collections.synchronizedList(new ArrayList<>());

    private Object slowIo() throws InterruptedException {
        log.add(1);
        Thread.sleep(200); // some long IO
        log.add(2);
        return null;
    }

    /** The Python README's example: the caller, with the callee started by {@code convert}. */
    private Object caller(Function<Callable<Object>, Future<?>> convert) throws Exception {
        log.clear();
        log.add("a");
        Future<?> future = convert.apply(this::slowIo);
        log.add("b");
        Thread.sleep(100); // some other IO
        log.add("c");
        future.get();
        return null;
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void theReadmeExampleRunsDepthFirstWithEagerAndBreadthFirstWithATask(SchedulingPolicy policy) throws Exception {
        Loop.builder().policy(policy).run(() -> caller(Coroutines::eager));
        assertThat(log).containsExactly("a", 1, "b", "c", 2);

        Loop.builder().policy(policy).run(() -> caller(body -> Loop.current().submit(body)));
        assertThat(log).containsExactly("a", "b", 1, "c", 2);
    }

    @Test
    void anEagerTasksLoopStartsEveryTaskEagerly() throws Exception {
        Loop.builder().eagerTasks(true).run(() -> caller(body -> Loop.current().submit(body)));
        assertThat(log).containsExactly("a", 1, "b", "c", 2);
        List<String> order = new ArrayList<>();
        Loop.builder().eagerTasks(true).run(() -> {
            Task<?> child = Scheduling.createTaskDescend(() -> order.add("child"));
            order.add("parent");
            return child.get();
        });
        assertThat(order).containsExactly("child", "parent");
    }

    @Test
    void theReadmeExampleRunsDepthFirstFromAPlatformThread() throws Exception {
        caller(Coroutines::eager);
        assertThat(log).containsExactly("a", 1, "b", "c", 2);
    }

    @Test
    void aCallThatNeverParksGivesACompletedFutureWithoutATaskSwitch() throws Exception {
        Loop.run(() -> {
            List<String> order = new ArrayList<>();
            Loop.current().submit(() -> order.add("other task"));
            CompletableFuture<String> f = eager(() -> {
                order.add("eager body");
                return "value";
            });
            order.add("caller");
            assertThat(f).isCompletedWithValue("value");
            assertThat(order).containsExactly("eager body", "caller"); // the other task has not run yet
            return null;
        });
    }

    @Test
    void anExceptionIsDeliveredThroughTheFutureNotThrownAtTheCallSite() throws Exception {
        Loop.run(() -> {
            CompletableFuture<Object> f = eager(() -> {
                throw new IOException("boom");
            });
            assertThat(f).isCompletedExceptionally();
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
            return null;
        });
        CompletableFuture<Object> fromPlatform = eager(() -> {
            throw new IllegalStateException("platform");
        });
        assertThatThrownBy(fromPlatform::join).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    @EnabledIfSystemProperty(named = "asynkit.inlineCarrier", matches = "true")
    void withInlineCarryingAPlatformThreadCarriesTheCallItself() throws Exception {
        Thread caller = Thread.currentThread();
        CompletableFuture<Thread> carrier = eager(() -> carrierOf(Thread.currentThread()));
        assertThat(carrier.get()).isSameAs(caller);
    }

    /** The platform thread a virtual thread is mounted on, read from its toString ("...@carrier-name"). */
    private static Thread carrierOf(Thread virtual) {
        String s = virtual.toString();
        String carrierName = s.substring(s.lastIndexOf('@') + 1);
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(carrierName))
                .findFirst().orElse(null);
    }

    @Test
    void aCallThatParksContinuesAsATaskOnTheLoop() throws Exception {
        Loop.run(() -> {
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> f = eager(() -> {
                release.await();
                return "after the park";
            });
            assertThat(f).isNotDone();
            List<Task<?>> blocked = Loop.current().blockedTasks();
            assertThat(blocked).hasSize(1);
            release.countDown();
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("after the park");
            return null;
        });
    }

    @Test
    void theCallerReportsBlockedOnItsEagerCallWhileItRuns() throws Exception {
        Loop.run(() -> {
            Task<?> main = Task.current();
            CompletableFuture<String> seen = eager(() -> main.taskState() + " driving "
                    + (main.drivenTask() == Task.current() ? "this call" : main.drivenTask()));
            assertThat(seen.get()).isEqualTo("BLOCKED driving this call");
            assertThat(main.drivenTask()).isNull();
            return null;
        });
    }

    @Test
    void eagerCallsNestDepthFirst() throws Exception {
        List<String> order = new ArrayList<>();
        Loop.run(() -> {
            CompletableFuture<Void> outer = eager(() -> {
                order.add("outer-1");
                CompletableFuture<Void> inner = eager(() -> {
                    order.add("inner-1");
                    Scheduling.yieldNow();
                    order.add("inner-2");
                    return null;
                });
                order.add("outer-2");
                Scheduling.yieldNow();
                order.add("outer-3");
                inner.get();
                return null;
            });
            order.add("main");
            outer.get();
            return null;
        });
        assertThat(order).containsExactly("outer-1", "inner-1", "outer-2", "main", "inner-2", "outer-3");
    }

    @Test
    void eagerWorksInsideATaskOfAMultiCarrierLoop() throws Exception {
        try (Loop loop = Loop.builder().carriers(2).build()) {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                tasks.add(loop.submit(() -> eager(() -> {
                    if (n % 2 == 0) {
                        Thread.sleep(1);
                    }
                    return n;
                }).get()));
            }
            for (int i = 0; i < tasks.size(); i++) {
                assertThat(tasks.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i);
            }
        }
    }

    static final ScopedValue<String> USER = ScopedValue.newInstance();
    static final ThreadLocal<String> MDC_LIKE = new ThreadLocal<>();

    @Test
    void theCallRunsInACopyOfTheCallersContext() throws Exception {
        ContextPropagator<String> propagator = new ContextPropagator<>() {
            @Override
            public String capture() {
                return MDC_LIKE.get();
            }

            @Override
            public void restore(String snapshot) {
                MDC_LIKE.set(snapshot);
            }
        };
        Context.register(propagator);
        try {
            MDC_LIKE.set("request-42");
            String seen = ScopedValue.where(USER, "alice").call(() -> eager(() -> {
                Thread.sleep(1); // park: the continuation runs in the same copy
                String result = USER.get() + "/" + MDC_LIKE.get();
                MDC_LIKE.set("changed by the callee");
                return result;
            }).get());
            assertThat(seen).isEqualTo("alice/request-42");
            assertThat(MDC_LIKE.get()).isEqualTo("request-42"); // nothing leaks back

            Context clean = Context.empty();
            assertThat(Coroutines.callIn(clean, () -> USER.isBound() + "/" + MDC_LIKE.get())).isEqualTo("false/null");
        } finally {
            Context.unregister(propagator);
            MDC_LIKE.remove();
        }
    }

    @Test
    void anEagerCallCanRunOnAGivenLoopWhateverTheCallerRunsOn() throws Exception {
        try (io.asynkit.loop.Loop target = io.asynkit.loop.Loop.builder().name("target").build();
             io.asynkit.loop.Loop other = io.asynkit.loop.Loop.builder().name("other").build()) {
            java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.Callable<String> call = () -> {
                log.add("1");
                Thread.sleep(10);
                log.add("2");
                return io.asynkit.loop.Task.current().loop().name() + "/" + io.asynkit.loop.Task.current().name();
            };
            log.add("a");
            java.util.concurrent.CompletableFuture<String> fromThread = Coroutines.eager(target, "named", call);
            log.add("b");
            org.assertj.core.api.Assertions.assertThat(fromThread.get()).isEqualTo("target/named");
            org.assertj.core.api.Assertions.assertThat(log).containsExactly("a", "1", "b", "2");
            String fromOtherLoop = other.submit(() -> Coroutines.eager(target, "cross", call).get()).get();
            org.assertj.core.api.Assertions.assertThat(fromOtherLoop).isEqualTo("target/cross");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Coroutines.eager(null, "x", call))
                    .isInstanceOf(NullPointerException.class);
        }
    }
}
