package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code chaos} in its short CI mode: 20 viewers, 3 relay nodes, 20 s per failover mode, on
 * 127.0.0.1 with real nodes, emulators and clients. The long mode is the same command with
 * {@code --duration}.
 *
 * <p>Two runs, each asserting every promise: every viewer recovers from every fault; frames
 * intact, in order, once; redundant mode loses none. The first has node kills alone (seed 42);
 * the second kills, loss bursts and capacity drops on one node's downlink at a time (seed 4: a
 * kill, a loss burst, a capacity drop, a kill), so in redundant mode one path always stays
 * intact. Impairments of every path at once ({@code --impair-all-paths}) lose frames in any mode
 * and are measured by hand (BENCHMARKS.md, "Chaos").
 */
class ChaosCommandIT {

    @Test
    @Timeout(180)
    void killsOnly_everyViewerRecovers_framesIntact_redundantLosesNone(@TempDir Path dir) throws Exception {
        JsonNode result = run(dir, "42", "--kills-only");
        for (JsonNode run : result.get("runs")) {
            assertTrue(run.get("faults").asInt() >= 2, "a 20 s plan holds at least two kills\n" + result);
            assertEveryPromise(run, result);
        }
    }

    @Test
    @Timeout(180)
    void killsLossBurstsAndCapacityDrops_everyViewerRecovers_framesIntact_redundantLosesNone(@TempDir Path dir)
            throws Exception {
        JsonNode result = run(dir, "4");
        for (JsonNode run : result.get("runs")) {
            List<String> kinds = new ArrayList<>();
            run.get("faultLog").forEach(fault -> kinds.add(fault.get("kind").asText()));
            assertTrue(kinds.contains("LOSS_BURST") && kinds.contains("CAPACITY_DROP"), kinds + "\n" + result);
            assertEveryPromise(run, result);
        }
    }

    /** Every viewer recovered from every fault, frames intact, and redundant mode lost none. */
    private static void assertEveryPromise(JsonNode run, JsonNode result) {
        String mode = run.get("mode").asText();
        int faults = run.get("faults").asInt();
        assertIntact(run, result);
        assertEquals(0, run.get("unrecovered").asLong(), mode + " unrecovered viewers\n" + result);
        assertEquals(faults * 20L, run.get("recoveries").asLong(), mode + " recoveries\n" + result);
        assertEquals(0, run.get("viewersBehind").size(), mode + " viewers left behind\n" + result);
        if (mode.equals("redundant")) {
            // One intact path must mean no loss. The summary's viewersLosing says, for a viewer
            // that lost a frame, which nodes carried it over time, its NACKs and retransmissions
            // and when the missing frames were sent; schedulingStalls says whether this JVM's
            // threads were held off the CPU at that moment.
            assertEquals(0, run.get("framesLost").asLong(), "redundancy lost frames\n" + result);
        }
    }

    /** Every viewer played; no frame corrupted, duplicated or out of order. */
    private static void assertIntact(JsonNode run, JsonNode result) {
        String mode = run.get("mode").asText();
        assertEquals("KILL", run.get("faultLog").get(0).get("kind").asText(), result.toString());
        assertTrue(run.get("framesSent").asLong() > 300, mode + " frames sent\n" + result);
        assertEquals(0, run.get("viewersNeverPlaying").asLong(), mode + " viewers never playing\n" + result);
        assertEquals(0, run.get("framesCorrupted").asLong(), mode + " corrupted\n" + result);
        assertEquals(0, run.get("framesDuplicated").asLong(), mode + " duplicated\n" + result);
        assertEquals(0, run.get("framesOutOfOrder").asLong(), mode + " out of order\n" + result);
    }

    private static JsonNode run(Path dir, String seed, String... extra) throws Exception {
        Path json = dir.resolve("chaos.json");
        StringWriter out = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        String[] args = {"chaos", "--duration", "20", "--viewers", "20", "--seed", seed, "--json", json.toString()};
        String[] all = new String[args.length + extra.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        int exit = cli.execute(all);
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, result.get("runs").size(), out.toString());
        assertEquals(result.get("invariantsHold").asBoolean() ? 0 : 1, exit, "exit status follows the invariants");
        return result;
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
