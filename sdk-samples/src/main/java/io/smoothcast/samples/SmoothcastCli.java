package io.smoothcast.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code smoothcast.jar}: the sample command-line tool for operators and app
 * developers. Subcommands (relay, broadcast, view, demo, probe, report, ...) are registered here
 * as they land.
 */
@Command(
        name = "smoothcast",
        mixinStandardHelpOptions = true,
        versionProvider = SmoothcastCli.Version.class,
        description = "Smoothcast: smooth live broadcasts across long, lossy paths.",
        subcommands = {
            RelayCommand.class,
            BroadcastCommand.class,
            ViewCommand.class,
            DemoCommand.class,
            IngestCommand.class,
            DashboardCommand.class,
            DiagCommand.class,
            ReportCommand.class,
            FailoverBenchCommand.class,
            ChaosCommand.class,
            LoadtestCommand.class,
            TokenCommand.class,
            ProbeCommand.class,
        },
        footer = {"", "Examples:", "  java -jar smoothcast.jar demo", "  java -jar smoothcast.jar relay --help", "  java -jar smoothcast.jar --version", "",
            "In the commands' examples, smoothcast stands for java -jar smoothcast.jar."})
public final class SmoothcastCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the tool.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** @return the configured picocli command line (also used by tests) */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new SmoothcastCli());
        cli.setParameterExceptionHandler(SmoothcastCli::reportBadArguments);
        return cli;
    }

    /**
     * A bad argument: the message (it names the option) and where to read more. picocli's own
     * handler prints the whole usage after the message, which pushed the one line that matters
     * off the top of the screen.
     */
    private static int reportBadArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for the options and examples.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public void run() {
        // No subcommand: show what there is.
        PrintWriter out = spec.commandLine().getOut();
        spec.commandLine().usage(out);
    }

    /** Reads the version that Maven filtered into {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"smoothcast " + version()};
        }

        static String version() {
            try (InputStream in = SmoothcastCli.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    return "unknown";
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
