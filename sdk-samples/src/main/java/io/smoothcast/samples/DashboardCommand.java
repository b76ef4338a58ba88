package io.smoothcast.samples;

import io.smoothcast.alert.AlertListener;
import io.smoothcast.history.BackgroundHistoryWriter;
import io.smoothcast.history.HistoryWriter;
import io.smoothcast.samples.ops.AlertPrinter;
import io.smoothcast.samples.ops.DiagnosticsBundle;
import io.smoothcast.samples.ops.LiveDemo;
import io.smoothcast.samples.ops.OpsHttpServer;
import io.smoothcast.samples.ops.RecentSnapshots;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code smoothcast dashboard}: runs a live demo on 127.0.0.1 (relay, broadcaster, direct and
 * lossy viewers), serves its live dashboard, Prometheus metrics and diagnostics over HTTP, and
 * prints raised and cleared alerts.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Run a local live setup and serve its dashboard, metrics and diagnostics.",
                "A relay, a broadcaster, direct viewers and viewers behind a lossy link; serves the dashboard"
                    + " (/), Prometheus metrics (/metrics) and the diagnostics bundle (/diag) and prints alerts"
                    + " as they are raised and cleared."},
        footer = {"", "Examples:",
            "  smoothcast dashboard",
            "  smoothcast dashboard --http-port 8080 --loss 0.08 --duration 120",
            "  smoothcast dashboard --http 192.168.1.20:8080   (older spelling, any address)",
            "", "Exit codes: 0 ran for --duration or until stopped, 1 could not start, 2 bad arguments."})
public final class DashboardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The port served when neither {@code --http-port} nor {@code --http} is given. */
    static final int DEFAULT_HTTP_PORT = 8080;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve the dashboard (/), Prometheus metrics (/metrics) and diagnostics (/diag) on"
                    + " 127.0.0.1:PORT (0 = any free port), as the other commands do. Default: " + DEFAULT_HTTP_PORT + ".")
    Integer httpPort;

    @Option(names = "--http", paramLabel = "HOST:PORT",
            description = "Serve on HOST:PORT instead of 127.0.0.1 (the older spelling, still accepted; needed only for"
                    + " another address). Not together with --http-port.")
    String http;

    @Option(names = "--viewers", defaultValue = "2", paramLabel = "N",
            description = "Viewers connected directly, 0 or more. Default: ${DEFAULT-VALUE}.")
    int viewers;

    @Option(names = "--lossy-viewers", defaultValue = "1", paramLabel = "N",
            description = "Viewers behind a lossy 40 ms link, 0 or more. Default: ${DEFAULT-VALUE}.")
    int lossyViewers;

    @Option(names = "--loss", defaultValue = "0.05", paramLabel = "FRACTION",
            description = "Loss towards the lossy viewers, a fraction 0-" + LiveDemo.MAX_LOSS + " (0.05 is 5 %%)."
                    + " Default: ${DEFAULT-VALUE}.")
    double loss;

    @Option(names = "--bitrate", defaultValue = "1000000", paramLabel = "BPS",
            description = "Synthetic video bitrate, bits/s, " + LiveDemo.MIN_BITRATE_BPS + "-" + LiveDemo.MAX_BITRATE_BPS
                    + ". Default: ${DEFAULT-VALUE}.")
    long bitrateBps;

    @Option(names = {"--duration", "--duration-s"}, defaultValue = "0", paramLabel = "SECONDS",
            description = "Stop after this many seconds; 0 runs until interrupted (--duration-s is the older name,"
                    + " still accepted). Default: ${DEFAULT-VALUE}.")
    long durationS;

    @Option(names = "--history", paramLabel = "DIR",
            description = "Append statistics and alerts to rotating JSON-lines files in DIR (read them with `report`).")
    Path history;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        InetSocketAddress bind = httpAddress();
        Arguments.check(spec, durationS >= 0, "--duration", "must be >= 0 seconds: " + durationS);
        Arguments.check(spec, viewers >= 0, "--viewers", "must be >= 0: " + viewers);
        Arguments.check(spec, lossyViewers >= 0, "--lossy-viewers", "must be >= 0: " + lossyViewers);
        Arguments.check(spec, loss >= 0 && loss <= LiveDemo.MAX_LOSS, "--loss",
                "must be a fraction 0-" + LiveDemo.MAX_LOSS + " (0.05 is 5 %): " + loss);
        Arguments.requireRange(spec, "--bitrate", bitrateBps, LiveDemo.MIN_BITRATE_BPS, LiveDemo.MAX_BITRATE_BPS);
        if (history != null) {
            Arguments.writableDirectory(spec, history, "--history");
        }
        BackgroundHistoryWriter writer = history == null ? null
                : new BackgroundHistoryWriter(HistoryWriter.builder(history).build(),
                        BackgroundHistoryWriter.DEFAULT_CAPACITY, System::currentTimeMillis);
        AlertListener printer = new AlertPrinter(out);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("http", bind.getHostString() + ":" + bind.getPort());
        config.put("viewers", Integer.toString(viewers));
        config.put("lossyViewers", Integer.toString(lossyViewers));
        config.put("loss", Double.toString(loss));
        config.put("bitrateBps", Long.toString(bitrateBps));
        config.put("history", history == null ? "" : history.toString());
        RecentSnapshots recent = new RecentSnapshots(RecentSnapshots.DEFAULT_CAPACITY);
        try (LiveDemo demo = LiveDemo.start(viewers, lossyViewers, loss, bitrateBps, printer, writer)) {
            demo.monitor().addSnapshotListener(recent);
            config.put("relay", demo.relayAddress().toString());
            try (OpsHttpServer server = OpsHttpServer.start(demo.monitor(), () -> bundle(config, recent), bind)) {
                out.println("dashboard: " + server.url() + "   metrics: " + server.url() + "metrics   diagnostics: "
                        + server.url() + "diag");
                out.flush();
                CountDownLatch forever = new CountDownLatch(1);
                if (durationS > 0) {
                    forever.await(durationS, TimeUnit.SECONDS);
                } else {
                    forever.await();
                }
            }
        }
        return 0;
    }

    private static byte[] bundle(Map<String, String> config, RecentSnapshots recent) {
        try {
            return DiagnosticsBundle.builder().configuration(config).snapshots(recent.list()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The address to serve HTTP on, from {@code --http-port} (on 127.0.0.1, like the other
     * commands) or the older {@code --http HOST:PORT}; a bad or doubled value is a usage error
     * naming the option.
     */
    InetSocketAddress httpAddress() {
        Arguments.check(spec, httpPort == null || http == null, "--http-port",
                "give either --http-port PORT or --http HOST:PORT, not both");
        if (http == null) {
            int port = httpPort == null ? DEFAULT_HTTP_PORT : httpPort;
            Arguments.check(spec, port >= 0 && port <= 65_535, "--http-port", "must be 0-65535: " + port);
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }
        int colon = http.lastIndexOf(':');
        Arguments.check(spec, colon > 0 && colon < http.length() - 1, "--http", "expected HOST:PORT, got " + http);
        int port;
        try {
            port = Integer.parseInt(http.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        Arguments.check(spec, port >= 0 && port <= 65_535, "--http", "port must be 0-65535: " + http);
        return new InetSocketAddress(http.substring(0, colon), port);
    }
}
