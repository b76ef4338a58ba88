package io.smoothcast.benchmarks;

import io.smoothcast.abr.EncoderMode;
import io.smoothcast.benchmarks.scenarios.ScenarioHarness;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The network-scenario harness: runs RFC 8867 test cases and bandwidth traces in the network
 * simulator with our congestion controller and the baselines, and writes {@code summary.json}
 * plus a PNG chart per run.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.Scenarios --scenario all --out results/scenarios
 * java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.Scenarios --trace traces/norway/norway_bus_1 --rtt-ms 100 --loss 0.01 --duration-s 120 --out results/bus1
 * </pre>
 */
@Command(name = "Scenarios", mixinStandardHelpOptions = true,
        description = "Runs congestion-control scenarios in the network simulator.")
public final class Scenarios implements Callable<Integer> {

    /** Exit status for an unknown name, an unreadable trace or an out-of-range option. */
    static final int USAGE_ERROR = 2;

    static final class Source {
        @Option(names = "--scenario", paramLabel = "NAME|PREFIX*|all",
                description = "A scenario name, a name prefix ending in * (e.g. norway-*), or all."
                        + " --list shows the names.")
        String scenario;

        @Option(names = "--trace", paramLabel = "FILE",
                description = "A trace file (time_s<TAB>Mbps) to run as one media flow.")
        Path trace;

        @Option(names = "--list", description = "List the scenarios and controllers, then exit.")
        boolean list;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--rtt-ms", defaultValue = "100",
            description = "Propagation RTT of a --trace run, ms (default ${DEFAULT-VALUE}).")
    long rttMs;

    @Option(names = "--loss", defaultValue = "0",
            description = "Random loss probability of a --trace run (default ${DEFAULT-VALUE}).")
    double loss;

    @Option(names = "--duration-s",
            description = "Run length in seconds; overrides each scenario's own length.")
    Double durationS;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/scenarios",
            description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--traces-dir", paramLabel = "DIR",
            defaultValue = ScenarioHarness.DEFAULT_TRACES_DIR,
            description = "Directory of the twitch/, norway/ and fcc/ traces, relative to the "
                    + "working directory (default ${DEFAULT-VALUE}).")
    Path tracesDir;

    @Option(names = "--controllers", split = ",", paramLabel = "LABEL",
            description = "Controllers to compare (default: all).")
    List<String> controllers = new ArrayList<>();

    @Option(names = "--no-charts", negatable = false, description = "Skip the PNG charts.")
    boolean noCharts;

    @Option(names = "--seed", defaultValue = "1", description = "Simulator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--encoder", defaultValue = "LADDER", paramLabel = "LADDER|CONTINUOUS",
            description = "LADDER: the encoder runs at the ABR's rendition bitrates (QoE as in "
                    + "Pensieve); CONTINUOUS: it follows the target (default ${DEFAULT-VALUE}).")
    EncoderMode encoder;

    @Override
    public Integer call() throws Exception {
        if (source.list) {
            System.out.println("scenarios: " + String.join(" ", ScenarioHarness.scenarioNames(tracesDir)));
            System.out.println("controllers: " + String.join(" ", ScenarioHarness.controllerLabels()));
            return 0;
        }
        int runs;
        try {
            runs = ScenarioHarness.run(new ScenarioHarness.Options(source.scenario, source.trace,
                    rttMs, loss, durationS, out, tracesDir, controllers, !noCharts, seed, encoder),
                    System.out);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            return USAGE_ERROR;
        }
        System.out.println(runs + " runs written to " + out.resolve("summary.json"));
        return 0;
    }

    /**
     * Runs the command.
     *
     * @param args command-line arguments; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new Scenarios()).execute(args));
    }
}
