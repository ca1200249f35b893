package io.asynkit.spring.config;

import io.asynkit.loop.HookUnavailableException;
import io.asynkit.loop.Loop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.mock.env.MockEnvironment;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Run by the {@code without-hook} Surefire execution, in a JVM without
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}: the application still starts (degraded), with one
 * warning that says which flag to add and where; {@code asynkit.missing-hook=fail} stops start-up with
 * Boot's failure analysis instead of a chain of exceptions.
 */
@ExtendWith(OutputCaptureExtension.class)
class AsynkitWithoutHookTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AsynkitAutoConfiguration.class));

    @Test
    void theApplicationRunsDegradedWithOneWarningThatSaysWhereToAddTheFlag(CapturedOutput output) throws Exception {
        assertThat(Loop.hookProblem()).as("this test must run without the add-opens flag").isPresent();
        try (ConfigurableApplicationContext context = application(Map.of()).run()) {
            assertThat(context.getBean(Loop.class).isHookAvailable()).isFalse();
            assertThat(context.getBean(AsyncTaskExecutor.class).submit(() -> "ran").get(10, TimeUnit.SECONDS))
                    .isEqualTo("ran");
        }
        assertThat(Pattern.compile("runs DEGRADED").matcher(output.getAll()).results().count())
                .as("the degraded-mode warning, once").isEqualTo(1);
        assertThat(output).contains("--add-opens java.base/java.lang=ALL-UNNAMED")
                .contains("<argLine>").contains("<jvmArguments>").contains("VM options").contains("Add-Opens: java.base/java.lang")
                .contains("asynkit: the application runs on loop 'asynkit': DEGRADED")
                .contains("asynkit.missing-hook=fail makes this a start-up error");
    }

    @Test
    void withMissingHookFailTheFailureAnalysisNamesTheFlagAndTheProperty() {
        runner.withPropertyValues("asynkit.missing-hook=fail", "asynkit.name=shop").run(context -> {
            assertThat(context).getFailure().hasRootCauseInstanceOf(HookUnavailableException.class);
            FailureAnalysis analysis = new HookUnavailableFailureAnalyzer(
                    new MockEnvironment().withProperty("asynkit.name", "shop")).analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).startsWith("asynkit could not start the loop 'shop': ")
                    .contains(Loop.hookProblem().orElseThrow())
                    .contains("asynkit.missing-hook=fail makes a JVM that does not let asynkit schedule virtual threads "
                            + "a start-up error");
            assertThat(analysis.getAction()).contains("'--add-opens java.base/java.lang=ALL-UNNAMED'")
                    .contains("<argLine>").contains("jvmArgs").contains("<jvmArguments>").contains("VM options")
                    .contains("Add-Opens: java.base/java.lang").contains("set asynkit.missing-hook=degrade")
                    .doesNotContain("MissingHookPolicy");
        });
    }

    @Test
    void aLoopTheApplicationBuildsItselfGetsAdviceForTheJavaApi() {
        runner.withBean("ownLoop", Loop.class, () -> Loop.builder().name("own").build(), bean -> bean.setDestroyMethodName("close"))
                .run(context -> {
                    FailureAnalysis analysis = new HookUnavailableFailureAnalyzer(new MockEnvironment())
                            .analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).startsWith("An asynkit loop that the application builds itself");
                    assertThat(analysis.getAction()).contains("missingHook(MissingHookPolicy.DEGRADE)")
                            .doesNotContain("asynkit.missing-hook");
                });
    }

    @Test
    void withMissingHookFailBootReportsTheAnalysisInsteadOfTheExceptions(CapturedOutput output) {
        assertThatThrownBy(() -> application(Map.of("asynkit.missing-hook", "fail")).run()).isInstanceOf(Exception.class);
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("asynkit could not start the loop 'asynkit'")
                .contains("Action:")
                .contains("tests (Maven Surefire):   <argLine>--add-opens java.base/java.lang=ALL-UNNAMED</argLine>")
                .contains("Or set asynkit.missing-hook=degrade");
    }

    /** A whole Boot application without a web server, as a user's. */
    private static SpringApplication application(Map<String, Object> properties) {
        SpringApplication application = new SpringApplication(NoWebApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setDefaultProperties(properties);
        return application;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class NoWebApplication {
        @Bean
        String marker() {
            return "a minimal application";
        }
    }
}
