package io.smoothcast.samples.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.smoothcast.alert.AlertEvent;
import io.smoothcast.history.HistoryRecord;
import io.smoothcast.transport.NodeSwitchEvent;
import io.smoothcast.transport.OpsSnapshot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON file for support: when and where it was made (JVM, OS, CPUs, memory), the
 * configuration, the recent statistics snapshots, the active alerts and recent alert events, and
 * the tail of the log, with secrets redacted everywhere ({@link Redaction}).
 *
 * <pre>{@code
 * byte[] json = DiagnosticsBundle.builder()
 *         .configuration(Map.of("bind", "0.0.0.0:5004", "token.secret", secret))   // secret is redacted
 *         .snapshots(recent.list())
 *         .logFile(Path.of("relay.log"))
 *         .build();
 * }</pre>
 *
 * <p>Thread-safety: a builder is not thread-safe; {@link Builder#build()} reads the log file.
 */
public final class DiagnosticsBundle {

    /** Bundle format version, bumped when fields change meaning. */
    public static final int FORMAT_VERSION = 1;
    /** Log lines kept from the end of the log file. */
    public static final int MAX_LOG_LINES = 500;
    /** Bytes read from the end of the log file at most. */
    public static final int MAX_LOG_BYTES = 256 * 1024;

    private DiagnosticsBundle() {
    }

    /** @return a new, empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the parts of a bundle. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String> configuration = new LinkedHashMap<>();
        private final List<OpsSnapshot> snapshots = new ArrayList<>();
        private final List<HistoryRecord> historyRecords = new ArrayList<>();
        private Path logFile;
        private long createdAtMs = System.currentTimeMillis();

        private Builder() {
        }

        /**
         * @param settings configuration by name (values of secret-looking keys are redacted); not null
         * @return this builder
         */
        public Builder configuration(Map<String, String> settings) {
            if (settings == null) {
                throw new IllegalArgumentException("settings must not be null");
            }
            configuration.putAll(settings);
            return this;
        }

        /**
         * @param recent monitor snapshots, oldest first; not null
         * @return this builder
         */
        public Builder snapshots(List<OpsSnapshot> recent) {
            if (recent == null) {
                throw new IllegalArgumentException("recent must not be null");
            }
            snapshots.addAll(recent);
            return this;
        }

        /**
         * @param records history records (statistics and alert events), oldest first; not null
         * @return this builder
         */
        public Builder historyRecords(List<HistoryRecord> records) {
            if (records == null) {
                throw new IllegalArgumentException("records must not be null");
            }
            historyRecords.addAll(records);
            return this;
        }

        /**
         * @param file a log file whose last {@value #MAX_LOG_LINES} lines are included; null for none
         * @return this builder
         */
        public Builder logFile(Path file) {
            logFile = file;
            return this;
        }

        /**
         * @param v the bundle's creation time, ms since the epoch; default now
         * @return this builder
         */
        public Builder createdAtMs(long v) {
            createdAtMs = v;
            return this;
        }

        /**
         * @return the bundle as UTF-8 JSON
         * @throws IOException if the log file cannot be read
         */
        public byte[] build() throws IOException {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("format", "smoothcast-diagnostics");
            root.put("formatVersion", FORMAT_VERSION);
            root.put("createdAtMs", createdAtMs);
            Map<String, Object> system = new LinkedHashMap<>();
            system.put("javaVersion", System.getProperty("java.version"));
            system.put("javaVendor", System.getProperty("java.vendor"));
            system.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version")
                    + " " + System.getProperty("os.arch"));
            system.put("availableProcessors", Runtime.getRuntime().availableProcessors());
            system.put("maxMemoryBytes", Runtime.getRuntime().maxMemory());
            root.put("system", system);
            root.put("configuration", Redaction.configuration(configuration));

            List<Map<String, Object>> stats = new ArrayList<>();
            List<AlertEvent> active = List.of();
            List<AlertEvent> events = List.of();
            List<NodeSwitchEvent> switches = List.of();
            for (OpsSnapshot s : snapshots) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("wallTimeMs", s.wallTimeMs());
                m.put("receive", s.receive());
                m.put("send", s.send());
                m.put("nodes", s.nodes());
                m.put("qualities", s.qualities());
                stats.add(m);
                active = s.activeAlerts();
                events = s.recentEvents();
                switches = s.recentNodeSwitches();
            }
            root.put("recentStats", stats);
            root.put("activeAlerts", redactedEvents(active));
            root.put("recentEvents", redactedEvents(events));
            List<NodeSwitchEvent> redactedSwitches = new ArrayList<>(switches.size());
            for (NodeSwitchEvent e : switches) {
                redactedSwitches.add(new NodeSwitchEvent(e.timeNs(), e.direction(), e.streamId(), e.endpointId(), e.from(),
                        e.to(), e.reason(), Redaction.text(e.detail())));
            }
            root.put("recentNodeSwitches", redactedSwitches);
            List<Map<String, Object>> history = new ArrayList<>();
            for (HistoryRecord r : historyRecords) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("wallTimeMs", r.wallTimeMs());
                m.put("type", r.kind().jsonType());
                m.put("value", r.value() instanceof AlertEvent e ? redacted(e) : r.value());
                history.add(m);
            }
            root.put("history", history);
            root.put("log", logTail(logFile));
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            try {
                return json.writeValueAsBytes(root);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("bundle is not serializable", e);
            }
        }
    }

    private static List<AlertEvent> redactedEvents(List<AlertEvent> events) {
        List<AlertEvent> out = new ArrayList<>(events.size());
        for (AlertEvent e : events) {
            out.add(redacted(e));
        }
        return out;
    }

    private static AlertEvent redacted(AlertEvent e) {
        return new AlertEvent(e.type(), e.incidentId(), e.ruleId(), e.severity(), e.metric(), e.value(), e.threshold(),
                e.streamId(), e.endpointId(), e.nodeId(), e.region(), e.timeNs(), e.raisedTimeNs(), e.affected(),
                e.members(), Redaction.text(e.detail()));
    }

    /** The last lines of the log, redacted; reads at most {@link #MAX_LOG_BYTES} from the end. */
    static List<String> logTail(Path file) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            return List.of();
        }
        byte[] tail;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int n = (int) Math.min(length, MAX_LOG_BYTES);
            tail = new byte[n];
            raf.seek(length - n);
            raf.readFully(tail);
        }
        String[] lines = new String(tail, StandardCharsets.UTF_8).split("\r?\n");
        List<String> out = new ArrayList<>();
        // the first line may be cut in the middle when the file is larger than the window
        int from = Math.max(tail.length == MAX_LOG_BYTES ? 1 : 0, lines.length - MAX_LOG_LINES);
        for (int i = from; i < lines.length; i++) {
            out.add(Redaction.text(lines[i]));
        }
        return out;
    }
}
