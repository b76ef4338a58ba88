package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every subcommand explains itself and names the argument that is wrong. No sockets are opened. */
class CliArgumentsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void everySubcommand_hasHelpWithExamples() {
        java.util.Set<String> commands = SmoothcastCli.newCommandLine().getSubcommands().keySet();
        assertEquals(13, commands.size(), commands.toString());
        for (String command : commands) {
            out.getBuffer().setLength(0);
            assertEquals(0, run(command, "--help"), command);
            String help = out.toString();
            assertTrue(help.contains("Usage: smoothcast " + command), help);
            assertTrue(help.contains("Examples:") && help.contains("smoothcast " + command), help);
            assertTrue(help.contains("Exit codes:"), help);
        }
    }

    @Test
    void topLevelHelp_listsTheSubcommands() {
        assertEquals(0, run("--help"));
        for (String command : new String[] {"relay", "broadcast", "view", "demo", "ingest"}) {
            assertTrue(out.toString().contains("  " + command), out.toString());
        }
    }

    @Test
    void badValues_areUsageErrorsNamingTheOption() {
        assertUsageError("--port", "relay", "--port", "70000");
        assertUsageError("--video-payload-format", "relay", "--video-payload-format", "96");
        assertUsageError("--video-payload-format", "relay", "--video-payload-format", "128=h264");
        assertUsageError("--video-payload-format", "relay", "--video-payload-format", "96=vp8");
        assertUsageError("--node", "broadcast", "--node", "localhost:http");
        assertUsageError("--node", "view");
        assertUsageError("--fps", "broadcast", "--node", "7000", "--fps", "0");
        assertUsageError("--start-bitrate", "broadcast", "--node", "7000", "--start-bitrate", "9000000");
        assertUsageError("--input", "broadcast", "--node", "7000", "--input", "x.mp4");
        assertUsageError("--source", "broadcast", "--node", "7000", "--source", "camera");
        assertUsageError("--stream", "view", "--node", "7000", "--stream", "no spaces allowed");
        assertUsageError("--duration", "demo", "--duration", "-1");
        assertUsageError("--kill-at", "demo", "--duration", "5", "--kill-at", "9");
        assertUsageError("--output", "view", "--node", "7000", "--output", "/no/such/dir/x.h264");
        assertUsageError("--listen", "ingest", "--node", "7000");
        assertUsageError("--ffmpeg", "broadcast", "--node", "7000", "--source", "ffmpeg", "--ffmpeg", "/no/such/ffmpeg");
        assertUsageError("--video-pt", "ingest", "--listen", "0", "--node", "7000", "--video-pt", "72");
        assertUsageError("--audio-pt", "ingest", "--listen", "0", "--node", "7000", "--audio-pt", "96");
        assertUsageError("--node", "probe");
        assertUsageError("--node", "probe", "--node", "localhost:x");
        assertUsageError("--node", "probe", "--node", "bad region!=127.0.0.1:7000");
        assertUsageError("--node", "probe", "--node", "127.0.0.1:7000,127.0.0.1:7000");
        assertUsageError("--pings", "probe", "--node", "7000", "--pings", "1");
        assertUsageError("--json", "probe", "--node", "7000", "--json", "/no/such/dir/p.json");
    }

    private static DashboardCommand parsedDashboard(String... args) {
        CommandLine cli = SmoothcastCli.newCommandLine();
        String[] all = new String[args.length + 1];
        all[0] = "dashboard";
        System.arraycopy(args, 0, all, 1, args.length);
        return (DashboardCommand) cli.parseArgs(all).subcommand().commandSpec().userObject();
    }

    @Test
    void dashboard_takesTheOtherCommandsOptionNames_andStillItsOlderOnes() {
        DashboardCommand common = parsedDashboard("--http-port", "9000", "--duration", "5");
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9000), common.httpAddress());
        assertEquals(5, common.durationS);

        DashboardCommand older = parsedDashboard("--http", "127.0.0.1:9001", "--duration-s", "6");
        assertEquals(new InetSocketAddress("127.0.0.1", 9001), older.httpAddress());
        assertEquals(6, older.durationS);

        DashboardCommand defaults = parsedDashboard();
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), DashboardCommand.DEFAULT_HTTP_PORT),
                defaults.httpAddress());
        assertEquals(0, defaults.durationS, "runs until interrupted");

        assertEquals(0, run("dashboard", "--help"));
        String help = out.toString();
        assertTrue(help.contains("--http-port=PORT") && help.contains("--http=HOST:PORT"), help);
        assertTrue(help.contains("--duration, --duration-s=SECONDS"), help);
    }

    @Test
    void dashboard_badOrDoubledHttpAddress_isAUsageError_beforeAnythingStarts() {
        assertUsageError("--http-port", "dashboard", "--http-port", "8081", "--http", "127.0.0.1:8082");
        assertUsageError("--http-port", "dashboard", "--http-port", "70000");
        assertUsageError("--http", "dashboard", "--http", "8080");
        assertUsageError("--http", "dashboard", "--http", "127.0.0.1:x");
        assertUsageError("--duration", "dashboard", "--duration-s", "-1");
        assertTrue(out.toString().isEmpty(), "nothing should have started: " + out);
    }

    @Test
    void dashboard_lossOutsideItsRange_isAUsageError_beforeAnythingStarts() {
        // --http-port 0 and --duration 1: should a check be missing, the run ends by itself.
        for (String loss : new String[] {"0.6", "5", "-0.01", "NaN"}) {
            assertUsageError("--loss", "dashboard", "--http-port", "0", "--duration", "1", "--loss", loss);
            assertTrue(err.toString().contains("0-0.5"), "the error gives the range: " + err);
        }
        assertUsageError("--viewers", "dashboard", "--http-port", "0", "--duration", "1", "--viewers", "-1");
        assertUsageError("--lossy-viewers", "dashboard", "--http-port", "0", "--duration", "1", "--lossy-viewers", "-1");
        assertUsageError("--bitrate", "dashboard", "--http-port", "0", "--duration", "1", "--bitrate", "0");
        assertTrue(out.toString().isEmpty(), "nothing should have started: " + out);
        assertEquals(0, run("dashboard", "--help"));
        String help = out.toString().replaceAll("\\s+", " "); // as picocli wraps it
        assertTrue(help.contains("a fraction 0-0.5 (0.05 is 5 %)"), help);
    }

    @Test
    void numericOptionsOutOfRange_areUsageErrors_beforeAnythingStarts(@TempDir Path dir) {
        String history = dir.toString();
        String output = dir.resolve("out").toString();
        assertUsageError("--records", "diag", "--history", history, "--records", "0", "-o", output);
        assertUsageError("--ladder", "report", "--history", history, "--ladder", "500000,-1", "-o", output);
        assertUsageError("--settle-ms", "failover-bench", "--kills", "1", "--settle-ms", "-1");
        assertUsageError("--kills", "failover-bench", "--kills", "0");
        assertUsageError("--frame-interval-ms", "failover-bench", "--frame-interval-ms", "0");
        assertTrue(out.toString().isEmpty(), "nothing should have started: " + out);
    }

    @Test
    void historyInAnUnwritablePlace_isAUsageErrorNamingHistory_beforeAnythingStarts(@TempDir Path dir)
            throws IOException {
        // Below a regular file no directory can be made, even as root (chmod would not stop root).
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        String history = file.resolve("history").toString();
        assertUsageError("--history", "demo", "--duration", "1", "--history", history);
        assertTrue(err.toString().contains(history), err.toString());
        assertUsageError("--history", "dashboard", "--http", "127.0.0.1:0", "--history", history);
        assertTrue(out.toString().isEmpty(), "nothing should have started: " + out);
    }

    private void assertUsageError(String option, String... args) {
        err.getBuffer().setLength(0);
        assertEquals(2, run(args), String.join(" ", args) + "\n" + err);
        assertTrue(err.toString().contains(option), "error should name " + option + ": " + err);
    }
}
