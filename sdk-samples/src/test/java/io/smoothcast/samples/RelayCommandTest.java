package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.samples.RelayCommand.PayloadTypeFormat;
import io.smoothcast.transport.VideoPayloadFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The relay command's {@code --video-payload-format} and {@code --fan-out-threads} values. No sockets are opened. */
class RelayCommandTest {

    @Test
    void parse_readsPayloadTypeAndFormat_inAnyCase() {
        assertEquals(new PayloadTypeFormat(96, VideoPayloadFormat.H264), PayloadTypeFormat.parse("96=h264"));
        assertEquals(new PayloadTypeFormat(0, VideoPayloadFormat.H265), PayloadTypeFormat.parse("0=H265"));
        assertEquals(new PayloadTypeFormat(127, VideoPayloadFormat.GENERIC), PayloadTypeFormat.parse(" 127 = Generic "));
    }

    @Test
    void parse_rejectsMalformedValues_withAMessageForTheUser() {
        for (String bad : new String[] {"", "96", "=h264", "96=", "x=h264", "-1=h264", "128=h264", "96=vp8"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PayloadTypeFormat.parse(bad),
                    bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void option_isRepeatable_andListedInTheHelp() {
        StringWriter out = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("relay", "--help"));
        assertTrue(out.toString().contains("--video-payload-format=PT=FORMAT"), out.toString());

        RelayCommand command = new RelayCommand();
        new CommandLine(command).parseArgs("--video-payload-format", "96=h264", "--video-payload-format", "98=h265");
        assertEquals(java.util.List.of("96=h264", "98=h265"), command.videoPayloadFormats);
    }

    @Test
    void fanOutThreads_isListedInTheHelp_andOutOfRangeValuesAreRefusedWithExitCode2() {
        StringWriter out = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("relay", "--help"));
        assertTrue(out.toString().contains("--fan-out-threads=N"), out.toString());

        StringWriter err = new StringWriter();
        CommandLine refusing = SmoothcastCli.newCommandLine();
        refusing.setErr(new PrintWriter(err));
        assertEquals(2, refusing.execute("relay", "--fan-out-threads", "0"));
        assertTrue(err.toString().contains("--fan-out-threads"), err.toString());

        RelayCommand command = new RelayCommand();
        new CommandLine(command).parseArgs("--fan-out-threads", "3");
        assertEquals(3, command.fanOutThreads);
    }

    @Test
    void statusLine_showsTheStreamInfoRepeats_nextToTheStreams_andTheHelpExplainsThem() {
        CliRun.Result result = CliRun.run("relay", "--port", "0", "--duration", "0.3", "--status-interval", "100");

        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains(", streams 0 (info repeats 0), 0 pkt/s,"), result.out());
        assertTrue(result.out().contains(", tokens accepted 0 (expired, role kept 0) rejected 0, source rtx already held 0,"
                + " source probes already held 0, rate limited 0 (publishers over their cap 0)"), result.out());
        assertFalse(result.out().contains("HANDLER FAILURES"), "only when not 0: " + result.out());
        assertFalse(result.out().contains("ABUSE"), "only when not 0: " + result.out());
        assertFalse(result.out().contains("OVERLOAD"), "only when not 0: " + result.out());
        String help = CliRun.run("relay", "--help").out();
        assertTrue(help.contains("streams (info repeats:"), help);
        assertTrue(help.contains("ABUSE") && help.contains("OVERLOAD"), help);
        assertFalse(result.out().contains("RESTARTS"), "only when not 0: " + result.out());
        assertTrue(help.replaceAll("\\s+", " ").contains("RESTARTS (tracks whose publisher restarted"), help);
    }

    /** Each of the three counts keeps its own place and value; all 0, the part is left out. */
    @Test
    void restartsPart_showsSourceRestartsAndBothTakeoverCounts_onlyWhenNotAllZero() {
        assertEquals(", RESTARTS source restarts 3, session takeovers 5, takeovers held 7",
                RelayCommand.restarts(3, 5, 7));
        assertEquals(", RESTARTS source restarts 0, session takeovers 0, takeovers held 2",
                RelayCommand.restarts(0, 0, 2), "held alone (spoofing) is shown too");
        assertEquals("", RelayCommand.restarts(0, 0, 0));
    }

    @Test
    void aPortInUse_exitsWith1_andSaysWhatToChange() throws Exception {
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            CliRun.Result result = CliRun.run("relay", "--port", String.valueOf(taken.getLocalPort()), "--duration", "1");

            assertEquals(1, result.exitCode(), result.err());
            assertTrue(result.err().startsWith("relay: cannot listen on 127.0.0.1:" + taken.getLocalPort()), result.err());
            assertTrue(result.err().contains("choose another --port, or --port 0 for any free one"), result.err());
        }
    }
}
