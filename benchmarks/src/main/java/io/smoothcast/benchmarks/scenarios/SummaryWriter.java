package io.smoothcast.benchmarks.scenarios;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes {@code summary.json}: a JSON array with one {@link Summary} object per run. */
final class SummaryWriter {

    private SummaryWriter() {
    }

    static void write(Path file, List<Summary> summaries) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), summaries);
    }
}
