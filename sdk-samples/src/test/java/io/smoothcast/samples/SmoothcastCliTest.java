package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SmoothcastCliTest {

    @Test
    void version_printsProjectVersion() {
        StringWriter out = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--version"));
        assertTrue(out.toString().startsWith("smoothcast 0.1.0"), out.toString());
    }

    @Test
    void unknownOption_failsWithUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("--no-such-option"));
        assertTrue(err.toString().contains("--no-such-option"), err.toString());
    }

    @Test
    void badValue_printsTheMessageAndWhereToLook_notTheWholeUsage() {
        CliRun.Result result = CliRun.run("view", "--node", "127.0.0.1:7000", "--stream", "my show");

        assertEquals(2, result.exitCode());
        String[] lines = result.err().strip().split("\\R");
        assertTrue(lines[0].startsWith("Invalid value for option '--stream': streamId must be 1 to 64 characters"),
                result.err());
        assertEquals("Run 'smoothcast view --help' for the options and examples.", lines[lines.length - 1]);
        assertTrue(!result.err().contains("Usage:"), result.err());
    }
}
