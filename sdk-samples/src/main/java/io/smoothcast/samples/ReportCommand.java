package io.smoothcast.samples;

import io.smoothcast.history.HistoryWriter;
import io.smoothcast.samples.report.HistoryReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smoothcast report}: reads a statistics history directory and writes one self-contained
 * HTML report (stall and latency by region and hour, worst slots, bandwidth forecast, incidents
 * against their targets, advice).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a self-contained HTML report from a statistics history directory.",
        footer = {"", "Examples:", "  smoothcast report --history ./history -o report.html \\",
            "      --ladder 300000,800000,2500000",
            "", "Exit codes: 0 report written, 1 could not read the history or write the file, 2 bad arguments."})
public final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--history", required = true, description = "History directory (JSON lines).")
    Path history;

    @Option(names = "--prefix", defaultValue = HistoryWriter.DEFAULT_PREFIX,
            description = "History file prefix (default ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = {"-o", "--output"}, required = true, description = "HTML file to write.")
    Path output;

    @Option(names = "--ladder", split = ",", description = "The rendition ladder in bit/s, to find unused steps.")
    List<Long> ladderBps = List.of();

    @Override
    public Integer call() throws Exception {
        Arguments.check(spec, ladderBps.stream().allMatch(bps -> bps > 0), "--ladder",
                "steps must be > 0 bits/s: " + ladderBps);
        HistoryReport.Summary summary = HistoryReport.write(history, prefix, ladderBps, output);
        spec.commandLine().getOut().println("report written to " + output + ": " + summary.viewerSamples()
                + " viewer samples, " + summary.incidents() + " incident(s), " + summary.failovers() + " failover(s), "
                + summary.moves() + " node move(s), " + summary.advice() + " advice item(s)");
        return 0;
    }
}
