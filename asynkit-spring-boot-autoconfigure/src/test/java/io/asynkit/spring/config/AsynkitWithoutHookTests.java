package io.asynkit.spring.config;

import io.asynkit.loop.HookUnavailableException;
import io.asynkit.loop.Loop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.task.AsyncTaskExecutor;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Run by the {@code without-hook} Surefire execution, in a JVM without
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}: the application still starts (degraded), and the
 * log says exactly which flag to add and where; {@code asynkit.missing-hook=fail} stops start-up.
 */
@ExtendWith(OutputCaptureExtension.class)
class AsynkitWithoutHookTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class));

    @Test
    void theApplicationRunsDegradedAndTheLogSaysWhereToAddTheFlag(CapturedOutput output) {
        assertThat(Loop.hookProblem()).as("this test must run without the add-opens flag").isPresent();
        runner.run(context -> {
            assertThat(context.getBean(Loop.class).isHookAvailable()).isFalse();
            assertThat(context.getBean(AsyncTaskExecutor.class).submit(() -> "ran").get(10, TimeUnit.SECONDS))
                    .isEqualTo("ran");
        });
        assertThat(output).contains("asynkit runs DEGRADED")
                .contains("--add-opens java.base/java.lang=ALL-UNNAMED")
                .contains("<argLine>").contains("<jvmArguments>").contains("VM options").contains("Add-Opens: java.base/java.lang")
                .contains("asynkit.missing-hook=fail");
    }

    @Test
    void withMissingHookFailTheApplicationDoesNotStart() {
        runner.withPropertyValues("asynkit.missing-hook=fail").run(context -> assertThat(context).getFailure()
                .hasRootCauseInstanceOf(HookUnavailableException.class)
                .rootCause().hasMessageContaining("--add-opens"));
    }
}
