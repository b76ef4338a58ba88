package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.rtp.NtpTime;
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
 * The figures a viewer's stats take from its jitter buffers, in virtual time: which track they
 * come from in a stream with video, with audio only and with messages only, and which tracks'
 * gaps count as freezes. Frames are sent every 20 ms with one 400 ms gap (a freeze by W3C's
 * rule in any buffer) and played every millisecond, as the viewer's playout thread does.
 */
class ViewerMediaTotalsTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7000);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final WallClockMapping WALL = WallClockMapping.offset(1_700_000_000_000_000_000L);
    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    private static final Track AUDIO = new Track(0x2000, 0x2001, 111, 112, MediaKind.AUDIO, 0, 48_000, 64_000);
    private static final Track DATA = new Track(0x3000, 0x3001, 98, 99, MediaKind.DATA, 0, 1000, 16_000);
    /** The test engines' fixed playout delay. */
    private static final long PLAYOUT_DELAY_NS = 100 * MS;
    private static final long NETWORK_DELAY_NS = 30 * MS;
    private static final long GAP_NS = 400 * MS;

    private final RecordingSender out = new RecordingSender();
    private final ViewerEngine engine = TestViewerEngines.oneNode(out, NODE);
    private final ViewerMediaTotals totals = new ViewerMediaTotals();
    private long nowNs = 1_000 * MS;

    @BeforeEach
    void connect() {
        engine.useWallClock(WALL);
        engine.start(nowNs);
        receive(out.replyToLast(new ControlMessage.HelloAck(1, 500, 5000, 9)));
        receive(out.replyToLast(new ControlMessage.SubscribeAck("show", List.of()))); // tracks come in STREAM_INFO
        out.drain();
    }

    private void receive(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        engine.onDatagram(buf, NODE, nowNs);
        buf.release();
    }

    private void announce(List<Track> tracks) {
        ByteBuf buf = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, 0, new byte[0],
                new ControlMessage.StreamInfo("show", tracks));
        receive(ByteBufUtil.getBytes(buf));
        buf.release();
    }

    /**
     * Sends each announced track's frames, stamped with their capture time, every 20 ms for
     * {@code ms} with a 400 ms gap in the middle, and plays what is due every millisecond (with
     * the playout thread's latency count); then plays out what is left.
     */
    private void streamWithOneGap(List<Track> tracks, long ms) {
        List<FramePacketizer> packetizers = new ArrayList<>();
        for (Track t : tracks) {
            packetizers.add(new FramePacketizer(t, 5, 100));
        }
        long startNs = nowNs;
        long gapStartNs = startNs + ms * MS / 2;
        for (; nowNs <= startNs + ms * MS; nowNs += MS) {
            long sinceStartNs = nowNs - startNs;
            boolean inGap = nowNs >= gapStartNs && nowNs < gapStartNs + GAP_NS;
            if (sinceStartNs % (20 * MS) == 0 && !inGap) {
                long captureNs = nowNs - NETWORK_DELAY_NS;
                for (int i = 0; i < tracks.size(); i++) {
                    int rtpTimestamp = (int) (sinceStartNs / MS * tracks.get(i).clockRateHz() / 1000);
                    packetizers.get(i).packetize(Unpooled.wrappedBuffer(new byte[200]), rtpTimestamp,
                            NtpTime.fromUnixNanos(WALL.unixNs(captureNs)), true, UnpooledByteBufAllocator.DEFAULT,
                            (packet, seq, offset) -> {
                                receive(ByteBufUtil.getBytes(packet));
                                packet.release();
                            });
                }
            }
            playDue();
        }
        for (long end = nowNs + 2 * PLAYOUT_DELAY_NS; nowNs < end; nowNs += MS) {
            playDue();
        }
    }

    private void playDue() {
        for (ReceiveTrack track : engine.tracks()) {
            track.buffer().poll(nowNs, frame -> {
                long captureUnixNs = track.captureAnchor().captureUnixNs(frame.rtpTimestamp());
                if (captureUnixNs != CaptureAnchor.UNKNOWN && track.captureAnchor().latencyCounted()) {
                    engine.latency().onPlayout(WALL.unixNs(nowNs) - captureUnixNs);
                }
            });
        }
    }

    private JitterBufferStats bufferStats(Track track) {
        JitterBufferStats stats = new JitterBufferStats();
        for (ReceiveTrack t : engine.tracks()) {
            if (t.track().equals(track)) {
                t.buffer().readStats(stats);
            }
        }
        return stats;
    }

    private long playoutLatencyCount() {
        long[] playout = new long[LatencyTotals.SIZE];
        engine.latency().readPlayout(playout);
        return playout[LatencyTotals.COUNT];
    }

    private long receiptLatencyCount() {
        long[] receipt = new long[LatencyTotals.SIZE];
        engine.latency().readReceipt(receipt);
        return receipt[LatencyTotals.COUNT];
    }

    @Test
    void judgedKind_isVideo_elseAudio_elseNone() {
        ReceiveTrack[] none = new ReceiveTrack[0];
        assertNull(ViewerMediaTotals.judgedKind(none));
        announce(List.of(DATA));
        assertNull(ViewerMediaTotals.judgedKind(engine.tracks()));
        announce(List.of(DATA, AUDIO));
        assertEquals(MediaKind.AUDIO, ViewerMediaTotals.judgedKind(engine.tracks()));
        announce(List.of(AUDIO, VIDEO, DATA));
        assertEquals(MediaKind.VIDEO, ViewerMediaTotals.judgedKind(engine.tracks()));
    }

    @Test
    void messagesOnly_haveNoPlayoutDelayJitterBufferDelayOrLatency_andTheirGapsAreNoFreezes() {
        announce(List.of(DATA));
        streamWithOneGap(List.of(DATA), 1000);
        JitterBufferStats messages = bufferStats(DATA);
        assertEquals(1, messages.freezeCount(), "the messages' buffer saw the gap: " + messages);
        assertTrue(messages.jitterBufferEmittedCount() > 0 && messages.playoutDelayNs() > 0, messages.toString());

        totals.read(engine);
        assertNull(totals.judged());
        assertEquals(0, totals.playoutDelayNs(), "no media: 0, as before the tracks are known");
        assertTrue(Double.isNaN(totals.jitterSeconds()), "no media, no jitter: " + totals.jitterSeconds());
        assertEquals(0, totals.jitterBufferDelayUs());
        assertEquals(0, totals.emittedFrames());
        assertEquals(0, totals.freezeCount());
        assertEquals(0, totals.totalFreezesDurationNs());
        assertEquals(messages.bytesReceived(), totals.bytesReceived(), "the bytes still count");
        assertEquals(0, receiptLatencyCount());
        assertEquals(0, playoutLatencyCount());
    }

    @Test
    void audioOnly_figuresAreTheAudios_butItsGapsAreNoFreezes() {
        announce(List.of(AUDIO, DATA));
        streamWithOneGap(List.of(AUDIO, DATA), 1000);
        JitterBufferStats audio = bufferStats(AUDIO);
        assertEquals(1, audio.freezeCount(), "the audio's buffer saw the gap: " + audio);

        totals.read(engine);
        assertEquals(MediaKind.AUDIO, totals.judged());
        assertEquals(PLAYOUT_DELAY_NS, totals.playoutDelayNs());
        assertEquals(audio.jitterSeconds(), totals.jitterSeconds());
        assertEquals(audio.jitterBufferEmittedCount(), totals.emittedFrames());
        assertEquals(Math.round(audio.jitterBufferDelaySeconds() * 1e6), totals.jitterBufferDelayUs());
        assertEquals(0, totals.freezeCount(), "an audio gap is concealment, not a freeze");
        assertEquals(0, totals.totalFreezesDurationNs());
        assertEquals(audio.framesReceived(), playoutLatencyCount(), "the audio's latency, not the messages'");
    }

    @Test
    void withVideo_freezeCountAndDurationAreBothTheVideos_alsoAfterItsTrackIsGone() {
        announce(List.of(VIDEO, AUDIO, DATA));
        streamWithOneGap(List.of(VIDEO, AUDIO, DATA), 1000);
        JitterBufferStats video = bufferStats(VIDEO);
        assertEquals(1, video.freezeCount(), video.toString());
        assertEquals(1, bufferStats(AUDIO).freezeCount());
        assertEquals(1, bufferStats(DATA).freezeCount());

        totals.read(engine);
        assertEquals(MediaKind.VIDEO, totals.judged());
        assertEquals(1, totals.freezeCount(), "the video's freeze only");
        long frozenNs = video.totalFreezesDurationNs();
        assertTrue(frozenNs >= GAP_NS, "the gap plus a frame interval: " + frozenNs);
        assertEquals(frozenNs, totals.totalFreezesDurationNs());
        assertEquals(video.framesReceived(), playoutLatencyCount(), "the video's latency only");

        // The broadcaster came back with other tracks: the count and its duration stay together.
        announce(List.of(AUDIO));
        totals.read(engine);
        assertEquals(MediaKind.AUDIO, totals.judged());
        assertEquals(1, totals.freezeCount());
        assertEquals(frozenNs, totals.totalFreezesDurationNs());
        assertEquals(video.packetsLost() + bufferStats(AUDIO).packetsLost(), totals.packetsLost());
    }
}
