package io.asynkit.spring.actuator;

import io.asynkit.loop.Loop;
import io.asynkit.spring.config.AsynkitAutoConfiguration;
import io.asynkit.spring.config.AsynkitProperties;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@link AsynkitEndpoint} for the application's loop when Actuator is present and the
 * endpoint is available: its access is not {@code none} and it is exposed, e.g.
 *
 * <pre>
 * management.endpoints.web.exposure.include=health,asynkit
 * </pre>
 *
 * Backs off when the application defines its own {@code AsynkitEndpoint}, when there is no single
 * {@link Loop} bean (none, or several without a primary one), and with {@code asynkit.enabled=false}.
 * {@code asynkit.actuator.include-stacks} and {@code asynkit.actuator.max-tasks} configure it.
 */
@AutoConfiguration(after = AsynkitAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBooleanProperty(name = "asynkit.enabled", matchIfMissing = true)
@ConditionalOnAvailableEndpoint(AsynkitEndpoint.class)
@ConditionalOnSingleCandidate(Loop.class)
@EnableConfigurationProperties(AsynkitProperties.class)
public final class AsynkitEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AsynkitEndpoint asynkitEndpoint(Loop loop, AsynkitProperties properties) {
        AsynkitProperties.Actuator actuator = properties.getActuator();
        return new AsynkitEndpoint(loop, actuator.isIncludeStacks(), actuator.getMaxTasks());
    }
}
