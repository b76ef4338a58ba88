package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.rtp.NtpTime;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End-to-end latency in virtual time: the broadcaster's packetizer stamps each frame's capture
 * time, the viewer engine measures capture to receipt, and the playout side (as the viewer's
 * playout thread does) measures capture to hand-off through the track's capture anchor.
 */
class EndToEndLatencyTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7000);
    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Both ends map their clock to wall-clock time the same way: 2023-11-14 plus the reading. */
    private static final WallClockMapping WALL = WallClockMapping.offset(1_700_000_000_000_000_000L);
    private static final long NETWORK_DELAY_NS = 30 * MS;
    private static final long PLAYOUT_DELAY_NS = 100 * MS;

    private final RecordingSender out = new RecordingSender();
    private final ViewerEngine engine = TestViewerEngines.oneNode(out, NODE);
    private final FramePacketizer packetizer = new FramePacketizer(VIDEO, 5, 100);
    private long nowNs = 1_000 * MS;

    private void receive(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        engine.onDatagram(buf, NODE, nowNs);
        buf.release();
    }

    private void reply(ControlMessage message) {
        receive(out.replyToLast(message));
    }

    @BeforeEach
    void subscribe() {
        engine.useWallClock(WALL);
        engine.start(nowNs);
        reply(new ControlMessage.HelloAck(1, 500, 5000, 9));
        reply(new ControlMessage.SubscribeAck("show", List.of(VIDEO)));
        out.drain();
    }

    private List<byte[]> packetize(int bytes, int rtpTimestamp, long captureTimeNtp) {
        List<byte[]> packets = new ArrayList<>();
        packetizer.packetize(Unpooled.wrappedBuffer(new byte[bytes]), rtpTimestamp, captureTimeNtp, true,
                UnpooledByteBufAllocator.DEFAULT, (packet, seq, offset) -> {
                    packets.add(ByteBufUtil.getBytes(packet));
                    packet.release();
                });
        return packets;
    }

    /** Plays due frames the way the viewer's playout thread does; returns how many. */
    private int playDue() {
        ReceiveTrack track = engine.tracks()[0];
        return track.buffer().poll(nowNs, frame -> {
            long captureUnixNs = track.captureAnchor().captureUnixNs(frame.rtpTimestamp());
            if (captureUnixNs != CaptureAnchor.UNKNOWN) {
                engine.latency().onPlayout(WALL.unixNs(nowNs) - captureUnixNs);
            }
        });
    }

    @Test
    void packetizer_stampsTheCaptureTimeOnTheFirstPacketOfAFrameOnly() {
        List<byte[]> packets = packetize(3000, 0, 0x1122334455667788L);
        RtpPacketView view = new RtpPacketView();
        assertEquals(3, packets.size());
        for (int i = 0; i < packets.size(); i++) {
            view.wrap(packets.get(i), 0, packets.get(i).length);
            long expected = i == 0 ? 0x1122334455667788L : NtpTime.UNKNOWN;
            assertEquals(expected, view.absoluteCaptureTimeNtp(RtpHeaderExtensionIds.DEFAULT_ABSOLUTE_CAPTURE_TIME_ID),
                    "packet " + i);
            assertTrue(view.transportSequenceNumber(5) >= 0, "room for the transport-wide number on packet " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> new FramePacketizer(VIDEO, 6, 6, 0));
    }

    @Test
    void everyVideoPacket_feedsTheLayersSharedTimeline_onCaptureTime() {
        engine.useTimeline(SharedPlayoutTimeline.fixed(100)); // before any media
        assertEquals(SharedPlayoutTimeline.NOT_STARTED, engine.timeline().playoutTimeNs(nowNs));
        long captureNs = nowNs;
        nowNs += NETWORK_DELAY_NS;
        for (byte[] p : packetize(2500, 0, NtpTime.fromUnixNanos(WALL.unixNs(captureNs)))) {
            receive(p);
            nowNs += MS; // the frame's later packets (not stamped) arrive later: jitter, not base
        }
        // NTP fractions are 1/2^32 s: a few ns of rounding
        long laterCaptureNs = captureNs + 5_000 * MS;
        assertEquals(laterCaptureNs + NETWORK_DELAY_NS + PLAYOUT_DELAY_NS,
                engine.timeline().playoutTimeNs(laterCaptureNs), 10);
    }

    @Test
    void latency_isTheNetworkDelayAtReceipt_andNetworkPlusPlayoutDelayAtHandOff() {
        long firstCaptureNs = nowNs;
        int frames = 30;
        int played = 0;
        // 30 fps for one second, each frame arriving 30 ms after capture; playout polled every ms.
        for (long t = firstCaptureNs; t <= firstCaptureNs + 2_000 * MS; t += MS) {
            nowNs = t;
            long sinceFirstNs = t - NETWORK_DELAY_NS - firstCaptureNs;
            if (sinceFirstNs >= 0 && sinceFirstNs % (33 * MS) == 0 && sinceFirstNs / (33 * MS) < frames) {
                long captureNs = t - NETWORK_DELAY_NS;
                int rtpTimestamp = (int) ((captureNs - firstCaptureNs) / 1000 * 90 / 1000);
                for (byte[] p : packetize(2500, rtpTimestamp, NtpTime.fromUnixNanos(WALL.unixNs(captureNs)))) {
                    receive(p);
                }
            }
            played += playDue();
        }
        assertEquals(frames, played);
        long[] receipt = new long[LatencyTotals.SIZE];
        long[] playout = new long[LatencyTotals.SIZE];
        engine.latency().readReceipt(receipt);
        engine.latency().readPlayout(playout);
        assertEquals(frames, receipt[LatencyTotals.COUNT], "one stamped packet per frame");
        // NTP fractions are 1/2^32 s: a few ns of rounding per conversion.
        assertEquals(NETWORK_DELAY_NS, receipt[LatencyTotals.TOTAL_NS] / frames, 10);
        assertEquals(frames, playout[LatencyTotals.COUNT]);
        double meanPlayoutNs = (double) playout[LatencyTotals.TOTAL_NS] / frames;
        // hand-off is at the first 1 ms poll at or after the frame's playout time
        assertTrue(meanPlayoutNs >= NETWORK_DELAY_NS + PLAYOUT_DELAY_NS - 10
                && meanPlayoutNs <= NETWORK_DELAY_NS + PLAYOUT_DELAY_NS + MS,
                "capture to playout " + meanPlayoutNs / 1e6 + " ms, expected 130-131 ms");
        assertEquals(0, engine.counters().get(ViewerEngine.IMPLAUSIBLE_CAPTURE_TIMES));
    }

    @Test
    void implausibleCaptureTimes_areCountedAndIgnored_andUnstampedFramesMeasureNothing() {
        long futureNtp = NtpTime.fromUnixNanos(WALL.unixNs(nowNs) + 5_000 * MS);
        long ancientNtp = 1L << 32; // 1900-01-01 00:00:01
        receive(packetize(100, 0, futureNtp).get(0));
        receive(packetize(100, 3000, ancientNtp).get(0));
        receive(packetize(100, 6000, NtpTime.UNKNOWN).get(0));
        assertEquals(2, engine.counters().get(ViewerEngine.IMPLAUSIBLE_CAPTURE_TIMES));
        long[] receipt = new long[LatencyTotals.SIZE];
        engine.latency().readReceipt(receipt);
        assertEquals(0, receipt[LatencyTotals.COUNT]);
        assertEquals(CaptureAnchor.UNKNOWN, engine.tracks()[0].captureAnchor().captureUnixNs(0),
                "a rejected stamp does not anchor the track's capture times");
        nowNs += 1_000 * MS;
        assertEquals(3, playDue());
        long[] playout = new long[LatencyTotals.SIZE];
        engine.latency().readPlayout(playout);
        assertEquals(0, playout[LatencyTotals.COUNT]);
    }

    private static final Track AUDIO = new Track(0x2000, 0, 111, 0, MediaKind.AUDIO, 0, 48_000, 64_000);

    private void announce(List<Track> tracks) {
        ByteBuf buf = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, 0, new byte[0],
                new ControlMessage.StreamInfo("show", tracks));
        receive(ByteBufUtil.getBytes(buf));
        buf.release();
    }

    private long receiptCount() {
        long[] receipt = new long[LatencyTotals.SIZE];
        engine.latency().readReceipt(receipt);
        return receipt[LatencyTotals.COUNT];
    }

    @Test
    void audioLatency_countsOnlyWhenTheStreamHasNoVideo() {
        FramePacketizer audio = new FramePacketizer(AUDIO, 5, 1);
        long captureNtp = NtpTime.fromUnixNanos(WALL.unixNs(nowNs - 20 * MS));
        List<byte[]> packets = new ArrayList<>();
        FramePacketizer.PacketSink keep = (packet, seq, offset) -> {
            packets.add(ByteBufUtil.getBytes(packet));
            packet.release();
        };
        announce(List.of(VIDEO, AUDIO));
        assertEquals(2, engine.tracks().length);
        audio.packetize(Unpooled.wrappedBuffer(new byte[100]), 0, captureNtp, true, UnpooledByteBufAllocator.DEFAULT, keep);
        receive(packets.get(0));
        assertEquals(0, receiptCount(), "with video, latency describes the video frames");
        assertTrue(engine.tracks()[1].captureAnchor().captureUnixNs(0) != CaptureAnchor.UNKNOWN, "still anchored");

        announce(List.of(AUDIO));
        audio.packetize(Unpooled.wrappedBuffer(new byte[100]), 960, captureNtp, true, UnpooledByteBufAllocator.DEFAULT, keep);
        receive(packets.get(1));
        assertEquals(1, receiptCount(), "an audio-only stream measures its audio");
    }

    @Test
    void captureAnchor_followsRtpTimestampsAcrossTheirWrapAround() {
        CaptureAnchor anchor = new CaptureAnchor(90_000);
        assertEquals(CaptureAnchor.UNKNOWN, anchor.captureUnixNs(0));
        anchor.update(0xFFFF_FFF0, 5_000_000_000L);
        assertEquals(5_000_000_000L + 32 * 1_000_000_000L / 90_000, anchor.captureUnixNs(0x10));
        assertEquals(5_000_000_000L - 1_000_000_000L, anchor.captureUnixNs(0xFFFF_FFF0 - 90_000));
        assertFalse(new LatencyTotals().onPlayout(-1));
        assertThrows(IllegalArgumentException.class, () -> new CaptureAnchor(0));
    }
}
