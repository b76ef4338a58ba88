package io.smoothcast.samples.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the HTML report of a history directory; the entry point of the {@code report} command.
 *
 * <p>Stateless; thread-safe.
 */
public final class HistoryReport {

    /**
     * What was reported.
     *
     * @param viewerSamples viewer snapshots read
     * @param incidents incidents found
     * @param advice advice items given
     * @param failovers failovers of viewers and broadcasters seen in the history
     * @param moves their moves to another node while the node still answered, every reason
     */
    public record Summary(int viewerSamples, int incidents, int advice, long failovers, long moves) {
    }

    private HistoryReport() {
    }

    /**
     * @param historyDirectory the history directory; not null
     * @param filePrefix the history file prefix; not empty
     * @param ladderBps the rendition ladder, bits per second (may be empty)
     * @param output the HTML file to write; not null
     * @return what the report holds
     * @throws IOException if the history cannot be read or the report written
     */
    public static Summary write(Path historyDirectory, String filePrefix, List<Long> ladderBps, Path output)
            throws IOException {
        if (historyDirectory == null || output == null || ladderBps == null) {
            throw new IllegalArgumentException("historyDirectory, ladderBps and output must not be null");
        }
        HistoryData data = HistoryData.read(historyDirectory, filePrefix);
        ReportModel model = new ReportModel(data, ladderBps);
        Files.writeString(output, ReportHtml.render(model), StandardCharsets.UTF_8);
        return new Summary(data.receive.size(), model.incidents.size(), model.advice.size(),
                model.failovers.stream().mapToLong(ReportModel.Failover::count).sum(),
                model.moves.stream().mapToLong(ReportModel.Move::count).sum());
    }
}
