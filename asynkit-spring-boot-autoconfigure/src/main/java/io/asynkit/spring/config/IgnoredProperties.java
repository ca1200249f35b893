package io.asynkit.spring.config;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Spring Boot properties that have no effect once the application runs on the loop, and why: a bean of
 * this type makes {@link AsynkitStartupReport} warn, once, about every one of them the application sets,
 * instead of ignoring them silently.
 *
 * <pre>{@code
 * new IgnoredProperties("Tomcat hands every request to the loop", "server.tomcat.threads")
 * }</pre>
 *
 * @param reason   why they have no effect, and what to use instead
 * @param prefixes the properties, or the prefixes of the groups of properties
 */
public record IgnoredProperties(String reason, List<String> prefixes) {

    public IgnoredProperties {
        Objects.requireNonNull(reason, "reason");
        prefixes = prefixes.stream().map(prefix -> Objects.requireNonNull(prefix, "prefix")).toList();
    }

    public IgnoredProperties(String reason, String... prefixes) {
        this(reason, List.of(Objects.requireNonNull(prefixes, "prefixes")));
    }

    /** The properties under these prefixes that {@code environment} sets, by their canonical names. */
    public Set<String> setIn(Environment environment) {
        Objects.requireNonNull(environment, "environment");
        List<ConfigurationPropertyName> roots = prefixes.stream().map(ConfigurationPropertyName::of).toList();
        Set<String> set = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream()
                        .filter(name -> roots.stream().anyMatch(root -> root.equals(name) || root.isAncestorOf(name)))
                        .forEach(name -> set.add(name.toString()));
            }
        }
        return set;
    }
}
