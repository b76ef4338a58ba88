package io.smoothcast.benchmarks.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the playout-quality harness on a short trace and checks its JSON summary's shape (not the goal numbers). */
class PlayoutQualityBenchmarkTest {

    @Test
    void shortRun_writesWellFormedJsonWithEveryProfileAndMode(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("quality.json");
        PlayoutQualityBenchmark.main(new String[] {out.toString(), "--seconds", "20", "--seed", "3"});
        Object parsed = MiniJson.parse(Files.readString(out));
        Map<?, ?> root = (Map<?, ?>) parsed;
        assertEquals(3.0, root.get("seed"));
        assertEquals(20.0, root.get("secondsPerProfile"));
        List<?> results = (List<?>) root.get("results");
        assertEquals(ArrivalTrace.PROFILES.size() * 3, results.size());
        for (Object o : results) {
            Map<?, ?> r = (Map<?, ?>) o;
            assertEquals(Set.of("profile", "mode", "packets", "framesSent", "framesDelivered", "meanAddedDelayMs",
                    "p95AddedDelayMs", "lateLossRate", "freezeCount", "totalFreezesDurationSeconds", "meanTargetDelayMs"),
                    r.keySet());
            assertTrue(Set.of("adaptive", "fixed-200ms", "fixed-120ms").contains(r.get("mode")));
            double late = (Double) r.get("lateLossRate");
            assertTrue(late >= 0 && late <= 1, "rate in [0, 1]: " + late);
            assertTrue((Double) r.get("framesDelivered") <= (Double) r.get("framesSent"));
        }
        List<?> goal = (List<?>) root.get("goal");
        assertEquals(ArrivalTrace.PROFILES.size(), goal.size());
        assertTrue(((Map<?, ?>) goal.get(0)).get("met") instanceof Boolean);
    }

    @Test
    void sameSeed_sameTrace() {
        ArrivalTrace a = new ArrivalTrace(ArrivalTrace.PROFILES.get(1), 9, 10);
        ArrivalTrace b = new ArrivalTrace(ArrivalTrace.PROFILES.get(1), 9, 10);
        assertEquals(a.packets, b.packets);
    }

    @Test
    void miniJson_rejectsMalformedInput() {
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("{\"a\": 1,}"));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("{\"a\" 1}"));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("[1 2]"));
        assertEquals(List.of(1.0, true), MiniJson.parse("[1, true]"));
    }
}
