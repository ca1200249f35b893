package io.asynkit.spring.reliability;

import io.asynkit.loop.Loop;
import io.asynkit.spring.actuator.AsynkitEndpoint;
import io.asynkit.spring.config.AsynkitTaskExecutor;
import io.asynkit.spring.config.AsynkitTaskScheduler;
import io.asynkit.spring.metrics.AsynkitMetrics;
import io.asynkit.spring.priority.Priorities;
import io.asynkit.testing.NullSweep;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's public API called with {@code null} for every object argument: each method and
 * constructor refuses with a {@link NullPointerException} naming what was null (or an
 * {@link IllegalArgumentException}/{@link IllegalStateException} saying why), never failing deeper.
 */
class NullArgumentsTests {

    @Test
    void everyObjectParameterIsCheckedWithAClearError() throws Exception {
        NullSweep sweep = new NullSweep();
        try (Loop loop = Loop.builder().name("spring-nulls").build()) {
            sweep.sweep(AsynkitTaskExecutor.class, new AsynkitTaskExecutor(loop, "t-", null), true)
                    .sweep(AsynkitTaskScheduler.class, new AsynkitTaskScheduler(loop, null), true)
                    .sweep(AsynkitEndpoint.class, new AsynkitEndpoint(loop, false, 10), true)
                    .sweep(AsynkitMetrics.class, new AsynkitMetrics(loop), true)
                    .sweep(Priorities.class, null, true);
        }
        assertThat(sweep.problems()).as("members that did not refuse null with a clear error").isEmpty();
        assertThat(sweep.calls()).isGreaterThan(10);
    }
}
