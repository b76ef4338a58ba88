package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenVerifier;
import io.smoothcast.transport.RelayNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The subcommands run in-process (picocli {@code execute}) on loopback, for a few seconds each. */
class CliEndToEndIT {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @Timeout(60)
    void broadcastAndView_throughARelay_deliverTheSyntheticStream() throws Exception {
        try (RelayNode relay = RelayNode.builder().build().start()) {
            String node = "127.0.0.1:" + relay.localAddress().getPort();
            Path file = dir.resolve("synthetic.bin");
            CompletableFuture<Run> view = CompletableFuture.supplyAsync(
                    () -> run("view", "--node", node, "--stream", "e2e", "--duration", "5", "--output", file.toString()));
            Run broadcast = run("broadcast", "--node", node, "--stream", "e2e", "--duration", "5");
            Run viewed = view.get();
            assertEquals(0, broadcast.exitCode(), broadcast.err());
            assertTrue(broadcast.out().contains("CONNECTED"), broadcast.out());
            assertEquals(0, viewed.exitCode(), viewed.err());
            Matcher frames = Pattern.compile("frames (\\d+)").matcher(viewed.out());
            long last = 0;
            while (frames.find()) {
                last = Long.parseLong(frames.group(1));
            }
            assertTrue(last > 0, viewed.out());
            assertTrue(Files.size(file) > 0, "nothing written to " + file);
        }
    }

    @Test
    @Timeout(60)
    void view_ofAStreamNobodyPublishes_exitsOneAndSaysWhy() {
        try (RelayNode relay = RelayNode.builder().build().start()) {
            Run viewed = run("view", "--node", "127.0.0.1:" + relay.localAddress().getPort(), "--stream", "nobody",
                    "--duration", "1");
            assertEquals(1, viewed.exitCode(), viewed.out());
            assertTrue(viewed.err().contains("no video") && viewed.err().contains("nobody"), viewed.err());
        }
    }

    @Test
    @Timeout(60)
    void view_refusedForAMissingToken_saysSoNamingTheNodeOnce() {
        // ConnectionOutcome reads the SDK's refusal reason: this keeps the two wordings in step.
        TokenVerifier verifier = TokenVerifier.builder()
                .addKey(TokenKey.of("k1", HexFormat.of().parseHex("00112233445566778899aabbccddeeff"
                        + "00112233445566778899aabbccddeeff")))
                .build();
        try (RelayNode relay = RelayNode.builder().tokenVerifier(verifier).build().start()) {
            String node = "127.0.0.1:" + relay.localAddress().getPort();
            Run viewed = run("view", "--node", node, "--stream", "show", "--duration", "2");
            assertEquals(1, viewed.exitCode(), viewed.out());
            assertTrue(viewed.err().contains("view: node " + node + " refused to play stream 'show' (SUBSCRIBE: code 10"
                    + " UNAUTHORIZED "), viewed.err());
            assertEquals(viewed.err().indexOf("node "), viewed.err().lastIndexOf("node "), viewed.err());
        }
    }

    /** The summary's last column: moves while the node still answered, "0" or "reason N, reason N". */
    private static final String SWITCHES = "(?:0|[a-z_]+ \\d+(?:, [a-z_]+ \\d+)*)";

    @Test
    @Timeout(90)
    void demo_runsEveryViewerAndFailsOverFromTheKilledNode() {
        Run demo = run("demo", "--duration", "8", "--kill-at", "2", "--status-interval", "500");
        assertEquals(0, demo.exitCode(), demo.out() + demo.err());
        assertTrue(demo.out().contains("killed relay sa-east"), demo.out());
        String summary = demo.out().substring(demo.out().indexOf("Summary"));
        for (String viewer : new String[] {"clean", "norway-3g", "interconti"}) {
            assertTrue(summary.contains(viewer), summary);
        }
        // interconti watched through sa-east: after the kill it must have moved once; the others never.
        // interconti's failover comes from the SDK's connection events: its resume time is shown.
        assertTrue(Pattern.compile("interconti .* \\d+ ms +\\d+ ms +1 +0 +" + SWITCHES + "\\R").matcher(summary).find(),
                summary);
        assertTrue(demo.out().contains("interconti CONNECTED after "), demo.out());
        Matcher row = Pattern.compile("(clean|norway-3g|interconti) .* ms +(\\d+) +(\\d+) +" + SWITCHES + "\\R")
                .matcher(summary);
        int rows = 0;
        while (row.find()) {
            rows++;
            int failovers = Integer.parseInt(row.group(2));
            assertEquals(row.group(1).equals("interconti") ? 1 : 0, failovers, row.group());
            assertEquals(0, Integer.parseInt(row.group(3)), "corrupt frames: " + row.group());
        }
        assertEquals(3, rows, summary);
    }
}
