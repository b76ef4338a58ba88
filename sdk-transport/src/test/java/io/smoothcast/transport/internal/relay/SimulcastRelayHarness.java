package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared set-up of the relay's downlink tests in virtual time: the relay's real engine, a
 * publisher of three simulcast layers (frames every 33 ms, a keyframe every 3 s or when the node
 * asks), and the simulated bottleneck a subscriber sits behind. The tests add their subscribers
 * (how they stamp arrivals and send feedback is what they test) and drive the clock.
 */
abstract class SimulcastRelayHarness {

    static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    static final int TRANSPORT_ID = RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID;
    static final Track[] LAYERS = {
        new Track(0x100, 0x101, 96, 97, MediaKind.VIDEO, 0, 90_000, 300_000),
        new Track(0x200, 0x201, 96, 97, MediaKind.VIDEO, 1, 90_000, 800_000),
        new Track(0x300, 0x301, 96, 97, MediaKind.VIDEO, 2, 90_000, 2_000_000),
    };
    static final InetSocketAddress PUBLISHER = new InetSocketAddress("127.0.0.1", 5000);
    /** Stalls as SimulcastDownlinkIT's hosts showed them under a CPU hog: 60 to 451 ms. */
    static final long[] STALLS_MS = {208, 60, 451, 130, 256, 90, 186, 400};

    final RecordingSender out = new RecordingSender();
    final RelayCounters counters = new RelayCounters();
    final RelayEngine engine = new RelayEngine(
            new RelayConfig(0x0DE, 500, 60_000, 512, 200, 100, 100, null), out, counters);
    final RtpPacketView view = new RtpPacketView();
    long nowNs = TimeUnit.SECONDS.toNanos(50);
    /** While the relay's thread is stalled: the datagrams waiting in its socket, with their senders; else null. */
    List<Object[]> waitingInRelaySocket;
    private final RtpPacketWriter writer = new RtpPacketWriter();
    private final int[] publisherSequence = new int[LAYERS.length];
    private int publisherTransportSequence;
    private boolean keyframeRequested;

    /**
     * A packet the relay sent a subscriber, into that subscriber's bottleneck: parsed into
     * {@link #view} (its transport-wide number checked) and, unless the bottleneck drops it,
     * queued in {@code inFlight} with its arrival time.
     *
     * @param inFlight the subscriber's packets on the way: {transport sequence, arrival ns}
     * @return whether it got through (false: tail drop)
     */
    boolean intoBottleneck(byte[] bytes, Bottleneck link, ArrayDeque<long[]> inFlight) {
        assertEquals(ParseStatus.OK, view.wrap(bytes, 0, bytes.length));
        int transportSequence = view.transportSequenceNumber(TRANSPORT_ID);
        assertTrue(transportSequence >= 0, "the node stamps every packet");
        long arrivalNs = link.arrivalNs(bytes.length, nowNs);
        if (arrivalNs < 0) {
            return false; // tail drop
        }
        inFlight.add(new long[] {transportSequence, arrivalNs});
        return true;
    }

    @AfterEach
    void releaseCache() {
        engine.close();
    }

    /**
     * A subscriber's downlink: a bottleneck of settable capacity with 300 ms of buffer (tail
     * drop), then 20 ms one way.
     */
    static final class Bottleneck {
        long capacityBps;
        private long linkFreeNs;

        Bottleneck(long capacityBps) {
            this.capacityBps = capacityBps;
        }

        /** When a packet sent now arrives, in ns, or -1 if the full buffer drops it. */
        long arrivalNs(int bytes, long nowNs) {
            long departureNs = Math.max(nowNs, linkFreeNs) + bytes * 8L * 1_000_000_000L / capacityBps;
            if (departureNs - nowNs > 300 * MS) {
                return -1;
            }
            linkFreeNs = departureNs;
            return departureNs + 20 * MS;
        }
    }

    /** A datagram the relay reads now, or keeps in its socket while it is stalled. */
    void receive(byte[] datagram, InetSocketAddress from) {
        if (waitingInRelaySocket != null) {
            waitingInRelaySocket.add(new Object[] {datagram, from});
            return;
        }
        ByteBuf buf = Unpooled.wrappedBuffer(datagram);
        engine.onDatagram(buf, from, nowNs);
        buf.release();
    }

    void control(InetSocketAddress from, ControlMessage message) {
        receive(RecordingSender.controlDatagram(1, message), from);
    }

    /** The publisher publishes {@link #LAYERS}; each subscriber joins and subscribes to the top layer. */
    void publishTo(InetSocketAddress... subscribers) {
        control(PUBLISHER, new ControlMessage.Hello(1, 500));
        control(PUBLISHER, new ControlMessage.Publish("show", List.of(LAYERS)));
        for (InetSocketAddress subscriber : subscribers) {
            control(subscriber, new ControlMessage.Hello(subscriber.getPort(), 500));
            control(subscriber, new ControlMessage.Subscribe("show", 2, 0));
        }
        out.drain();
    }

    /** One frame of every layer, at its bitrate, in packets of at most 1000 payload bytes. */
    void sendFrame(boolean keyframe) {
        for (int layer = 0; layer < LAYERS.length; layer++) {
            Track track = LAYERS[layer];
            int remaining = (int) (track.bitrateBps() / 30 / 8);
            boolean first = true;
            while (remaining > 0) {
                int chunk = Math.min(1000, remaining);
                remaining -= chunk;
                byte[] payload = new byte[chunk];
                payload[0] = (byte) ((first ? 0x80 : 0) | (keyframe ? 0x40 : 0));
                byte[] packet = new byte[1200];
                int length = writer.reset().payloadType(track.payloadType()).ssrc(track.ssrc())
                        .sequenceNumber(publisherSequence[layer]++ & 0xFFFF).timestamp((int) (nowNs / 11_111))
                        .marker(remaining == 0)
                        .addTransportSequenceNumber(TRANSPORT_ID, publisherTransportSequence++ & 0xFFFF)
                        .write(packet, 0, packet.length, payload, 0, payload.length);
                receive(Arrays.copyOf(packet, length), PUBLISHER);
                first = false;
            }
        }
    }

    /** A frame every 33 ms of virtual time: a keyframe every 3 s, or when the node asked for one. */
    void sendFrameIfDue() {
        long tMs = nowNs / MS;
        if (tMs % 33 == 0) {
            boolean keyframe = keyframeRequested || tMs % 3000 < 33;
            keyframeRequested = false;
            sendFrame(keyframe);
        }
    }

    /**
     * Whether a datagram the relay sent goes to the publisher; a PLI among them makes the next
     * frame a keyframe.
     */
    boolean isForPublisher(RecordingSender.Sent sent) {
        if (!sent.recipient().equals(PUBLISHER)) {
            return false;
        }
        byte[] bytes = sent.bytes();
        keyframeRequested |= bytes.length >= 2 && (bytes[1] & 0xFF) == 206; // PLI
        return true;
    }

    /** Whether a datagram is a layer's RTP packet or its RTX (payload types 96 and 97). */
    static boolean isMedia(byte[] bytes) {
        return bytes.length > 1 && (bytes[0] & 0xC0) == 0x80 && ((bytes[1] & 0x7F) == 96 || (bytes[1] & 0x7F) == 97);
    }

    /** The simulcast layer of a media SSRC, or -1. */
    static int layerOf(int ssrc) {
        for (Track t : LAYERS) {
            if (t.ssrc() == ssrc) {
                return t.simulcastLayer();
            }
        }
        return -1;
    }
}
