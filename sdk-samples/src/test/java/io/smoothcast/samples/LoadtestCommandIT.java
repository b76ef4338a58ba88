package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenVerifier;
import io.smoothcast.transport.RelayNode;
import io.smoothcast.transport.RelayStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HexFormat;
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
            JsonNode window = r.get("window");
            JsonNode total = r.get("sinceStartIncludingRampUp");
            assertTrue(window.get("seconds").asDouble() >= 4, report);
            assertTrue(window.get("receivedPacketsPerSecond").asDouble() > 0, report);
            assertTrue(window.get("receivedBitsPerSecond").asDouble() > 0, report);
            assertTrue(window.get("sentFramesPerSecond").asDouble() > 0, report);
            assertTrue(window.get("latencySamples").asLong() > 0, report);
            assertTrue(window.get("latencyMsP50").asDouble() <= window.get("latencyMsP99").asDouble(), report);
            assertTrue(total.get("sentFrames").asLong() > 0, report);
            // The window is part of the run: its counts never exceed the totals since the start.
            for (String key : new String[] {"receivedPackets", "lostPackets", "latencySamples", "frames", "freezes"}) {
                assertTrue(window.get(key).asLong() <= total.get(key).asLong(), key + ": " + report);
            }
            assertTrue(window.get("receivedPackets").asLong() < total.get("receivedPackets").asLong(),
                    "the ramp-up's packets are in the totals only: " + report);
            for (JsonNode section : new JsonNode[] {window, total}) {
                assertEquals(0, section.get("errorReplies").asLong(), report);
                assertEquals(0, section.get("joinFailures").asLong(), report);
                assertEquals(0, section.get("malformed").asLong(), report);
                for (String key : new String[] {"lossPercent", "lostPackets", "latencyMsP90", "latencyMsMax", "freezes",
                        "rejoins", "socketErrors"}) {
                    assertTrue(section.has(key), key + " missing: " + report);
                }
            }
            // Everything the viewers counted came through the node.
            assertTrue(relayStats.packetsForwarded() >= total.get("receivedPackets").asLong(), report);
        }
    }

    @Test
    @Timeout(60)
    void nodeRequiringTokens_isLoadedWithMintedTokens_andRefusesARunWithout(@TempDir Path dir) throws Exception {
        String secret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        TokenVerifier verifier = TokenVerifier.builder().addKey(TokenKey.of("k1", HexFormat.of().parseHex(secret)))
                .build();
        try (RelayNode relay = RelayNode.builder().tokenVerifier(verifier).build().start()) {
            String node = relay.localAddress().getHostString() + ":" + relay.localAddress().getPort();
            JsonNode with = loadtest(dir.resolve("with.json"), "--node", node, "--publishers", "1", "--viewers", "5",
                    "--ramp-up", "1", "--duration", "2", "--fps", "20", "--bitrate", "100000",
                    "--token-key", "k1=" + secret);
            assertEquals(5, with.get("viewersSubscribed").asLong(), with.toString());
            assertEquals(1, with.get("publishersConnected").asLong(), with.toString());
            assertTrue(with.get("window").get("receivedPacketsPerSecond").asDouble() > 0, with.toString());
            assertEquals(0, with.get("sinceStartIncludingRampUp").get("errorReplies").asLong(), with.toString());
            assertTrue(relay.stats().tokensAccepted() >= 6, "1 publisher and 5 viewers showed tokens");

            JsonNode without = loadtest(dir.resolve("without.json"), "--node", node, "--publishers", "0",
                    "--stream", "loadtest-0", "--viewers", "5", "--ramp-up", "0", "--duration", "1");
            assertEquals(0, without.get("viewersSubscribed").asLong(), without.toString());
            assertTrue(without.get("sinceStartIncludingRampUp").get("errorReplies").asLong() >= 5, without.toString());
        }
    }

    private static JsonNode loadtest(Path json, String... args) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        String[] all = new String[args.length + 4];
        all[0] = "loadtest";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--quiet";
        all[args.length + 2] = "--json";
        all[args.length + 3] = json.toString();
        assertEquals(0, cli.execute(all), out.toString());
        return new ObjectMapper().readTree(json.toFile());
    }

    @Test
    void badArguments_exit2NamingTheArgument() {
        assertUsageError("--viewers", "loadtest", "--node", "127.0.0.1:7000", "--viewers", "0");
        assertUsageError("--stream", "loadtest", "--node", "127.0.0.1:7000", "--publishers", "0");
        assertUsageError("--stream-prefix", "loadtest", "--node", "127.0.0.1:7000", "--stream-prefix", "a b");
        assertUsageError("--node", "loadtest", "--node", "127.0.0.1:notaport");
        assertUsageError("--node", "loadtest");
        assertUsageError("--token-key", "loadtest", "--node", "127.0.0.1:7000", "--token-key", "nokey");
        assertUsageError("--token", "loadtest", "--node", "127.0.0.1:7000", "--token", "abc");
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
