package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smoothcast.transport.RelayNode;
import io.smoothcast.transport.RelayStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code loadtest} against a real {@link RelayNode} on 127.0.0.1. */
class LoadtestCommandIT {

    @Test
    @Timeout(60)
    void smallLoad_reportsWhatTheNodeCarried(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("load.json");
        StringWriter out = new StringWriter();
        try (RelayNode relay = RelayNode.builder().build().start()) {
            InetSocketAddress a = relay.localAddress();
            CommandLine cli = SmoothcastCli.newCommandLine();
            cli.setOut(new PrintWriter(out));
            int exit = cli.execute("loadtest", "--node", a.getHostString() + ":" + a.getPort(), "--publishers", "2",
                    "--viewers", "30", "--ramp-up", "2", "--duration", "4", "--fps", "20", "--bitrate", "200000",
                    "--json", json.toString());
            assertEquals(0, exit, out.toString());
            RelayStats relayStats = relay.stats();
            JsonNode r = new ObjectMapper().readTree(json.toFile());
            String report = out.toString();
            assertEquals(30, r.get("viewersSubscribed").asLong(), report);
            assertEquals(2, r.get("publishers").asInt(), report);
            assertTrue(r.get("sentFrames").asLong() > 0, report);
            assertTrue(r.get("receivedPacketsPerSecond").asDouble() > 0, report);
            assertTrue(r.get("receivedBitsPerSecond").asDouble() > 0, report);
            assertTrue(r.get("latencySamples").asLong() > 0, report);
            assertTrue(r.get("latencyMsP50").asDouble() <= r.get("latencyMsP99").asDouble(), report);
            assertEquals(0, r.get("errorReplies").asLong(), report);
            assertEquals(0, r.get("joinFailures").asLong(), report);
            assertEquals(0, r.get("malformed").asLong(), report);
            // Everything the viewers counted came through the node.
            assertTrue(relayStats.packetsForwarded() >= r.get("receivedPackets").asLong(), report);
            for (String key : new String[] {"lossPercent", "lostPackets", "latencyMsP90", "latencyMsMax", "freezes",
                    "rejoins", "socketErrors", "measuredSeconds"}) {
                assertTrue(r.has(key), key + " missing: " + report);
            }
        }
    }

    @Test
    void badArguments_exit2NamingTheArgument() {
        assertUsageError("--viewers", "loadtest", "--node", "127.0.0.1:7000", "--viewers", "0");
        assertUsageError("--stream", "loadtest", "--node", "127.0.0.1:7000", "--publishers", "0");
        assertUsageError("--stream-prefix", "loadtest", "--node", "127.0.0.1:7000", "--stream-prefix", "a b");
        assertUsageError("--node", "loadtest", "--node", "127.0.0.1:notaport");
        assertUsageError("--node", "loadtest");
    }

    @Test
    void help_showsExamples() {
        StringWriter out = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("loadtest", "--help"));
        assertTrue(out.toString().contains("Examples:"), out.toString());
        assertTrue(out.toString().contains("--ramp-up"), out.toString());
    }

    private static void assertUsageError(String named, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute(args), err.toString());
        assertTrue(err.toString().contains(named), named + " not named in: " + err);
    }
}
