package io.asynkit.spring.web;

import io.asynkit.loop.Loop;
import io.asynkit.spring.config.AsynkitAutoConfiguration;
import io.asynkit.spring.config.AsynkitProperties;
import io.asynkit.spring.config.IgnoredProperties;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.jetty.autoconfigure.JettyServerProperties;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;

/**
 * Makes the embedded web server run every request as a task of the application's loop, so that
 * requests are scheduled by priority ({@code @Priority} on controllers), listed by the Actuator
 * endpoint and counted in the loop's statistics.
 *
 * <p>The customizers are ordered after Boot's own, including the one that installs plain virtual
 * threads when {@code spring.threads.virtual.enabled=true}, so asynkit wins there too.
 * {@code asynkit.web.enabled=false} leaves the web server's threads to Boot.
 *
 * <p>Request tasks are named {@code asynkit.web.task-name-prefix + "http-request"} when the server hands
 * them over; {@link RequestTaskNameInterceptor} names them after the route once Spring MVC knows it.
 */
@AutoConfiguration(after = AsynkitAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = {"asynkit.enabled", "asynkit.web.enabled"}, matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(Loop.class)
@EnableConfigurationProperties(AsynkitProperties.class)
public final class AsynkitWebServerAutoConfiguration {

    /**
     * After Boot's customizers ({@code TomcatWebServerFactoryCustomizer} is 0, its virtual-thread
     * customizer 1): their protocol-handler customizations run first, ours last.
     */
    public static final int ORDER = 10;

    /** The name of a request's task until its handler is known. */
    static final String REQUEST_TASK_NAME = "http-request";

    /** Runs each request handed over by the server as a fire-and-forget task of {@code loop}. */
    static Executor requestExecutor(Loop loop, AsynkitProperties properties) {
        return new RequestExecutor(loop, properties.getWeb().getTaskNamePrefix() + REQUEST_TASK_NAME);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ConfigurableTomcatWebServerFactory.class)
    static class Tomcat {

        @Bean
        WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> asynkitTomcatCustomizer(Loop loop,
                AsynkitProperties properties) {
            Executor executor = requestExecutor(loop, properties);
            return new OrderedCustomizer<>(factory ->
                    factory.addProtocolHandlerCustomizers(protocolHandler -> protocolHandler.setExecutor(executor)));
        }

        /** An external executor replaces Tomcat's own pool, which these size. */
        @Bean
        IgnoredProperties asynkitIgnoredTomcatProperties() {
            return new IgnoredProperties("Tomcat hands every request to the loop instead of its own thread pool; size "
                    + "the loop with asynkit.carriers", "server.tomcat.threads.max", "server.tomcat.threads.min-spare",
                    "server.tomcat.threads.max-queue-capacity");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ConfigurableJettyWebServerFactory.class, QueuedThreadPool.class})
    static class Jetty {

        /**
         * Jetty keeps its selectors, acceptors and non-blocking work on its own pool of platform threads,
         * sized by {@code server.jetty.threads.*} as Boot sizes it, and runs the work that may block (every
         * request) on the "virtual threads executor": the loop.
         */
        @Bean
        WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> asynkitJettyCustomizer(Loop loop,
                AsynkitProperties properties, ObjectProvider<JettyServerProperties> jettyProperties) {
            Executor executor = requestExecutor(loop, properties);
            return new OrderedCustomizer<>(factory -> {
                QueuedThreadPool pool = platformThreads(jettyProperties.getIfAvailable());
                pool.setName("jetty-" + loop.name());
                pool.setVirtualThreadsExecutor(executor);
                factory.setThreadPool(pool);
            });
        }

        /** Jetty's pool for its own platform threads, with {@code server.jetty.threads.*} (Boot's defaults without). */
        static QueuedThreadPool platformThreads(@Nullable JettyServerProperties jettyProperties) {
            JettyServerProperties.Threads threads = jettyProperties != null ? jettyProperties.getThreads()
                    : new JettyServerProperties().getThreads();
            Integer capacity = threads.getMaxQueueCapacity();
            BlockingQueue<Runnable> queue = capacity == null ? null
                    : capacity == 0 ? new SynchronousQueue<>() : new BlockingArrayQueue<>(capacity);
            int max = threads.getMax() > 0 ? threads.getMax() : 200; // as Boot: not positive means its default
            int min = threads.getMin() > 0 ? threads.getMin() : 8;
            return new QueuedThreadPool(max, min, (int) threads.getIdleTimeout().toMillis(), queue);
        }
    }

    /** A customizer with {@link #ORDER}. */
    private record OrderedCustomizer<T extends org.springframework.boot.web.server.WebServerFactory>(
            WebServerFactoryCustomizer<T> delegate) implements WebServerFactoryCustomizer<T>, Ordered {

        @Override
        public void customize(T factory) {
            delegate.customize(factory);
        }

        @Override
        public int getOrder() {
            return ORDER;
        }
    }

    /** The server's executor: a named, fire-and-forget task per request. */
    private record RequestExecutor(Loop loop, String taskName) implements Executor {
        @Override
        public void execute(Runnable request) {
            loop.newTask().name(taskName).execute(request);
        }

        @Override
        public String toString() {
            return "asynkit loop '" + loop.name() + "'";
        }
    }
}
