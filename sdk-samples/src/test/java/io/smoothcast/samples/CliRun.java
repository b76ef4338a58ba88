package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code smoothcast} command line in-process with captured output, for the argument tests. */
final class CliRun {

    /** What one run printed and returned. */
    record Result(int exitCode, String out, String err) {
    }

    private CliRun() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exitCode = cli.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** Fails unless {@code args} is a usage error (exit code 2) whose message names {@code option}. */
    static void assertUsageError(String option, String... args) {
        Result result = run(args);
        assertEquals(2, result.exitCode(), String.join(" ", args) + "\n" + result.err());
        assertTrue(result.err().contains(option), "error should name " + option + ": " + result.err());
    }
}
