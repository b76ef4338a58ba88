package io.smoothcast.samples;

import io.smoothcast.samples.internal.Format;
import io.smoothcast.samples.internal.HostPort;
import io.smoothcast.samples.internal.RtpIngest;
import io.smoothcast.samples.internal.RunLoop;
import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.BroadcasterStats;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smoothcast ingest}: republishes plain RTP H.264 + Opus from ffmpeg or GStreamer. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Take plain RTP from ffmpeg or GStreamer and publish it to a relay node.",
            "H.264 (RFC 6184) and Opus (RFC 7587) arrive on one UDP port, told apart by payload type, and"
                + " are published as a Smoothcast stream (PROTOCOL.md section 9)."},
        footer = {"", "Examples:",
            "  smoothcast ingest --listen 5004 --node 127.0.0.1:7000 --stream show",
            "  ffmpeg -re -f lavfi -i testsrc2=rate=30 -c:v libx264 -tune zerolatency \\",
            "         -bsf:v dump_extra -f rtp -payload_type 96 rtp://127.0.0.1:5004",
            "  gst-launch-1.0 videotestsrc is-live=true ! openh264enc ! h264parse \\",
            "         ! rtph264pay config-interval=-1 pt=96 \\",
            "         ! udpsink host=127.0.0.1 port=5004",
            "", "Exit codes: 0 ran until stopped, 1 could not bind or connect, 2 bad arguments."})
final class IngestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", required = true, converter = HostPort.class, paramLabel = "[HOST:]PORT",
            description = "UDP address the RTP sender sends to.")
    InetSocketAddress listen;

    @Option(names = "--node", required = true, converter = HostPort.Remote.class, paramLabel = "HOST:PORT",
            description = "The relay node to publish to.")
    InetSocketAddress node;

    @Option(names = "--stream", description = "Stream id, 1-64 characters from letters, digits and . _ ~ -. Default: ${DEFAULT-VALUE}.")
    String streamId = "demo";

    @Option(names = "--video-pt", description = "RTP payload type of H.264. Default: ${DEFAULT-VALUE}.")
    int videoPayloadType = 96;

    @Option(names = "--audio-pt", description = "RTP payload type of Opus. Default: ${DEFAULT-VALUE}.")
    int audioPayloadType = 111;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (0 = until Ctrl-C). Default: ${DEFAULT-VALUE}.")
    double durationS;

    @Override
    public Integer call() {
        Arguments.check(spec, validPayloadType(videoPayloadType), "--video-pt", "must be 96-127: " + videoPayloadType);
        Arguments.check(spec, validPayloadType(audioPayloadType) && audioPayloadType != videoPayloadType, "--audio-pt",
                "must be 96-127 and differ from --video-pt: " + audioPayloadType);
        Arguments.check(spec, durationS >= 0, "--duration", "must be >= 0: " + durationS);
        PrintWriter out = spec.commandLine().getOut();
        Broadcaster broadcaster;
        try {
            broadcaster = Broadcaster.builder().node(node).streamId(streamId).audio(true).build();
        } catch (IllegalArgumentException e) {
            Arguments.check(spec, false, "--stream", e.getMessage());
            return 2;
        }
        DatagramSocket socket;
        try {
            socket = new DatagramSocket(listen);
            socket.setReceiveBufferSize(4 << 20);
        } catch (SocketException e) {
            spec.commandLine().getErr().println("ingest: cannot listen on " + listen + ": " + e.getMessage());
            return 1;
        }
        try (broadcaster; RtpIngest ingest = new RtpIngest(socket, broadcaster, videoPayloadType, audioPayloadType)) {
            broadcaster.start();
            ingest.start();
            out.printf("ingest on udp %s (H.264 pt %d, Opus pt %d) -> '%s' on %s%n", socket.getLocalSocketAddress(),
                    videoPayloadType, audioPayloadType, streamId, Format.address(node));
            out.flush();
            RunLoop.run(durationS, 1000, elapsedNs -> {
                BroadcasterStats s = broadcaster.stats();
                out.printf("%s  %5.1fs  rtp in %d  video %d  audio %d  spoiled %d  refused %d  not rtp %d  target %s%n",
                        broadcaster.state(), elapsedNs / 1e9, ingest.packets(), ingest.videoFrames(), ingest.audioFrames(),
                        ingest.videoFramesSpoiled(), ingest.framesRefused(), ingest.malformed(),
                        Format.bitrate(s.targetBitrateBps()));
                out.flush();
            });
        }
        return 0;
    }

    private static boolean validPayloadType(int pt) {
        return pt >= 96 && pt <= 127;
    }
}
