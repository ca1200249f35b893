package io.asynkit.spring.contract;

import io.asynkit.loop.Loop;
import io.asynkit.spring.config.AsynkitTaskExecutor;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.util.ReflectionUtils;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.asynkit.spring.contract.TaskExecutorContract.WAIT_SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring Framework's {@code @EnableAsync} tests that involve the executor ({@code EnableAsyncTests} of
 * spring-context 7.0.8), with the starter's {@link AsynkitTaskExecutor} wherever they use a
 * {@code ThreadPoolTaskExecutor}, in plain Spring contexts, and their assertions: executors chosen by
 * qualifier, expression and placeholder, pause on {@code stop()} and resume on {@code start()}, thread
 * names (the bean name by default, as Spring's executors), and the uncaught-exception handler.
 *
 * <p>Not ported: the tests of {@code @EnableAsync}'s proxying, advisor order, custom annotation and
 * AspectJ mode, which do not involve an executor. Waits are 10 s instead of 100 ms.
 */
class EnableAsyncContractTests {

    @Test
    void withAsyncBeanWithExecutorQualifiedByName() throws Exception {
        try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext(
                AsyncWithExecutorQualifiedByNameConfig.class)) {
            AsyncBeanWithExecutorQualifiedByName asyncBean = ctx.getBean(AsyncBeanWithExecutorQualifiedByName.class);
            Future<Thread> workerThread0 = asyncBean.work0();
            assertThat(workerThread0.get().getName()).doesNotStartWith("e1-").doesNotStartWith("otherExecutor-");
            Future<Thread> workerThread = asyncBean.work();
            assertThat(workerThread.get().getName()).startsWith("e1-");
            Future<Thread> workerThread2 = asyncBean.work2();
            assertThat(workerThread2.get().getName()).startsWith("otherExecutor-");
            Future<Thread> workerThread3 = asyncBean.work3();
            assertThat(workerThread3.get().getName()).startsWith("otherExecutor-");
        }
    }

    @Test
    void withAsyncBeanWithExecutorQualifiedByExpressionOrPlaceholder() throws Exception {
        System.setProperty("myExecutor", "myExecutor1");
        System.setProperty("my.app.myExecutor", "myExecutor2");
        try (ConfigurableApplicationContext context =
                     new AnnotationConfigApplicationContext(AsyncWithExecutorQualifiedByExpressionConfig.class)) {
            AsyncBeanWithExecutorQualifiedByExpressionOrPlaceholder asyncBean =
                    context.getBean(AsyncBeanWithExecutorQualifiedByExpressionOrPlaceholder.class);

            Future<Thread> workerThread1 = asyncBean.myWork1();
            assertThat(workerThread1.get(WAIT_SECONDS, TimeUnit.SECONDS).getName()).startsWith("myExecutor1-");

            context.stop();
            Future<Thread> workerThread2 = asyncBean.myWork2();
            assertThatExceptionOfType(TimeoutException.class).isThrownBy(
                    () -> workerThread2.get(100, TimeUnit.MILLISECONDS));

            context.start();
            assertThat(workerThread2.get(WAIT_SECONDS, TimeUnit.SECONDS).getName()).startsWith("myExecutor2-");

            Future<Thread> workerThread3 = asyncBean.fallBackToDefaultExecutor();
            assertThat(workerThread3.get(WAIT_SECONDS, TimeUnit.SECONDS).getName()).startsWith("SimpleAsyncTaskExecutor");
        } finally {
            System.clearProperty("myExecutor");
            System.clearProperty("my.app.myExecutor");
        }
    }

    @Test
    void customExecutorBean() {
        try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext(CustomExecutorBean.class)) {
            AsyncBean asyncBean = ctx.getBean(AsyncBean.class);
            asyncBean.work();
            awaitExecution(asyncBean);
            assertThat(asyncBean.getThreadOfExecution().getName()).startsWith("Custom-");
        }
    }

    @Test
    void customExecutorConfig() {
        try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext(CustomExecutorConfig.class)) {
            AsyncBean asyncBean = ctx.getBean(AsyncBean.class);
            asyncBean.work();
            awaitExecution(asyncBean);
            assertThat(asyncBean.getThreadOfExecution().getName()).startsWith("Custom-");
        }
    }

    @Test
    void customExecutorConfigWithThrowsException() {
        try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext(CustomExecutorConfig.class)) {
            assertFailureReachesTheHandler(ctx);
        }
    }

    @Test
    void customExecutorBeanConfig() {
        try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext(
                CustomExecutorBeanConfig.class, ExecutorPostProcessor.class)) {
            AsyncBean asyncBean = ctx.getBean(AsyncBean.class);
            asyncBean.work();
            awaitExecution(asyncBean);
            assertThat(asyncBean.getThreadOfExecution().getName()).startsWith("Post-");
        }
    }

    @Test
    void customExecutorBeanConfigWithThrowsException() {
        try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext(
                CustomExecutorBeanConfig.class, ExecutorPostProcessor.class)) {
            assertFailureReachesTheHandler(ctx);
        }
    }

    @Test
    void findOnInterfaceWithInterfaceProxy() {
        try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext(Spr14949ConfigA.class)) {
            AsyncInterface asyncBean = ctx.getBean(AsyncInterface.class);
            asyncBean.work();
            Awaitility.await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).pollInterval(10, TimeUnit.MILLISECONDS)
                    .until(() -> asyncBean.getThreadOfExecution() != null);
            assertThat(asyncBean.getThreadOfExecution().getName()).startsWith("Custom-");
        }
    }

    @Test
    void findOnInterfaceWithCglibProxy() {
        try (AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext(Spr14949ConfigB.class)) {
            AsyncInterface asyncBean = ctx.getBean(AsyncInterface.class);
            asyncBean.work();
            Awaitility.await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).pollInterval(10, TimeUnit.MILLISECONDS)
                    .until(() -> asyncBean.getThreadOfExecution() != null);
            assertThat(asyncBean.getThreadOfExecution().getName()).startsWith("Custom-");
        }
    }

    private static void awaitExecution(AsyncBean asyncBean) {
        Awaitility.await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).pollInterval(10, TimeUnit.MILLISECONDS)
                .until(() -> asyncBean.getThreadOfExecution() != null);
    }

    private static void assertFailureReachesTheHandler(AnnotationConfigApplicationContext ctx) {
        AsyncBean asyncBean = ctx.getBean(AsyncBean.class);
        Method method = ReflectionUtils.findMethod(AsyncBean.class, "fail");
        TestableAsyncUncaughtExceptionHandler exceptionHandler =
                (TestableAsyncUncaughtExceptionHandler) ctx.getBean("exceptionHandler");
        assertThat(exceptionHandler.isCalled()).as("handler should not have been called yet").isFalse();
        asyncBean.fail();
        Awaitility.await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).pollInterval(10, TimeUnit.MILLISECONDS)
                .untilAsserted(() -> exceptionHandler.assertCalledWith(method, UnsupportedOperationException.class));
    }

    /** The loop behind the executors; closed with the context. */
    @Configuration(proxyBeanMethods = false)
    static class LoopConfig {
        @Bean(destroyMethod = "close")
        Loop loop() {
            return Loop.builder().name("enable-async").carriers(2).build();
        }
    }

    static class AsyncBeanWithExecutorQualifiedByName {

        @Async
        public Future<Thread> work0() {
            return CompletableFuture.completedFuture(Thread.currentThread());
        }

        @Async("e1")
        public Future<Thread> work() {
            return CompletableFuture.completedFuture(Thread.currentThread());
        }

        @Async("otherExecutor")
        public Future<Thread> work2() {
            return CompletableFuture.completedFuture(Thread.currentThread());
        }

        @Async("e2")
        public Future<Thread> work3() {
            return CompletableFuture.completedFuture(Thread.currentThread());
        }
    }

    static class AsyncBeanWithExecutorQualifiedByExpressionOrPlaceholder {

        @Async("#{environment['myExecutor']}")
        public Future<Thread> myWork1() {
            return CompletableFuture.completedFuture(Thread.currentThread());
        }

        @Async("${my.app.myExecutor}")
        public Future<Thread> myWork2() {
            return CompletableFuture.completedFuture(Thread.currentThread());
        }

        @Async("${my.app.myExecutor.UNDEFINED:}")
        public Future<Thread> fallBackToDefaultExecutor() {
            return CompletableFuture.completedFuture(Thread.currentThread());
        }
    }

    static class AsyncBean {

        private volatile Thread threadOfExecution;

        @Async
        public void work() {
            threadOfExecution = Thread.currentThread();
        }

        @Async
        public void fail() {
            throw new UnsupportedOperationException();
        }

        public Thread getThreadOfExecution() {
            return threadOfExecution;
        }
    }

    @Configuration
    @EnableAsync
    @Import(LoopConfig.class)
    static class AsyncWithExecutorQualifiedByNameConfig {

        @Bean
        public AsyncBeanWithExecutorQualifiedByName asyncBean() {
            return new AsyncBeanWithExecutorQualifiedByName();
        }

        @Bean
        public Executor e1(Loop loop) {
            return new AsynkitTaskExecutor(loop);
        }

        @Bean
        @Qualifier("e2")
        public Executor otherExecutor(Loop loop) {
            return new AsynkitTaskExecutor(loop);
        }
    }

    @Configuration
    @EnableAsync
    @Import(LoopConfig.class)
    static class AsyncWithExecutorQualifiedByExpressionConfig {

        @Bean
        public AsyncBeanWithExecutorQualifiedByExpressionOrPlaceholder asyncBean() {
            return new AsyncBeanWithExecutorQualifiedByExpressionOrPlaceholder();
        }

        @Bean
        public Executor myExecutor1(Loop loop) {
            return new AsynkitTaskExecutor(loop);
        }

        @Bean
        @Qualifier("myExecutor")
        public Executor myExecutor2(Loop loop) {
            return new AsynkitTaskExecutor(loop);
        }
    }

    @Configuration
    @EnableAsync
    @Import(LoopConfig.class)
    static class CustomExecutorBean {

        @Bean
        public AsyncBean asyncBean() {
            return new AsyncBean();
        }

        @Bean
        public Executor taskExecutor(Loop loop) {
            AsynkitTaskExecutor executor = new AsynkitTaskExecutor(loop);
            executor.setTaskNamePrefix("Custom-");
            return executor;
        }
    }

    @Configuration
    @EnableAsync
    @Import(LoopConfig.class)
    static class CustomExecutorConfig implements AsyncConfigurer {

        @org.springframework.beans.factory.annotation.Autowired
        Loop loop;

        @Bean
        public AsyncBean asyncBean() {
            return new AsyncBean();
        }

        @Override
        public Executor getAsyncExecutor() {
            AsynkitTaskExecutor executor = new AsynkitTaskExecutor(loop);
            executor.setTaskNamePrefix("Custom-");
            return executor;
        }

        @Override
        public AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
            return exceptionHandler();
        }

        @Bean
        public AsyncUncaughtExceptionHandler exceptionHandler() {
            return new TestableAsyncUncaughtExceptionHandler();
        }
    }

    @Configuration
    @EnableAsync
    @Import(LoopConfig.class)
    static class CustomExecutorBeanConfig implements AsyncConfigurer {

        @org.springframework.beans.factory.annotation.Autowired
        Loop loop;

        @Bean
        public AsyncBean asyncBean() {
            return new AsyncBean();
        }

        @Override
        public Executor getAsyncExecutor() {
            return executor();
        }

        @Bean
        public AsynkitTaskExecutor executor() {
            AsynkitTaskExecutor executor = new AsynkitTaskExecutor(loop);
            executor.setTaskNamePrefix("Custom-");
            return executor;
        }

        @Override
        public AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
            return exceptionHandler();
        }

        @Bean
        public AsyncUncaughtExceptionHandler exceptionHandler() {
            return new TestableAsyncUncaughtExceptionHandler();
        }
    }

    /** As Spring's: changes the executor's thread-name prefix before it is initialized. */
    public static class ExecutorPostProcessor implements BeanPostProcessor {

        @Override
        public @Nullable Object postProcessBeforeInitialization(Object bean, String beanName) {
            if (bean instanceof AsynkitTaskExecutor executor) {
                executor.setTaskNamePrefix("Post-");
            }
            return bean;
        }
    }

    public interface AsyncInterface {

        @Async
        void work();

        Thread getThreadOfExecution();
    }

    public static class AsyncService implements AsyncInterface {

        private volatile Thread threadOfExecution;

        @Override
        public void work() {
            threadOfExecution = Thread.currentThread();
        }

        @Override
        public Thread getThreadOfExecution() {
            return threadOfExecution;
        }
    }

    /** Spring's two SPR-14949 configurations differ only in their annotations. */
    abstract static class Spr14949Config implements AsyncConfigurer {

        @org.springframework.beans.factory.annotation.Autowired
        Loop loop;

        @Bean
        public AsyncInterface asyncBean() {
            return new AsyncService();
        }

        @Override
        public Executor getAsyncExecutor() {
            AsynkitTaskExecutor executor = new AsynkitTaskExecutor(loop);
            executor.setTaskNamePrefix("Custom-");
            return executor;
        }

        @Override
        public AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
            return null;
        }
    }

    @Configuration
    @EnableAsync
    @Import(LoopConfig.class)
    static class Spr14949ConfigA extends Spr14949Config {
    }

    @Configuration
    @EnableAsync(proxyTargetClass = true)
    @Import(LoopConfig.class)
    static class Spr14949ConfigB extends Spr14949Config {
    }

    /** Records the first uncaught exception, as Spring's {@code TestableAsyncUncaughtExceptionHandler}. */
    static class TestableAsyncUncaughtExceptionHandler implements AsyncUncaughtExceptionHandler {

        private volatile Throwable ex;
        private volatile Method method;

        @Override
        public void handleUncaughtException(Throwable ex, Method method, Object... params) {
            this.method = method;
            this.ex = ex;
        }

        boolean isCalled() {
            return ex != null;
        }

        void assertCalledWith(Method expectedMethod, Class<? extends Throwable> expectedExceptionType) {
            assertThat(ex).as("Handler not called").isNotNull();
            assertThat(ex.getClass()).as("Wrong exception type").isEqualTo(expectedExceptionType);
            assertThat(method).as("Wrong method").isEqualTo(expectedMethod);
        }
    }
}
