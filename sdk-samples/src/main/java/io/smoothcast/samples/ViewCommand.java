package io.smoothcast.samples;

import io.smoothcast.alert.Subject;
import io.smoothcast.samples.internal.Format;
import io.smoothcast.samples.internal.MkvRemuxer;
import io.smoothcast.samples.internal.OpsEndpoint;
import io.smoothcast.samples.internal.RunLoop;
import io.smoothcast.samples.internal.ViewerMeter;
import io.smoothcast.security.FrameKey;
import io.smoothcast.transport.Viewer;
import io.smoothcast.transport.ViewerStats;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code smoothcast view}: watches a stream, writes it to a file or pipe, shows a live status line. */
@Command(name = "view", mixinStandardHelpOptions = true,
        description = {"Watch a stream through a relay node.",
            "Shows one status line that refreshes in place: the node carrying the viewer now (two joined by"
                + " '+' in redundant mode, '-' while reconnecting), state, bitrate, latency, frames (played; dropped:"
                + " given up by the jitter buffer, incomplete at their deadline), lost (packets),"
                + " rtx (retransmissions received), freezes, rtt, stalls (of this viewer's own I/O thread), malformed"
                + " (datagrams dropped: not understood, from elsewhere, or strays),"
                + " failovers, moves (to another node while the node still answered, by reason) and token refusals"
                + " (the viewer's current token refused by a node).",
            "--output writes the received video frames when the broadcaster sends H.264 (--source ffmpeg or"
                + " ingest): an Annex-B .h264 file, a .mkv file (video and Opus audio, muxed by ffmpeg without"
                + " re-encoding when the view ends), or '-' for standard output, to pipe into a player."},
        footer = {"", "Examples:",
            "  smoothcast view --node 127.0.0.1:7000 --stream show",
            "  smoothcast view --node 127.0.0.1:7000,127.0.0.1:7001 --stream show",
            "  smoothcast view --node 127.0.0.1:7000 --stream show --output show.h264 \\",
            "      --duration 10",
            "  smoothcast view --node 127.0.0.1:7000 --stream show --output show.mkv",
            "  smoothcast view --node 127.0.0.1:7000 --stream show --output - \\",
            "      | ffplay -f h264 -",
            "", "Exit codes: 0 ran until stopped, 1 never received the stream, 2 bad arguments."})
final class ViewCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StreamClientOptions streamClient;

    @Option(names = "--output", paramLabel = "FILE|-", description = "Write received video frames here ('-' = standard output).")
    String output;

    @Option(names = "--ffmpeg", description = "With --output FILE.mkv: the ffmpeg executable that writes it. Default: ${DEFAULT-VALUE}.")
    String ffmpeg = "ffmpeg";

    @Option(names = "--fps", description = "With --output FILE.mkv: the frame rate stamped on the frames. Default: ${DEFAULT-VALUE}.")
    int framesPerSecond = 30;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (0 = until Ctrl-C). Default: ${DEFAULT-VALUE}.")
    double durationS;

    @Override
    public Integer call() {
        streamClient.check(spec, 4);
        Arguments.check(spec, durationS >= 0, "--duration", "must be >= 0: " + durationS);
        Arguments.check(spec, framesPerSecond >= 1 && framesPerSecond <= 120, "--fps", "must be 1-120: " + framesPerSecond);
        List<InetSocketAddress> nodes = streamClient.nodes;
        String streamId = streamClient.streamId;
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
            Viewer.Builder builder = Viewer.builder().nodes(nodes).streamId(streamId).listener(meter)
                    .token(streamClient.token);
            for (FrameKey key : streamClient.frameKeys(spec)) {
                builder.frameDecryptionKey(key);
            }
            viewer = builder.build();
        } catch (IllegalArgumentException e) {
            Arguments.check(spec, false, e.getMessage().startsWith("node") ? "--node" : "--stream", e.getMessage());
            return 2;
        }
        // Refresh in place on a terminal; one line per second otherwise (logs, tests).
        boolean inPlace = System.console() != null && !toStdout;
        long[] framesSeen = {0};
        try (viewer) {
            viewer.start();
            try (OpsEndpoint.Running ops = OpsEndpoint.monitorIfAsked(streamClient.httpPort,
                    m -> m.watch(viewer, new Subject(streamId, "viewer", Format.address(nodes.get(0)), "")),
                    Map.of("node", Format.nodes(nodes), "stream", streamId), status)) {
                RunLoop.run(durationS, 1000, elapsedNs -> {
                    ViewerMeter.Sample sample = meter.sample(System.nanoTime());
                    ViewerStats s = viewer.stats();
                    String line = String.format(Locale.ROOT,
                            "%s %s %5.1fs  %s  latency %s  frames %d (dropped %d)  lost %d  rtx %d  freezes %d  rtt %s"
                                    + "  stalls %d  malformed %d  %s",
                            Format.nodes(viewer.carryingNodes()), viewer.state(), elapsedNs / 1e9,
                            Format.bitrate(sample.bitrateBps()),
                            Format.millis(sample.latencyMs()), s.framesDelivered(), s.framesDropped(), s.packetsLost(),
                            s.retransmissionsReceived(), s.freezeCount(), Format.millis(s.rttNs() / 1e6),
                            viewer.readerStallCount(), s.malformedDropped(), Format.moves(s.failoverCount(), s.nodeSwitches(), s.tokenRefusals()));
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
            spec.commandLine().getErr().println("view: " + meter.outcome().describe(nodes, streamId, false));
            return 1;
        }
        return 0;
    }
}
