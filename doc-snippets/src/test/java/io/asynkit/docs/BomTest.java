package io.asynkit.docs;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static io.asynkit.docs.DocSnippetsTest.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * asynkit-bom has no parent (a parent would bring Spring Boot's managed versions into every application
 * that imports it), so it repeats asynkit-parent's release metadata: this keeps the two in step, and
 * keeps the BOM listing every module that is published.
 */
class BomTest {

    private static Element pom(Path file) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        return doc.getDocumentElement();
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().strip().replaceAll("\\s+", " ");
    }

    @Test
    void bomCarriesTheParentsReleaseMetadataAndVersion() throws Exception {
        Element parent = pom(ROOT.resolve("pom.xml"));
        Element bom = pom(ROOT.resolve("asynkit-bom/pom.xml"));
        for (String name : List.of("version", "url", "inceptionYear", "licenses", "developers", "scm")) {
            assertThat(text(bom, name)).as("<%s> of asynkit-bom against asynkit-parent", name)
                    .isNotNull().isEqualTo(text(parent, name));
        }
    }

    @Test
    void bomManagesEveryPublishedModule() throws Exception {
        Element parent = pom(ROOT.resolve("pom.xml"));
        TreeSet<String> published = new TreeSet<>();
        for (Node n = child(parent, "modules").getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element module) {
                Element pom = pom(ROOT.resolve(module.getTextContent().strip()).resolve("pom.xml"));
                Element properties = child(pom, "properties");
                boolean notDeployed = properties != null && "true".equals(text(properties, "maven.deploy.skip"));
                if (!notDeployed && !"pom".equals(text(pom, "packaging"))) {
                    published.add(text(pom, "artifactId"));
                }
            }
        }
        List<String> managed = new ArrayList<>();
        Element deps = child(child(pom(ROOT.resolve("asynkit-bom/pom.xml")), "dependencyManagement"), "dependencies");
        for (Node n = deps.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element dep) {
                managed.add(text(dep, "artifactId"));
            }
        }
        assertThat(published).containsExactly("asynkit-engine", "asynkit-spring-boot-autoconfigure",
                "asynkit-spring-boot-starter");
        assertThat(managed).containsExactlyInAnyOrderElementsOf(published);
    }
}
