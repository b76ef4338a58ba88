package io.smoothcast.samples;

import io.smoothcast.alert.Subject;
import io.smoothcast.samples.internal.Format;
import io.smoothcast.samples.internal.HostPort;
import io.smoothcast.samples.internal.MkvRemuxer;
import io.smoothcast.samples.internal.OpsEndpoint;
import io.smoothcast.samples.internal.RunLoop;
import io.smoothcast.samples.internal.ViewerMeter;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.Viewer;
import io.smoothcast.transport.ViewerStats;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code smoothcast view}: watches a stream, writes it to a file or pipe, shows a live status line. */
@Command(name = "view", mixinStandardHelpOptions = true,
        description = {"Watch a stream through a relay node.",
            "Shows one status line (node, bitrate, latency, loss, freezes) that refreshes in place.",
            "--output writes the received video frames when the broadcaster sends H.264 (--source ffmpeg or",
            "ingest): an Annex-B .h264 file, a .mkv file (video and Opus audio, muxed by ffmpeg without",
            "re-encoding when the view ends), or '-' for",
            "standard output, to pipe into a player."},
        footer = {"", "Examples:",
            "  smoothcast view --node 127.0.0.1:7000 --stream show",
            "  smoothcast view --node 127.0.0.1:7000 --stream show --output show.h264 --duration 10",
            "  smoothcast view --node 127.0.0.1:7000 --stream show --output show.mkv",
            "  smoothcast view --node 127.0.0.1:7000 --stream show --output - | ffplay -f h264 -",
            "", "Exit codes: 0 ran until stopped, 1 never received the stream, 2 bad arguments."})
final class ViewCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--node", required = true, converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "The relay node to watch through.")
    InetSocketAddress node;

    @Option(names = "--stream", description = "Stream id. Default: ${DEFAULT-VALUE}.")
    String streamId = "demo";

    @Option(names = "--e2e-key", paramLabel = "ID=HEX",
            description = "Decrypt frames encrypted end to end by a broadcaster with this key id and stream secret;"
                    + " repeat (up to 4) during a key rotation. Refused frames are counted, not shown.")
    java.util.List<String> e2eKeys = new java.util.ArrayList<>();

    @Option(names = "--token", description = "Subscribe token for the stream (see the token command), for relays that require one.")
    String token;

    @Option(names = "--output", paramLabel = "FILE|-", description = "Write received video frames here ('-' = standard output).")
    String output;

    @Option(names = "--ffmpeg", description = "With --output FILE.mkv: the ffmpeg executable that writes it. Default: ${DEFAULT-VALUE}.")
    String ffmpeg = "ffmpeg";

    @Option(names = "--fps", description = "With --output FILE.mkv: the frame rate stamped on the frames. Default: ${DEFAULT-VALUE}.")
    int framesPerSecond = 30;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (0 = until Ctrl-C). Default: ${DEFAULT-VALUE}.")
    double durationS;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve this viewer's Prometheus metrics (/metrics), dashboard (/) and diagnostics (/diag)"
                    + " on 127.0.0.1:PORT (0 = any free port); alerts are printed. Default: none.")
    Integer httpPort;

    @Override
    public Integer call() {
        Arguments.check(spec, e2eKeys.size() <= 4, "--e2e-key", "at most 4 keys: " + e2eKeys.size());
        Arguments.check(spec, token == null || token.matches("[A-Za-z0-9_.-]{1,512}"), "--token",
                "must be a token printed by the token command");
        Arguments.check(spec, durationS >= 0, "--duration", "must be >= 0: " + durationS);
        Arguments.check(spec, framesPerSecond >= 1 && framesPerSecond <= 120, "--fps", "must be 1-120: " + framesPerSecond);
        Arguments.check(spec, httpPort == null || httpPort >= 0 && httpPort <= 65_535, "--http-port",
                "must be 0-65535: " + httpPort);
        boolean toStdout = "-".equals(output);
        // With media on standard output, the status line goes to standard error.
        PrintWriter status = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
        OutputStream sink;
        MkvRemuxer mkv = null;
        try {
            if (output == null) {
                sink = null;
            } else if (toStdout) {
                sink = new BufferedOutputStream(System.out, 1 << 16);
            } else if (output.endsWith(".mkv")) {
                mkv = new MkvRemuxer(ffmpeg, output, framesPerSecond);
                sink = mkv;
            } else {
                sink = new BufferedOutputStream(new FileOutputStream(output), 1 << 16);
            }
        } catch (IOException e) {
            Arguments.check(spec, false, "--output", "cannot write " + output + ": " + e.getMessage()
                    + (output.endsWith(".mkv") ? " (.mkv needs ffmpeg, see --ffmpeg)" : ""));
            return 2;
        }
        ViewerMeter meter = new ViewerMeter(sink, mkv, e -> status.println("view: output closed: " + e.getMessage()));
        Viewer viewer;
        try {
            Viewer.Builder builder = Viewer.builder().node(node).streamId(streamId).listener(meter).token(token);
            for (String key : e2eKeys) {
                builder.frameDecryptionKey(frameKey(key));
            }
            viewer = builder.build();
        } catch (IllegalArgumentException e) {
            Arguments.check(spec, false, "--stream", e.getMessage());
            return 2;
        }
        // Refresh in place on a terminal; one line per second otherwise (logs, tests).
        boolean inPlace = System.console() != null && !toStdout;
        long[] framesSeen = {0};
        try (viewer) {
            viewer.start();
            try (OpsEndpoint.Running ops = OpsEndpoint.monitorIfAsked(httpPort,
                    m -> m.watch(viewer, new Subject(streamId, "viewer", Format.address(node), "")),
                    Map.of("node", Format.address(node), "stream", streamId), status)) {
                RunLoop.run(durationS, 1000, elapsedNs -> {
                    ViewerMeter.Sample sample = meter.sample(System.nanoTime());
                    ViewerStats s = viewer.stats();
                    String line = String.format(Locale.ROOT,
                            "%s %s %5.1fs  %s  latency %s  frames %d  lost %d  rtx %d  freezes %d  rtt %s",
                            Format.address(node), viewer.state(), elapsedNs / 1e9, Format.bitrate(sample.bitrateBps()),
                            Format.millis(sample.latencyMs()), s.framesDelivered(), s.packetsLost(),
                            s.retransmissionsReceived(), s.freezeCount(), Format.millis(s.rttNs() / 1e6));
                    status.print(inPlace ? "\r" + line + "\u001b[K" : line + System.lineSeparator());
                    status.flush();
                    framesSeen[0] = meter.videoFrames();
                });
            }
            if (inPlace) {
                status.println();
            }
        } finally {
            if (sink != null) {
                try {
                    sink.flush();
                    if (!toStdout) {
                        sink.close();
                    }
                } catch (IOException e) {
                    status.println("view: could not finish " + output + ": " + e.getMessage());
                }
            }
        }
        if (output != null) {
            status.println("wrote " + meter.framesWritten() + " video frames" + (mkv == null ? ""
                    : " and " + meter.audioFramesWritten() + " audio frames") + " to " + (toStdout ? "standard output" : output));
            status.flush();
        }
        if (framesSeen[0] == 0) {
            spec.commandLine().getErr().println("view: no video from " + node + " for stream '" + streamId
                    + "' (state " + (meter.state() == ConnectionState.FAILED ? "FAILED" : viewer.state()) + ")");
            return 1;
        }
        return 0;
    }

    private io.smoothcast.security.FrameKey frameKey(String text) {
        try {
            return FrameKeyOption.parse(text);
        } catch (IllegalArgumentException e) {
            Arguments.check(spec, false, "--e2e-key", e.getMessage());
            throw e; // not reached: check throws
        }
    }
}
