package io.asynkit.spring.web;

import io.asynkit.loop.Loop;
import io.asynkit.spring.config.AsynkitAutoConfiguration;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import java.util.concurrent.Executor;

/**
 * Makes the embedded web server run every request as a task of the application's loop, so that
 * requests are scheduled by priority ({@code @Priority} on controllers), listed by the Actuator
 * endpoint and counted in the loop's statistics.
 *
 * <p>The customizers are ordered after Boot's own, including the one that installs plain virtual
 * threads when {@code spring.threads.virtual.enabled=true}, so asynkit wins there too.
 * {@code asynkit.web.enabled=false} leaves the web server's threads to Boot.
 */
@AutoConfiguration(after = AsynkitAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = {"asynkit.enabled", "asynkit.web.enabled"}, matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(Loop.class)
public final class AsynkitWebServerAutoConfiguration {

    /**
     * After Boot's customizers ({@code TomcatWebServerFactoryCustomizer} is 0, its virtual-thread
     * customizer 1): their protocol-handler customizations run first, ours last.
     */
    public static final int ORDER = 10;

    /** The name of every request's task. */
    static final String REQUEST_TASK_NAME = "http-request";

    /** Runs each request handed over by the server as a fire-and-forget task of {@code loop}. */
    static Executor requestExecutor(Loop loop) {
        return new RequestExecutor(loop);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ConfigurableTomcatWebServerFactory.class)
    static class Tomcat {

        @Bean
        WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> asynkitTomcatCustomizer(Loop loop) {
            Executor executor = requestExecutor(loop);
            return new OrderedCustomizer<>(factory ->
                    factory.addProtocolHandlerCustomizers(protocolHandler -> protocolHandler.setExecutor(executor)));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ConfigurableJettyWebServerFactory.class, QueuedThreadPool.class})
    static class Jetty {

        /**
         * Jetty keeps its selectors and acceptors on a small pool of platform threads and runs the work
         * that may block (every request) on the "virtual threads executor": the loop.
         */
        @Bean
        WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> asynkitJettyCustomizer(Loop loop) {
            Executor executor = requestExecutor(loop);
            return new OrderedCustomizer<>(factory -> {
                QueuedThreadPool pool = new QueuedThreadPool();
                pool.setName("jetty-" + loop.name());
                pool.setVirtualThreadsExecutor(executor);
                factory.setThreadPool(pool);
            });
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
    private record RequestExecutor(Loop loop) implements Executor {
        @Override
        public void execute(Runnable request) {
            loop.newTask().name(REQUEST_TASK_NAME).execute(request);
        }

        @Override
        public String toString() {
            return "asynkit loop '" + loop.name() + "'";
        }
    }
}
