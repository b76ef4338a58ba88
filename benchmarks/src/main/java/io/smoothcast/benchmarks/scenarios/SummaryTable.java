package io.smoothcast.benchmarks.scenarios;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code summary.md}: the same runs as {@code summary.json} as one Markdown table, ready
 * to paste into BENCHMARKS.md. A dash marks a value that does not apply (null in the JSON).
 */
final class SummaryTable {

    private SummaryTable() {
    }

    static void write(Path file, List<Summary> summaries) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario | controller | util | q50 ms | q95 ms | loss | conv ms | ramp ms"
                + " | fair | stall | kbps | switches | QoE_lin |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Summary s : summaries) {
            sb.append("| ").append(s.scenario()).append(" | ").append(s.controller())
                    .append(" | ").append(format(s.utilization(), 2))
                    .append(" | ").append(format(s.queueDelayP50Ms(), 0))
                    .append(" | ").append(format(s.queueDelayP95Ms(), 0))
                    .append(" | ").append(format(s.lossRate(), 3))
                    .append(" | ").append(format(s.convergenceMs(), 0))
                    .append(" | ").append(format(s.rampUpMs(), 0))
                    .append(" | ").append(format(s.fairnessMinRatio(), 2))
                    .append(" | ").append(format(s.stallRatio(), 3))
                    .append(" | ").append(format(s.avgBitrateKbps(), 0))
                    .append(" | ").append(s.switches())
                    .append(" | ").append(format(s.qoeLin(), 2))
                    .append(" |\n");
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    private static String format(Double value, int decimals) {
        return value == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
