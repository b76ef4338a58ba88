package io.smoothcast.transport.internal.client;

import static io.smoothcast.transport.internal.client.ViewerTestPackets.VIDEO;
import static io.smoothcast.transport.internal.client.ViewerTestPackets.nackedTo;
import static io.smoothcast.transport.internal.client.ViewerTestPackets.packetize;
import static io.smoothcast.transport.internal.client.ViewerTestPackets.rtx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpCompoundReader;
import io.smoothcast.rtp.RtcpNackView;
import io.smoothcast.rtp.RtcpPacketType;
import io.smoothcast.rtp.RtcpReportView;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.TransportCcFeedbackView;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.cc.UntimedArrivalsReport;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ViewerEngineTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7000);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RecordingSender out = new RecordingSender();
    private final ViewerEngine engine = TestViewerEngines.oneNode(out, NODE);
    private long nowNs = 1_000 * MS;

    private void receive(byte[] bytes, InetSocketAddress from) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        engine.onDatagram(buf, from, nowNs);
        buf.release();
    }

    private void reply(ControlMessage message) {
        receive(out.replyToLast(message), NODE);
    }

    @BeforeEach
    void subscribe() {
        engine.start(nowNs);
        reply(new ControlMessage.HelloAck(1, 500, 5000, 9));
        reply(new ControlMessage.SubscribeAck("show", List.of(VIDEO)));
        assertEquals(1, engine.tracks().length);
        out.drain();
    }

    private byte[] playOneFrame() {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        int frames = engine.tracks()[0].buffer().poll(nowNs, f -> {
            for (int i = 0; i < f.packetCount(); i++) {
                frame.write(f.payloadArray(i), f.payloadOffset(i) + 1, f.payloadLength(i) - 1);
            }
        });
        return frames == 1 ? frame.toByteArray() : null;
    }

    @Test
    void lostPacket_isNacked_andItsRtxCompletesTheFrame() {
        byte[] frame = new byte[2500];
        Arrays.fill(frame, (byte) 7);
        frame[2499] = 9;
        List<byte[]> packets = packetize(frame, 100);
        assertEquals(3, packets.size());
        receive(packets.get(0), NODE);
        receive(packets.get(2), NODE); // packet 101 lost
        nowNs += 10 * MS;
        engine.onTick(nowNs);
        List<RecordingSender.Sent> nacks = out.drain().stream()
                .filter(s -> (s.bytes()[1] & 0xFF) == 205 && (s.bytes()[0] & 0x1F) == RtcpPacketType.FMT_GENERIC_NACK)
                .toList();
        assertEquals(1, nacks.size());
        RtcpNackView nack = new RtcpNackView();
        byte[] bytes = nacks.get(0).bytes();
        assertEquals(ParseStatus.OK, nack.wrap(bytes, 0, bytes.length));
        assertEquals(0x7777, nack.senderSsrc());
        assertEquals(VIDEO.ssrc(), nack.mediaSsrc());
        assertEquals(101, nack.packetId(0));

        receive(rtx(packets.get(1), 5), NODE);
        nowNs += 200 * MS;
        assertArrayEquals(frame, playOneFrame());
        assertEquals(1, engine.counters().get(ViewerEngine.RECEIVER_REPORTS_SENT), "first RR at the first tick");
        out.drain();
        nowNs += 1000 * MS;
        engine.onTick(nowNs);
        assertEquals(2, engine.counters().get(ViewerEngine.RECEIVER_REPORTS_SENT), "then one per second");
        RtcpReportView rr = lastReceiverReport();
        assertEquals(VIDEO.ssrc(), rr.reportSsrc(0));
        assertEquals(0, rr.fractionLost(0), "the lost packet was repaired");
        assertEquals(1, engine.counters().get(ViewerEngine.RTX_RECEIVED));
        assertEquals(1, engine.counters().get(ViewerEngine.NACKS_SENT));
    }

    @Test
    void packetsFromTheNode_areReportedInTransportCcFeedback() {
        byte[] frame = new byte[2500];
        List<byte[]> packets = packetize(frame, 100);
        for (int i = 0; i < packets.size(); i++) {
            if (i == 1) {
                continue; // transport-wide number 41 lost
            }
            byte[] packet = packets.get(i);
            RtpPacketView view = new RtpPacketView();
            view.wrap(packet, 0, packet.length);
            int offset = view.extensionOffset(5);
            packet[offset] = 0;
            packet[offset + 1] = (byte) (40 + i);
            receive(packet, NODE);
            nowNs += MS;
        }
        engine.onTick(nowNs);
        List<RecordingSender.Sent> feedback = out.drain().stream()
                .filter(s -> (s.bytes()[1] & 0xFF) == 205 && (s.bytes()[0] & 0x1F) == RtcpPacketType.FMT_TRANSPORT_CC)
                .toList();
        assertEquals(1, feedback.size());
        TransportCcFeedbackView view = new TransportCcFeedbackView();
        byte[] bytes = feedback.get(0).bytes();
        assertEquals(ParseStatus.OK, view.wrap(bytes, 0, bytes.length));
        assertEquals(0x7777, view.senderSsrc());
        assertEquals(40, view.baseSequenceNumber());
        assertEquals(3, view.packetStatusCount());
        assertEquals(2, view.receivedPacketCount());
        assertEquals(1, engine.counters().get(ViewerEngine.TRANSPORT_FEEDBACK_SENT));
        engine.onTick(nowNs + 10 * MS);
        assertTrue(out.drain().stream().noneMatch(s -> (s.bytes()[0] & 0x1F) == RtcpPacketType.FMT_TRANSPORT_CC
                && (s.bytes()[1] & 0xFF) == 205), "nothing new, no feedback");
    }

    /** {@code packet} with its transport-wide number set to {@code transportSequence}. */
    private static byte[] withTransportSequence(byte[] packet, int transportSequence) {
        RtpPacketView view = new RtpPacketView();
        view.wrap(packet, 0, packet.length);
        int offset = view.extensionOffset(5);
        packet[offset] = (byte) (transportSequence >> 8);
        packet[offset + 1] = (byte) transportSequence;
        return packet;
    }

    @Test
    void packetsReadAfterAStallOfTheThread_areReportedAsReadLate_beforeTheirFeedback() {
        List<byte[]> packets = packetize(new byte[6000], 100);
        int backlog = packets.size() - 2;
        for (int i = 0; i < 2; i++) {
            receive(withTransportSequence(packets.get(i), 40 + i), NODE);
            nowNs += MS;
        }
        engine.onTick(nowNs);
        out.drain();
        nowNs += 208 * MS; // the thread was off the CPU: no tick, no read
        for (int i = 2; i < packets.size(); i++) {
            receive(withTransportSequence(packets.get(i), 40 + i), NODE); // the backlog, read at once
        }
        engine.onTick(nowNs);

        assertEquals(1, engine.counters().get(ViewerEngine.READER_STALLS));
        List<RecordingSender.Sent> sent = out.drain().stream().filter(s -> (s.bytes()[1] & 0xFF) == RtcpPacketType.APP)
                .toList();
        assertEquals(1, sent.size(), "one feedback datagram, the report first");
        byte[] bytes = sent.get(0).bytes();
        RtcpCompoundReader compound = new RtcpCompoundReader();
        assertEquals(ParseStatus.OK, compound.wrap(bytes, 0, bytes.length));
        assertTrue(compound.next());
        UntimedArrivalsReport report = new UntimedArrivalsReport();
        assertEquals(ParseStatus.OK, report.read(bytes, compound.packetOffset(), compound.packetLength()));
        assertEquals(42, report.firstSequence());
        assertEquals(backlog, report.count());
        assertTrue(compound.next());
        TransportCcFeedbackView feedback = new TransportCcFeedbackView();
        assertEquals(ParseStatus.OK, feedback.wrap(bytes, compound.packetOffset(), compound.packetLength()));
        assertEquals(42, feedback.baseSequenceNumber());
        assertEquals(backlog, feedback.receivedPacketCount(), "still reported received");
    }

    @Test
    void datagramsFromAnywhereButTheNode_orWithUnknownSsrc_areDroppedAndCounted() {
        List<byte[]> packets = packetize(new byte[10], 1);
        receive(packets.get(0), new InetSocketAddress("127.0.0.1", 9));
        byte[] foreign = packets.get(0).clone();
        foreign[8] = 0x55;
        receive(foreign, NODE);
        receive(new byte[] {(byte) 0x80, 96, 0}, NODE);
        // The unknown SSRC's packet is well formed: held for a track list that may still come.
        assertEquals(2, engine.counters().get(ViewerEngine.MALFORMED_DROPPED));
        assertEquals(0, engine.counters().get(ViewerEngine.PACKETS_RECEIVED));
        nowNs += 1000 * MS;
        engine.onTick(nowNs);
        assertEquals(1, engine.counters().get(ViewerEngine.UNKNOWN_TRACK_DROPPED), "none came within 1 s");
        assertEquals(2, engine.counters().get(ViewerEngine.MALFORMED_DROPPED));
    }

    @Test
    void streamInfo_replacesTheTracks_keepingUnchangedBuffers() {
        ReceiveTrack before = engine.tracks()[0];
        Track audio = new Track(0x2000, 0, 111, 0, MediaKind.AUDIO, 0, 48_000, 64_000);
        ByteBuf info = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, 0, new byte[0],
                new ControlMessage.StreamInfo("show", List.of(VIDEO, audio)));
        receive(ByteBufUtil.getBytes(info), NODE);
        info.release();
        assertEquals(2, engine.tracks().length);
        assertTrue(engine.tracks()[0] == before);
    }

    /**
     * Announces two simulcast layers; the high one sends two packets, pauses for 2 s (the node
     * moved the viewer to the low layer) and resumes with its numbering moved on by 1500.
     *
     * @return the high layer
     */
    private Track highLayerPausedAndResumed(Runnable beforeThePause) {
        Track low = new Track(0x2000, 0x2001, 96, 97, MediaKind.VIDEO, 0, 90_000, 300_000);
        Track high = new Track(0x3000, 0x3001, 96, 97, MediaKind.VIDEO, 1, 90_000, 1_500_000);
        ByteBuf info = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, 0, new byte[0],
                new ControlMessage.StreamInfo("show", List.of(low, high)));
        receive(ByteBufUtil.getBytes(info), NODE);
        info.release();
        receive(packetize(high, new byte[100], 100, 0).get(0), NODE);
        nowNs += 40 * MS;
        receive(packetize(high, new byte[100], 101, 3600).get(0), NODE);
        beforeThePause.run();
        nowNs += 2000 * MS;
        receive(packetize(high, new byte[100], 1601, 183_600).get(0), NODE);
        nowNs += 40 * MS;
        receive(packetize(high, new byte[100], 1602, 187_200).get(0), NODE);
        return high;
    }

    @Test
    void aSimulcastLayerResumedAfterAPause_restartsItsBuffer_soTheNumbersSkippedAreNotNacked() {
        Track high = highLayerPausedAndResumed(() -> {
        });
        engine.onTick(nowNs);
        assertEquals(1, engine.counters().get(ViewerEngine.LAYER_RESUMES));
        assertTrue(nackedTo(out.drain(), NODE).isEmpty(), "nothing skipped while the layer was paused is NACKed");
        assertEquals(0, engine.counters().get(ViewerEngine.NACKS_SENT));
        receive(packetize(high, new byte[100], 1604, 190_800).get(0), NODE); // 1603 lost
        nowNs += 10 * MS;
        engine.onTick(nowNs);
        assertEquals(List.of(1603), nackedTo(out.drain(), NODE), "a loss after the resume is NACKed as usual");
        assertEquals(1, engine.counters().get(ViewerEngine.LAYER_RESUMES));
    }

    @Test
    void aSimulcastLayerResumedAfterAPause_isReportedWithoutTheSkippedNumbersAsLost() {
        Track high = highLayerPausedAndResumed(() -> {
            engine.onTick(nowNs); // the first receiver report, before the pause
            out.drain();
        });
        engine.onTick(nowNs);
        assertEquals(1, engine.counters().get(ViewerEngine.LAYER_RESUMES));
        RtcpReportView rr = lastReceiverReport();
        assertEquals(high.ssrc(), rr.reportSsrc(0));
        assertEquals(0, rr.cumulativeLost(0), "the 1499 numbers skipped while paused are not lost");
        assertEquals(0, rr.fractionLost(0));
        assertEquals(1602, rr.extendedHighestSequence(0));
        receive(packetize(high, new byte[100], 1604, 190_800).get(0), NODE); // 1603 lost
        nowNs += 1000 * MS;
        engine.onTick(nowNs);
        rr = lastReceiverReport();
        assertEquals(1, rr.cumulativeLost(0), "a loss after the resume counts as usual");
        assertEquals(256 / 2, rr.fractionLost(0));
        assertEquals(1604, rr.extendedHighestSequence(0));
        assertEquals(3, engine.counters().get(ViewerEngine.RECEIVER_REPORTS_SENT));
    }

    /** The last receiver report sent since the last drain, read. */
    private RtcpReportView lastReceiverReport() {
        List<RecordingSender.Sent> reports = out.drain().stream().filter(s -> (s.bytes()[1] & 0xFF) == 201).toList();
        assertTrue(!reports.isEmpty(), "a receiver report was sent");
        byte[] bytes = reports.get(reports.size() - 1).bytes();
        RtcpReportView rr = new RtcpReportView();
        assertEquals(ParseStatus.OK, rr.wrap(bytes, 0, bytes.length));
        assertEquals(1, rr.reportCount(), "only the layer that sent has a block");
        return rr;
    }
}
