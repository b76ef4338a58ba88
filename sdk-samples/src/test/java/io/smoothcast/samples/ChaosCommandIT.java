package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code chaos} in its short CI mode: 20 viewers, 3 relay nodes, 20 s per failover mode, on
 * 127.0.0.1 with real nodes, emulators and clients. The long mode is the same command with
 * {@code --duration}.
 */
class ChaosCommandIT {

    @Test
    @Timeout(180)
    void shortRun_everyViewerRecovers_framesIntact_redundancyLosesNone(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("chaos.json");
        StringWriter out = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("chaos", "--duration", "20", "--viewers", "20", "--seed", "42", "--json", json.toString());
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        String report = out.toString();
        assertEquals(2, result.get("runs").size(), report);
        for (JsonNode run : result.get("runs")) {
            String mode = run.get("mode").asText();
            int faults = run.get("faults").asInt();
            assertTrue(faults >= 2, mode + ": a 20 s plan holds at least two faults\n" + report);
            assertEquals("KILL", run.get("faultLog").get(0).get("kind").asText(), report);
            assertEquals(0, run.get("viewersNeverPlaying").asLong(), mode + " viewers never playing\n" + report);
            assertEquals(0, run.get("unrecovered").asLong(), mode + " unrecovered viewers\n" + report);
            assertEquals(faults * 20L, run.get("recoveries").asLong(), mode + " recoveries\n" + report);
            assertEquals(0, run.get("framesCorrupted").asLong(), mode + " corrupted\n" + report);
            assertEquals(0, run.get("framesDuplicated").asLong(), mode + " duplicated\n" + report);
            assertEquals(0, run.get("framesOutOfOrder").asLong(), mode + " out of order\n" + report);
            assertTrue(run.get("framesSent").asLong() > 300, mode + " frames sent\n" + report);
            if (mode.equals("redundant")) {
                assertEquals(0, run.get("framesLost").asLong(), "redundancy loses no frame\n" + report);
            }
        }
        assertTrue(result.get("invariantsHold").asBoolean(), report);
        assertEquals(0, exit, report);
    }

    @Test
    void badViewerCount_isAUsageErrorNamingTheOption() {
        StringWriter err = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("chaos", "--viewers", "0"));
        assertTrue(err.toString().contains("--viewers"), err.toString());
    }
}
