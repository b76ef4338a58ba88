package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code failover-bench} end to end with one kill per mode (real relays on 127.0.0.1). */
class FailoverBenchCommandIT {

    @Test
    @Timeout(120)
    void oneKillPerMode_writesEveryFigure_andRedundancyLosesNothing(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("failover.json");
        StringWriter out = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("failover-bench", "--kills", "1", "--settle-ms", "500", "--json", json.toString()));
        String text = Files.readString(json, StandardCharsets.UTF_8);
        for (String key : new String[] {"resumeMsP50", "resumeMsP95", "resumeMsMax", "framesLost",
                "redundantFramesLost", "probeMs", "ingestSwitchMs", "ingestViewerGapMsMax", "ingestFramesLost"}) {
            assertTrue(text.contains("\"" + key + "\""), key + " missing: " + text);
        }
        assertEquals(0, number(text, "unresumedKills"), text);
        assertEquals(0, number(text, "redundantFramesLost"), "redundancy: zero frames lost\n" + out);
        assertTrue(number(text, "resumeMsMax") > 0, text);
        assertTrue(number(text, "probeMs") >= 0, text);
        assertTrue(text.contains("\"ingestStartedOnLossyNode\": true"), "started on the lossy node\n" + out);
        // NodeSwitchIT holds the move to exactly one switch; here, on a machine that may stall
        // the emulator's thread long enough to look like a dead node, a failover also counts.
        assertEquals(1, number(text, "ingestSwitches") + number(text, "ingestFailovers"),
                "the broadcaster left the lossy ingest path once\n" + out);
    }

    @Test
    void badKillCount_isAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("failover-bench", "--kills", "0"));
        assertTrue(err.toString().contains("--kills"), err.toString());
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.]+)").matcher(json);
        assertTrue(m.find(), key);
        return Double.parseDouble(m.group(1));
    }
}
