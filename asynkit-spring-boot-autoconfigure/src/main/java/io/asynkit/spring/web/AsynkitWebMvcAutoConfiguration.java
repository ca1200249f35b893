package io.asynkit.spring.web;

import io.asynkit.spring.config.AsynkitAutoConfiguration;
import io.asynkit.spring.config.AsynkitProperties;
import io.asynkit.spring.priority.Priority;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Request tasks in Spring MVC: named after their route ({@link RequestTaskNameInterceptor}), and
 * {@code @Priority} on controllers applied ({@link PriorityHandlerInterceptor}), for every request; and a
 * start-up warning for handlers that carry {@code jakarta.annotation.Priority} (which does not
 * schedule anything) and none of asynkit's.
 */
@AutoConfiguration(after = AsynkitAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "asynkit.enabled", matchIfMissing = true)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(WebMvcConfigurer.class)
@EnableConfigurationProperties(AsynkitProperties.class)
public final class AsynkitWebMvcAutoConfiguration {

    private static final Log LOG = LogFactory.getLog(AsynkitWebMvcAutoConfiguration.class);
    private static final String JAKARTA_PRIORITY = "jakarta.annotation.Priority";

    @Bean
    WebMvcConfigurer asynkitWebMvcConfigurer(AsynkitProperties properties) {
        RequestTaskNameInterceptor naming = new RequestTaskNameInterceptor(properties.getWeb().getTaskNamePrefix());
        PriorityHandlerInterceptor priority = new PriorityHandlerInterceptor();
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(naming);
                registry.addInterceptor(priority);
            }
        };
    }

    @Bean
    static SmartInitializingSingleton asynkitJakartaPriorityCheck(ObjectProvider<RequestMappingHandlerMapping> mappings) {
        return () -> mappings.orderedStream().forEach(mapping -> {
            Set<String> warned = new LinkedHashSet<>();
            for (HandlerMethod handler : mapping.getHandlerMethods().values()) {
                String where = mistakenPriority(handler);
                if (where != null && warned.add(where)) {
                    LOG.warn(where + " carries @jakarta.annotation.Priority, which orders beans and does not schedule "
                            + "anything. For the asynkit priority of its requests, use @io.asynkit.spring.priority.Priority"
                            + " (for example @Priority(Priority.HIGH)).");
                }
            }
        });
    }

    /** The handler method or controller that has the jakarta annotation and none of ours, or null. */
    static String mistakenPriority(HandlerMethod handler) {
        Class<?> type = handler.getBeanType();
        if (AnnotatedElementUtils.hasAnnotation(handler.getMethod(), Priority.class)
                || AnnotatedElementUtils.hasAnnotation(type, Priority.class)) {
            return null;
        }
        if (hasAnnotationNamed(handler.getMethod().getAnnotations(), JAKARTA_PRIORITY)) {
            return "Handler " + type.getName() + "." + handler.getMethod().getName();
        }
        if (hasAnnotationNamed(type.getAnnotations(), JAKARTA_PRIORITY)) {
            return "Controller " + type.getName();
        }
        return null;
    }

    private static boolean hasAnnotationNamed(java.lang.annotation.Annotation[] annotations, String name) {
        for (java.lang.annotation.Annotation annotation : annotations) {
            if (annotation.annotationType().getName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
