package io.asynkit.spring.config;

import io.asynkit.loop.Loop;

/**
 * Customizes the {@link Loop.Builder} of the application's loop, after the {@code asynkit.*} properties
 * are applied, as Boot's {@code ThreadPoolTaskExecutorCustomizer} customizes its executor: every bean of
 * this type is applied, in {@code @Order}/{@code Ordered} order, so that options without a property can be
 * set without defining the {@code Loop} bean (which would make the auto-configured one back off).
 *
 * <pre>{@code
 * @Bean
 * LoopBuilderCustomizer loopTuning(MeterRegistry registry) {
 *     return builder -> builder
 *             .exceptionHandler((loop, source, error) -> registry.counter("loop.errors").increment())
 *             .maxSpareCarriers(8)
 *             .pinnedCheckInterval(Duration.ofMillis(50))
 *             .eagerTasks(true);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface LoopBuilderCustomizer {

    /** Customizes the builder; a later customizer sees (and may override) what earlier ones set. */
    void customize(Loop.Builder builder);
}
