package io.smoothcast.samples;

import io.smoothcast.history.HistoryReader;
import io.smoothcast.history.HistoryRecord;
import io.smoothcast.history.HistoryWriter;
import io.smoothcast.samples.ops.DiagnosticsBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smoothcast diag}: writes a diagnostics bundle (one JSON file, secrets redacted), either
 * fetched from a running relay or demo ({@code --from http://host:port/}) or assembled offline from
 * a history directory, a configuration file and a log file.
 */
@Command(name = "diag", mixinStandardHelpOptions = true,
        description = "Write a diagnostics bundle (JSON, secrets redacted) for support.",
        footer = {"", "Examples:", "  smoothcast diag --from http://127.0.0.1:8080/ -o bundle.json",
                "  smoothcast diag --history ./history --config relay.properties --log relay.log \\",
                "      -o bundle.json",
                "", "Exit codes: 0 bundle written, 1 could not fetch, read or write it, 2 bad arguments."})
public final class DiagCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--from", description = "Base URL of a running ops endpoint (fetches /diag).")
        URI from;

        @Option(names = "--history", description = "History directory to take the latest records from.")
        Path history;
    }

    @Option(names = "--config", description = "A .properties configuration file to include (secrets redacted).")
    Path config;

    @Option(names = "--log", description = "A log file whose tail is included (secrets redacted).")
    Path log;

    @Option(names = "--records", defaultValue = "2000", description = "History records to include (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = {"-o", "--output"}, required = true, description = "Where to write the bundle.")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        byte[] bundle;
        if (source.from != null) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(source.from.resolve("/diag"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                spec.commandLine().getErr().println("diag: " + source.from + " answered " + response.statusCode());
                return 1;
            }
            bundle = response.body();
        } else {
            Arguments.check(spec, records >= 1, "--records", "must be >= 1: " + records);
            ArrayDeque<HistoryRecord> latest = new ArrayDeque<>();
            try (Stream<HistoryRecord> all = HistoryReader.of(source.history, HistoryWriter.DEFAULT_PREFIX).records()) {
                all.forEach(r -> {
                    latest.addLast(r);
                    if (latest.size() > records) {
                        latest.removeFirst();
                    }
                });
            }
            bundle = DiagnosticsBundle.builder().configuration(readConfig(config))
                    .historyRecords(new ArrayList<>(latest)).logFile(log).build();
        }
        Files.write(output, bundle);
        out.println("diagnostics bundle written to " + output + " (" + bundle.length + " bytes)");
        return 0;
    }

    private static Map<String, String> readConfig(Path file) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        if (file == null) {
            return settings;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        for (String name : p.stringPropertyNames()) {
            settings.put(name, p.getProperty(name));
        }
        return settings;
    }
}
