package io.smoothcast.jitter;

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
 * Runs the jitter buffer's jcstress tests ({@code io.smoothcast.jitter.stress}) in a forked JVM
 * so that {@code mvn verify} executes them. jcstress exits non-zero when any outcome marked
 * FORBIDDEN (lost, duplicated, reordered or torn delivery) was observed. Sanity mode keeps the
 * run near half a minute on two cores; run {@code org.openjdk.jcstress.Main -m quick} by hand for
 * a longer search.
 */
@Tag("jcstress")
class JitterBufferJcstressTest {

    /**
     * The forked run's time limit. The run's length follows the CPU it gets: 295 s for the four
     * tests at load 12-19 on two cores (session 11, run by hand: no forbidden outcome), past the
     * 240 s this limit was, so this test would have failed on time alone. A forbidden outcome
     * fails the run whatever its length.
     */
    private static final long TIMEOUT_SECONDS = 600;

    @Test
    void stressTests_observeNoForbiddenOutcome() throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path results = Path.of("target", "jcstress-results");
        Files.createDirectories(results);
        try (var old = Files.list(results)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                if (p.getFileName().toString().startsWith("io.smoothcast.jitter.stress.")) {
                    Files.delete(p);
                }
            }
        }
        Path log = results.resolve("jitter-stress.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-cp", classPath, "org.openjdk.jcstress.Main",
                "-m", "sanity", "-c", "2", "-t", "io\\.smoothcast\\.jitter\\.stress\\..*",
                "-r", results.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).directory(new File(".")).start();
        boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        assertTrue(finished, "jcstress did not finish within " + TIMEOUT_SECONDS + " s; see " + log + "\n" + tail(output));
        assertEquals(0, process.exitValue(), "jcstress reported failures; see " + log + "\n" + tail(output));
        for (String test : List.of("DeliveryStress", "BorrowedDeliveryStress", "OverflowStress", "StatsSnapshotStress",
                "FrameStatsSnapshotStress")) {
            Path report = results.resolve("io.smoothcast.jitter.stress." + test + ".html");
            assertTrue(Files.exists(report), test + " did not run:\n" + tail(output));
        }
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }
}
