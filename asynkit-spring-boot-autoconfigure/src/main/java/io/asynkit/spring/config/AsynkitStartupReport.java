package io.asynkit.spring.config;

import io.asynkit.loop.Loop;
import io.asynkit.loop.LoopStatistics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;

import java.util.Objects;
import java.util.Set;

/**
 * What the application's log says about asynkit at start-up, once all singletons exist: one INFO line
 * describing the loop, and one WARN listing the Spring Boot properties the application sets that have no
 * effect on a loop ({@link IgnoredProperties}), if any.
 *
 * <pre>
 * INFO  asynkit: the application runs on loop 'asynkit': 4 carriers, PRIORITY policy, boosting after 100, scheduled by asynkit
 * WARN  asynkit: these properties have no effect on an asynkit loop: spring.task.execution.pool.core-size ...
 * </pre>
 *
 * <p>A degraded loop (no {@code --add-opens}) is described as such; the engine's own warning, logged when
 * the loop was built, says why and how to fix it, so it is not repeated here.
 */
public class AsynkitStartupReport implements SmartInitializingSingleton {

    private static final Log LOG = LogFactory.getLog(AsynkitStartupReport.class);

    private final ObjectProvider<Loop> loop;
    private final ObjectProvider<IgnoredProperties> ignored;
    private final Environment environment;

    public AsynkitStartupReport(ObjectProvider<Loop> loop, ObjectProvider<IgnoredProperties> ignored,
                                Environment environment) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.ignored = Objects.requireNonNull(ignored, "ignored");
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    @Override
    public void afterSingletonsInstantiated() {
        Loop unique = loop.getIfUnique();
        if (unique != null && LOG.isInfoEnabled()) {
            LOG.info(describe(unique));
        }
        String warning = ignoredPropertiesWarning();
        if (warning != null) {
            LOG.warn(warning);
        }
    }

    static String describe(Loop loop) {
        LoopStatistics stats = loop.statistics();
        int carrierNice = loop.carrierNice();
        StringBuilder line = new StringBuilder("asynkit: the application runs on loop '").append(stats.name())
                .append("': ");
        if (!stats.hookAvailable()) {
            return line.append("DEGRADED, on the JDK's default virtual-thread scheduler, without priorities or boosting ")
                    .append("(see the loop's warning for the JVM option that fixes it; asynkit.missing-hook=fail makes ")
                    .append("this a start-up error)").toString();
        }
        line.append(stats.carriers()).append(stats.carriers() == 1 ? " carrier, " : " carriers, ")
                .append(stats.policy()).append(" policy, ")
                .append(stats.boostAfter() > 0 ? "boosting after " + stats.boostAfter() : "no boosting");
        if (carrierNice != 0) {
            line.append(", carriers at nice ").append(carrierNice);
        }
        loop.latencyGuard().ifPresent(guard -> line.append(", latency guard after ").append(guard.bound())
                .append(" (at most ").append(guard.maxExtraCarriers()).append(" extra)"));
        return line.append(", scheduled by asynkit").toString();
    }

    private String ignoredPropertiesWarning() {
        StringBuilder warning = new StringBuilder();
        ignored.orderedStream().forEach(group -> {
            Set<String> set = group.setIn(environment);
            if (!set.isEmpty()) {
                warning.append("\n  ").append(String.join(", ", set)).append(": ").append(group.reason());
            }
        });
        return warning.isEmpty() ? null
                : "asynkit: these Spring Boot properties have no effect on an application that runs on an asynkit loop:"
                        + warning;
    }
}
