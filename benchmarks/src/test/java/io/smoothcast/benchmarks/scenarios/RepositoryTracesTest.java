package io.smoothcast.benchmarks.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.netsim.CapacitySchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The harness's default traces directory is the repository's own {@code traces/} copy, so that a
 * clean clone runs every trace scenario without the sibling {@code shared/} directory. Tests run
 * with the module directory as working directory, hence {@code ../traces}.
 */
class RepositoryTracesTest {

    private static final Path REPO_TRACES = Path.of("..").resolve(ScenarioHarness.DEFAULT_TRACES_DIR);

    @Test
    void repositoryCopy_hasEveryTraceSetWithItsReadme() throws Exception {
        assertTrue(Files.isRegularFile(REPO_TRACES.resolve("README.md")),
                "traces/README.md (origin and licences) must be in the repository");
        List<String> names = ScenarioHarness.scenarioNames(REPO_TRACES);
        assertEquals(12, names.stream().filter(n -> n.startsWith("norway-")).count(), names.toString());
        assertEquals(8, names.stream().filter(n -> n.startsWith("fcc-")).count(), names.toString());
        assertEquals(12, names.stream().filter(n -> n.startsWith("twitch-")).count(), names.toString());
    }

    @Test
    void everyNorwayTrace_parsesAsACapacitySchedule() throws Exception {
        try (var files = Files.list(REPO_TRACES.resolve("norway"))) {
            for (Path file : files.toList()) {
                CapacitySchedule schedule = CapacitySchedule.fromTraceFile(file,
                        CapacitySchedule.AfterEnd.REPEAT);
                assertTrue(schedule.stepCount() > 50 && schedule.meanBitrateBps() > 500_000,
                        file.toString());
            }
        }
    }
}
