package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smoothcast.transport.NodeInfo;
import io.smoothcast.transport.RelayNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code probe} against real relays on loopback and a socket that never answers. */
class ProbeCommandIT {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    @Timeout(60)
    void ranksLiveRelaysFirst_recommendsOne_andWritesTheSameReportAsJson() throws Exception {
        try (RelayNode euWest = RelayNode.builder().build().start();
                RelayNode apEast = RelayNode.builder().build().start();
                DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String eu = "127.0.0.1:" + euWest.localAddress().getPort();
            String ap = "127.0.0.1:" + apEast.localAddress().getPort();
            String dead = "127.0.0.1:" + silent.getLocalPort();
            Path json = dir.resolve("probe.json");

            int code = run("probe", "--node", "dead=" + dead + ",eu-west=" + eu, "--node", "ap-east=" + ap,
                    "--pings", "4", "--json", json.toString());

            assertEquals(0, code, out + " / " + err);
            String text = out.toString();
            List<String> rows = text.lines().filter(l -> l.contains("127.0.0.1:") && !l.startsWith("recommended")).toList();
            assertEquals(3, rows.size(), text);
            assertTrue(rows.get(0).trim().startsWith("1 ") && rows.get(1).trim().startsWith("2 "), text);
            assertTrue(rows.get(2).contains(dead) && rows.get(2).contains("unreachable"), text);
            JsonNode report = new ObjectMapper().readTree(json.toFile());
            String recommended = report.get("recommended").asText();
            assertTrue(recommended.equals(eu) || recommended.equals(ap), recommended);
            assertTrue(text.contains("recommended: " + recommended), text);
            assertTrue(report.get("startBitrateBps").asLong() > 0, report.toString());
            JsonNode ranked = report.get("ranked");
            assertEquals(3, ranked.size(), report.toString());
            assertEquals(recommended, ranked.get(0).get("address").asText());
            assertTrue(ranked.get(0).get("rttMs").asDouble() >= 0, report.toString());
            assertEquals(0, ranked.get(0).get("clients").asInt(), report.toString());
            JsonNode last = ranked.get(2);
            assertEquals(dead, last.get("address").asText());
            assertEquals("dead", last.get("region").asText());
            assertFalse(last.get("reachable").asBoolean());
            assertEquals(1.0, last.get("lossFraction").asDouble());
            assertTrue(last.get("rttMs").isNull() && last.get("score").isNull(), last.toString());
        }
    }

    @Test
    @Timeout(60)
    void discover_probesTheClusterMembersTheSeedKnows() {
        try (RelayNode other = RelayNode.builder().build().start()) {
            InetSocketAddress otherAddress = new InetSocketAddress("127.0.0.1", other.localAddress().getPort());
            try (RelayNode seed = RelayNode.builder().members(List.of(new NodeInfo(otherAddress, "sa-east"))).build()
                    .start()) {
                int code = run("probe", "--node", "127.0.0.1:" + seed.localAddress().getPort(), "--discover",
                        "--pings", "3");
                assertEquals(0, code, out + " / " + err);
                assertTrue(out.toString().contains("discovered 1 members"), out.toString());
                assertTrue(out.toString().contains("recommended: 127.0.0.1:" + otherAddress.getPort() + " (sa-east)"),
                        out.toString());
            }
        }
    }

    @Test
    @Timeout(60)
    void noNodeAnswering_exitsOneAndSaysSo() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertEquals(1, run("probe", "--node", "127.0.0.1:" + silent.getLocalPort(), "--pings", "2"), out.toString());
            assertTrue(err.toString().contains("no node answered"), err.toString());
            assertFalse(out.toString().contains("recommended:"), out.toString());
        }
    }
}
