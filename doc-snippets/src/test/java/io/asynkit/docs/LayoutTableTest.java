package io.asynkit.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.asynkit.docs.DocSnippetsTest.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

/** The README's Layout table names every package of the published modules, in its module's row. */
class LayoutTableTest {

    @Test
    void everyPackageIsInTheLayoutTable() throws IOException {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
        for (String module : List.of("asynkit-engine", "asynkit-spring-boot-autoconfigure")) {
            String row = readme.stream().filter(l -> l.startsWith("| `" + module + "`")).findFirst()
                    .orElseThrow(() -> new AssertionError("README.md's Layout table has no row for " + module));
            Path sources = ROOT.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(sources)) {
                List<String> packages = files.filter(p -> p.toString().endsWith(".java"))
                        .map(p -> sources.relativize(p.getParent()).toString().replace('/', '.'))
                        .distinct().sorted().toList();
                assertThat(packages).isNotEmpty();
                for (String pkg : packages) {
                    String last = pkg.substring(pkg.lastIndexOf('.'));
                    // a package is named in full, or by its last part after the row named its parent: `.web`
                    assertThat(row.contains("`" + pkg + "`") || row.contains("`" + last + "`"))
                            .as("README.md's Layout row for %s names package %s", module, pkg).isTrue();
                }
            }
        }
    }
}
