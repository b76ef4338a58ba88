package io.smoothcast.samples;

import io.smoothcast.alert.Subject;
import io.smoothcast.samples.internal.ConnectionOutcome;
import io.smoothcast.samples.internal.FfmpegSource;
import io.smoothcast.samples.internal.Format;
import io.smoothcast.samples.internal.OpsEndpoint;
import io.smoothcast.samples.internal.RunLoop;
import io.smoothcast.samples.internal.SyntheticSource;
import io.smoothcast.security.FrameKey;
import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.BroadcasterListener;
import io.smoothcast.transport.BroadcasterStats;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.NodeSwitchReason;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code smoothcast broadcast}: publishes a synthetic stream or ffmpeg-encoded H.264 to a node. */
@Command(name = "broadcast", mixinStandardHelpOptions = true,
        description = {"Publish a stream to a relay node.",
            "The default source is synthetic: frames that carry a sequence number, capture time and checksum,"
                + " sized to the congestion controller's target bitrate. '--source ffmpeg' encodes a test pattern"
                + " (or --input FILE) to H.264, plus a 440 Hz test tone to Opus, with an ffmpeg child process whose"
                + " bitrate (audio and video together) follows the target.",
            "Prints a status line every second: the node carrying the broadcaster now ('-' while reconnecting),"
                + " state, target bitrate, frames (sent; dropped while not connected; rejected: the send queue was"
                + " full), packets, rtx (retransmissions"
                + " sent), tail probes (a quiet track's newest packet resent so that the node notices a lost end of"
                + " a burst), rtt, node stalls (stall reports from the node, PROTOCOL.md section 12), malformed"
                + " (datagrams from the node not understood), send delay"
                + " (the longest wait of a frame in the broadcaster itself over the last 1-2 s) with the frames"
                + " dropped for waiting longer than 1 s (stale), for want of room in the pacer (pacer full), and video"
                + " skipped to the next keyframe behind them, keyframe requests ignored (only when not 0: requests"
                + " from the node naming no video track of the broadcaster, a node or client mismatch) and, with"
                + " --source ffmpeg, the encoder's bitrate; then failovers and moves (to another node while the"
                + " node still answered: degraded_path, the only reason a broadcaster moves for) and token refusals"
                + " (the broadcaster's current token refused by a node)."},
        footer = {"", "Examples:",
            "  smoothcast broadcast --node 127.0.0.1:7000 --stream show",
            "  smoothcast broadcast --node 127.0.0.1:7000 --node 127.0.0.1:7001 --stream show",
            "  smoothcast broadcast --node relay.example:7000 --stream show --source ffmpeg \\",
            "      --max-bitrate 3000000",
            "  smoothcast broadcast --node 127.0.0.1:7000 --stream show --source ffmpeg \\",
            "      --input clip.mp4 --duration 30",
            "", "Exit codes: 0 ran until stopped, 1 could not connect or start the source,"
                + " 2 bad arguments."})
final class BroadcastCommand implements Callable<Integer> {

    enum Source { synthetic, ffmpeg }

    @Spec
    CommandSpec spec;

    @Mixin
    StreamClientOptions streamClient;

    @Option(names = "--source", description = "synthetic or ffmpeg. Default: ${DEFAULT-VALUE}.")
    Source source = Source.synthetic;

    @Option(names = "--input", paramLabel = "FILE", description = "With --source ffmpeg: a media file to encode (looped) instead of the test pattern.")
    String input;

    @Option(names = "--ffmpeg", description = "The ffmpeg executable. Default: ${DEFAULT-VALUE}.")
    String ffmpeg = "ffmpeg";

    @Option(names = "--fps", description = "Frames per second. Default: ${DEFAULT-VALUE}.")
    int framesPerSecond = 30;

    @Option(names = "--start-bitrate", paramLabel = "BPS", description = "First target bitrate, bits/s. Default: ${DEFAULT-VALUE}.")
    long startBitrateBps = 1_000_000;

    @Option(names = "--max-bitrate", paramLabel = "BPS", description = "Highest bitrate, bits/s. Default: ${DEFAULT-VALUE}.")
    long maxBitrateBps = 4_000_000;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (0 = until Ctrl-C). Default: ${DEFAULT-VALUE}.")
    double durationS;

    /** @return null if {@code executable -version} runs, otherwise why not */
    private static String cannotRun(String executable) {
        try {
            Process p = new ProcessBuilder(executable, "-hide_banner", "-version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "'-version' did not finish";
            }
            return p.exitValue() == 0 ? null : "'-version' exited with " + p.exitValue();
        } catch (java.io.IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public Integer call() {
        streamClient.check(spec, 1);
        Arguments.check(spec, framesPerSecond >= 1 && framesPerSecond <= 120, "--fps", "must be 1-120: " + framesPerSecond);
        Arguments.check(spec, maxBitrateBps >= 100_000, "--max-bitrate", "must be >= 100000: " + maxBitrateBps);
        Arguments.check(spec, startBitrateBps >= 100_000 && startBitrateBps <= maxBitrateBps, "--start-bitrate",
                "must be between 100000 and --max-bitrate (" + maxBitrateBps + "): " + startBitrateBps);
        Arguments.check(spec, durationS >= 0, "--duration", "must be >= 0: " + durationS);
        Arguments.check(spec, input == null || source == Source.ffmpeg, "--input", "needs --source ffmpeg");
        Arguments.check(spec, input == null || new java.io.File(input).isFile(), "--input", "no such file: " + input);
        if (source == Source.ffmpeg) {
            String problem = cannotRun(ffmpeg);
            Arguments.check(spec, problem == null, "--ffmpeg", "cannot run '" + ffmpeg + "': " + problem);
        }
        List<InetSocketAddress> nodes = streamClient.nodes;
        String streamId = streamClient.streamId;
        PrintWriter out = spec.commandLine().getOut();
        SyntheticSource synthetic = source == Source.synthetic
                ? new SyntheticSource(framesPerSecond, startBitrateBps, maxBitrateBps) : null;
        FfmpegSource encoder = source == Source.ffmpeg
                ? new FfmpegSource(ffmpeg, input, framesPerSecond, startBitrateBps, maxBitrateBps) : null;
        BroadcasterListener media = synthetic != null ? synthetic : encoder;
        ConnectionOutcome outcome = new ConnectionOutcome();
        BroadcasterListener listener = new BroadcasterListener() {
            @Override
            public void onStateChanged(ConnectionState state, String reason) {
                outcome.onStateChanged(state, reason);
                media.onStateChanged(state, reason);
            }

            @Override
            public void onKeyframeRequested() {
                media.onKeyframeRequested();
            }

            @Override
            public void onTargetBitrate(long bitrateBps) {
                media.onTargetBitrate(bitrateBps);
            }

            @Override
            public void onNodeSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason,
                    String detail) {
                media.onNodeSwitched(from, to, reason, detail);
            }
        };
        Broadcaster broadcaster;
        try {
            Broadcaster.Builder builder = Broadcaster.builder().nodes(nodes).streamId(streamId).listener(listener)
                    .token(streamClient.token).bitrateLimits(Math.min(100_000, startBitrateBps), startBitrateBps, maxBitrateBps)
                    .videoBitrateBps((int) Math.min(Integer.MAX_VALUE, maxBitrateBps)).audio(encoder != null);
            for (FrameKey key : streamClient.frameKeys(spec)) {
                builder.frameEncryption(key);
            }
            broadcaster = builder.build();
        } catch (IllegalArgumentException e) {
            Arguments.check(spec, false, e.getMessage().startsWith("node") ? "--node" : "--stream", e.getMessage());
            return 2;
        }
        try (broadcaster; AutoCloseable ignored = synthetic != null ? synthetic : encoder) {
            broadcaster.start();
            if (synthetic != null) {
                synthetic.start(broadcaster);
            } else {
                encoder.start(broadcaster);
            }
            out.printf("broadcasting '%s' to %s (%s source)%n", streamId, nodes.stream().map(Format::address)
                    .collect(java.util.stream.Collectors.joining(", ")), source);
            out.flush();
            boolean[] everConnected = {false};
            try (OpsEndpoint.Running ops = OpsEndpoint.monitorIfAsked(streamClient.httpPort,
                    m -> m.watch(broadcaster, new Subject(streamId, "broadcaster", Format.address(nodes.get(0)), "")),
                    Map.of("node", Format.nodes(nodes), "stream", streamId, "source", source.name()), out)) {
                RunLoop.run(durationS, 1000, elapsedNs -> {
                    BroadcasterStats s = broadcaster.stats();
                    everConnected[0] |= broadcaster.state() == ConnectionState.CONNECTED;
                    out.printf("%s %s  %5.1fs  target %s  frames %d (not connected %d, rejected %d)  packets %d  rtx %d"
                            + "  tail probes %d  rtt %s  node stalls %d  malformed %d  send delay %d ms (stale %d, pacer full %d, skipped %d)%s  %s%s%n",
                            Format.nodes(broadcaster.carryingNodes()), broadcaster.state(), elapsedNs / 1e9, Format.bitrate(s.targetBitrateBps()), s.framesSent(),
                            s.framesDroppedNotConnected(), s.framesRejected(), s.packetsSent(), s.retransmissionsSent(),
                            s.tailProbesSent(), Format.millis(s.rttNs() / 1e6), broadcaster.nodeStallReportCount(),
                            s.malformedDropped(), s.sendDelayMaxMs(), s.framesDroppedStale(),
                            s.framesDroppedPacerFull(), s.videoFramesSkippedToKeyframe(),
                            keyframeRequestsIgnored(s.keyframeRequestsIgnored()),
                            Format.moves(broadcaster.failoverCount(), s.nodeSwitches(), s.tokenRefusals()),
                            encoder == null ? "" : "  encoder " + Format.bitrate(encoder.encoderBitrateBps())
                                    + " (" + encoder.encoderStarts() + " starts)  audio " + encoder.audioFramesQueued());
                    out.flush();
                });
            }
            if (encoder != null && encoder.failure() != null) {
                spec.commandLine().getErr().println("broadcast: " + encoder.failure());
                return 1;
            }
            if (!everConnected[0]) {
                spec.commandLine().getErr().println("broadcast: " + outcome.describe(nodes, streamId, true));
                return 1;
            }
            return 0;
        } catch (Exception e) {
            spec.commandLine().getErr().println("broadcast: " + e.getMessage());
            return 1;
        }
    }

    /**
     * @param count keyframe requests from the node that named no video track of the broadcaster
     * @return {@code "  keyframe requests ignored N"}, or "" while {@code count} is 0 (the usual case)
     */
    static String keyframeRequestsIgnored(long count) {
        return count == 0 ? "" : "  keyframe requests ignored " + count;
    }
}
