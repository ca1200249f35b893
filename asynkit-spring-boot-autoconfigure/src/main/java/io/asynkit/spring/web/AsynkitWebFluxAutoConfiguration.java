package io.asynkit.spring.web;

import io.asynkit.spring.config.AsynkitAutoConfiguration;
import io.asynkit.spring.priority.Priority;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * WebFlux applications: their requests run on the reactive server's event loop, never as asynkit tasks, so
 * {@code @Priority} on their controllers cannot take effect and {@code /actuator/asynkit} does not list
 * their requests. asynkit says so once, at start-up, naming the controllers that carry {@code @Priority},
 * rather than ignoring them silently. {@code @Async}, {@code @Scheduled} and {@code @Eager} methods run on
 * the loop as in any application.
 */
@AutoConfiguration(after = AsynkitAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "asynkit.enabled", matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public final class AsynkitWebFluxAutoConfiguration {

    private static final Log LOG = LogFactory.getLog(AsynkitWebFluxAutoConfiguration.class);

    @Bean
    SmartInitializingSingleton asynkitWebFluxWarning(ConfigurableListableBeanFactory beanFactory,
                                                            Environment environment) {
        return () -> LOG.warn(warning(prioritizedControllers(beanFactory), Threading.VIRTUAL.isActive(environment)));
    }

    static String warning(List<String> prioritizedControllers, boolean virtualThreads) {
        StringBuilder text = new StringBuilder("asynkit: this is a WebFlux application. Its requests run on the "
                + "reactive server's event loop, not as asynkit tasks: they are not scheduled by priority and "
                + "/actuator/asynkit does not list them.");
        if (!prioritizedControllers.isEmpty()) {
            text.append(" @Priority has no effect on ").append(String.join(", ", prioritizedControllers)).append('.');
        }
        if (virtualThreads) {
            text.append(" With spring.threads.virtual.enabled=true, Boot runs blocking controller methods on "
                    + "applicationTaskExecutor: those run as asynkit tasks, at NORMAL priority.");
        }
        return text.append(" @Async, @Scheduled and @Eager methods run on the loop. For prioritised requests, use "
                + "Spring MVC (spring-boot-starter-webmvc) on Tomcat or Jetty.").toString();
    }

    /** The controllers, by class name, that carry asynkit's {@code @Priority} on the class or a method. */
    static List<String> prioritizedControllers(ConfigurableListableBeanFactory beanFactory) {
        Objects.requireNonNull(beanFactory, "beanFactory");
        TreeSet<String> names = new TreeSet<>();
        for (String name : beanFactory.getBeanNamesForAnnotation(Controller.class)) {
            Class<?> type = beanFactory.getType(name, false);
            if (type != null && hasPriority(ClassUtils.getUserClass(type))) {
                names.add(ClassUtils.getUserClass(type).getName());
            }
        }
        return List.copyOf(names);
    }

    private static boolean hasPriority(Class<?> type) {
        if (AnnotatedElementUtils.hasAnnotation(type, Priority.class)) {
            return true;
        }
        boolean[] found = {false};
        ReflectionUtils.doWithMethods(type, method -> found[0] = true,
                method -> AnnotatedElementUtils.hasAnnotation(method, Priority.class));
        return found[0];
    }
}
