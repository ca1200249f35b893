package io.asynkit.spring.eager;

import io.asynkit.loop.Loop;
import io.asynkit.loop.Task;
import io.asynkit.spring.config.AsynkitAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs in its own JVM without {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the
 * {@code without-hook} Surefire execution): the loop runs degraded and nothing can be driven, so an
 * {@code @Eager} call falls back to an ordinary task of the loop instead of failing.
 */
@Timeout(60)
class EagerWithoutHookTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class, EagerAutoConfiguration.class))
            .withPropertyValues("asynkit.carriers=1", "asynkit.shutdown.await-termination-period=1s")
            .withBean(Service.class);

    @Test
    void aDegradedLoopRunsEagerCallsAsOrdinaryTasks() {
        assumeTrue(Loop.hookProblem().isPresent(), "needs a JVM without the add-opens flag (-Dtest selected it anyway)");
        runner.run(context -> {
            Loop loop = context.getBean(Loop.class);
            assertThat(loop.isHookAvailable()).isFalse();
            Service service = context.getBean(Service.class);

            CompletableFuture<Task<?>> fromThread = service.whereAmI();
            assertThat(fromThread.get(30, TimeUnit.SECONDS).loop()).isSameAs(loop);

            Task<?> fromTask = loop.submit(() -> service.whereAmI().get()).get(30, TimeUnit.SECONDS);
            assertThat(fromTask.loop()).isSameAs(loop);

            CountDownLatch gate = new CountDownLatch(1);
            CompletableFuture<String> waiting = service.waitFor(gate);
            assertThat(waiting).as("the caller got control back while the call waits").isNotDone();
            gate.countDown();
            assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo("opened");
        });
    }

    static class Service {
        @Eager
        public CompletableFuture<Task<?>> whereAmI() {
            return CompletableFuture.completedFuture(Task.currentOrNull());
        }

        @Eager
        public CompletableFuture<String> waitFor(CountDownLatch gate) throws InterruptedException {
            gate.await();
            return CompletableFuture.completedFuture("opened");
        }
    }
}
