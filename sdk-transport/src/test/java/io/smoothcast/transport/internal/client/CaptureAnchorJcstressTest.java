package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code CaptureAnchorStress} (package {@code ...internal.client.stress}) with jcstress in
 * a forked JVM so that {@code mvn verify} executes it, in sanity mode (bounded: seconds on two
 * cores), as sdk-core's {@code JitterBufferJcstressTest} does for the jitter buffer. jcstress
 * exits non-zero when a FORBIDDEN outcome (a torn anchor) was observed. For a longer search run
 * {@code org.openjdk.jcstress.Main -m quick -t CaptureAnchorStress} by hand.
 */
@Tag("jcstress")
class CaptureAnchorJcstressTest {

    private static final long TIMEOUT_SECONDS = 240;
    private static final String STRESS = "io.smoothcast.transport.internal.client.stress.CaptureAnchorStress";

    @Test
    void captureAnchorStress_observesNoTornAnchor() throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path results = Path.of("target", "jcstress-results");
        Files.createDirectories(results);
        Path report = results.resolve(STRESS + ".html");
        Files.deleteIfExists(report);
        Path log = results.resolve("capture-anchor-stress.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-cp", classPath, "org.openjdk.jcstress.Main",
                "-m", "sanity", "-c", "2", "-t", STRESS.replace(".", "\\."), "-r", results.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).directory(new File(".")).start();
        boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        assertTrue(finished, "jcstress did not finish within " + TIMEOUT_SECONDS + " s; see " + log);
        assertEquals(0, process.exitValue(), "jcstress reported failures; see " + log + "\n" + tail(output));
        assertTrue(Files.exists(report), "CaptureAnchorStress did not run:\n" + tail(output));
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }
}
