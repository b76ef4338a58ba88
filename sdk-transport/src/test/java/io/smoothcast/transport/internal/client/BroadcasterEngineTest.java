package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.abr.AbrListener;
import io.smoothcast.abr.Rendition;
import io.smoothcast.abr.RenditionLadder;
import io.smoothcast.abr.RenditionSelector;
import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.Pacer;
import io.smoothcast.rtp.NackWriter;
import io.smoothcast.rtp.NtpTime;
import io.smoothcast.rtp.RtcpWriter;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.TransportCcFeedbackWriter;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.cc.UntimedArrivalsReport;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import io.smoothcast.transport.internal.rtx.TailLossProbe;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BroadcasterEngineTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7000);
    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    private static final Track AUDIO = new Track(0x2000, 0, 111, 0, MediaKind.AUDIO, 0, 48_000, 64_000);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RecordingSender out = new RecordingSender();
    private final Queue<OutgoingFrame> frames = new ArrayBlockingQueue<>(64);
    private final RecordingBroadcasterListener listener = new RecordingBroadcasterListener();
    private final List<String> events = listener.events;
    private final List<Long> wakeDelaysNs = listener.wakeDelaysNs;
    private final BroadcasterEngine engine = new BroadcasterEngine(out, List.of(NODE), 1L,
            new ControlMessage.Publish("show", List.of(VIDEO, AUDIO)), FailoverPolicy.defaults(), frames, listener, 3L,
            CongestionController.builder().startBitrateBps(400_000).initialProbing(false).build(),
            Pacer.builder().initialTargetBitrateBps(400_000).burstNs(0).build(), null);
    /**
     * Where the virtual clock starts. The engines must work whatever the origin of {@code System.nanoTime()};
     * subclasses run every test again from another origin.
     */
    long originNs() {
        return 0;
    }

    private long nowNs = originNs() + 1_000 * MS;

    @AfterEach
    void close() {
        engine.close(nowNs);
    }

    private void receive(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        engine.onDatagram(buf, NODE, nowNs);
        buf.release();
    }

    private void reply(ControlMessage message) {
        receive(out.replyToLast(message));
    }

    private void queue(int track, int bytes) {
        frames.add(new OutgoingFrame(track, Unpooled.wrappedBuffer(new byte[bytes]), nowNs, NtpTime.UNKNOWN, false, nowNs));
    }

    private void connect() {
        engine.start(nowNs);
        reply(new ControlMessage.HelloAck(1, 500, 5000, 9));
        reply(new ControlMessage.PublishAck("show"));
        out.drain();
    }

    private static RtpPacketView parse(byte[] packet) {
        RtpPacketView view = new RtpPacketView();
        view.wrap(packet, 0, packet.length);
        return view;
    }

    @Test
    void carryingNodes_theNodeWhileItCarries_noneAfterClose() {
        assertEquals(List.of(), engine.carryingNodes(), "before start");
        connect();
        assertEquals(List.of(NODE), engine.carryingNodes());
        engine.close(nowNs);
        assertEquals(List.of(), engine.carryingNodes(), "left on close: no node carries it any more");
    }

    @Test
    void framesBeforeTheNodeAccepts_areDroppedAndCounted() {
        engine.start(nowNs);
        queue(0, 100);
        engine.drain(nowNs);
        assertEquals(1, engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_NOT_CONNECTED));
        assertEquals(0, engine.counters().get(BroadcasterEngine.PACKETS_SENT));
    }

    @Test
    void packetsLeaveAtThePacingRate_audioFirst_transportSequenceInSendingOrder() {
        connect();
        queue(0, 6000); // six video packets
        queue(1, 100); // one audio packet, queued after the video
        engine.drain(nowNs);
        // 6 kB at 2.5 x 400 kbps takes about 50 ms: not everything leaves at once, the engine
        // asks to be woken when the pacer allows more.
        assertTrue(out.sent.size() < 7, "sent at once: " + out.sent.size());
        assertTrue(!wakeDelaysNs.isEmpty() && wakeDelaysNs.get(wakeDelaysNs.size() - 1) > 0);
        for (int i = 0; i < 50 && out.sent.size() < 7; i++) {
            nowNs += 5 * MS;
            engine.onWake(nowNs);
        }
        List<RecordingSender.Sent> sent = out.drain();
        assertEquals(7, sent.size());
        List<Integer> ssrcs = sent.stream().map(s -> parse(s.bytes()).ssrc()).toList();
        assertEquals(AUDIO.ssrc(), ssrcs.get(0), "audio overtakes queued video: " + ssrcs);
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(i, parse(sent.get(i).bytes()).transportSequenceNumber(5), "transport sequence in send order");
        }
    }

    /** Sends whatever the pacer holds; the RTP timestamps of the packets of one SSRC. */
    private List<Integer> sentTimestamps(int ssrc) {
        for (int i = 0; i < 50; i++) {
            nowNs += 5 * MS;
            engine.onWake(nowNs);
        }
        return out.sent.stream().map(s -> parse(s.bytes())).filter(p -> p.ssrc() == ssrc)
                .map(RtpPacketView::timestamp).toList();
    }

    private void queueCapturedAt(int track, long captureTimeNs) {
        frames.add(new OutgoingFrame(track, Unpooled.wrappedBuffer(new byte[100]), captureTimeNs, NtpTime.UNKNOWN,
                false, nowNs));
    }

    @Test
    void rtpTimestamps_startAtARandomValuePerTrack_thenFollowEachTracksClock() {
        connect();
        for (int frame = 0; frame < 2; frame++) {
            queueCapturedAt(0, nowNs + frame * 40 * MS);
            queueCapturedAt(1, nowNs + frame * 40 * MS);
        }
        engine.drain(nowNs);
        List<Integer> video = sentTimestamps(VIDEO.ssrc());
        List<Integer> audio = sentTimestamps(AUDIO.ssrc());
        // Drawn from the seed (the same for every run of this test), not 0, not shared by the tracks.
        assertEquals(2, video.size());
        assertEquals(2, audio.size());
        assertTrue(video.get(0) != 0 && audio.get(0) != 0 && !audio.get(0).equals(video.get(0)),
                "first timestamps: video " + video.get(0) + ", audio " + audio.get(0));
        assertEquals(video.get(0) + 3600, video.get(1));
        assertEquals(audio.get(0) + 1920, audio.get(1));
    }

    @Test
    void rtpTimestamps_chosenJustBeforeTheWrap_crossItModulo2To32() {
        engine.firstRtpTimestamp(-1800); // 0xFFFFF8F8: the wrap comes 20 ms after the first frame
        connect();
        for (int frame = 0; frame < 3; frame++) {
            queueCapturedAt(0, nowNs + frame * 20 * MS);
        }
        engine.drain(nowNs);
        assertEquals(List.of(0xFFFFF8F8, 0, 1800), sentTimestamps(VIDEO.ssrc()));
    }

    @Test
    void keyframeRequest_onlyForAVideoSsrc_reachesTheListener_audiosAndStrangersCountedAsIgnored() {
        connect();
        byte[] pli = new byte[12];
        RtcpWriter.writePli(pli, 0, 12, 9, AUDIO.ssrc());
        receive(pli);
        RtcpWriter.writePli(pli, 0, 12, 9, 0xBAD);
        receive(pli);
        assertEquals(0, events.stream().filter("keyframe"::equals).count(), "audio needs no keyframe");
        assertEquals(0, engine.counters().get(BroadcasterEngine.KEYFRAME_REQUESTS));
        assertEquals(2, engine.counters().get(BroadcasterEngine.KEYFRAME_REQUESTS_IGNORED), "audio's and a stranger's");

        RtcpWriter.writePli(pli, 0, 12, 9, VIDEO.ssrc());
        receive(pli);
        assertEquals(1, events.stream().filter("keyframe"::equals).count(), "the video's is passed on");
        assertEquals(1, engine.counters().get(BroadcasterEngine.KEYFRAME_REQUESTS));
    }

    @Test
    void transportFeedback_reachesTheController_andForgedNumbersAreIgnored() {
        sendTwentyPackets();
        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(100);
        writer.reset(9, VIDEO.ssrc(), 0, 0);
        for (int i = 0; i < 20; i++) {
            writer.addReceived(1_000_000L + i * 20_000L);
        }
        byte[] feedback = new byte[200];
        int length = writer.write(feedback, 0, feedback.length);
        receive(Arrays.copyOf(feedback, length));
        writer.reset(9, VIDEO.ssrc(), 30_000, 1); // numbers never sent
        writer.addReceived(0);
        length = writer.write(feedback, 0, feedback.length);
        receive(Arrays.copyOf(feedback, length));
        assertEquals(2, engine.counters().get(BroadcasterEngine.TRANSPORT_FEEDBACK_RECEIVED));
        assertEquals(0, engine.counters().get(BroadcasterEngine.MALFORMED_DROPPED));
        assertTrue(engine.counters().get(BroadcasterEngine.TARGET_BITRATE_BPS) > 0);
    }

    /** Sends 20 video packets (transport-wide numbers 0 to 19) and forgets what went out. */
    private void sendTwentyPackets() {
        connect();
        for (int i = 0; i < 20; i++) {
            queue(0, 500);
            engine.drain(nowNs);
            nowNs += 20 * MS;
            engine.onWake(nowNs);
        }
        out.drain();
    }

    /** A feedback on numbers 0 to 19, number 7 lost, the rest 20 ms apart, behind {@code prefix}. */
    private static byte[] feedbackBehind(byte[] prefix) {
        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(100);
        writer.reset(9, VIDEO.ssrc(), 0, 0);
        for (int i = 0; i < 20; i++) {
            if (i == 7) {
                writer.addLost();
            } else {
                writer.addReceived(1_000_000L + i * 20_000L);
            }
        }
        byte[] datagram = Arrays.copyOf(prefix, prefix.length + 200);
        int length = writer.write(datagram, prefix.length, 200);
        return Arrays.copyOf(datagram, prefix.length + length);
    }

    @Test
    void nodeStallReport_inFrontOfTheFeedback_leavesThoseArrivalsOut_lossesStillCount() {
        sendTwentyPackets();
        byte[] report = new byte[UntimedArrivalsReport.LENGTH];
        assertEquals(UntimedArrivalsReport.LENGTH, new UntimedArrivalsReport().write(report, 0, 9, 5, 5)); // 5 to 9

        receive(feedbackBehind(report));

        assertEquals(1, engine.counters().get(BroadcasterEngine.NODE_STALL_REPORTS));
        assertEquals(4, engine.counters().get(BroadcasterEngine.UNTIMED_ARRIVALS_MARKED), "5, 6, 8, 9; 7 was lost");
        assertEquals(1, engine.counters().get(BroadcasterEngine.TRANSPORT_FEEDBACK_RECEIVED));
        assertEquals(0, engine.counters().get(BroadcasterEngine.MALFORMED_DROPPED));

        receive(feedbackBehind(new byte[0])); // a report covers its own datagram only
        assertEquals(4, engine.counters().get(BroadcasterEngine.UNTIMED_ARRIVALS_MARKED));
    }

    @Test
    void otherAppPackets_areIgnored_malformedStallReportsCounted_theFeedbackBehindStillCounts() {
        sendTwentyPackets();
        byte[] other = new byte[16];
        RtcpWriter.writeApp(other, 0, other.length, 0, 9, 'X' << 24 | 'Y' << 16 | 'Z' << 8 | 'W', new byte[4], 0, 4);
        receive(feedbackBehind(other));
        assertEquals(0, engine.counters().get(BroadcasterEngine.MALFORMED_DROPPED), "someone else's APP packet");

        byte[] noNumbers = new byte[16];
        RtcpWriter.writeApp(noNumbers, 0, noNumbers.length, UntimedArrivalsReport.SUBTYPE, 9,
                UntimedArrivalsReport.NAME, new byte[] {0, 5, 0, 0}, 0, 4);
        receive(feedbackBehind(noNumbers));
        assertEquals(1, engine.counters().get(BroadcasterEngine.MALFORMED_DROPPED), "a report of 0 numbers");

        assertEquals(0, engine.counters().get(BroadcasterEngine.NODE_STALL_REPORTS));
        assertEquals(0, engine.counters().get(BroadcasterEngine.UNTIMED_ARRIVALS_MARKED));
        assertEquals(2, engine.counters().get(BroadcasterEngine.TRANSPORT_FEEDBACK_RECEIVED), "read on past the APP");
    }

    @Test
    void targetBitrate_drivesTheRenditionSelector_whoseEventsReachTheApplication() {
        List<String> renditionEvents = new ArrayList<>();
        RenditionSelector selector = RenditionSelector.builder(RenditionLadder.of(List.of(
                Rendition.video("low", 100_000, 320, 180), Rendition.video("high", 300_000, 640, 360))))
                .listener(new AbrListener() {
                    @Override
                    public void onRenditionChanged(Rendition previous, Rendition current, long targetBitrateBps,
                            long nowNs) {
                        renditionEvents.add(previous.name() + "->" + current.name());
                    }
                }).build();
        BroadcasterEngine withLadder = new BroadcasterEngine(out, List.of(NODE), 1L,
                new ControlMessage.Publish("show2", List.of(VIDEO)), FailoverPolicy.defaults(),
                new ArrayBlockingQueue<>(4),
                IgnoringBroadcasterListener.INSTANCE, 3L, CongestionController.builder().startBitrateBps(400_000).initialProbing(false).build(),
                Pacer.builder().initialTargetBitrateBps(400_000).build(), selector);
        // 400 kbps is above 300 kbps x 1.15: after the selector's 2 s hold, it switches up.
        for (int i = 0; i < 120; i++) {
            nowNs += 25 * MS;
            withLadder.onTick(nowNs);
        }
        assertEquals(List.of("low->high"), renditionEvents);
        withLadder.close(nowNs);
    }

    @Test
    void audioOnlyFallback_isPublishedAsAGauge_forTheOperatorsAlert() {
        RenditionSelector selector = RenditionSelector.builder(RenditionLadder.of(List.of(
                Rendition.audioOnly("audio", 48_000), Rendition.video("low", 300_000, 320, 180)))).build();
        BroadcasterEngine withLadder = new BroadcasterEngine(out, List.of(NODE), 1L,
                new ControlMessage.Publish("show3", List.of(VIDEO)), FailoverPolicy.defaults(),
                new ArrayBlockingQueue<>(4),
                IgnoringBroadcasterListener.INSTANCE, 3L, CongestionController.builder().minBitrateBps(50_000).startBitrateBps(100_000)
                        .initialProbing(false).build(),
                Pacer.builder().initialTargetBitrateBps(100_000).build(), selector);
        assertEquals(0, withLadder.counters().get(BroadcasterEngine.AUDIO_ONLY));
        // 100 kbps stays under the floor (0.6 x 300 kbps) for more than the selector's 1 s hold.
        for (int i = 0; i < 80; i++) {
            nowNs += 25 * MS;
            withLadder.onTick(nowNs);
        }
        assertTrue(selector.isAudioOnly());
        assertEquals(1, withLadder.counters().get(BroadcasterEngine.AUDIO_ONLY));
        withLadder.close(nowNs);
    }

    /**
     * Hands in one video frame of {@code bytes} every 33 ms for {@code durationMs}, waking the
     * engine every millisecond as its I/O thread would (no controller ticks: the pacer keeps its
     * 400 kbps x 2.5 rate); returns the send-delay figure at each 500 ms.
     */
    private List<Long> sendFramesEveryMs(int bytes, long durationMs) {
        List<Long> delaysMs = new ArrayList<>();
        for (long t = 0; t < durationMs; t++) {
            if (t % 33 == 0) {
                queue(0, bytes);
                engine.drain(nowNs);
            }
            nowNs += MS;
            engine.onWake(nowNs);
            out.drain();
            if ((t + 1) % 500 == 0) {
                delaysMs.add(engine.counters().get(BroadcasterEngine.SEND_DELAY_MAX_NS) / MS);
            }
        }
        return delaysMs;
    }

    @Test
    void sendDelay_paceBelowTheSource_grows_thenFallsBackOnceDrained() {
        connect();
        // 2 Mbps of video (8.3 kB every 33 ms) into a pacer that sends 1 Mbps: the frames handed
        // in wait longer and longer before they leave.
        List<Long> delaysMs = sendFramesEveryMs(8_333, 1_500);
        assertTrue(delaysMs.get(0) > 150, "backlog after 0.5 s: " + delaysMs);
        assertTrue(delaysMs.get(2) > delaysMs.get(0) + 300, "backlog grows: " + delaysMs);
        // Nothing handed in any more: the pacer drains, and two windows later the figure is 0.
        for (int i = 0; i < 400; i++) {
            nowNs += 10 * MS;
            engine.onWake(nowNs);
            engine.onTick(nowNs);
            out.drain();
        }
        assertEquals(0, engine.counters().get(BroadcasterEngine.SEND_DELAY_MAX_NS));
    }

    @Test
    void sendDelay_paceAboveTheSource_staysNearZero() {
        connect();
        // 200 kbps (one 833-byte packet every 33 ms) through the same 1 Mbps pacer.
        List<Long> delaysMs = sendFramesEveryMs(833, 1_500);
        for (long delayMs : delaysMs) {
            assertTrue(delayMs <= 10, "a broadcaster that keeps up has no backlog: " + delaysMs);
        }
    }

    /** RTP packets the engine sent, as the node would see them if none were lost. */
    private final List<byte[]> rtpSent = new ArrayList<>();
    /** Whether the test's node still answers keepalives. */
    private boolean nodeAlive = true;

    /** Advances 10 ms (or 11 ms), runs the engine's timers, answers its keepalives, collects its RTP. */
    private void step(long ms) {
        nowNs += ms * MS;
        engine.onWake(nowNs);
        engine.onTick(nowNs);
        for (RecordingSender.Sent sent : out.drain()) {
            if (io.smoothcast.transport.internal.DatagramKind.classify(Unpooled.wrappedBuffer(sent.bytes()))
                    != io.smoothcast.transport.internal.DatagramKind.CONTROL) {
                rtpSent.add(sent.bytes());
                continue;
            }
            var request = io.smoothcast.transport.internal.control.ControlCodec.decode(Unpooled.wrappedBuffer(sent.bytes()));
            if (nodeAlive && request.ok() && request.message() instanceof ControlMessage.Keepalive keepalive) {
                out.sent.add(sent);
                reply(new ControlMessage.KeepaliveAck(keepalive.sequence()));
                out.sent.clear();
            }
        }
    }

    /** Video frames of 500 bytes (one packet each), one every 33 ms, the engine ticked every 11 ms. */
    private void sendFramesAndTick(int frameCount) {
        for (int f = 0; f < frameCount; f++) {
            queue(0, 500);
            engine.drain(nowNs);
            for (int i = 0; i < 3; i++) {
                step(11);
            }
        }
    }

    /** Ticks the engine every 10 ms for {@code durationMs}; returns {send ns, OSN, transport number} of each RTX. */
    private List<long[]> tickQuietly(long durationMs) {
        List<long[]> rtx = new ArrayList<>();
        for (long t = 0; t < durationMs; t += 10) {
            rtpSent.clear();
            step(10);
            for (byte[] b : rtpSent) {
                RtpPacketView view = parse(b);
                if (view.ssrc() == VIDEO.rtxSsrc()) {
                    int osn = (b[view.payloadOffset()] & 0xFF) << 8 | b[view.payloadOffset() + 1] & 0xFF;
                    rtx.add(new long[] {nowNs, osn, view.transportSequenceNumber(5)});
                }
            }
        }
        return rtx;
    }

    /** A feedback reporting transport-wide numbers {@code first} to {@code last} received. */
    private void feedbackReceived(int first, int last) {
        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(400);
        writer.reset(9, VIDEO.ssrc(), first, 0);
        for (int i = first; i <= last; i++) {
            writer.addReceived(1_000_000L + i * 20_000L);
        }
        byte[] feedback = new byte[600];
        receive(Arrays.copyOf(feedback, writer.write(feedback, 0, feedback.length)));
    }

    @Test
    void tailLossProbe_lastPacketsBeforeAPauseUnreported_newestResentAfterTheTimeout_theNodesNackRepairsTheRest() {
        connect();
        sendFramesAndTick(30); // a second of video, no feedback at all: never probed while it flows
        assertEquals(30, rtpSent.size());
        assertEquals(0, engine.counters().get(BroadcasterEngine.TAIL_PROBES_SENT), "no probe while media flows");
        int newest = parse(rtpSent.get(29)).sequenceNumber();
        long lastSentNs = nowNs - 33 * MS; // the frame's packet left at once, three steps ago
        feedbackReceived(0, 27); // the node got all but the last two

        List<long[]> rtx = tickQuietly(400);

        assertEquals(1, rtx.size(), "one probe");
        assertEquals(newest, rtx.get(0)[1], "the probe is the newest packet");
        long waitedNs = rtx.get(0)[0] - lastSentNs;
        assertTrue(waitedNs >= TailLossProbe.MIN_TIMEOUT_NS && waitedNs <= TailLossProbe.MIN_TIMEOUT_NS + 20 * MS,
                "after the quiet timeout: " + waitedNs / MS + " ms");
        assertEquals(1, engine.counters().get(BroadcasterEngine.TAIL_PROBES_SENT));
        assertEquals(0, engine.counters().get(BroadcasterEngine.RTX_SENT), "a probe is not an answer to a NACK");

        // The node now sees the gap in front of the probe and NACKs it: the normal path repairs it.
        byte[] nack = new byte[64];
        int length = NackWriter.writeLost(nack, 0, nack.length, 9, VIDEO.ssrc(), new int[] {(newest - 1) & 0xFFFF}, 1);
        receive(Arrays.copyOf(nack, length));
        feedbackReceived((int) rtx.get(0)[2], (int) rtx.get(0)[2]); // the probe arrived
        List<long[]> repairs = tickQuietly(1000);
        assertEquals(1, repairs.size(), "the NACKed packet, and no second probe once the probe was reported");
        assertEquals((newest - 1) & 0xFFFF, repairs.get(0)[1]);
        assertEquals(1, engine.counters().get(BroadcasterEngine.TAIL_PROBES_SENT));
    }

    @Test
    void tailLossProbe_newestPacketReported_noProbe_noFeedback_twoBackedOff_nodeGone_noStorm() {
        connect();
        sendFramesAndTick(5);
        feedbackReceived(0, 4);
        assertEquals(0, tickQuietly(1000).size(), "the node has the tail: nothing to probe");

        sendFramesAndTick(5); // the node answers keepalives, but its feedback never comes
        List<long[]> rtx = tickQuietly(3000);
        assertEquals(2, rtx.size(), "two probes per quiet period, no more");
        assertTrue(rtx.get(1)[0] - rtx.get(0)[0] >= 2 * TailLossProbe.MIN_TIMEOUT_NS, "the second backed off");

        nodeAlive = false; // the node is gone: the failure detector drops it, probes stay bounded
        sendFramesAndTick(5);
        assertTrue(tickQuietly(5000).size() <= 2, "no probe storm towards a dead node");
        assertTrue(engine.counters().get(BroadcasterEngine.TAIL_PROBES_SENT) <= 4);
    }

    @Test
    void tailLossProbe_lateReportOfAnEarlierProbe_doesNotSilenceTheNextQuietPeriod() {
        connect();
        sendFramesAndTick(5); // no feedback: the tail is probed once the track is quiet
        List<long[]> first = tickQuietly(300);
        assertEquals(1, first.size(), "the first quiet period's probe");
        long probeTransport = first.get(0)[2];

        rtpSent.clear();
        sendFramesAndTick(3); // the track sends again: a new tail, nothing of it reported yet
        int newest = parse(rtpSent.get(rtpSent.size() - 1)).sequenceNumber();
        feedbackReceived((int) probeTransport, (int) probeTransport); // the old probe arrived, late

        List<long[]> second = tickQuietly(300);
        assertEquals(1, second.size(), "the new tail is probed: the old probe's report says nothing of it");
        assertEquals(newest, second.get(0)[1]);
    }
}
