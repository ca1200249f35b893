package io.asynkit.spring.priority;

import io.asynkit.spring.config.AsynkitAutoConfiguration;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

/** {@link Priority} on beans other than controllers: {@code @Async}, {@code @Scheduled}, {@code @Eager} methods. */
@AutoConfiguration(after = AsynkitAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "asynkit.enabled", matchIfMissing = true)
public final class PriorityAutoConfiguration {

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static PriorityAnnotationBeanPostProcessor asynkitPriorityAnnotationBeanPostProcessor() {
        return new PriorityAnnotationBeanPostProcessor();
    }
}
