package io.asynkit.spring.reliability;

import io.asynkit.loop.Loop;
import io.asynkit.spring.actuator.AsynkitEndpoint;
import io.asynkit.spring.config.AsynkitAsyncConfigurer;
import io.asynkit.spring.config.AsynkitLoopLifecycle;
import io.asynkit.spring.config.AsynkitTaskExecutor;
import io.asynkit.spring.config.AsynkitTaskScheduler;
import io.asynkit.spring.config.HookUnavailableFailureAnalyzer;
import io.asynkit.spring.config.IgnoredProperties;
import io.asynkit.spring.config.LoopExecutionSupport;
import io.asynkit.spring.support.TaskDecorators;
import io.asynkit.spring.support.TaskNames;
import io.asynkit.spring.web.RequestTaskNameInterceptor;
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
            AsynkitTaskExecutor executor = new AsynkitTaskExecutor(loop);
            sweep.sweep(AsynkitTaskExecutor.class, executor, true)
                    .sweep(LoopExecutionSupport.class, executor, false)
                    .sweep(AsynkitTaskScheduler.class, new AsynkitTaskScheduler(loop), true)
                    .sweep(AsynkitLoopLifecycle.class, new AsynkitLoopLifecycle(loop), true)
                    .sweep(AsynkitAsyncConfigurer.class, null, true)
                    .sweep(IgnoredProperties.class, null, true) // a record: equals(null) is false, rightly
                    .sweep(HookUnavailableFailureAnalyzer.class, null, true)
                    .sweep(RequestTaskNameInterceptor.class, null, true)
                    .sweep(TaskDecorators.class, null, true)
                    .sweep(TaskNames.class, null, true)
                    .sweep(AsynkitEndpoint.class, new AsynkitEndpoint(loop, false, 10), true)
                    .sweep(AsynkitMetrics.class, new AsynkitMetrics(loop), true)
                    .sweep(Priorities.class, null, true);
        }
        assertThat(sweep.problems()).as("members that did not refuse null with a clear error").isEmpty();
        assertThat(sweep.calls()).isGreaterThan(10);
    }
}
