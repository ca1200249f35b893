package io.asynkit.spring.config;

import io.asynkit.loop.HookUnavailableException;
import io.asynkit.loop.Loop;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

import java.util.Objects;

/**
 * Turns the failure to build a loop without {@code --add-opens java.base/java.lang=ALL-UNNAMED} into Boot's
 * "APPLICATION FAILED TO START" report, naming the flag, where to give it, and
 * {@code asynkit.missing-hook}, instead of a chain of bean-creation exceptions:
 *
 * <pre>
 * ***************************
 * APPLICATION FAILED TO START
 * ***************************
 *
 * Description:
 *
 * asynkit could not start the loop 'asynkit': the JDK's virtual-thread scheduler hook is not accessible ...
 *
 * Action:
 *
 * Add the JVM option '--add-opens java.base/java.lang=ALL-UNNAMED' where the application is started: ...
 * </pre>
 *
 * Registered in {@code META-INF/spring.factories}.
 */
public class HookUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<HookUnavailableException> {

    /** The name of the loop bean the auto-configuration defines. */
    static final String LOOP_BEAN_NAME = "asynkitLoop";

    /** The flag the engine needs, and every place it can be given. */
    static final String FLAG_AND_PLACES = """
            Add the JVM option '--add-opens java.base/java.lang=ALL-UNNAMED' where the application is started:
              tests (Maven Surefire):   <argLine>--add-opens java.base/java.lang=ALL-UNNAMED</argLine>
              tests (Gradle):           test { jvmArgs '--add-opens', 'java.base/java.lang=ALL-UNNAMED' }
              mvn spring-boot:run:      <jvmArguments>--add-opens java.base/java.lang=ALL-UNNAMED</jvmArguments>
              IDE:                      the VM options of the run configuration
              java -jar app.jar:        the manifest entry 'Add-Opens: java.base/java.lang'
                                        (maven-jar-plugin <archive><manifestEntries>; the Boot repackage keeps it)""";

    private final Environment environment;

    public HookUnavailableFailureAnalyzer(Environment environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, HookUnavailableException cause) {
        String problem = Loop.hookProblem().orElse(cause.getMessage());
        BeanCreationException creation = findCause(rootFailure, BeanCreationException.class);
        boolean ours = creation == null || LOOP_BEAN_NAME.equals(innermostBeanName(creation));
        if (ours) {
            String name = environment.getProperty("asynkit.name", "asynkit");
            return new FailureAnalysis("asynkit could not start the loop '" + name + "': " + problem + ".\n\n"
                    + "asynkit.missing-hook=fail makes a JVM that does not let asynkit schedule virtual threads a "
                    + "start-up error.", FLAG_AND_PLACES + "\nOr set asynkit.missing-hook=degrade to start on the "
                    + "JDK's default scheduler instead, without priorities or boosting.", cause);
        }
        return new FailureAnalysis("An asynkit loop that the application builds itself could not start: " + problem
                + ".", FLAG_AND_PLACES + "\nOr build that loop with missingHook(MissingHookPolicy.DEGRADE) to run it on "
                + "the JDK's default scheduler instead, without priorities or boosting.", cause);
    }

    /** The bean whose creation failed first: the last {@link BeanCreationException} of the chain. */
    private static String innermostBeanName(BeanCreationException creation) {
        String name = creation.getBeanName();
        for (Throwable t = creation.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof BeanCreationException inner && inner.getBeanName() != null) {
                name = inner.getBeanName();
            }
        }
        return name;
    }
}
