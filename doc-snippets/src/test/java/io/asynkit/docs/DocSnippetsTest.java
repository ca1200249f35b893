package io.asynkit.docs;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ```java} block of README.md and docs/*.md compiles against the reactor's code (the
 * starter, Spring MVC and Actuator on the class path). The rules, also in docs/README.md:
 * <ul>
 *   <li>A block is a complete compilation unit unless the line before its fence says otherwise.</li>
 *   <li>{@code <!-- snippet: statements -->}: statements (after optional import lines), compiled as the
 *       body of a method that may throw and return anything, in a class extending {@link DocWorld}.</li>
 *   <li>{@code <!-- snippet: members -->}: fields, methods and classes (after optional import lines),
 *       compiled as the members of such a class.</li>
 *   <li>{@code <!-- snippet-imports: import a.b.*; ... -->} anywhere on a page: imports for every
 *       statements and members block of that page (the page says in its text what it imports).
 *       Those blocks also get {@code java.util.*}, {@code java.util.concurrent.*} and {@code java.time.*}.</li>
 *   <li>A body written {@code { ... }} compiles as a body that throws.</li>
 * </ul>
 * All blocks are compiled in one javac run (each in a package of its own); each block is one test,
 * named after its page and line, failing with javac's messages at the page's line numbers.
 */
class DocSnippetsTest {

    static final Path ROOT = Path.of(System.getProperty("asynkit.root", "..")).toAbsolutePath().normalize();

    private static final Pattern FENCE = Pattern.compile("^```java\\s*$");
    private static final Pattern KIND = Pattern.compile("^<!--\\s*snippet:\\s*(\\w+)\\s*-->\\s*$");
    private static final Pattern PAGE_IMPORTS = Pattern.compile("<!--\\s*snippet-imports:(.*?)-->", Pattern.DOTALL);
    private static final Pattern ELIDED_BODY = Pattern.compile("\\{ \\.\\.\\. }");
    private static final Pattern IMPORT_LINE = Pattern.compile("^\\s*import\\s+[\\w.*\\s]+;\\s*(//.*)?$");
    private static final String FRAGMENT_IMPORTS = "import java.util.*; import java.util.concurrent.*; import java.time.*;";

    /** A block: where it is, its kind, and the Java source it becomes (header lines before the block). */
    record Snippet(String page, int line, String kind, String pkg, String className, String source, int headerLines) {
        String name() {
            return page + ":" + line;
        }
    }

    static List<Path> pages() {
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            List<Path> pages = new ArrayList<>();
            pages.add(ROOT.resolve("README.md"));
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
            return pages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Snippet> snippets(Path page) {
        List<String> lines;
        String text;
        try {
            text = Files.readString(page);
            lines = Files.readAllLines(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String rel = ROOT.relativize(page).toString();
        StringBuilder pageImports = new StringBuilder();
        for (Matcher m = PAGE_IMPORTS.matcher(text); m.find(); ) {
            pageImports.append(m.group(1).strip().replaceAll("\\s+", " ")).append(' ');
        }
        List<Snippet> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!FENCE.matcher(lines.get(i)).matches()) {
                continue;
            }
            int start = i + 1; // first line of the block, 0-based
            int end = start;
            while (end < lines.size() && !lines.get(end).startsWith("```")) {
                end++;
            }
            String kind = "unit";
            int before = i - 1;
            while (before >= 0 && lines.get(before).isBlank()) {
                before--;
            }
            if (before >= 0) {
                Matcher k = KIND.matcher(lines.get(before).strip());
                if (k.matches()) {
                    kind = k.group(1);
                }
            }
            List<String> body = new ArrayList<>(lines.subList(start, end));
            body.replaceAll(l -> ELIDED_BODY.matcher(l).replaceAll("{ throw new UnsupportedOperationException(); }"));
            int line = start + 1; // 1-based line of the block's first line on the page
            String pkg = "snippets." + rel.replaceAll("[^A-Za-z0-9]", "_").toLowerCase(Locale.ROOT) + "_l" + line;
            out.add(build(rel, line, kind, pkg, body, pageImports.toString()));
            i = end;
        }
        return out;
    }

    private static Snippet build(String page, int line, String kind, String pkg, List<String> body, String pageImports) {
        StringBuilder src = new StringBuilder();
        switch (kind) {
            case "unit" -> {
                Matcher m = Pattern.compile("public\\s+(?:final\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s+(\\w+)")
                        .matcher(String.join("\n", body));
                String className = m.find() ? m.group(1) : "Snippet";
                // a package of its own, on the block's first line, so that javac's line numbers are the
                // block's; a block that declares one gets it replaced on the same line
                boolean declares = body.stream().anyMatch(l -> l.startsWith("package "));
                if (!declares) {
                    src.append("package ").append(pkg).append("; ");
                }
                for (String l : body) {
                    src.append(l.startsWith("package ") ? "package " + pkg + ";" : l).append('\n');
                }
                return new Snippet(page, line, kind, pkg, className, src.toString(), 0);
            }
            case "statements", "members" -> {
                // header line 1: package and imports (the block's own import lines move here and leave a blank
                // line behind); line 2: the class (and method) opening; then the block, line for line
                StringBuilder own = new StringBuilder();
                List<String> rest = new ArrayList<>();
                for (String l : body) {
                    if (IMPORT_LINE.matcher(l).matches()) {
                        own.append(l.replaceAll("//.*", "").strip()).append(' ');
                        rest.add("");
                    } else {
                        rest.add(l);
                    }
                }
                src.append("package ").append(pkg).append("; ").append(FRAGMENT_IMPORTS).append(' ')
                        .append(pageImports).append(own).append('\n');
                src.append("class Snippet extends io.asynkit.docs.DocWorld { ");
                if (kind.equals("statements")) {
                    // if (true): a block that ends in a return still lets the return null after it compile
                    src.append("Object snippet() throws Exception { if (true) {");
                }
                src.append('\n');
                for (String l : rest) {
                    src.append(l).append('\n');
                }
                src.append(kind.equals("statements") ? "} return null; } }\n" : "}\n");
                return new Snippet(page, line, kind, pkg, "Snippet", src.toString(), 2);
            }
            default -> throw new IllegalArgumentException(page + ":" + line + ": unknown snippet kind '" + kind
                    + "' (unit, statements or members)");
        }
    }

    /** Compiles every snippet in one javac run; answers the messages per snippet. */
    static Map<Snippet, List<String>> compileAll(List<Snippet> all) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("doc-snippets");
        Map<URI, Snippet> byUri = new java.util.HashMap<>();
        List<JavaFileObject> files = new ArrayList<>();
        for (Snippet s : all) {
            URI uri = URI.create("string:///" + s.pkg().replace('.', '/') + "/" + s.className() + ".java");
            byUri.put(uri, s);
            files.add(new SimpleJavaFileObject(uri, JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return s.source();
                }
            });
        }
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
                    "-proc:none", "-Xlint:none", "-nowarn", "-implicit:none");
            javac.getTask(null, fm, diagnostics, options, null, files).call();
        }
        Map<Snippet, List<String>> messages = new java.util.LinkedHashMap<>();
        all.forEach(s -> messages.put(s, new ArrayList<>()));
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            Snippet s = d.getSource() == null ? null : byUri.get(d.getSource().toUri());
            if (s == null) {
                messages.computeIfAbsent(all.getFirst(), k -> new ArrayList<>()).add(d.getMessage(Locale.ROOT));
                continue;
            }
            long pageLine = d.getLineNumber() - 1 - s.headerLines() + s.line();
            String where = d.getLineNumber() <= s.headerLines()
                    ? s.page() + " (the snippet's imports or wrapper)"
                    : s.page() + ":" + pageLine;
            messages.get(s).add(where + ": " + d.getMessage(Locale.ROOT));
        }
        return messages;
    }

    @TestFactory
    Stream<DynamicTest> everyJavaSnippetCompiles() throws IOException {
        List<Snippet> all = pages().stream().flatMap(p -> snippets(p).stream()).toList();
        Map<Snippet, List<String>> messages = compileAll(all);
        return all.stream().map(s -> DynamicTest.dynamicTest(s.name() + " (" + s.kind() + ")", () ->
                assertThat(messages.get(s))
                        .as("javac on %s, a %s snippet (see docs/README.md, \"Java snippets\", for the markers)",
                                s.name(), s.kind())
                        .isEmpty()));
    }

    @Test
    void pagesHaveSnippets() {
        // a guard against a broken extractor passing vacuously
        assertThat(pages().stream().mapToLong(p -> snippets(p).size()).sum()).isGreaterThan(15);
    }
}
