package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.rtp.NackWriter;
import io.smoothcast.rtp.RtcpPliView;
import io.smoothcast.rtp.RtcpWriter;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.transport.internal.cc.TransportFeedbackCollector;
import io.smoothcast.transport.internal.cc.UntimedArrivalsReport;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.ErrorCode;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.VideoPayloadFormat;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import io.smoothcast.transport.internal.rtx.MissingPacketTracker;
import io.smoothcast.transport.internal.rtx.TailLossProbe;
import io.smoothcast.transport.internal.rtx.RetransmissionBudget;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RelayEngineTest {

    private static final int NODE_ID = 0x0DE0DE;
    private static final Track VIDEO_HIGH = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 1, 90_000, 2_000_000);
    private static final Track VIDEO_LOW = new Track(0x2000, 0x2001, 96, 97, MediaKind.VIDEO, 0, 90_000, 300_000);
    private static final Track AUDIO = new Track(0x3000, 0, 111, 0, MediaKind.AUDIO, 0, 48_000, 64_000);

    private static final InetSocketAddress PUBLISHER = address(5000);
    private static final InetSocketAddress VIEWER_1 = address(6001);
    private static final InetSocketAddress VIEWER_2 = address(6002);
    private static final InetSocketAddress VIEWER_3 = address(6003);

    private final RecordingSender out = new RecordingSender();
    private final RelayCounters counters = new RelayCounters();
    /** Replaced by a test that needs another configuration. */
    private RelayEngine engine = new RelayEngine(
            new RelayConfig(NODE_ID, 500, 5000, 64, 200, 100, 100, null), out, counters);
    /**
     * Where the virtual clock starts. The engines must work whatever the origin of {@code System.nanoTime()};
     * subclasses run every test again from another origin.
     */
    long originNs() {
        return 0;
    }

    private long nowNs = originNs() + TimeUnit.SECONDS.toNanos(100);

    @AfterEach
    void releaseCache() {
        engine.close();
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    private void receive(byte[] datagram, InetSocketAddress from) {
        ByteBuf buf = Unpooled.wrappedBuffer(datagram);
        engine.onDatagram(buf, from, nowNs);
        assertTrue(buf.refCnt() >= 1, "the engine must not release the caller's reference");
        buf.release();
    }

    private void control(InetSocketAddress from, int requestId, ControlMessage message) {
        receive(RecordingSender.controlDatagram(requestId, message), from);
    }

    private static DecodeResult decode(byte[] bytes) {
        return ControlCodec.decode(Unpooled.wrappedBuffer(bytes));
    }

    private ControlMessage onlyReplyTo(InetSocketAddress to) {
        return out.takeOnlyReplyTo(to);
    }

    private void join(InetSocketAddress client) {
        control(client, 1, new ControlMessage.Hello(client.getPort(), 500));
        assertInstanceOf(ControlMessage.HelloAck.class, onlyReplyTo(client));
    }

    private void publish(List<Track> tracks) {
        join(PUBLISHER);
        control(PUBLISHER, 2, new ControlMessage.Publish("show", tracks));
        assertInstanceOf(ControlMessage.PublishAck.class, onlyReplyTo(PUBLISHER));
    }

    private void subscribe(InetSocketAddress viewer, int maxLayer) {
        join(viewer);
        control(viewer, 3, new ControlMessage.Subscribe("show", maxLayer, 0));
        assertInstanceOf(ControlMessage.SubscribeAck.class, onlyReplyTo(viewer));
    }

    static byte[] rtp(int ssrc, int seq, int payloadType, byte[] payload) {
        byte[] packet = new byte[1500];
        int length = new RtpPacketWriter().payloadType(payloadType).sequenceNumber(seq).timestamp(seq * 3000)
                .ssrc(ssrc).addTransportSequenceNumber(3, seq).write(packet, 0, packet.length, payload, 0, payload.length);
        return Arrays.copyOf(packet, length);
    }

    private static byte[] payload(int seq) {
        byte[] p = new byte[100 + seq % 7];
        Arrays.fill(p, (byte) seq);
        return p;
    }

    @Test
    void hello_isAnsweredWithTheSessionIdAndTimers() {
        control(VIEWER_1, 77, new ControlMessage.Hello(1234, 500));
        List<RecordingSender.Sent> replies = out.to(VIEWER_1);
        DecodeResult reply = decode(replies.get(0).bytes());
        assertEquals(77, reply.requestId());
        assertEquals(new ControlMessage.HelloAck(1234, 500, 5000, NODE_ID), reply.message());
        assertEquals(1, counters.get(RelayCounter.SESSIONS));
    }

    @Test
    void publishOrSubscribeWithoutHello_getsNotJoined() {
        control(PUBLISHER, 5, new ControlMessage.Publish("show", List.of(AUDIO)));
        ControlMessage.Error error = (ControlMessage.Error) onlyReplyTo(PUBLISHER);
        assertEquals(ErrorCode.NOT_JOINED, error.knownCode());
        control(VIEWER_1, 6, new ControlMessage.Subscribe("show", 2, 0));
        assertEquals(ErrorCode.NOT_JOINED, ((ControlMessage.Error) onlyReplyTo(VIEWER_1)).knownCode());
        assertEquals(0, counters.get(RelayCounter.SESSIONS));
    }

    @Test
    void rtp_isFannedOutUnchangedToEverySubscriber() {
        publish(List.of(VIDEO_LOW, AUDIO));
        subscribe(VIEWER_1, 2);
        subscribe(VIEWER_2, 2);
        subscribe(VIEWER_3, 2);
        out.drain(); // keyframe requests
        byte[] packet = rtp(VIDEO_LOW.ssrc(), 10, 96, payload(10));
        receive(packet, PUBLISHER);
        for (InetSocketAddress viewer : List.of(VIEWER_1, VIEWER_2, VIEWER_3)) {
            assertEquals(1, out.to(viewer).size());
            assertArrayEquals(packet, out.to(viewer).get(0).bytes());
        }
        assertEquals(3, counters.get(RelayCounter.PACKETS_FORWARDED));
        assertEquals(3L * packet.length, counters.get(RelayCounter.BYTES_FORWARDED));
    }

    @Test
    void rtpFromStrangersOrWithUnannouncedSsrc_isDroppedAndCounted() {
        publish(List.of(AUDIO));
        subscribe(VIEWER_1, 0);
        out.drain();
        receive(rtp(AUDIO.ssrc(), 1, 111, payload(1)), VIEWER_2);
        receive(rtp(AUDIO.ssrc(), 1, 111, payload(1)), VIEWER_1); // a subscriber is not a publisher
        receive(rtp(0xBAD, 1, 111, payload(1)), PUBLISHER);
        assertTrue(out.sent.isEmpty());
        assertEquals(2, counters.get(RelayCounter.UNSOLICITED_MEDIA_DROPPED));
        assertEquals(1, counters.get(RelayCounter.UNKNOWN_SSRC_DROPPED));
    }

    @Test
    void subscriberBeforePublisher_getsEmptyTracksThenStreamInfo() {
        join(VIEWER_1);
        control(VIEWER_1, 3, new ControlMessage.Subscribe("show", 2, 0));
        assertEquals(new ControlMessage.SubscribeAck("show", List.of()), onlyReplyTo(VIEWER_1));
        join(PUBLISHER);
        control(PUBLISHER, 2, new ControlMessage.Publish("show", List.of(VIDEO_LOW, AUDIO)));
        ControlMessage info = decode(out.to(VIEWER_1).get(0).bytes()).message();
        assertEquals(new ControlMessage.StreamInfo("show", List.of(VIDEO_LOW, AUDIO)), info);
        // and the waiting viewer's need for a keyframe is passed on to the publisher
        assertEquals(1, counters.get(RelayCounter.PLI_FORWARDED));
    }

    @Test
    void simulcast_subscriberGetsTheHighestLayerUnderItsCap_plusAudio() {
        publish(List.of(VIDEO_HIGH, VIDEO_LOW, AUDIO));
        subscribe(VIEWER_1, 0);
        subscribe(VIEWER_2, 2);
        out.drain();
        receive(rtp(VIDEO_HIGH.ssrc(), 1, 96, payload(1)), PUBLISHER);
        receive(rtp(VIDEO_LOW.ssrc(), 1, 96, payload(1)), PUBLISHER);
        receive(rtp(AUDIO.ssrc(), 1, 111, payload(1)), PUBLISHER);
        assertEquals(List.of(VIDEO_LOW.ssrc(), AUDIO.ssrc()), ssrcsSentTo(VIEWER_1));
        assertEquals(List.of(VIDEO_HIGH.ssrc(), AUDIO.ssrc()), ssrcsSentTo(VIEWER_2));
    }

    private List<Integer> ssrcsSentTo(InetSocketAddress viewer) {
        return out.to(viewer).stream().map(s -> Unpooled.wrappedBuffer(s.bytes()).getInt(8)).toList();
    }

    /** A video packet of the given payload size carrying the default transport-wide sequence number. */
    private static byte[] rtpWithTransportSequence(int seq, int transportSequence, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + seq);
        }
        byte[] packet = new byte[1500];
        int length = new RtpPacketWriter().payloadType(96).sequenceNumber(seq).timestamp(seq * 3000)
                .ssrc(VIDEO_LOW.ssrc())
                .addTransportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID, transportSequence)
                .write(packet, 0, packet.length, payload, 0, payload.length);
        return Arrays.copyOf(packet, length);
    }

    @Test
    void renumberedPackets_carryEachSubscribersOwnNumbers_andEveryOtherByteUnchanged() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2);
        subscribe(VIEWER_2, 2);
        out.drain();
        int[] sizes = {1100, 256, 40, 0};
        for (int i = 0; i < sizes.length; i++) {
            byte[] sent = rtpWithTransportSequence(100 + i, 5000 + i, sizes[i]);
            ByteBuf buf = Unpooled.wrappedBuffer(sent);
            engine.onDatagram(buf, PUBLISHER, nowNs);
            // The caller's reference and the retransmission cache's: nothing else holds the packet.
            assertEquals(2, buf.refCnt(), "size " + sizes[i]);
            buf.release();
            for (InetSocketAddress viewer : List.of(VIEWER_1, VIEWER_2)) {
                List<RecordingSender.Sent> got = out.to(viewer);
                byte[] bytes = got.get(got.size() - 1).bytes();
                RtpPacketView view = new RtpPacketView();
                assertEquals(ParseStatus.OK, view.wrap(bytes, 0, bytes.length), "size " + sizes[i]);
                assertEquals(i, view.transportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID),
                        "the subscriber's own numbering, from 0, size " + sizes[i]);
                byte[] expected = sent.clone();
                byte[] actual = bytes.clone();
                int offset = view.payloadOffset() - 4; // the 2-byte number sits in the last extension word
                Arrays.fill(expected, offset, offset + 4, (byte) 0);
                Arrays.fill(actual, offset, offset + 4, (byte) 0);
                assertArrayEquals(expected, actual, "every other byte unchanged, size " + sizes[i]);
            }
        }
    }

    @Test
    void moreSubscribersThanTheFirstFanOutArrays_eachGetsEveryPacketOnce_withItsOwnNumbers_inSubscriptionOrder() {
        publish(List.of(VIDEO_LOW));
        List<InetSocketAddress> viewers = new ArrayList<>();
        for (int v = 0; v < 40; v++) {
            InetSocketAddress viewer = address(7000 + v);
            subscribe(viewer, 2);
            viewers.add(viewer);
        }
        out.drain();
        RtpPacketView view = new RtpPacketView();
        for (int i = 0; i < 3; i++) {
            receive(rtpWithTransportSequence(200 + i, 9000 + i, 300), PUBLISHER);
            List<RecordingSender.Sent> copies = out.drain();
            assertEquals(viewers.size(), copies.size(), "one copy per subscriber of packet " + i);
            for (int v = 0; v < viewers.size(); v++) {
                RecordingSender.Sent copy = copies.get(v);
                assertEquals(viewers.get(v), copy.recipient(), "copy " + v + " of packet " + i);
                assertEquals(ParseStatus.OK, view.wrap(copy.bytes(), 0, copy.bytes().length));
                assertEquals(200 + i, view.sequenceNumber());
                assertEquals(i, view.transportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID),
                        "subscriber " + v + "'s own numbering of packet " + i);
            }
        }
    }

    @Test
    void nack_isAnsweredWithRtxCarryingTheOriginalSequenceNumber() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2);
        for (int seq = 65530; seq < 65530 + 10; seq++) {
            receive(rtp(VIDEO_LOW.ssrc(), seq & 0xFFFF, 96, payload(seq & 0xFFFF)), PUBLISHER);
        }
        out.drain();
        byte[] nack = new byte[64];
        int length = NackWriter.writeLost(nack, 0, nack.length, 0x5555, VIDEO_LOW.ssrc(), new int[] {65534, 2}, 2);
        receive(Arrays.copyOf(nack, length), VIEWER_1);

        List<RecordingSender.Sent> rtx = out.to(VIEWER_1);
        assertEquals(2, rtx.size());
        int previousRtxSeq = -1;
        for (int i = 0; i < 2; i++) {
            int osn = new int[] {65534, 2}[i];
            byte[] bytes = rtx.get(i).bytes();
            RtpPacketView view = new RtpPacketView();
            assertEquals(ParseStatus.OK, view.wrap(bytes, 0, bytes.length));
            assertEquals(VIDEO_LOW.rtxSsrc(), view.ssrc());
            assertEquals(VIDEO_LOW.rtxPayloadType(), view.payloadType());
            assertEquals(osn * 3000, view.timestamp(), "timestamp kept");
            assertEquals(osn, view.transportSequenceNumber(3), "header extensions kept");
            int p = view.payloadOffset();
            assertEquals(osn, ((bytes[p] & 0xFF) << 8) | (bytes[p + 1] & 0xFF), "OSN");
            assertArrayEquals(payload(osn), Arrays.copyOfRange(bytes, p + 2, p + view.payloadLength()));
            if (previousRtxSeq >= 0) {
                assertEquals((previousRtxSeq + 1) & 0xFFFF, view.sequenceNumber(), "RTX has its own sequence");
            }
            previousRtxSeq = view.sequenceNumber();
        }
        assertEquals(2, counters.get(RelayCounter.RTX_SENT));
        assertEquals(0, counters.get(RelayCounter.RTX_MISSES));
    }

    /** The OSNs of the RTX packets sent to {@code viewer}, in order; drains them. */
    private List<Integer> rtxOsnsTo(InetSocketAddress viewer, Track track) {
        List<Integer> osns = new ArrayList<>();
        for (RecordingSender.Sent sent : out.to(viewer)) {
            byte[] bytes = sent.bytes();
            RtpPacketView view = new RtpPacketView();
            if (view.wrap(bytes, 0, bytes.length) == ParseStatus.OK && view.ssrc() == track.rtxSsrc()) {
                int p = view.payloadOffset();
                osns.add(((bytes[p] & 0xFF) << 8) | (bytes[p + 1] & 0xFF));
            }
        }
        out.drain();
        return osns;
    }

    @Test
    void tailLossProbe_quietTrack_newestPacketResentOncePerQuietPeriodToEachSubscriber_neverWhileItFlows() {
        publish(List.of(VIDEO_LOW, AUDIO));
        subscribe(VIEWER_1, 2);
        subscribe(VIEWER_2, 2);
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        // a second of video at 30 fps, ticked every 20 ms: no probe while it flows
        for (int seq = 100; seq < 130; seq++) {
            receive(rtp(VIDEO_LOW.ssrc(), seq, 96, payload(seq)), PUBLISHER);
            for (int tick = 0; tick < 2; tick++) {
                nowNs += 17 * ms;
                engine.onTick(nowNs);
            }
        }
        assertEquals(List.of(), rtxOsnsTo(VIEWER_1, VIDEO_LOW));
        long lastNs = nowNs - 34 * ms;

        // the pause: VIEWER_1 lost 127 to 129, which no later packet would reveal
        long firstProbeNs = -1;
        for (int tick = 0; tick < 100; tick++) { // 2 s
            nowNs += 20 * ms;
            engine.onTick(nowNs);
            List<Integer> probes = rtxOsnsTo(VIEWER_1, VIDEO_LOW);
            if (!probes.isEmpty()) {
                assertEquals(List.of(129), probes, "the newest packet, once");
                assertEquals(-1, firstProbeNs, "one probe per quiet period");
                firstProbeNs = nowNs;
            }
        }
        assertTrue(firstProbeNs - lastNs >= TailLossProbe.MIN_TIMEOUT_NS, "after the quiet timeout");
        assertTrue(firstProbeNs - lastNs < TailLossProbe.MIN_TIMEOUT_NS + 20 * ms, "at the first tick after it");
        assertEquals(2, counters.get(RelayCounter.TAIL_PROBES_SENT), "one to each subscriber");
        assertEquals(0, counters.get(RelayCounter.RTX_SENT), "no NACK answered yet");

        // the probe shows VIEWER_1 the gap: its NACK gets the rest through the normal path
        byte[] nack = new byte[64];
        int length = NackWriter.writeLost(nack, 0, nack.length, 0x5555, VIDEO_LOW.ssrc(), new int[] {127, 128}, 2);
        receive(Arrays.copyOf(nack, length), VIEWER_1);
        assertEquals(List.of(127, 128), rtxOsnsTo(VIEWER_1, VIDEO_LOW));

        // the next packet starts a new quiet period: probed once more
        receive(rtp(VIDEO_LOW.ssrc(), 130, 96, payload(130)), PUBLISHER);
        for (int tick = 0; tick < 50; tick++) {
            nowNs += 20 * ms;
            engine.onTick(nowNs);
        }
        assertEquals(List.of(130), rtxOsnsTo(VIEWER_1, VIDEO_LOW));
        assertEquals(4, counters.get(RelayCounter.TAIL_PROBES_SENT));
    }

    /** An audio track with RTX, sparse as Opus DTX or chat messages. */
    private static final Track SPARSE_AUDIO = new Track(0x4000, 0x4001, 111, 112, MediaKind.AUDIO, 0, 48_000, 32_000);

    /** The viewers that send transport-cc feedback, each with what it has received. */
    private final Map<InetSocketAddress, TransportFeedbackCollector> feedbackOf = new HashMap<>();
    /** The OSNs of the RTX each viewer got, in order. */
    private final Map<InetSocketAddress, List<Integer>> rtxTo = new HashMap<>();

    /** A packet with the transport-wide number extension the node renumbers per subscriber. */
    private static byte[] numberedRtp(int ssrc, int seq, int payloadType, byte[] payload) {
        byte[] packet = new byte[1500];
        int length = new RtpPacketWriter().payloadType(payloadType).sequenceNumber(seq).timestamp(seq * 3000)
                .ssrc(ssrc).addTransportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID, seq)
                .write(packet, 0, packet.length, payload, 0, payload.length);
        return Arrays.copyOf(packet, length);
    }

    /** The publisher's RTX of one packet (RFC 4588: the OSN in front of the payload). */
    private static byte[] publisherRtx(Track track, int rtxSeq, int osn) {
        byte[] original = payload(osn);
        byte[] payload = new byte[original.length + 2];
        payload[0] = (byte) (osn >>> 8);
        payload[1] = (byte) osn;
        System.arraycopy(original, 0, payload, 2, original.length);
        return numberedRtp(track.rtxSsrc(), rtxSeq, track.rtxPayloadType(), payload);
    }

    /**
     * Everything the node sent to the viewers arrives, except the media packets {@code lost}
     * drops; the viewers in {@link #feedbackOf} report what arrived in transport-cc feedback, and
     * the RTX OSNs go to {@link #rtxTo}.
     */
    private void deliver(Track track, BiPredicate<InetSocketAddress, Integer> lost) {
        RtpPacketView view = new RtpPacketView();
        for (RecordingSender.Sent sent : out.drain()) {
            byte[] bytes = sent.bytes();
            if (view.wrap(bytes, 0, bytes.length) != ParseStatus.OK
                    || (view.ssrc() != track.ssrc() && view.ssrc() != track.rtxSsrc())) {
                continue;
            }
            boolean rtx = view.ssrc() == track.rtxSsrc();
            if (rtx) {
                int p = view.payloadOffset();
                rtxTo.computeIfAbsent(sent.recipient(), r -> new ArrayList<>())
                        .add(((bytes[p] & 0xFF) << 8) | (bytes[p + 1] & 0xFF));
            } else if (lost.test(sent.recipient(), view.sequenceNumber())) {
                continue;
            }
            TransportFeedbackCollector collector = feedbackOf.get(sent.recipient());
            int transportSequence = view.transportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID);
            if (collector != null && transportSequence >= 0) {
                collector.onPacket(transportSequence, nowNs);
            }
        }
        byte[] feedback = new byte[1500];
        for (Map.Entry<InetSocketAddress, TransportFeedbackCollector> viewer : feedbackOf.entrySet()) {
            int length;
            while ((length = viewer.getValue().writeFeedback(feedback, 0, 0x7777, track.ssrc())) > 0) {
                receive(Arrays.copyOf(feedback, length), viewer.getKey());
            }
        }
    }

    private List<Integer> rtxTo(InetSocketAddress viewer) {
        return rtxTo.getOrDefault(viewer, List.of());
    }

    @Test
    void tailLossProbe_skipsASubscriberWhoseFeedbackReportedTheNewestPacket_probesOneWhoseDidNot() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2);
        subscribe(VIEWER_2, 2);
        feedbackOf.put(VIEWER_1, new TransportFeedbackCollector());
        feedbackOf.put(VIEWER_2, new TransportFeedbackCollector());
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        // a second of video at 30 fps; VIEWER_2 loses the last three packets before the pause
        for (int seq = 100; seq < 130; seq++) {
            receive(numberedRtp(VIDEO_LOW.ssrc(), seq, 96, payload(seq)), PUBLISHER);
            for (int tick = 0; tick < 2; tick++) {
                nowNs += 17 * ms;
                deliver(VIDEO_LOW, (viewer, s) -> viewer.equals(VIEWER_2) && s >= 127);
                engine.onTick(nowNs);
            }
        }
        for (int tick = 0; tick < 100; tick++) { // 2 s of pause
            nowNs += 20 * ms;
            engine.onTick(nowNs);
            deliver(VIDEO_LOW, (viewer, s) -> false);
        }
        assertEquals(List.of(), rtxTo(VIEWER_1), "its feedback reported 129: a probe would be a duplicate");
        assertEquals(List.of(129), rtxTo(VIEWER_2), "its feedback ends at 126: probed");
        assertEquals(1, counters.get(RelayCounter.TAIL_PROBES_SENT));
    }

    @Test
    void tailLossProbe_sparseTrack_noProbeToASubscriberWithFeedback_oneAMessageToOneWithout() {
        publish(List.of(SPARSE_AUDIO));
        subscribe(VIEWER_1, 2);
        subscribe(VIEWER_2, 2); // sends no transport-cc (a plain RTP tool)
        feedbackOf.put(VIEWER_1, new TransportFeedbackCollector());
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        for (int seq = 0; seq < 10; seq++) { // a message every 400 ms for 4 s (within VIEWER_2's session timeout)
            receive(numberedRtp(SPARSE_AUDIO.ssrc(), seq, SPARSE_AUDIO.payloadType(), payload(seq)), PUBLISHER);
            for (int tick = 0; tick < 20; tick++) {
                nowNs += 20 * ms;
                deliver(SPARSE_AUDIO, (viewer, s) -> false);
                engine.onTick(nowNs);
            }
        }
        deliver(SPARSE_AUDIO, (viewer, s) -> false);
        assertEquals(List.of(), rtxTo(VIEWER_1));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), rtxTo(VIEWER_2), "each message is the tail of its quiet period");
        assertEquals(10, counters.get(RelayCounter.TAIL_PROBES_SENT));
    }

    /**
     * A repair from the publisher behind the track's newest packet fills a gap the subscribers
     * NACK themselves: it starts no quiet period and no probe. A repair ahead of it (the tail the
     * uplink lost, brought by the publisher's own probe) is the subscribers' new tail: probed.
     */
    @Test
    void tailLossProbe_publishersRepairBehindTheNewest_noSecondProbe_aRepairAheadOfIt_isTheNewTail() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2); // no feedback: every tail is probed
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        for (int seq = 100; seq <= 110; seq++) {
            if (seq != 105) { // lost on the uplink
                receive(numberedRtp(VIDEO_LOW.ssrc(), seq, 96, payload(seq)), PUBLISHER);
            }
            nowNs += 33 * ms;
            engine.onTick(nowNs);
        }
        for (int tick = 0; tick < 15; tick++) { // 300 ms: the probe of 110
            nowNs += 20 * ms;
            engine.onTick(nowNs);
        }
        deliver(VIDEO_LOW, (viewer, s) -> false);
        assertEquals(List.of(110), rtxTo(VIEWER_1));

        receive(publisherRtx(VIDEO_LOW, 7, 105), PUBLISHER); // the uplink's repair, forwarded
        for (int tick = 0; tick < 100; tick++) {
            nowNs += 20 * ms;
            engine.onTick(nowNs);
        }
        deliver(VIDEO_LOW, (viewer, s) -> false);
        assertEquals(List.of(110), rtxTo(VIEWER_1), "no second probe after a repair behind the newest");

        receive(publisherRtx(VIDEO_LOW, 8, 112), PUBLISHER); // 111 and 112 lost upstream, 112 probed
        for (int tick = 0; tick < 100; tick++) {
            nowNs += 20 * ms;
            engine.onTick(nowNs);
        }
        deliver(VIDEO_LOW, (viewer, s) -> false);
        assertEquals(List.of(110, 112), rtxTo(VIEWER_1), "the repaired tail is the subscriber's tail");
        assertEquals(2, counters.get(RelayCounter.TAIL_PROBES_SENT));
    }

    /**
     * The publisher's RTX of a packet the node already holds (its tail loss probe when the node's
     * feedback was late, or a second repair) would reach every subscriber a second time: counted
     * and dropped. A repair of a packet the node lacks is still forwarded. An RTX the node never
     * asked for (the probe) is counted apart from a repair it asked for and got twice, so that
     * the latter counts only duplicates its own requests cost.
     */
    @Test
    void sourceRtxOfAPacketTheNodeHolds_isNotForwardedAgain_aRepairOfAMissingOneIs() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2);
        subscribe(VIEWER_2, 2);
        for (int seq = 100; seq <= 110; seq++) {
            if (seq != 105) { // lost on the uplink
                receive(numberedRtp(VIDEO_LOW.ssrc(), seq, 96, payload(seq)), PUBLISHER);
            }
        }
        nowNs += TimeUnit.MILLISECONDS.toNanos(30);
        engine.onTick(nowNs); // NACKs 105
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS));
        out.drain();

        receive(publisherRtx(VIDEO_LOW, 7, 110), PUBLISHER); // a probe of the newest: already here
        assertEquals(Map.of(), mediaSequencesSent(), "a duplicate would go to every subscriber");
        receive(publisherRtx(VIDEO_LOW, 8, 105), PUBLISHER); // the repair of the lost packet
        assertEquals(Map.of(VIEWER_1, List.of(105), VIEWER_2, List.of(105)), mediaSequencesSent());
        receive(publisherRtx(VIDEO_LOW, 9, 105), PUBLISHER); // the same repair again
        assertEquals(Map.of(), mediaSequencesSent());

        assertEquals(3, counters.get(RelayCounter.SOURCE_RTX_RECEIVED));
        assertEquals(1, counters.get(RelayCounter.SOURCE_RTX_ALREADY_HELD), "105 twice");
        assertEquals(1, counters.get(RelayCounter.SOURCE_PROBES_ALREADY_HELD), "110, never asked for");
    }

    /**
     * A cache larger than the tracker's memory of requests ({@link
     * io.smoothcast.transport.internal.rtx.MissingPacketTracker#ASKED_MEMORY}): the node asked
     * for 5, got it, then asked for 4101 (the same slot of that memory); a late second repair of
     * 5, still held, is a repair it asked for, not its source's probe.
     */
    @Test
    void secondRepairOfAnOldNumber_withACacheLargerThanTheRequestMemory_isARepairAskedFor() {
        engine.close();
        engine = new RelayEngine(new RelayConfig(NODE_ID, 500, 5000, 8192, 200, 100, 100, null), out, counters);
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2);
        int reused = 5 + MissingPacketTracker.ASKED_MEMORY;
        for (int seq = 1; seq <= reused + 1; seq++) {
            if (seq != 5 && seq != reused) { // lost on the uplink
                receive(numberedRtp(VIDEO_LOW.ssrc(), seq, 96, payload(seq)), PUBLISHER);
            }
            if (seq == 10) {
                nowNs += TimeUnit.MILLISECONDS.toNanos(30);
                engine.onTick(nowNs); // NACKs 5
                receive(publisherRtx(VIDEO_LOW, 1, 5), PUBLISHER);
            }
            out.drain();
        }
        nowNs += TimeUnit.MILLISECONDS.toNanos(30);
        engine.onTick(nowNs); // NACKs 4101
        assertEquals(2, counters.get(RelayCounter.SOURCE_NACKED_PACKETS));
        out.drain();

        receive(publisherRtx(VIDEO_LOW, 2, 5), PUBLISHER); // the first request's late second answer
        assertEquals(Map.of(), mediaSequencesSent(), "5 is still held: not forwarded again");
        assertEquals(1, counters.get(RelayCounter.SOURCE_RTX_ALREADY_HELD), "5 twice");
        assertEquals(0, counters.get(RelayCounter.SOURCE_PROBES_ALREADY_HELD), "5 was asked for");
    }

    /** The sequence numbers of the VIDEO_LOW media packets the node sent, per viewer; drains all. */
    private Map<InetSocketAddress, List<Integer>> mediaSequencesSent() {
        Map<InetSocketAddress, List<Integer>> sequences = new HashMap<>();
        RtpPacketView view = new RtpPacketView();
        for (RecordingSender.Sent sent : out.drain()) {
            byte[] bytes = sent.bytes();
            if (view.wrap(bytes, 0, bytes.length) == ParseStatus.OK && view.ssrc() == VIDEO_LOW.ssrc()) {
                sequences.computeIfAbsent(sent.recipient(), r -> new ArrayList<>()).add(view.sequenceNumber());
            }
        }
        return sequences;
    }

    @Test
    void nackForPacketsNoLongerCached_countsMisses() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2);
        for (int seq = 0; seq < 100; seq++) { // cache holds 64
            receive(rtp(VIDEO_LOW.ssrc(), seq, 96, payload(seq)), PUBLISHER);
        }
        out.drain();
        byte[] nack = new byte[64];
        int length = NackWriter.writeLost(nack, 0, nack.length, 0x5555, VIDEO_LOW.ssrc(), new int[] {5, 99}, 2);
        receive(Arrays.copyOf(nack, length), VIEWER_1);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT));
        assertEquals(1, counters.get(RelayCounter.RTX_MISSES));
    }

    @Test
    void nackAskingForHundredsOfPackets_isAnsweredOnlyUpToThePerNackBound() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2);
        for (int seq = 0; seq < 64; seq++) {
            receive(rtp(VIDEO_LOW.ssrc(), seq, 96, payload(seq)), PUBLISHER);
        }
        out.drain();
        // 40 entries, each with all 16 bitmask bits set: 680 packets asked for in one NACK.
        byte[] nack = new byte[12 + 40 * 4];
        nack[0] = (byte) 0x81;
        nack[1] = (byte) 205;
        nack[3] = (byte) (nack.length / 4 - 1);
        nack[7] = 0x55;
        nack[10] = 0x20; // media SSRC 0x2000
        for (int i = 0; i < 40; i++) {
            int pid = i * 17;
            nack[12 + 4 * i] = (byte) (pid >>> 8);
            nack[13 + 4 * i] = (byte) pid;
            nack[14 + 4 * i] = (byte) 0xFF;
            nack[15 + 4 * i] = (byte) 0xFF;
        }
        receive(nack, VIEWER_1);
        assertEquals(680, counters.get(RelayCounter.NACKED_PACKETS));
        assertEquals(680 - FeedbackHandler.MAX_RETRANSMISSIONS_PER_NACK,
                counters.get(RelayCounter.NACK_RETRANSMISSIONS_LIMITED));
        // Of the 256 answered, the 64 still cached go out as RTX; the rest are misses.
        assertEquals(64, counters.get(RelayCounter.RTX_SENT));
        assertEquals(FeedbackHandler.MAX_RETRANSMISSIONS_PER_NACK - 64, counters.get(RelayCounter.RTX_MISSES));
    }

    /**
     * The packets here are small (about 130 bytes): the bytes of the downlink's start estimate
     * would let over 4 700 through a second, ten times the rate of full-size packets; the packet
     * cap of the budget stops them at the bytes over {@link RetransmissionBudget#PACKET_CAP_BYTES}.
     */
    @Test
    void nacksOfOneSubscriber_areBoundedByItsDownlinkPerSecond_inPacketsToo_otherSubscribersKeepTheirOwnBudget() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2);
        subscribe(VIEWER_2, 2);
        byte[] original = rtp(VIDEO_LOW.ssrc(), 7, 96, payload(7));
        receive(original, PUBLISHER);
        out.drain();
        byte[] nack = new byte[64];
        int length = NackWriter.writeLost(nack, 0, nack.length, 0x5555, VIDEO_LOW.ssrc(), new int[] {7}, 1);
        byte[] one = Arrays.copyOf(nack, length);
        // No transport-cc from these viewers: the budget assumes the downlink's start estimate.
        long perSecond = FeedbackHandler.NO_ESTIMATE_RETRANSMISSION_BPS / 8 / RetransmissionBudget.PACKET_CAP_BYTES;
        assertTrue(perSecond * 4 < FeedbackHandler.NO_ESTIMATE_RETRANSMISSION_BPS / 8 / (original.length + 2),
                "the packet cap, not the bytes, bounds small packets");
        for (int i = 0; i < perSecond + 100; i++) {
            receive(one, VIEWER_1); // all at one instant
        }
        assertEquals(perSecond, out.to(VIEWER_1).size());
        assertEquals(100, counters.get(RelayCounter.NACK_RETRANSMISSIONS_LIMITED));
        receive(one, VIEWER_2);
        assertEquals(1, out.to(VIEWER_2).size(), "the budget is per subscriber");
        out.drain();
        nowNs += TimeUnit.MILLISECONDS.toNanos(900);
        receive(one, VIEWER_1);
        assertEquals(0, out.to(VIEWER_1).size(), "the second's retransmissions are still in the window");
        nowNs += TimeUnit.MILLISECONDS.toNanos(100);
        for (int i = 0; i < perSecond + 100; i++) {
            receive(one, VIEWER_1);
        }
        assertEquals(perSecond, out.to(VIEWER_1).size(), "a second later, a second's worth again");
    }

    /**
     * A tail loss probe the subscriber's budget refuses is counted apart from the NACKed packets
     * it refused, so an operator can tell a probe-heavy node from a NACK-heavy one.
     */
    @Test
    void tailProbeOverTheBudget_isCountedAsTailProbesLimited_notAsNackRetransmissionsLimited() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2);
        receive(rtp(VIDEO_LOW.ssrc(), 7, 96, payload(7)), PUBLISHER);
        out.drain();
        byte[] nack = new byte[64];
        int length = NackWriter.writeLost(nack, 0, nack.length, 0x5555, VIDEO_LOW.ssrc(), new int[] {7}, 1);
        byte[] one = Arrays.copyOf(nack, length);
        long perSecond = FeedbackHandler.NO_ESTIMATE_RETRANSMISSION_BPS / 8 / RetransmissionBudget.PACKET_CAP_BYTES;
        for (int i = 0; i < perSecond + 3; i++) {
            receive(one, VIEWER_1); // the second's budget used up by NACK answers
        }
        assertEquals(3, counters.get(RelayCounter.NACK_RETRANSMISSIONS_LIMITED));
        out.drain();
        for (int tick = 0; tick < 20; tick++) { // 400 ms: the track is quiet past the probe timeout
            nowNs += TimeUnit.MILLISECONDS.toNanos(20);
            engine.onTick(nowNs);
        }
        assertEquals(1, counters.get(RelayCounter.TAIL_PROBES_LIMITED), "the probe the budget refused");
        assertEquals(0, counters.get(RelayCounter.TAIL_PROBES_SENT));
        assertEquals(3, counters.get(RelayCounter.NACK_RETRANSMISSIONS_LIMITED), "NACK refusals only");
        assertEquals(List.of(), rtxOsnsTo(VIEWER_1, VIDEO_LOW));
    }

    /**
     * A cached packet that cannot be made RTX (the node's receive checks should make this
     * impossible) is a build failure, not a miss: misses say the node did not have the packet.
     */
    @Test
    void cachedPacketThatCannotBeMadeRtx_isCountedAsABuildFailure_notAsAMiss() {
        FeedbackHandler handler = new FeedbackHandler(engine, counters);
        RelaySession session = new RelaySession(VIEWER_1, 1, nowNs);
        RelayTrack track = new RelayTrack(VIDEO_LOW, 64, 0, VideoPayloadFormat.GENERIC);
        byte[] bytes = rtp(VIDEO_LOW.ssrc(), 7, 96, payload(7));
        bytes[0] |= 0x20; // the P bit, and a padding count reaching into the header
        bytes[bytes.length - 1] = (byte) 0xFF;
        ByteBuf malformed = Unpooled.wrappedBuffer(bytes);
        assertFalse(handler.sendRtx(session, track, malformed, RelayCounter.NACK_RETRANSMISSIONS_LIMITED, nowNs));
        malformed.release();
        assertEquals(1, counters.get(RelayCounter.RTX_BUILD_FAILED));
        assertEquals(0, counters.get(RelayCounter.RTX_MISSES));
        assertEquals(0, counters.get(RelayCounter.NACK_RETRANSMISSIONS_LIMITED));
        assertEquals(0, out.sent.size());
    }

    /**
     * After a failover the viewer asks its new node for the gap only the old node had: thousands
     * of misses. They spend nothing, so a real loss right after is still repaired.
     */
    @Test
    void nacksTheNodeCannotAnswer_spendNoBudget_soALaterRealRepairGoesOut() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2);
        for (int seq = 0; seq < 64; seq++) {
            receive(rtp(VIDEO_LOW.ssrc(), seq, 96, payload(seq)), PUBLISHER);
        }
        out.drain();
        int entries = FeedbackHandler.MAX_RETRANSMISSIONS_PER_NACK / 17; // 255 numbers per NACK
        int nacks = 40;
        byte[] buffer = new byte[1500];
        for (int n = 0; n < nacks; n++) {
            int[] ids = new int[entries];
            int[] masks = new int[entries];
            for (int e = 0; e < entries; e++) {
                ids[e] = 1_000 + (n * entries + e) * 17; // never seen by this node
                masks[e] = 0xFFFF;
            }
            int length = NackWriter.write(buffer, 0, buffer.length, 0x5555, VIDEO_LOW.ssrc(), ids, masks, entries);
            receive(Arrays.copyOf(buffer, length), VIEWER_1);
        }
        assertEquals((long) nacks * entries * 17, counters.get(RelayCounter.RTX_MISSES));
        assertEquals(0, counters.get(RelayCounter.NACK_RETRANSMISSIONS_LIMITED));
        assertEquals(0, out.to(VIEWER_1).size());

        int length = NackWriter.writeLost(buffer, 0, buffer.length, 0x5555, VIDEO_LOW.ssrc(), new int[] {7}, 1);
        receive(Arrays.copyOf(buffer, length), VIEWER_1);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "the real loss is repaired");
        assertEquals(1, out.to(VIEWER_1).size());
    }

    @Test
    void pli_isRelayedToThePublisher_atMostOncePerInterval() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2);
        subscribe(VIEWER_2, 2);
        nowNs += TimeUnit.SECONDS.toNanos(1);
        out.drain();
        long suppressedBefore = counters.get(RelayCounter.PLI_SUPPRESSED);
        byte[] pli = new byte[12];
        RtcpWriter.writePli(pli, 0, 12, 0x7777, VIDEO_LOW.ssrc());
        receive(pli, VIEWER_1);
        receive(pli, VIEWER_2);
        nowNs += TimeUnit.MILLISECONDS.toNanos(199);
        receive(pli, VIEWER_1);
        assertEquals(1, out.to(PUBLISHER).size());
        nowNs += TimeUnit.MILLISECONDS.toNanos(1);
        receive(pli, VIEWER_2);
        List<RecordingSender.Sent> toPublisher = out.to(PUBLISHER);
        assertEquals(2, toPublisher.size());
        RtcpPliView view = new RtcpPliView();
        byte[] sent = toPublisher.get(1).bytes();
        assertEquals(ParseStatus.OK, view.wrap(sent, 0, sent.length));
        assertEquals(NODE_ID, view.senderSsrc());
        assertEquals(VIDEO_LOW.ssrc(), view.mediaSsrc());
        assertEquals(4, counters.get(RelayCounter.PLI_RECEIVED));
        assertEquals(2, counters.get(RelayCounter.PLI_SUPPRESSED) - suppressedBefore);
    }

    @Test
    void publisherRtcp_reachesSubscribers() {
        publish(List.of(AUDIO));
        subscribe(VIEWER_1, 0);
        out.drain();
        byte[] bye = new byte[32];
        int length = RtcpWriter.writeBye(bye, 0, bye.length, new int[] {AUDIO.ssrc()}, 1, null, 0, 0);
        receive(Arrays.copyOf(bye, length), PUBLISHER);
        assertArrayEquals(Arrays.copyOf(bye, length), out.to(VIEWER_1).get(0).bytes());
    }

    @Test
    void ticksFarApart_countAsStallsOfTheIoThread() {
        engine.onTick(nowNs);
        nowNs += TimeUnit.MILLISECONDS.toNanos(20);
        engine.onTick(nowNs);
        nowNs += TimeUnit.MILLISECONDS.toNanos(40); // late, but within two tick intervals
        engine.onTick(nowNs);
        assertEquals(0, counters.get(RelayCounter.IO_THREAD_STALLS));
        nowNs += TimeUnit.MILLISECONDS.toNanos(250);
        engine.onTick(nowNs);
        nowNs += TimeUnit.MILLISECONDS.toNanos(20);
        engine.onTick(nowNs);
        assertEquals(1, counters.get(RelayCounter.IO_THREAD_STALLS));
    }

    /** The feedback datagrams sent to the publisher since the last call, each with a stall report in front or not. */
    private List<byte[]> feedbackToPublisher() {
        List<RecordingSender.Sent> sent = out.to(PUBLISHER);
        out.sent.removeAll(sent);
        return sent.stream().map(RecordingSender.Sent::bytes).toList();
    }

    @Test
    void publisherPacketsReadAfterAStallOfTheIoThread_areReportedToThePublisherAsReadLate() {
        publish(List.of(VIDEO_LOW));
        engine.onTick(nowNs);
        for (int i = 0; i < 10; i++) {
            nowNs += TimeUnit.MILLISECONDS.toNanos(2);
            receive(rtpWithTransportSequence(i, 100 + i, 100), PUBLISHER);
        }
        engine.onTick(nowNs);
        UntimedArrivalsReport report = new UntimedArrivalsReport();
        List<byte[]> feedback = feedbackToPublisher();
        assertEquals(1, feedback.size());
        assertEquals(ParseStatus.WRONG_PACKET_TYPE, report.read(feedback.get(0), 0, feedback.get(0).length),
                "read on time: the feedback alone");

        nowNs += TimeUnit.MILLISECONDS.toNanos(200); // the thread stalled; 110-119 waited in its socket
        for (int i = 10; i < 20; i++) {
            nowNs += TimeUnit.MICROSECONDS.toNanos(1);
            receive(rtpWithTransportSequence(i, 100 + i, 100), PUBLISHER);
        }
        engine.onTick(nowNs);
        feedback = feedbackToPublisher();
        assertEquals(1, feedback.size());
        assertEquals(ParseStatus.OK, report.read(feedback.get(0), 0, UntimedArrivalsReport.LENGTH),
                "the stall report goes first");
        assertEquals(110, report.firstSequence());
        assertEquals(10, report.count());
        assertEquals(1, counters.get(RelayCounter.IO_THREAD_STALLS));
        assertEquals(1, counters.get(RelayCounter.UNTIMED_ARRIVAL_REPORTS_SENT));

        for (int tick = 0; tick < 11; tick++) { // one stall length later, reads are arrival times again
            nowNs += TimeUnit.MILLISECONDS.toNanos(20);
            engine.onTick(nowNs);
        }
        receive(rtpWithTransportSequence(20, 120, 100), PUBLISHER);
        engine.onTick(nowNs);
        feedback = feedbackToPublisher();
        assertEquals(1, feedback.size());
        assertEquals(ParseStatus.WRONG_PACKET_TYPE, report.read(feedback.get(0), 0, feedback.get(0).length));
        assertEquals(1, counters.get(RelayCounter.UNTIMED_ARRIVAL_REPORTS_SENT));
    }

    @Test
    void silentSessions_expireAfterTheTimeout_andTheirSubscriptionsGo() {
        publish(List.of(AUDIO));
        subscribe(VIEWER_1, 0);
        engine.onTick(nowNs);
        nowNs += TimeUnit.MILLISECONDS.toNanos(4000);
        control(PUBLISHER, 9, new ControlMessage.Keepalive(1));
        nowNs += TimeUnit.MILLISECONDS.toNanos(1001);
        engine.onTick(nowNs);
        assertEquals(1, counters.get(RelayCounter.SESSIONS_EXPIRED));
        assertEquals(1, counters.get(RelayCounter.SESSIONS));
        assertEquals(0, counters.get(RelayCounter.SUBSCRIBERS));
        assertEquals(1, counters.get(RelayCounter.PUBLISHERS));
    }

    @Test
    void publisherLeaving_tellsSubscribersTheStreamIsEmpty() {
        publish(List.of(AUDIO));
        subscribe(VIEWER_1, 0);
        out.drain();
        control(PUBLISHER, 9, new ControlMessage.Leave(""));
        assertEquals(new ControlMessage.StreamInfo("show", List.of()), onlyReplyTo(VIEWER_1));
        assertEquals(0, counters.get(RelayCounter.PUBLISHERS));
        assertEquals(1, counters.get(RelayCounter.SESSIONS));
    }

    /**
     * Ticks every 20 ms for {@code ms} and returns, per STREAM_INFO sent to {@code viewer}
     * meanwhile, the milliseconds since the start at which it went out.
     */
    private List<Long> streamInfoTimesMs(InetSocketAddress viewer, ControlMessage.StreamInfo expected, long ms) {
        return streamInfoTimesMs(engine, out, viewer, expected, ms);
    }

    /** As {@link #streamInfoTimesMs(InetSocketAddress, ControlMessage.StreamInfo, long)}, of another node. */
    private List<Long> streamInfoTimesMs(RelayEngine node, RecordingSender out, InetSocketAddress viewer,
            ControlMessage.StreamInfo expected, long ms) {
        long startNs = nowNs;
        List<Long> times = new ArrayList<>();
        for (long t = 20; t <= ms; t += 20) {
            nowNs = startNs + TimeUnit.MILLISECONDS.toNanos(t);
            node.onTick(nowNs);
            for (RecordingSender.Sent sent : out.to(viewer)) {
                assertEquals(expected, decode(sent.bytes()).message(), "a repeat carries the current tracks");
                times.add(t);
            }
            out.drain();
        }
        return times;
    }

    @Test
    void publisherLeaving_theStreamInfoSayingSoIsLost_theSubscriberHearsItAgain200msLater_thenTwiceMore() {
        publish(List.of(AUDIO));
        subscribe(VIEWER_1, 0);
        subscribe(VIEWER_2, 0);
        out.drain();
        control(PUBLISHER, 9, new ControlMessage.Leave("show"));
        ControlMessage.StreamInfo empty = new ControlMessage.StreamInfo("show", List.of());
        assertEquals(empty, onlyReplyTo(VIEWER_1)); // lost on the way
        out.drain();

        assertEquals(List.of(200L, 600L, 1400L), streamInfoTimesMs(VIEWER_1, empty, 3000));
        assertEquals(6, counters.get(RelayCounter.STREAM_INFO_REPEATED), "three repeats to each of two subscribers");
    }

    @Test
    void tracksChanged_theStreamInfoIsLost_theSubscriberHearsTheNewTracks200msLater() {
        publish(List.of(VIDEO_LOW, AUDIO));
        subscribe(VIEWER_1, 0);
        out.drain();
        control(PUBLISHER, 4, new ControlMessage.Publish("show", List.of(VIDEO_HIGH, VIDEO_LOW, AUDIO)));
        ControlMessage.StreamInfo changed = new ControlMessage.StreamInfo("show", List.of(VIDEO_HIGH, VIDEO_LOW, AUDIO));
        assertEquals(changed, onlyReplyTo(VIEWER_1)); // lost on the way
        out.drain();

        List<Long> times = streamInfoTimesMs(VIEWER_1, changed, 300);
        assertEquals(List.of(200L), times);
        // A second change starts the schedule over, and only the newest list is repeated.
        control(PUBLISHER, 5, new ControlMessage.Publish("show", List.of(AUDIO)));
        ControlMessage.StreamInfo second = new ControlMessage.StreamInfo("show", List.of(AUDIO));
        assertEquals(second, onlyReplyTo(VIEWER_1));
        out.drain();
        assertEquals(List.of(200L, 600L, 1400L), streamInfoTimesMs(VIEWER_1, second, 3000));
        assertEquals(4, counters.get(RelayCounter.STREAM_INFO_REPEATED));
    }

    @Test
    void streamInfoRepeats_stopWhenTheLastSubscriberLeaves_andNoneGoToAStreamWithoutSubscribers() {
        publish(List.of(AUDIO));
        subscribe(VIEWER_1, 0);
        out.drain();
        control(PUBLISHER, 9, new ControlMessage.Leave("show"));
        control(VIEWER_1, 8, new ControlMessage.Leave("show"));
        out.drain();
        assertEquals(List.of(), streamInfoTimesMs(VIEWER_1, null, 3000));
        join(VIEWER_2); // a stream nobody subscribes to announces nothing, so repeats nothing
        control(PUBLISHER, 10, new ControlMessage.Publish("show", List.of(AUDIO)));
        out.drain();
        assertEquals(List.of(), streamInfoTimesMs(VIEWER_2, null, 3000));
        assertEquals(0, counters.get(RelayCounter.STREAM_INFO_REPEATED));
    }

    @Test
    void secondPublisherOfAStream_orAReusedSsrc_isRefused() {
        publish(List.of(AUDIO));
        join(VIEWER_1);
        control(VIEWER_1, 4, new ControlMessage.Publish("show", List.of(VIDEO_LOW)));
        assertEquals(ErrorCode.STREAM_ALREADY_PUBLISHED, ((ControlMessage.Error) onlyReplyTo(VIEWER_1)).knownCode());
        control(VIEWER_1, 5, new ControlMessage.Publish("other", List.of(AUDIO)));
        assertEquals(ErrorCode.SSRC_CONFLICT, ((ControlMessage.Error) onlyReplyTo(VIEWER_1)).knownCode());
    }

    @Test
    void probeAndLoadRequest_areAnsweredBeforeHello_neverWithMoreBytes() {
        publish(List.of(AUDIO));
        subscribe(VIEWER_1, 0);
        out.drain();
        engine.onTick(nowNs);
        receive(rtp(AUDIO.ssrc(), 1, 111, payload(1)), PUBLISHER);
        nowNs += TimeUnit.SECONDS.toNanos(1);
        engine.onTick(nowNs);
        out.drain();
        InetSocketAddress stranger = address(9999);
        control(stranger, 1, new ControlMessage.Probe(3, 42L, ControlMessage.Probe.MIN_PADDING));
        control(stranger, 2, new ControlMessage.LoadRequest());
        List<RecordingSender.Sent> replies = out.to(stranger);
        assertEquals(2, replies.size());
        ControlMessage.ProbeReply probeReply = (ControlMessage.ProbeReply) decode(replies.get(0).bytes()).message();
        assertEquals(3, probeReply.sequence());
        assertEquals(42L, probeReply.echoedSendTimeNs());
        assertEquals(ControlCodec.HEADER_LENGTH + 16, probeReply.probeLength());
        assertTrue(replies.get(0).bytes().length <= probeReply.probeLength());
        ControlMessage.LoadReport load = (ControlMessage.LoadReport) decode(replies.get(1).bytes()).message();
        assertEquals(1, load.publishers());
        assertEquals(1, load.subscribers());
        assertEquals(1, load.streams());
        assertTrue(load.packetsPerSecond() >= 1, load.toString());
        assertEquals(2, counters.get(RelayCounter.SESSIONS), "probes and load requests open no session");
    }

    @Test
    void garbage_isCountedAndDropped_neverThrown_andStreamsCarryOn() {
        publish(List.of(AUDIO));
        subscribe(VIEWER_1, 0);
        out.drain();
        long seed = 0xBADC0DEL;
        SplittableRandom random = new SplittableRandom(seed);
        InetSocketAddress[] senders = {PUBLISHER, VIEWER_1, address(7777)};
        for (int i = 0; i < 5000; i++) {
            byte[] junk = new byte[random.nextInt(0, 200)];
            random.nextBytes(junk);
            if (junk.length > 1 && random.nextInt(3) == 0) {
                junk[0] = (byte) (0x80 | random.nextInt(0x40)); // looks like RTP/RTCP
            } else if (junk.length > 1 && random.nextInt(3) == 0) {
                junk[0] = (byte) ControlCodec.MARKER;
                junk[1] = 1;
            }
            receive(junk, senders[random.nextInt(senders.length)]);
        }
        receive(new byte[2048], PUBLISHER);
        assertEquals(0, counters.get(RelayCounter.HANDLER_FAILURES), "seed " + seed);
        assertTrue(counters.get(RelayCounter.OVERSIZED_DROPPED) == 1);
        out.drain();
        byte[] packet = rtp(AUDIO.ssrc(), 7, 111, payload(7));
        receive(packet, PUBLISHER);
        assertArrayEquals(packet, out.to(VIEWER_1).get(0).bytes(), "stream carries on, seed " + seed);
    }

    @Test
    void close_releasesEveryCachedPacket() {
        publish(List.of(VIDEO_LOW));
        ByteBuf packet = Unpooled.wrappedBuffer(rtp(VIDEO_LOW.ssrc(), 1, 96, payload(1)));
        engine.onDatagram(packet, PUBLISHER, nowNs);
        assertEquals(2, packet.refCnt(), "the cache holds one reference");
        engine.close();
        assertEquals(1, packet.refCnt());
        packet.release();
    }

    @Test
    void cascade_edgeSubscribesUpstream_fansOut_answersNacks_forwardsPli_andLeavesWithTheLastViewer() {
        InetSocketAddress origin = address(7000);
        RecordingSender edgeOut = new RecordingSender();
        RelayCounters edgeCounters = new RelayCounters();
        RelayEngine edge = new RelayEngine(new RelayConfig(NODE_ID, 500, 5000, 64, 200, 100, 100, origin),
                edgeOut, edgeCounters);
        try {
            java.util.function.BiConsumer<byte[], InetSocketAddress> receive = (bytes, from) -> {
                ByteBuf buf = Unpooled.wrappedBuffer(bytes);
                edge.onDatagram(buf, from, nowNs);
                buf.release();
            };
            java.util.function.BiFunction<Integer, ControlMessage, byte[]> encode = RecordingSender::controlDatagram;
            receive.accept(encode.apply(1, new ControlMessage.Hello(1, 500)), VIEWER_1);
            receive.accept(encode.apply(2, new ControlMessage.Subscribe("show", 2, 0)), VIEWER_1);
            // The edge joins the origin as an ordinary client...
            DecodeResult hello = decode(edgeOut.to(origin).get(0).bytes());
            assertInstanceOf(ControlMessage.Hello.class, hello.message());
            edgeOut.drain();
            receive.accept(encode.apply(hello.requestId(), new ControlMessage.HelloAck(1, 500, 5000, 9)), origin);
            DecodeResult subscribe = decode(edgeOut.to(origin).get(0).bytes());
            assertEquals(new ControlMessage.Subscribe("show", 2, 0), subscribe.message());
            edgeOut.drain();
            // ...and when the origin knows the tracks, the edge's viewer learns them.
            receive.accept(encode.apply(subscribe.requestId(), new ControlMessage.SubscribeAck("show", List.of(VIDEO_LOW))), origin);
            assertEquals(new ControlMessage.StreamInfo("show", List.of(VIDEO_LOW)),
                    decode(edgeOut.to(VIEWER_1).get(0).bytes()).message());
            assertEquals(1, edgeOut.to(origin).size(), "keyframe request for the waiting viewer goes upstream");
            edgeOut.drain();
            // The origin repeats the announcement (lost announcements are repeated): the edge has the
            // list already, so it announces nothing again and asks for no keyframe.
            nowNs += TimeUnit.MILLISECONDS.toNanos(300);
            receive.accept(encode.apply(0, new ControlMessage.StreamInfo("show", List.of(VIDEO_LOW))), origin);
            assertEquals(List.of(), edgeOut.sent, "nothing sent for a repeated announcement");
            assertEquals(0, edgeCounters.get(RelayCounter.STREAM_INFO_REPEATED));

            byte[] packet = rtp(VIDEO_LOW.ssrc(), 500, 96, payload(500));
            receive.accept(packet, origin);
            assertArrayEquals(packet, edgeOut.to(VIEWER_1).get(0).bytes());
            edgeOut.drain();

            byte[] nack = new byte[64];
            int length = NackWriter.writeLost(nack, 0, nack.length, 0x5555, VIDEO_LOW.ssrc(), new int[] {500}, 1);
            receive.accept(Arrays.copyOf(nack, length), VIEWER_1);
            assertEquals(1, edgeCounters.get(RelayCounter.RTX_SENT), "NACK answered from the edge's own cache");
            assertTrue(edgeOut.to(origin).isEmpty());

            nowNs += TimeUnit.SECONDS.toNanos(1);
            byte[] pli = new byte[12];
            RtcpWriter.writePli(pli, 0, 12, 0x7777, VIDEO_LOW.ssrc());
            receive.accept(pli, VIEWER_1);
            assertEquals(1, edgeOut.to(origin).size(), "PLI relayed to the origin");
            edgeOut.drain();

            receive.accept(encode.apply(3, new ControlMessage.Leave("")), VIEWER_1);
            assertEquals(new ControlMessage.Leave("show"), decode(edgeOut.to(origin).get(0).bytes()).message());
            assertEquals(0, edgeCounters.get(RelayCounter.UPSTREAM_STREAMS));
            assertEquals(0, edgeCounters.get(RelayCounter.STREAMS));
        } finally {
            edge.close();
        }
    }

    /** An edge node of the origin at port 7000, whose VIEWER_1 subscribed to "show": its HELLO to the origin is out. */
    private final class Edge implements AutoCloseable {
        final InetSocketAddress origin = address(7000);
        final RecordingSender out = new RecordingSender();
        final RelayCounters counters = new RelayCounters();
        final RelayEngine engine = new RelayEngine(new RelayConfig(NODE_ID, 500, 5000, 64, 200, 100, 100, origin),
                out, counters);

        Edge() {
            for (ControlMessage message : List.of(new ControlMessage.Hello(1, 500), new ControlMessage.Subscribe("show", 2, 0))) {
                receive(RecordingSender.controlDatagram(1, message), VIEWER_1);
            }
        }

        void receive(byte[] datagram, InetSocketAddress from) {
            ByteBuf buf = Unpooled.wrappedBuffer(datagram);
            engine.onDatagram(buf, from, nowNs);
            buf.release();
        }

        /** The origin's answer to the edge's last datagram to it. */
        void originAnswers(ControlMessage answer) {
            byte[] datagram = out.replyToLast(origin, answer);
            out.drain();
            receive(datagram, origin);
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    @Test
    void cascade_upstreamRefusesTheSubscription_viewerToldNoTracks_repeatedFromTheRefusal() {
        try (Edge edge = new Edge()) {
            edge.originAnswers(new ControlMessage.HelloAck(1, 500, 5000, 9));
            nowNs += TimeUnit.MILLISECONDS.toNanos(70); // the refusal comes between two ticks
            edge.originAnswers(new ControlMessage.Error(ErrorCode.FORBIDDEN.value(),
                    ControlMessage.SUBSCRIBE, "no"));
            ControlMessage.StreamInfo none = new ControlMessage.StreamInfo("show", List.of());
            assertEquals(none, decode(edge.out.to(VIEWER_1).get(0).bytes()).message());
            assertEquals(1, edge.counters.get(RelayCounter.UPSTREAM_FAILURES));
            assertEquals(0, edge.counters.get(RelayCounter.UPSTREAM_STREAMS));
            edge.out.drain();
            assertEquals(List.of(200L, 600L, 1400L), streamInfoTimesMs(edge.engine, edge.out, VIEWER_1, none, 2000),
                    "repeats timed from the refusal's datagram");
        }
    }

    @Test
    void cascade_upstreamNeverAnswers_viewerToldNoTracks_repeatedFromTheTickThatGaveUp() {
        try (Edge edge = new Edge()) {
            // The viewer keeps its session alive while the edge retries (the give-up takes 6.2 s).
            for (int tick = 1; edge.counters.get(RelayCounter.UPSTREAM_FAILURES) == 0; tick++) {
                assertTrue(tick < 1000, "the edge gave up on the silent origin");
                edge.out.drain();
                nowNs += TimeUnit.MILLISECONDS.toNanos(20);
                if (tick % 50 == 0) {
                    edge.receive(RecordingSender.controlDatagram(0, new ControlMessage.Keepalive(tick)), VIEWER_1);
                }
                edge.engine.onTick(nowNs);
            }
            ControlMessage.StreamInfo none = new ControlMessage.StreamInfo("show", List.of());
            assertEquals(none, decode(edge.out.to(VIEWER_1).get(0).bytes()).message());
            edge.out.drain();
            assertEquals(List.of(200L, 600L, 1400L), streamInfoTimesMs(edge.engine, edge.out, VIEWER_1, none, 2000));
            assertEquals(0, edge.counters.get(RelayCounter.UPSTREAM_STREAMS));
        }
    }

    private static boolean isPli(byte[] datagram) {
        return datagram.length >= 12 && (datagram[1] & 0xFF) == 206 && (datagram[0] & 0x1F) == 1;
    }

    /**
     * The decision on an upstream answer with the tracks the edge already has: it is ignored
     * (no STREAM_INFO, no keyframe request), which is right because the edge holds the same tracks
     * only while its subscription upstream lives on. An origin that restarted answers the edge's
     * keepalive NOT_JOINED: the edge drops its tracks, joins again, and the SUBSCRIBE_ACK with the
     * same tracks as before is a change again, with a keyframe request for the waiting viewers.
     */
    @Test
    void cascade_restartedOrigin_sameTracksAgain_theEdgeAsksForAKeyframe() {
        try (Edge edge = new Edge()) {
            edge.originAnswers(new ControlMessage.HelloAck(1, 500, 5000, 9));
            edge.originAnswers(new ControlMessage.SubscribeAck("show", List.of(VIDEO_LOW)));
            assertTrue(edge.out.to(edge.origin).stream().anyMatch(s -> isPli(s.bytes())), "the first keyframe request");
            edge.out.drain();
            nowNs += TimeUnit.MILLISECONDS.toNanos(600);
            edge.engine.onTick(nowNs); // a keepalive: the restarted origin does not know the session
            edge.originAnswers(new ControlMessage.Error(ErrorCode.NOT_JOINED.value(),
                    ControlMessage.KEEPALIVE, ""));
            edge.originAnswers(new ControlMessage.HelloAck(1, 500, 5000, 9));
            edge.originAnswers(new ControlMessage.SubscribeAck("show", List.of(VIDEO_LOW)));
            assertTrue(edge.out.to(edge.origin).stream().anyMatch(s -> isPli(s.bytes())),
                    "the same tracks from a restarted origin: a keyframe for the viewer");
        }
    }

    /**
     * The other restart, of the origin's publisher with the same tracks, needs no request from an
     * edge that missed the STREAM_INFO saying the publisher had gone (and so ignores the new one
     * as a repeat): the origin asks the new publisher for a keyframe itself, for its waiting
     * subscribers, an edge being one.
     */
    @Test
    void publisherRestartsWithTheSameTracks_theOriginAsksItForAKeyframe_forTheEdgesAmongItsSubscribers() {
        publish(List.of(VIDEO_LOW));
        subscribe(VIEWER_1, 2); // an edge, to this node
        nowNs += TimeUnit.SECONDS.toNanos(1);
        control(PUBLISHER, 4, new ControlMessage.Leave("show"));
        out.drain();
        control(PUBLISHER, 5, new ControlMessage.Publish("show", List.of(VIDEO_LOW)));
        assertTrue(out.to(PUBLISHER).stream().anyMatch(s -> isPli(s.bytes())));
    }

    @Test
    void cascade_upstreamAnswersNotJoined_edgeJoinsAgainAndResubscribes() {
        InetSocketAddress origin = address(7000);
        RecordingSender edgeOut = new RecordingSender();
        RelayCounters edgeCounters = new RelayCounters();
        RelayEngine edge = new RelayEngine(new RelayConfig(NODE_ID, 500, 5000, 64, 200, 100, 100, origin),
                edgeOut, edgeCounters);
        try {
            java.util.function.BiConsumer<ControlMessage, InetSocketAddress> receive = (message, from) -> {
                DecodeResult last = from.equals(origin) ? decode(edgeOut.to(origin).get(edgeOut.to(origin).size() - 1)
                        .bytes()) : null;
                ByteBuf buf = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT,
                        last == null ? 1 : last.requestId(), new byte[0], message);
                edge.onDatagram(buf, from, nowNs);
                buf.release();
            };
            receive.accept(new ControlMessage.Hello(1, 500), VIEWER_1);
            receive.accept(new ControlMessage.Subscribe("show", 2, 0), VIEWER_1);
            receive.accept(new ControlMessage.HelloAck(1, 500, 5000, 9), origin);
            receive.accept(new ControlMessage.SubscribeAck("show", List.of(VIDEO_LOW)), origin);
            edgeOut.drain();

            // The origin restarts: the edge's next keepalive is answered with NOT_JOINED.
            nowNs += TimeUnit.MILLISECONDS.toNanos(600);
            edge.onTick(nowNs);
            DecodeResult keepalive = decode(edgeOut.to(origin).get(0).bytes());
            assertInstanceOf(ControlMessage.Keepalive.class, keepalive.message());
            edgeOut.drain();
            ByteBuf notJoined = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, keepalive.requestId(),
                    new byte[0], new ControlMessage.Error(ErrorCode.NOT_JOINED.value(), ControlMessage.KEEPALIVE, ""));
            edge.onDatagram(notJoined, origin, nowNs);
            notJoined.release();

            // The edge joins the origin again at once and asks for the stream again.
            assertInstanceOf(ControlMessage.Hello.class, decode(edgeOut.to(origin).get(0).bytes()).message());
            assertTrue(edgeOut.to(VIEWER_1).isEmpty(), "the viewer is not told the stream ended");
            receive.accept(new ControlMessage.HelloAck(1, 500, 5000, 9), origin);
            assertEquals(new ControlMessage.Subscribe("show", 2, 0),
                    decode(edgeOut.to(origin).get(1).bytes()).message());
            receive.accept(new ControlMessage.SubscribeAck("show", List.of(VIDEO_LOW)), origin);
            assertEquals(1, edgeCounters.get(RelayCounter.UPSTREAM_STREAMS));
            assertEquals(1, edgeCounters.get(RelayCounter.UPSTREAM_FAILURES));
            byte[] packet = rtp(VIDEO_LOW.ssrc(), 900, 96, payload(900));
            ByteBuf buf = Unpooled.wrappedBuffer(packet);
            edge.onDatagram(buf, origin, nowNs);
            buf.release();
            assertTrue(edgeOut.to(VIEWER_1).stream().anyMatch(s -> Arrays.equals(packet, s.bytes())),
                    "media flows again from the restarted origin");
        } finally {
            edge.close();
        }
    }
}
