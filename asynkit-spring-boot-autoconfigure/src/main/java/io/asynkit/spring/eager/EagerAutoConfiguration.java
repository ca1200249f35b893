package io.asynkit.spring.eager;

import io.asynkit.spring.config.AsynkitAutoConfiguration;
import io.asynkit.spring.config.AsynkitProperties;
import io.asynkit.spring.priority.PriorityAutoConfiguration;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Applies {@link Eager} to the application's beans: registers the {@link EagerAnnotationBeanPostProcessor}
 * (unless the application has its own), ordered by {@code asynkit.eager.order}. Eager calls from
 * outside any asynkit task run on the application's asynkit loop. Off with {@code asynkit.enabled=false}:
 * {@code @Eager} methods are then plain calls.
 *
 * <p>After {@link PriorityAutoConfiguration}: at equal orders the post-processor registered later puts
 * its advice in front, so {@code @Eager}'s goes outside {@code @Priority}'s and the priority is set
 * inside the eager task, whether the caller is a task or a plain thread.
 */
@AutoConfiguration(after = {AsynkitAutoConfiguration.class, PriorityAutoConfiguration.class})
@ConditionalOnBooleanProperty(name = "asynkit.enabled", matchIfMissing = true)
public final class EagerAutoConfiguration {

    /**
     * Static, as every bean post-processor should be: it must exist before the beans it processes, so
     * it takes its order straight from the environment and finds its collaborators lazily.
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static EagerAnnotationBeanPostProcessor eagerAnnotationBeanPostProcessor(Environment environment) {
        EagerAnnotationBeanPostProcessor postProcessor = new EagerAnnotationBeanPostProcessor();
        postProcessor.setOrder(Binder.get(environment).bind("asynkit.eager", AsynkitProperties.Eager.class)
                .orElseGet(AsynkitProperties.Eager::new).getOrder());
        return postProcessor;
    }
}
