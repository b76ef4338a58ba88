package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.Severity;
import io.smoothcast.history.HistoryWriter;
import io.smoothcast.stats.ReceiveStreamStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DiagCommandTest {

    @TempDir
    Path dir;

    @Test
    void offlineBundle_holdsLatestHistoryConfigAndLogTail_withSecretsRedacted() throws Exception {
        Path history = dir.resolve("history");
        long[] wallMs = {1_700_000_000_000L};
        try (HistoryWriter w = HistoryWriter.builder(history).wallClockMs(() -> wallMs[0]).build()) {
            for (int i = 0; i < 10; i++) {
                wallMs[0] += 1000;
                w.append(ReceiveStreamStats.builder("match").endpointId("v" + i).timestampNs(i).build());
            }
            w.append(new AlertEvent(AlertEvent.Type.RAISED, 1, "stream-down", Severity.P0, "media_age_ms", 6000,
                    5000, "match", "", "fra", "eu", 10, 10, 1, 1, "no media; token=abc123"));
        }
        Path config = dir.resolve("relay.properties");
        Files.writeString(config, "bind=0.0.0.0:5004\ntoken.secret=topsecret\n");
        Path log = dir.resolve("relay.log");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            lines.add("line " + i + (i == 599 ? " password=hunter2" : ""));
        }
        Files.write(log, lines);
        Path out = dir.resolve("bundle.json");

        StringWriter stdout = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine().setOut(new PrintWriter(stdout));
        int code = cli.execute("diag", "--history", history.toString(), "--config", config.toString(),
                "--log", log.toString(), "--records", "5", "-o", out.toString());
        assertEquals(0, code, stdout.toString());

        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertFalse(text.contains("topsecret"), "config secret leaked");
        assertFalse(text.contains("hunter2"), "log secret leaked");
        assertFalse(text.contains("abc123"), "alert detail secret leaked");
        JsonNode bundle = new ObjectMapper().readTree(text);
        assertEquals("smoothcast-diagnostics", bundle.get("format").asText());
        assertEquals("0.0.0.0:5004", bundle.get("configuration").get("bind").asText());
        assertEquals("<redacted>", bundle.get("configuration").get("token.secret").asText());
        JsonNode records = bundle.get("history");
        assertEquals(5, records.size(), "only the latest --records");
        assertEquals("alert", records.get(4).get("type").asText());
        assertEquals("v9", records.get(3).get("value").get("endpointId").asText());
        JsonNode logTail = bundle.get("log");
        assertEquals(500, logTail.size());
        assertEquals("line 100", logTail.get(0).asText());
        assertTrue(logTail.get(499).asText().endsWith("password=<redacted>"), logTail.get(499).asText());
        assertTrue(bundle.get("system").get("availableProcessors").asInt() >= 1);
    }

    @Test
    void withoutASource_theCommandFailsWithUsage() {
        StringWriter err = new StringWriter();
        int code = SmoothcastCli.newCommandLine().setErr(new PrintWriter(err)).execute("diag", "-o", "x.json");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--from") || err.toString().contains("--history"), err.toString());
    }
}
