package io.smoothcast.transport.internal.client;

import io.netty.buffer.ByteBuf;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpCompoundReader;
import io.smoothcast.rtp.RtcpPacketType;
import io.smoothcast.rtp.RtcpPliView;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.transport.internal.DatagramKind;
import io.smoothcast.transport.internal.SingleWriterCounters;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.DatagramReceiver;
import io.smoothcast.transport.internal.netty.DatagramSender;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Queue;

/**
 * The broadcaster's protocol logic on its I/O thread: the control conversation, packetizing
 * frames taken from the application's queue, and keyframe requests from the node.
 *
 * <p>Not thread-safe: the I/O thread only, except {@link #counters()} reads.
 */
public final class BroadcasterEngine implements DatagramReceiver, ClientControl.Events {

    /** Counter indexes. */
    public static final int FRAMES_SENT = 0;
    /** Frames dropped because the broadcaster was not connected. */
    public static final int FRAMES_DROPPED_NOT_CONNECTED = 1;
    /** RTP packets sent. */
    public static final int PACKETS_SENT = 2;
    /** RTP bytes sent. */
    public static final int BYTES_SENT = 3;
    /** PLIs received. */
    public static final int KEYFRAME_REQUESTS = 4;
    /** Datagrams not understood. */
    public static final int MALFORMED_DROPPED = 5;
    /** Smoothed RTT in ns (gauge). */
    public static final int RTT_NS = 6;
    private static final int COUNTER_COUNT = 7;

    /** Callbacks to the public object (state changes and keyframe requests), on the I/O thread. */
    public interface Listener {
        /** The node accepted the stream. */
        void onConnected();

        /** The node refused or never answered. */
        void onFailed(String reason);

        /** A keyframe was requested. */
        void onKeyframeRequested();
    }

    private final DatagramSender out;
    private final InetSocketAddress node;
    private final List<Track> tracks;
    private final FramePacketizer[] packetizers;
    private final long[] firstCaptureNs;
    private final boolean[] anchored;
    private final FramePacketizer.TransportSequence transportSequence = new FramePacketizer.TransportSequence();
    private final Queue<OutgoingFrame> frames;
    private final ClientControl control;
    private final Listener listener;
    private final SingleWriterCounters counters = new SingleWriterCounters(COUNTER_COUNT);
    private final byte[] scratch = new byte[UdpTransport.RECEIVE_BUFFER_BYTES];
    private final RtcpCompoundReader rtcp = new RtcpCompoundReader();
    private final RtcpPliView pli = new RtcpPliView();
    private final FramePacketizer.PacketSink sink;

    /**
     * @param out where datagrams go
     * @param node the node's address
     * @param sessionId random session id
     * @param publish the PUBLISH request (stream id and tracks)
     * @param frames the application's queue (MPSC; this engine is its only consumer)
     * @param listener callbacks to the public object
     * @param randomSeed seeds the first sequence numbers
     */
    public BroadcasterEngine(DatagramSender out, InetSocketAddress node, long sessionId,
            ControlMessage.Publish publish, Queue<OutgoingFrame> frames, Listener listener, long randomSeed) {
        this.out = out;
        this.node = node;
        this.tracks = publish.tracks();
        this.frames = frames;
        this.listener = listener;
        this.control = new ClientControl(out, node, sessionId, publish, (int) randomSeed, this);
        this.packetizers = new FramePacketizer[tracks.size()];
        this.firstCaptureNs = new long[tracks.size()];
        this.anchored = new boolean[tracks.size()];
        java.util.SplittableRandom random = new java.util.SplittableRandom(randomSeed);
        for (int i = 0; i < packetizers.length; i++) {
            packetizers[i] = new FramePacketizer(tracks.get(i),
                    RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID, random.nextInt(1 << 16));
        }
        this.sink = (packet, sequenceNumber) -> {
            counters.increment(PACKETS_SENT);
            counters.add(BYTES_SENT, packet.readableBytes());
            out.send(packet, node);
        };
    }

    /** Sends the HELLO. */
    public void start(long nowNs) {
        control.start(nowNs);
    }

    /** The counters, readable from any thread. */
    public SingleWriterCounters counters() {
        return counters;
    }

    @Override
    public void onDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        if (!sender.equals(node)) {
            counters.increment(MALFORMED_DROPPED);
            return;
        }
        switch (DatagramKind.classify(datagram)) {
            case CONTROL -> {
                DecodeResult result = ControlCodec.decode(datagram);
                if (result.ok()) {
                    control.onControl(result, nowNs);
                    counters.set(RTT_NS, control.rttNs());
                } else {
                    counters.increment(MALFORMED_DROPPED);
                }
            }
            case RTCP -> onRtcp(datagram);
            default -> counters.increment(MALFORMED_DROPPED);
        }
    }

    private void onRtcp(ByteBuf datagram) {
        int length = Math.min(datagram.readableBytes(), scratch.length);
        datagram.getBytes(datagram.readerIndex(), scratch, 0, length);
        if (rtcp.wrap(scratch, 0, length) != ParseStatus.OK) {
            counters.increment(MALFORMED_DROPPED);
            return;
        }
        while (rtcp.next()) {
            if (rtcp.packetType() == RtcpPacketType.PAYLOAD_FEEDBACK && rtcp.format() == RtcpPacketType.FMT_PLI
                    && pli.wrap(scratch, rtcp.packetOffset(), rtcp.packetLength()) == ParseStatus.OK
                    && isOwnSsrc(pli.mediaSsrc())) {
                counters.increment(KEYFRAME_REQUESTS);
                listener.onKeyframeRequested();
            }
        }
        if (rtcp.status() != ParseStatus.OK) {
            counters.increment(MALFORMED_DROPPED);
        }
    }

    private boolean isOwnSsrc(int ssrc) {
        for (Track track : tracks) {
            if (track.ssrc() == ssrc) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onHandlerFailure(RuntimeException failure) {
        counters.increment(MALFORMED_DROPPED);
    }

    /**
     * Takes every queued frame, packetizes and sends it (or drops it while not connected).
     *
     * @param nowNs the current time
     */
    public void drain(long nowNs) {
        OutgoingFrame frame;
        boolean sent = false;
        while ((frame = frames.poll()) != null) {
            try {
                if (control.isActive()) {
                    int i = frame.trackIndex();
                    packetizers[i].packetize(frame.data(), rtpTimestamp(i, frame.captureTimeNs()), frame.keyframe(),
                            transportSequence, out.allocator(), sink);
                    counters.increment(FRAMES_SENT);
                    sent = true;
                } else {
                    counters.increment(FRAMES_DROPPED_NOT_CONNECTED);
                }
            } finally {
                frame.data().release();
            }
        }
        if (sent) {
            out.flush();
        }
    }

    /** RTP timestamp of a capture time: the track's clock, anchored at its first frame. */
    private int rtpTimestamp(int trackIndex, long captureTimeNs) {
        if (!anchored[trackIndex]) {
            anchored[trackIndex] = true;
            firstCaptureNs[trackIndex] = captureTimeNs;
        }
        long elapsedNs = captureTimeNs - firstCaptureNs[trackIndex];
        long ticks = Math.floorDiv(elapsedNs * (tracks.get(trackIndex).clockRateHz() / 1000), 1_000_000L);
        return (int) ticks;
    }

    /** Periodic work: request retransmission and keepalives. */
    public void onTick(long nowNs) {
        control.onTick(nowNs);
        counters.set(RTT_NS, control.rttNs());
    }

    /** Says goodbye to the node and releases any frames still queued. */
    public void close(long nowNs) {
        control.leave(nowNs);
        OutgoingFrame frame;
        while ((frame = frames.poll()) != null) {
            frame.data().release();
        }
        out.flush();
    }

    @Override
    public void onAccepted(ControlMessage reply, long nowNs) {
        listener.onConnected();
    }

    @Override
    public void onStreamInfo(ControlMessage.StreamInfo info, long nowNs) {
        // a publisher is not told about its own stream
    }

    @Override
    public void onFailed(String reason) {
        listener.onFailed(reason);
    }
}
