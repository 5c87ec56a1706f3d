package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.testkit.HubProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documents a newcomer reads stay whole: a short README, every relative link of it and of docs/ leading to a
 * file and heading that exist, and no file of the project naming a path outside the repository.
 */
class DocsTest {
    private static final Path HOME = HubProcess.home();
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,4} (.+)$");

    @Test
    void theReadmeIsShortAndEveryLinkLeadsSomewhere() throws IOException {
        assertThat(Files.readAllLines(HOME.resolve("README.md")))
                .as("README lines")
                .hasSizeLessThanOrEqualTo(200);
        List<String> broken = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (!target.matches("^[a-z]+:.*")) {
                    String problem = problem(doc, target);
                    if (problem != null) {
                        broken.add(HOME.relativize(doc) + ": " + target + " (" + problem + ")");
                    }
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void noFileOfTheProjectNamesAPathOutsideTheRepository() throws IOException {
        List<String> naming = new ArrayList<>();
        try (Stream<Path> files = Files.walk(HOME)) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(DocsTest::isProjectText)
                    .toList()) {
                if (Files.readString(f).contains("../" + "shared")) {
                    naming.add(HOME.relativize(f).toString());
                }
            }
        }
        assertThat(naming)
                .as("files naming ../" + "shared (only .ci/ may pass such paths)")
                .isEmpty();
    }

    private static boolean isProjectText(Path f) {
        String rel = HOME.relativize(f).toString();
        return !rel.startsWith(".git/")
                && !rel.startsWith(".ci/")
                && !rel.contains("/target/")
                && !rel.startsWith("target/")
                && !rel.startsWith("var/")
                && !rel.startsWith(".jqwik")
                && rel.matches(".*\\.(java|md|yml|yaml|sh|conf|xml|options)$|dualhub|.*Dockerfile");
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(HOME.resolve("README.md")));
        try (Stream<Path> files = Files.list(HOME.resolve("docs"))) {
            docs.addAll(files.filter(f -> f.toString().endsWith(".md")).sorted().toList());
        }
        return docs;
    }

    /** What is wrong with a relative link from {@code doc}, or null. */
    private static String problem(Path doc, String target) throws IOException {
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path file = path.isEmpty() ? doc : doc.getParent().resolve(path).normalize();
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (hash >= 0 && file.toString().endsWith(".md") && !anchors(file).contains(target.substring(hash + 1))) {
            return "no such heading";
        }
        return null;
    }

    /** The anchors GitHub makes of a Markdown file's headings. */
    private static Set<String> anchors(Path file) throws IOException {
        Set<String> anchors = new HashSet<>();
        Matcher m = HEADING.matcher(Files.readString(file));
        while (m.find()) {
            anchors.add(
                    m.group(1).trim().toLowerCase().replaceAll("[^\\w\\- ]", "").replace(' ', '-'));
        }
        return anchors;
    }
}
