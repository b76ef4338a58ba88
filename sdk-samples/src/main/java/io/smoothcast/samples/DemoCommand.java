package io.smoothcast.samples;

import io.smoothcast.alert.AlertCondition;
import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.AlertListener;
import io.smoothcast.alert.AlertRule;
import io.smoothcast.alert.Comparison;
import io.smoothcast.alert.DefaultAlertRules;
import io.smoothcast.alert.Metric;
import io.smoothcast.alert.SampleSource;
import io.smoothcast.alert.Severity;
import io.smoothcast.alert.Subject;
import io.smoothcast.alert.ThresholdRule;
import io.smoothcast.history.BackgroundHistoryWriter;
import io.smoothcast.history.HistoryWriter;
import io.smoothcast.netsim.CapacitySchedule;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.samples.internal.DemoViewer;
import io.smoothcast.samples.internal.Format;
import io.smoothcast.samples.internal.OpsEndpoint;
import io.smoothcast.samples.internal.RunLoop;
import io.smoothcast.samples.internal.SyntheticSource;
import io.smoothcast.samples.internal.ViewerMeter;
import io.smoothcast.samples.ops.AlertPrinter;
import io.smoothcast.samples.ops.OpsHttpServer;
import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.BroadcasterStats;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.OpsMonitor;
import io.smoothcast.transport.RelayNode;
import io.smoothcast.transport.SharedIoThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smoothcast demo}: a whole broadcast in one process on loopback. Three relays in named
 * regions (ap-east is the origin, eu-west and sa-east cascade from it), one broadcaster on the
 * origin, and three viewers each behind its own emulated access network. Every viewer is given
 * all three nodes ({@code nodes(...)}) and a {@link FailoverPolicy}: part-way through, the sa-east
 * node is killed and the SDK moves its viewer to eu-west by itself; the summary shows how long the
 * SDK took to resume and counts failovers from the SDK's connection events.
 *
 * <p>An {@link OpsMonitor} watches the relays, the broadcaster and the viewers with the default
 * rules plus {@link #VIEWER_NO_MEDIA_RULE}; raised and cleared alerts are printed as they happen
 * (the killed node's viewer raises it), {@code --http-port} serves the dashboard and metrics and
 * {@code --history} appends statistics and alerts as JSON lines.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a whole broadcast in one process on loopback and show how each viewer fares.",
            "Relays: ap-east (origin), eu-west and sa-east (cascading from ap-east). One synthetic"
                + " broadcaster publishes to ap-east. Viewers, each behind its own emulated network:",
            "  clean         eu-west, 20 ms RTT, no loss",
            "  norway-3g     eu-west, 60 ms RTT, downlink capacity from a Norway HSDPA trace",
            "  interconti    sa-east, 250 ms RTT, 2 %% loss",
            "Every viewer knows all three nodes; at --kill-at (default: 40 %% of the run) the sa-east node"
                + " is shut down and the SDK's failover moves its viewer to eu-west."},
        footer = {"", "Examples:",
            "  smoothcast demo",
            "  smoothcast demo --duration 60",
            "  smoothcast demo --duration 10 --kill-at 0",
            "  smoothcast demo --duration 60 --http-port 8080 --history ./history",
            "", "Exit codes: 0 the demo ran, 1 no viewer received anything, 2 bad arguments."})
final class DemoCommand implements Callable<Integer> {

    static final String TRACE_RESOURCE = "traces/norway_train_10";
    private static final String STREAM = "demo";
    private static final String ORIGIN = "ap-east";
    private static final String KILLED = "sa-east";
    /** The demo's extra alert rule: one viewer without media for a second (P2, some users affected). */
    static final String VIEWER_NO_MEDIA_RULE = "viewer-no-media";
    /** The viewers' failover settings: the SDK defaults (detection within heartbeat + 500 ms budget). */
    private static final FailoverPolicy FAILOVER = FailoverPolicy.defaults();

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "How long the broadcast runs. Default: ${DEFAULT-VALUE}.")
    double durationS = 20;

    @Option(names = "--kill-at", paramLabel = "SECONDS",
            description = "When to kill the sa-east node, seconds from the start (0 = never; default: 40 %% of --duration).")
    Double killAtS;

    @Option(names = "--max-bitrate", paramLabel = "BPS", description = "The broadcaster's highest bitrate, bits/s. Default: ${DEFAULT-VALUE}.")
    long maxBitrateBps = 1_500_000;

    @Option(names = "--status-interval", paramLabel = "MS", description = "Milliseconds between table refreshes. Default: ${DEFAULT-VALUE}.")
    long statusIntervalMs = 1000;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve the live dashboard (/), Prometheus metrics (/metrics) and diagnostics (/diag) on"
                    + " 127.0.0.1:PORT (0 = any free port). Default: no HTTP endpoint.")
    Integer httpPort;

    @Option(names = "--history", paramLabel = "DIR",
            description = "Append statistics and alerts to rotating JSON-lines files in DIR (read them with `report`).")
    Path history;

    @Override
    public Integer call() {
        Arguments.check(spec, durationS > 0 && durationS <= 3600, "--duration", "must be > 0 and <= 3600: " + durationS);
        double killAt = killAtS == null ? durationS * 0.4 : killAtS;
        Arguments.check(spec, killAt >= 0 && killAt < durationS, "--kill-at", "must be 0 (never) or less than --duration: " + killAt);
        Arguments.check(spec, maxBitrateBps >= 200_000, "--max-bitrate", "must be >= 200000: " + maxBitrateBps);
        Arguments.check(spec, statusIntervalMs >= 50, "--status-interval", "must be >= 50 ms: " + statusIntervalMs);
        Arguments.check(spec, httpPort == null || httpPort >= 0 && httpPort <= 65_535, "--http-port",
                "must be 0-65535: " + httpPort);
        if (history != null) {
            Arguments.writableDirectory(spec, history, "--history");
        }
        PrintWriter out = spec.commandLine().getOut();
        CapacitySchedule norway = loadTrace();

        Map<String, RelayNode> relays = new LinkedHashMap<>();
        List<DemoViewer> viewers = new ArrayList<>();
        SharedIoThreads io = SharedIoThreads.create(2);
        SyntheticSource source = new SyntheticSource(30, Math.min(1_000_000, maxBitrateBps), maxBitrateBps);
        Broadcaster broadcaster = null;
        AtomicBoolean alertPrinted = new AtomicBoolean();
        OpsMonitor monitor = monitor(out, alertPrinted);
        OpsHttpServer http = null;
        try {
            RelayNode origin = RelayNode.builder().nodeId(1).build().start();
            relays.put(ORIGIN, origin);
            relays.put("eu-west", RelayNode.builder().nodeId(2).upstream(origin.localAddress()).build().start());
            relays.put(KILLED, RelayNode.builder().nodeId(3).upstream(origin.localAddress()).build().start());
            for (Map.Entry<String, RelayNode> r : relays.entrySet()) {
                out.printf("relay %-8s on %s%s%n", r.getKey(), Format.address(r.getValue().localAddress()),
                        r.getValue() == origin ? " (origin)" : " (cascade from " + ORIGIN + ")");
            }
            broadcaster = Broadcaster.builder().node(origin.localAddress()).streamId(STREAM).listener(source)
                    .bitrateLimits(100_000, Math.min(1_000_000, maxBitrateBps), maxBitrateBps)
                    .videoBitrateBps((int) maxBitrateBps).sharedIoThreads(io).build().start();
            source.start(broadcaster);
            for (Map.Entry<String, RelayNode> r : relays.entrySet()) {
                monitor.watch(r.getValue(), r.getKey(), r.getKey());
            }
            monitor.watch(broadcaster, new Subject(STREAM, "broadcaster", ORIGIN, ORIGIN));

            DemoViewer.Node apEast = new DemoViewer.Node(ORIGIN, origin.localAddress());
            DemoViewer.Node euWest = new DemoViewer.Node("eu-west", relays.get("eu-west").localAddress());
            DemoViewer.Node saEast = new DemoViewer.Node(KILLED, relays.get(KILLED).localAddress());
            viewers.add(new DemoViewer("clean", "20 ms RTT", STREAM, List.of(euWest, apEast, saEast),
                    () -> link(10, 0), () -> link(10, 0), FAILOVER, io));
            viewers.add(new DemoViewer("norway-3g", "3G trace, 60 ms RTT", STREAM, List.of(euWest, apEast, saEast),
                    () -> link(30, 0), () -> link(30, 0).capacity(norway).queueLimitNs(TimeUnit.MILLISECONDS.toNanos(400)),
                    FAILOVER, io));
            viewers.add(new DemoViewer("interconti", "250 ms RTT, 2 % loss", STREAM, List.of(saEast, euWest, apEast),
                    () -> link(125, 0.02).seed(7), () -> link(125, 0.02).seed(11), FAILOVER, io));
            long startNs = System.nanoTime();
            Map<DemoViewer, String> watchedRegion = new LinkedHashMap<>();
            for (DemoViewer v : viewers) {
                v.start(startNs);
                watch(monitor, v, watchedRegion);
            }
            monitor.start();
            http = OpsEndpoint.startIfAsked(monitor, "127.0.0.1", httpPort, config(), out);
            out.printf("broadcaster -> %s, %d viewers, %.0f s%s%n%n", ORIGIN, viewers.size(), durationS,
                    killAt > 0 ? String.format(Locale.ROOT, ", %s is killed at %.1f s", KILLED, killAt) : "");
            out.flush();

            boolean inPlace = System.console() != null;
            int[] tableLines = {0};
            boolean[] killed = {false};
            Broadcaster b = broadcaster;
            RunLoop.run(durationS, statusIntervalMs, elapsedNs -> {
                long now = System.nanoTime();
                if (killAt > 0 && !killed[0] && elapsedNs >= (long) (killAt * 1e9)) {
                    killed[0] = true;
                    monitor.unwatch(relays.get(KILLED));
                    relays.get(KILLED).close();
                    synchronized (out) {
                        out.printf("*** %.1f s: killed relay %s ***%n", elapsedNs / 1e9, KILLED);
                        tableLines[0] = 0; // keep the announcement: draw the next table below it
                    }
                }
                for (DemoViewer v : viewers) {
                    v.check();
                    watch(monitor, v, watchedRegion);
                    synchronized (out) {
                        v.drainEvents(line -> {
                            out.printf("*** %.1f s: %s ***%n", elapsedNs / 1e9, line);
                            tableLines[0] = 0; // keep the event: draw the next table below it
                        });
                    }
                }
                List<String> table = table(elapsedNs, b.stats(), viewers, now);
                synchronized (out) {
                    if (alertPrinted.getAndSet(false)) {
                        tableLines[0] = 0; // keep the alert lines: draw the next table below them
                    }
                    if (inPlace && tableLines[0] > 0) {
                        out.print("\u001b[" + tableLines[0] + "F");
                    }
                    for (String line : table) {
                        out.print(line + (inPlace ? "\u001b[K" : "") + System.lineSeparator());
                    }
                    tableLines[0] = table.size();
                    out.flush();
                }
            });
            long endNs = System.nanoTime();
            printSummary(out, viewers, endNs);
            boolean anyVideo = viewers.stream().anyMatch(v -> v.meter().videoFrames() > 0);
            if (!anyVideo) {
                spec.commandLine().getErr().println("demo: no viewer received any video");
                return 1;
            }
            return 0;
        } finally {
            if (http != null) {
                http.close();
            }
            monitor.close();
            for (DemoViewer v : viewers) {
                v.close();
            }
            source.close();
            if (broadcaster != null) {
                broadcaster.close();
            }
            relays.values().forEach(RelayNode::close);
            io.close();
        }
    }

    /**
     * The monitor: default rules plus {@link #VIEWER_NO_MEDIA_RULE}, alerts printed as they are
     * raised and cleared (and flagged so the live table is redrawn below them), optional history.
     */
    private OpsMonitor monitor(PrintWriter out, AtomicBoolean alertPrinted) {
        List<AlertRule> rules = new ArrayList<>(DefaultAlertRules.create());
        rules.add(ThresholdRule.of(VIEWER_NO_MEDIA_RULE, Severity.P2,
                AlertCondition.when(Metric.MEDIA_AGE_MS, Comparison.ABOVE, 1000).sources(SampleSource.RECEIVE).build(),
                "a viewer has received no media for more than 1 s"));
        AlertPrinter printer = new AlertPrinter(out);
        OpsMonitor.Builder builder = OpsMonitor.builder().rules(rules).alertListener(new AlertListener() {
            @Override
            public void onRaised(AlertEvent event) {
                printer.onRaised(event);
                alertPrinted.set(true);
            }

            @Override
            public void onCleared(AlertEvent event) {
                printer.onCleared(event);
                alertPrinted.set(true);
            }
        });
        if (history != null) {
            builder.history(new BackgroundHistoryWriter(HistoryWriter.builder(history).build(),
                    BackgroundHistoryWriter.DEFAULT_CAPACITY, System::currentTimeMillis));
        }
        return builder.build();
    }

    /**
     * Keeps the monitor's subject of each viewer on the node that carries it: when the SDK has
     * moved the viewer, it is watched again under the new node (alerts of the old subject clear).
     */
    private static void watch(OpsMonitor monitor, DemoViewer v, Map<DemoViewer, String> watchedRegion) {
        String region = v.region();
        String previous = watchedRegion.put(v, region);
        if (region.equals(previous)) {
            return;
        }
        if (previous != null) {
            monitor.unwatch(v.viewer());
        }
        monitor.watch(v.viewer(), new Subject(STREAM, v.name(), region, region));
    }

    private Map<String, String> config() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("duration", Double.toString(durationS));
        c.put("maxBitrateBps", Long.toString(maxBitrateBps));
        c.put("history", history == null ? "" : history.toString());
        return c;
    }

    private static LinkModel.Builder link(long oneWayDelayMs, double loss) {
        LinkModel.Builder b = LinkModel.builder().constantCapacityBps(100_000_000L)
                .propagationDelayNs(TimeUnit.MILLISECONDS.toNanos(oneWayDelayMs));
        return loss > 0 ? b.randomLoss(loss) : b;
    }

    static CapacitySchedule loadTrace() {
        try (InputStream in = DemoCommand.class.getResourceAsStream(TRACE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + TRACE_RESOURCE + " is missing from the jar");
            }
            return CapacitySchedule.fromTraceText(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    CapacitySchedule.AfterEnd.REPEAT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> table(long elapsedNs, BroadcasterStats bs, List<DemoViewer> viewers, long nowNs) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "t=%5.1fs  broadcaster: target %s, %d frames, %d rtx sent",
                elapsedNs / 1e9, Format.bitrate(bs.targetBitrateBps()), bs.framesSent(), bs.retransmissionsSent()));
        lines.add(String.format(Locale.ROOT, "  %-11s %-22s %-8s %11s %9s %7s %6s %6s %8s",
                "viewer", "network", "node", "bitrate", "latency", "frames", "lost", "rtx", "freezes"));
        for (DemoViewer v : viewers) {
            ViewerMeter.Sample s = v.meter().sample(nowNs);
            lines.add(String.format(Locale.ROOT, "  %-11s %-22s %-8s %11s %9s %7d %6d %6d %8d",
                    v.name(), v.path(), v.region(), Format.bitrate(s.bitrateBps()), Format.millis(s.latencyMs()),
                    v.meter().videoFrames(), v.packetsLost(), v.retransmissions(), v.freezes()));
        }
        return lines;
    }

    private static void printSummary(PrintWriter out, List<DemoViewer> viewers, long nowNs) {
        out.println();
        out.println("Summary");
        out.printf(Locale.ROOT, "  %-11s %-22s %11s %12s %8s %7s %10s %12s %9s %8s  %s%n",
                "viewer", "network", "bitrate", "mean latency", "freezes", "stalls", "resume", "longest gap", "failovers",
                "corrupt", "switches");
        for (DemoViewer v : viewers) {
            out.printf(Locale.ROOT, "  %-11s %-22s %11s %12s %8d %7d %10s %12s %9d %8d  %s%n", v.name(), v.path(),
                    Format.bitrate(v.meanBitrateBps(nowNs)), Format.millis(v.meter().meanLatencyMs()), v.freezes(),
                    v.meter().stalls(), Format.millis(v.longestResumeMs()), Format.millis(v.meter().longestGapMs()),
                    v.failovers(), v.meter().corruptFrames(), Format.nodeSwitches(v.nodeSwitches()));
        }
        out.println();
        out.println("  freezes: counted by the viewers' jitter buffers; stalls: pauses of 500 ms or more between");
        out.println("  played video frames (switching nodes included); latency: capture to playout.");
        out.println("  failovers and resume: from the SDK's connection events (RECONNECTING, then CONNECTED on");
        out.println("  another node); resume is the longest such wait, after the SDK noticed its node was gone.");
        out.println("  switches: moves to another node while the node still answered, by reason (not failovers).");
        out.flush();
    }
}
