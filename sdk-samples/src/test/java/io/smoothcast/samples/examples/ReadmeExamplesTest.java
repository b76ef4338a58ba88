package io.smoothcast.samples.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * README.md's Java examples are the tagged regions of the compiled example sources, verbatim
 * (minus their common indentation). Edit the source, then paste the region into README.md.
 */
class ReadmeExamplesTest {

    private static final Path SOURCES = Path.of("src/main/java/io/smoothcast/samples/examples");
    private static final Path README = Path.of("../README.md");

    @Test
    void broadcasterExample_isInReadme() throws IOException {
        assertReadmeShows("BroadcasterExample.java", "broadcaster");
    }

    @Test
    void viewerExample_isInReadme() throws IOException {
        assertReadmeShows("ViewerExample.java", "viewer");
    }

    private static void assertReadmeShows(String file, String tag) throws IOException {
        String region = region(Files.readAllLines(SOURCES.resolve(file), StandardCharsets.UTF_8), tag);
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        assertTrue(readme.contains("```java\n" + region + "```\n"),
                "README.md must show the '" + tag + "' region of " + file + " verbatim in a ```java block:\n" + region);
    }

    /** The lines between the tag markers, with their common indentation removed. */
    static String region(List<String> lines, String tag) {
        int begin = lines.indexOf(indentOf(lines, "// tag::" + tag + "[]"));
        int end = lines.indexOf(indentOf(lines, "// end::" + tag + "[]"));
        assertTrue(begin >= 0 && end > begin, "markers for '" + tag + "' not found");
        List<String> body = new ArrayList<>(lines.subList(begin + 1, end));
        int indent = Integer.MAX_VALUE;
        for (String line : body) {
            if (!line.isBlank()) {
                indent = Math.min(indent, line.length() - line.stripLeading().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String line : body) {
            sb.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return sb.toString();
    }

    private static String indentOf(List<String> lines, String marker) {
        for (String line : lines) {
            if (line.strip().equals(marker)) {
                return line;
            }
        }
        return marker;
    }
}
