package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.DatagramKind;
import io.smoothcast.transport.internal.client.GenericPayload;
import io.smoothcast.transport.internal.client.TestViewerEngines;
import io.smoothcast.transport.internal.client.ViewerEngine;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A viewer (the real {@link ViewerEngine}) on two real relay engines, in virtual time, when the
 * one STREAM_INFO that tells it about a change is lost: NodeSwitchIT's lossy last mile, where the
 * publisher leaves node A for node B and A's "no publisher here" did not reach the viewer.
 */
class LostStreamInfoTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    private static final Track AUDIO = new Track(0x3000, 0, 111, 0, MediaKind.AUDIO, 0, 48_000, 64_000);
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);
    private static final InetSocketAddress PUBLISHER = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress VIEWER = new InetSocketAddress("127.0.0.1", 6000);

    private final RecordingSender outA = new RecordingSender();
    private final RecordingSender outB = new RecordingSender();
    private final RecordingSender viewerOut = new RecordingSender();
    private final RelayEngine relayA = new RelayEngine(new RelayConfig(1, 500, 5000, 64, 200, 100, 100, null), outA,
            new RelayCounters());
    private final RelayEngine relayB = new RelayEngine(new RelayConfig(2, 500, 5000, 64, 200, 100, 100, null), outB,
            new RelayCounters());
    private final List<String> events = new ArrayList<>();
    private final ViewerEngine viewer = TestViewerEngines.onNodes(viewerOut, List.of(A, B),
            FailoverPolicy.builder().noPublisherTimeoutMs(1000).build(),
            TestViewerEngines.recording(events, () -> " at " + nowMs()));
    private long nowNs = 1_000 * MS;
    /** The node the publisher sends its media to; null while it has none. */
    private InetSocketAddress publisherNode;
    private int publisherSequence;
    /** STREAM_INFO datagrams from a node to the viewer still to lose, and which ones. */
    private int streamInfosToLose;
    private Predicate<ControlMessage.StreamInfo> lostInfo = info -> false;
    private final List<String> streamInfosLost = new ArrayList<>();

    @AfterEach
    void close() {
        relayA.close();
        relayB.close();
    }

    private long nowMs() {
        return nowNs / MS;
    }

    private RelayEngine relay(InetSocketAddress node) {
        return node.equals(A) ? relayA : relayB;
    }

    private void publisherSends(InetSocketAddress node, ControlMessage message) {
        ByteBuf buf = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, 1, new byte[0], message);
        relay(node).onDatagram(buf, PUBLISHER, nowNs);
        buf.release();
    }

    private void publish(InetSocketAddress node, List<Track> tracks) {
        publisherSends(node, new ControlMessage.Hello(99, 500));
        publisherSends(node, new ControlMessage.Publish("show", tracks));
        publisherNode = node;
    }

    /** Delivers what the viewer and the nodes sent, until nobody has anything more to send. */
    private void network() {
        while (!viewerOut.sent.isEmpty() || !outA.sent.isEmpty() || !outB.sent.isEmpty()) {
            for (RecordingSender.Sent sent : viewerOut.drain()) {
                deliver(relay(sent.recipient()), sent.bytes(), VIEWER);
            }
            fromNode(A, outA);
            fromNode(B, outB);
        }
    }

    private void fromNode(InetSocketAddress node, RecordingSender out) {
        for (RecordingSender.Sent sent : out.drain()) {
            if (!sent.recipient().equals(VIEWER)) {
                continue; // the publisher's answers and feedback: it needs none here
            }
            if (streamInfosToLose > 0 && DatagramKind.classify(Unpooled.wrappedBuffer(sent.bytes())) == DatagramKind.CONTROL) {
                DecodeResult decoded = ControlCodec.decode(Unpooled.wrappedBuffer(sent.bytes()));
                if (decoded.message() instanceof ControlMessage.StreamInfo info && lostInfo.test(info)) {
                    streamInfosToLose--;
                    streamInfosLost.add(node.getPort() + " " + info.tracks().size() + " tracks at " + nowMs());
                    continue;
                }
            }
            deliver(viewer, sent.bytes(), node);
        }
    }

    private void deliver(io.smoothcast.transport.internal.netty.DatagramReceiver to, byte[] bytes,
            InetSocketAddress from) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        to.onDatagram(buf, from, nowNs);
        buf.release();
    }

    /** Runs for {@code ms}: the publisher sends a one-packet video frame every 10 ms. */
    private void run(long ms) {
        for (long t = 0; t < ms; t += 10) {
            nowNs += 10 * MS;
            if (publisherNode != null) {
                deliver(relay(publisherNode), videoPacket(publisherSequence++), PUBLISHER);
            }
            relayA.onTick(nowNs);
            relayB.onTick(nowNs);
            viewer.onTick(nowNs);
            network();
        }
    }

    private byte[] videoPacket(int sequence) {
        byte[] packet = new byte[200];
        int length = new RtpPacketWriter().payloadType(96).sequenceNumber(sequence & 0xFFFF)
                .timestamp(sequence * 900).marker(true).ssrc(VIDEO.ssrc())
                .addTransportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID, sequence & 0xFFFF)
                .write(packet, 0, packet.length, new byte[] {(byte) GenericPayload.START, 2, 3}, 0, 3);
        return Arrays.copyOf(packet, length);
    }

    /** The viewer watches the stream on A. */
    private void watchingOnA() {
        publish(A, List.of(VIDEO));
        viewer.start(nowNs);
        network();
        run(1000);
        assertEquals(List.of("CONNECTED"), events);
        assertEquals(1, viewer.tracks().length);
    }

    @Test
    void publisherMovesToB_aSaysSoButTheMessageIsLost_theViewerFollowsWithinOneRepeat() {
        watchingOnA();
        streamInfosToLose = 1;
        lostInfo = info -> info.tracks().isEmpty();
        long leftMs = nowMs();
        publisherSends(A, new ControlMessage.Leave("show"));
        publish(B, List.of(VIDEO));
        network();
        run(3000);
        assertEquals(List.of("7001 0 tracks at " + leftMs), streamInfosLost);
        assertEquals(2, events.size(), "the viewer followed the publisher: " + events);
        String moved = events.get(1);
        assertTrue(moved.startsWith("NO_PUBLISHER 7001->7002 at "), moved);
        long movedAfterMs = Long.parseLong(moved.substring(moved.lastIndexOf(' ') + 1)) - leftMs;
        // A's repeat goes 200 ms after the change (on A's next 10 ms tick here); the viewer asks
        // B at once and moves when B accepts (no delay on these paths).
        assertTrue(movedAfterMs >= 200 && movedAfterMs <= 250, "moved " + movedAfterMs + " ms after the publisher left A");
    }

    @Test
    void publisherAddsATrack_theStreamInfoIsLost_theViewerHasTheNewTrackWithinOneRepeat() {
        watchingOnA();
        streamInfosToLose = 1;
        lostInfo = info -> info.tracks().size() == 2;
        long changedMs = nowMs();
        publisherSends(A, new ControlMessage.Publish("show", List.of(VIDEO, AUDIO)));
        network();
        assertEquals(List.of("7001 2 tracks at " + changedMs), streamInfosLost);
        run(190);
        assertEquals(1, viewer.tracks().length, "not known before the repeat");
        run(20);
        assertEquals(2, viewer.tracks().length, "the audio track is known 200 ms after the change");
        assertEquals(List.of("CONNECTED"), events);
    }
}
