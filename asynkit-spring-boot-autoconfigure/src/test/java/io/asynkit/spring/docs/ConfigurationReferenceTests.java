package io.asynkit.spring.docs;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} is generated from the configuration metadata that the build writes
 * ({@code META-INF/spring-configuration-metadata.json}): this test fails when the two differ, and
 * rewrites the file when run with {@code -Dasynkit.docs.regenerate=true}:
 *
 * <pre>
 * ./mvnw -pl asynkit-spring-boot-autoconfigure -am test -Dtest=ConfigurationReferenceTests \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dasynkit.docs.regenerate=true
 * </pre>
 */
class ConfigurationReferenceTests {

    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

    @Test
    void theReferenceMatchesTheMetadata() throws IOException {
        String generated = render(metadata());
        if (Boolean.getBoolean("asynkit.docs.regenerate")) {
            Files.writeString(REFERENCE, generated);
        }
        assertThat(REFERENCE).as("docs/configuration.md is generated from the metadata; regenerate it with "
                + "-Dasynkit.docs.regenerate=true (see this test's Javadoc)").hasContent(generated);
    }

    private static JsonNode metadata() throws IOException {
        try (InputStream in = ConfigurationReferenceTests.class
                .getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the configuration processor's output").isNotNull();
            return JsonMapper.builder().build().readTree(in);
        }
    }

    static String render(JsonNode metadata) {
        List<JsonNode> properties = new ArrayList<>();
        metadata.get("properties").forEach(properties::add);
        properties.sort(Comparator.comparing(p -> p.get("name").asString()));
        StringBuilder out = new StringBuilder();
        out.append("# Configuration reference\n\n")
                .append("Every `asynkit.*` property of the Spring Boot starter. This file is generated from the\n")
                .append("configuration metadata the build writes (`ConfigurationReferenceTests` keeps it in step);\n")
                .append("see [spring.md](spring.md) for what the properties do together. A value that does not\n")
                .append("fit stops start-up with Boot's failure analysis naming the property and the reason.\n\n")
                .append("| property | type | default | description |\n")
                .append("|---|---|---|---|\n");
        for (JsonNode p : properties) {
            String type = p.get("type").asString();
            out.append("| `").append(p.get("name").asString()).append("` | `")
                    .append(type.substring(type.lastIndexOf('.') + 1).replace('$', '.')).append("` | ")
                    .append(defaultValue(p)).append(" | ")
                    .append(p.has("description") ? p.get("description").asString().replace("|", "\\|") : "")
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String defaultValue(JsonNode property) {
        if (!property.has("defaultValue")) {
            return "—";
        }
        String value = property.get("defaultValue").asString();
        return value.isEmpty() ? "empty" : "`" + value + "`";
    }
}
