package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.Pacer;
import io.smoothcast.rtp.NackWriter;
import io.smoothcast.rtp.NtpTime;
import io.smoothcast.rtp.RtcpWriter;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.DatagramKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The send-delay limit ({@link BroadcasterEngine#limitSendDelay}) in virtual time: an application
 * that hands in more than the pacer sends (2 Mbps of video into 400 kbps x 2.5), one that does
 * not, a starved I/O thread, and what audio and messages get; and the pacer's full queue, which
 * drops frames whole as well, and how the frame counters add up.
 */
class BroadcasterSendDelayLimitTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7000);
    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    private static final Track AUDIO = new Track(0x2000, 0, 111, 0, MediaKind.AUDIO, 0, 48_000, 64_000);
    private static final Track DATA = new Track(0x3000, 0x3001, 98, 99, MediaKind.DATA, 0, 1000, 16_000);
    private static final int VIDEO_TRACK = 0;
    private static final int AUDIO_TRACK = 1;
    private static final int DATA_TRACK = 2;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LIMIT_NS = 400 * MS;
    /** One video frame every 33 ms: 90 kHz ticks between two frames. */
    private static final int FRAME_TICKS = 33 * 90;

    private final RecordingSender out = new RecordingSender();
    private final Queue<OutgoingFrame> frames = new ArrayBlockingQueue<>(256);
    /** Keyframe requests the engine raised. */
    private int keyframeRequests;
    /** The application's encoder: the next video frame is a keyframe. */
    private boolean keyframeWanted = true;
    private BroadcasterEngine engine = newEngine(Pacer.builder().initialTargetBitrateBps(400_000).burstNs(0).build());
    private long nowNs = 1_000 * MS;
    /**
     * Whether {@link #run} ticks the engine every 10 ms, as the I/O thread does: that raises the
     * keyframe requests held back by the 200 ms interval, and lets the congestion controller,
     * without feedback, lower its target (the other tests keep the pacer's rate fixed).
     */
    private boolean ticking;
    /** RTP packets sent, by track. */
    private final List<RtpPacketView> videoSent = new ArrayList<>();
    private final List<RtpPacketView> audioSent = new ArrayList<>();
    private final List<RtpPacketView> dataSent = new ArrayList<>();
    private final List<RtpPacketView> videoRtxSent = new ArrayList<>();
    /** Frames handed to the engine's queue. */
    private int handedIn;
    /** Whether the test's node answers the engine's control requests (keepalives, joins). */
    private boolean nodeAlive = true;

    /** An engine on 400 kbps whose pacer is {@code pacer}. */
    private BroadcasterEngine newEngine(Pacer pacer) {
        return new BroadcasterEngine(out, List.of(NODE), 1L,
                new ControlMessage.Publish("show", List.of(VIDEO, AUDIO, DATA)), FailoverPolicy.defaults(), frames,
                new BroadcasterEngine.Listener() {
                    @Override
                    public void onStateChanged(ConnectionState state, String reason) {
                    }

                    @Override
                    public void onKeyframeRequested() {
                        keyframeRequests++;
                        keyframeWanted = true;
                    }

                    @Override
                    public void onTargetBitrate(long bitrateBps) {
                    }

                    @Override
                    public void wakeIn(long delayNs) {
                    }
                }, 3L,
                CongestionController.builder().startBitrateBps(400_000).initialProbing(false).build(), pacer, null);
    }

    @AfterEach
    void close() {
        engine.close(nowNs);
    }

    private void connect() {
        engine.start(nowNs);
        receive(out.replyToLast(new ControlMessage.HelloAck(1, 500, 5000, 9)));
        receive(out.replyToLast(new ControlMessage.PublishAck("show")));
        out.drain();
    }

    private void receive(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        engine.onDatagram(buf, NODE, nowNs);
        buf.release();
    }

    private void queue(int track, int bytes, boolean keyframe) {
        handedIn++;
        frames.add(new OutgoingFrame(track, Unpooled.wrappedBuffer(new byte[bytes]), nowNs, NtpTime.UNKNOWN, keyframe,
                nowNs));
    }

    /**
     * Hands in a video frame of {@code videoBytes} every 33 ms (a keyframe when one was asked
     * for), and, when {@code withAudioAndMessages}, a 160-byte audio frame every 20 ms and a
     * 100-byte message every 100 ms, for {@code durationMs}; the I/O thread drains the queue when
     * frames arrive, wakes every millisecond and, if {@link #ticking}, ticks every 10. Returns the
     * send-delay figure, ms, every 500 ms.
     */
    private List<Long> run(int videoBytes, long durationMs, boolean withAudioAndMessages) {
        List<Long> delaysMs = new ArrayList<>();
        for (long t = 0; t < durationMs; t++) {
            if (t % 33 == 0) {
                queue(VIDEO_TRACK, videoBytes, keyframeWanted);
                keyframeWanted = false;
            }
            if (withAudioAndMessages && t % 20 == 0) {
                queue(AUDIO_TRACK, 160, false);
            }
            if (withAudioAndMessages && t % 100 == 0) {
                queue(DATA_TRACK, 100, false);
            }
            engine.drain(nowNs);
            nowNs += MS;
            engine.onWake(nowNs);
            if (ticking && t % 10 == 0) {
                engine.onTick(nowNs);
            }
            collect();
            if ((t + 1) % 500 == 0) {
                delaysMs.add(engine.counters().get(BroadcasterEngine.SEND_DELAY_MAX_NS) / MS);
            }
        }
        return delaysMs;
    }

    /** Lets the I/O thread wake every millisecond for {@code ms}, taking what it sends. */
    private void wakeEveryMs(int ms) {
        for (int i = 0; i < ms; i++) {
            nowNs += MS;
            engine.onWake(nowNs);
            collect();
        }
    }

    /** Takes what the engine sent: keeps its RTP, answers its keepalives (the node is alive). */
    private void collect() {
        for (RecordingSender.Sent sent : out.drain()) {
            DatagramKind kind = DatagramKind.classify(Unpooled.wrappedBuffer(sent.bytes()));
            if (kind == DatagramKind.CONTROL && nodeAlive) {
                ControlMessage request = ControlCodec.decode(Unpooled.wrappedBuffer(sent.bytes())).message();
                ControlMessage reply = request instanceof ControlMessage.Keepalive keepalive
                        ? new ControlMessage.KeepaliveAck(keepalive.sequence())
                        : request instanceof ControlMessage.Hello ? new ControlMessage.HelloAck(1, 500, 5000, 9)
                        : request instanceof ControlMessage.Publish ? new ControlMessage.PublishAck("show")
                        : null;
                if (reply != null) {
                    out.sent.add(sent);
                    receive(out.replyToLast(reply));
                    out.sent.clear();
                }
            }
            if (kind != DatagramKind.RTP) {
                continue;
            }
            RtpPacketView view = new RtpPacketView();
            view.wrap(sent.bytes(), 0, sent.bytes().length);
            if (view.ssrc() == VIDEO.ssrc()) {
                videoSent.add(view);
            } else if (view.ssrc() == AUDIO.ssrc()) {
                audioSent.add(view);
            } else if (view.ssrc() == DATA.ssrc()) {
                dataSent.add(view);
            } else if (view.ssrc() == VIDEO.rtxSsrc()) {
                videoRtxSent.add(view);
            }
        }
    }

    private static boolean startsFrame(RtpPacketView packet) {
        return (packet.buffer()[packet.payloadOffset()] & GenericPayload.START) != 0;
    }

    private static boolean isKeyframe(RtpPacketView packet) {
        return (packet.buffer()[packet.payloadOffset()] & GenericPayload.KEYFRAME) != 0;
    }

    @Test
    void withoutTheLimit_paceBelowTheSource_theBacklogGrowsPastTheLimit_nothingIsDropped() {
        connect();
        List<Long> delaysMs = run(8_333, 4_000, false);
        assertTrue(delaysMs.get(delaysMs.size() - 1) > 2 * LIMIT_NS / MS, "old behaviour: " + delaysMs);
        assertEquals(0, engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_STALE));
        assertEquals(0, keyframeRequests);
    }

    @Test
    void paceBelowTheSource_delayStaysNearTheLimit_framesDroppedWhole_keyframeAfterEachDrop_oneRequestPerEpisode() {
        engine.limitSendDelay(LIMIT_NS);
        connect();
        List<Long> delaysMs = run(8_333, 4_000, false);

        for (int i = 1; i < delaysMs.size(); i++) {
            // the first packet leaves within the limit; the frame's last one up to a frame's
            // transmission later (8.3 kB at 1 Mbps: 67 ms)
            assertTrue(delaysMs.get(i) <= LIMIT_NS / MS + 80, "send delay bounded: " + delaysMs);
        }
        long stale = engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_STALE);
        long skipped = engine.counters().get(BroadcasterEngine.VIDEO_FRAMES_SKIPPED_TO_KEYFRAME);
        assertTrue(stale > 0, "frames dropped for their age");

        int[] episodesAndFrames = assertVideoWholeAndResumingOnKeyframes();
        int episodes = episodesAndFrames[0];
        int framesSent = episodesAndFrames[1];
        assertTrue(episodes > 0, "frames were skipped");
        // the first keyframe request is the application's own start (keyframeWanted), not counted
        assertEquals(episodes, keyframeRequests, "one request per episode, " + episodes + " episodes");
        int handedIn = 4_000 / 33 + 1;
        assertTrue(framesSent + stale + skipped >= handedIn - 20, "every frame accounted for: sent " + framesSent
                + ", stale " + stale + ", skipped " + skipped + " of " + handedIn);
    }

    /**
     * Checks the video sent: frames arrive whole (every sent frame has all its packets, ending in
     * the marker; all frames are the same size), RTP sequence numbers have no gap, and after every
     * gap in the frames the first one sent is a keyframe.
     *
     * @return the number of such gaps (episodes) and the number of frames sent
     */
    private int[] assertVideoWholeAndResumingOnKeyframes() {
        int packetsPerFrame = -1;
        int inFrame = 0;
        int episodes = 0;
        int previousTimestamp = Integer.MIN_VALUE;
        int framesSent = 0;
        for (int i = 0; i < videoSent.size(); i++) {
            RtpPacketView p = videoSent.get(i);
            if (i > 0) {
                assertEquals((videoSent.get(i - 1).sequenceNumber() + 1) & 0xFFFF, p.sequenceNumber(),
                        "no sequence gap at packet " + i);
            }
            if (startsFrame(p)) {
                assertEquals(0, inFrame, "a frame cut at packet " + i);
                framesSent++;
                if (previousTimestamp != Integer.MIN_VALUE && p.timestamp() - previousTimestamp > FRAME_TICKS + 90) {
                    episodes++;
                    assertTrue(isKeyframe(p), "the first frame after a drop is a keyframe, packet " + i);
                }
                previousTimestamp = p.timestamp();
            }
            inFrame++;
            if (p.marker()) {
                if (packetsPerFrame < 0) {
                    packetsPerFrame = inFrame;
                }
                assertEquals(packetsPerFrame, inFrame, "every frame whole");
                inFrame = 0;
            }
        }
        return new int[] {episodes, framesSent};
    }

    @Test
    void paceAboveTheSource_nothingDropped() {
        engine.limitSendDelay(LIMIT_NS);
        connect();
        run(833, 4_000, true);
        assertEquals(0, engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_STALE));
        assertEquals(0, engine.counters().get(BroadcasterEngine.VIDEO_FRAMES_SKIPPED_TO_KEYFRAME));
        assertEquals(0, keyframeRequests);
        assertEquals(4_000 / 33 + 1, videoSent.size());
    }

    @Test
    void starvedIoThread_staleAudioDroppedAlone_staleVideoSkipsToAKeyframe_messagesAllSent() {
        engine.limitSendDelay(LIMIT_NS);
        connect();
        run(833, 200, true);
        wakeEveryMs(20); // the pacer empties
        int audioBefore = audioSent.size();
        int dataBefore = dataSent.size();
        // The I/O thread does not run for 1.5 s: the application keeps handing frames in.
        for (long t = 0; t < 1_500; t++) {
            if (t % 33 == 0) {
                queue(VIDEO_TRACK, 833, false);
            }
            if (t % 20 == 0) {
                queue(AUDIO_TRACK, 160, false);
            }
            if (t % 100 == 0) {
                queue(DATA_TRACK, 100, false);
            }
            nowNs += MS;
        }
        // Then it runs again (and the application answers the keyframe request).
        run(833, 1_000, true);

        // Audio handed in more than 400 ms before the thread woke up is dropped (55 of 75); the
        // rest is sent and no later audio frame is lost.
        long staleAudio = 1_100 / 20;
        int audioAfter = audioSent.size() - audioBefore;
        assertEquals(75 - staleAudio + 1_000 / 20, audioAfter, "audio sent after the stall");
        // Messages are never dropped for their age.
        assertEquals(15 + 10, dataSent.size() - dataBefore);
        // Video: the 34 frames over 400 ms old are dropped at the drain, and the next one as its
        // first packet is to leave (it waits behind the backlog's audio, messages and 12 other
        // frames); the younger ones, and the first frame handed in after the stall, are skipped
        // until the keyframe the engine asked for (once).
        long staleVideo = engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_STALE) - staleAudio;
        long skipped = engine.counters().get(BroadcasterEngine.VIDEO_FRAMES_SKIPPED_TO_KEYFRAME);
        assertEquals(35, staleVideo);
        assertEquals(1_500 / 33 + 1 + 1, staleVideo + skipped, "every frame of the stall, and the next, dropped");
        assertEquals(1, keyframeRequests);
        RtpPacketView firstAfter = null;
        for (RtpPacketView p : videoSent) {
            if (p.timestamp() - videoSent.get(0).timestamp() > 300 * 90) { // modulo 2^32: the first timestamp is random
                firstAfter = p;
                break;
            }
        }
        assertTrue(firstAfter != null && isKeyframe(firstAfter), "video resumes with a keyframe");
    }

    /** A pacer like the default one with room for 64 packets per class (about 8 video frames of 8.3 kB). */
    private static Pacer smallPacer() {
        return Pacer.builder().initialTargetBitrateBps(400_000).burstNs(0).queueCapacityPerClass(64).build();
    }

    @Test
    void fullPacer_framesDroppedWhole_videoSkipsToAKeyframe_noSequenceGap_audioAndMessagesUntouched() {
        engine = newEngine(smallPacer()); // and no send-delay limit: the pacer's queue alone decides
        ticking = true;
        connect();
        run(8_333, 4_000, true);

        int[] episodesAndFrames = assertVideoWholeAndResumingOnKeyframes();
        long pacerFull = engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_PACER_FULL);
        assertTrue(pacerFull > 0, "frames refused by the full pacer");
        assertTrue(episodesAndFrames[0] > 0, "video skipped to keyframes");
        assertTrue(keyframeRequests >= episodesAndFrames[0], keyframeRequests + " requests, "
                + episodesAndFrames[0] + " episodes");
        assertEquals(pacerFull * FramePacketizer.packetCount(8_333),
                engine.counters().get(BroadcasterEngine.PACER_DROPPED), "every packet of those frames, none else");
        assertEquals(0, engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_STALE));
        // audio and messages have rings of their own, and go first
        assertEquals(4_000 / 20, audioSent.size());
        assertEquals(4_000 / 100, dataSent.size());
    }

    @Test
    void keyframeLargerThanThePacersRing_droppedWhole_deltasSkipped_untilAKeyframeThatFits() {
        engine = newEngine(smallPacer());
        connect();
        int huge = 65 * 1_179; // 65 packets: more than the 64 the video ring holds
        sendVideo(true, huge, 10);
        sendVideo(false, 833, 10);
        assertEquals(0, videoSent.size(), "nothing of the huge keyframe, nor the frame after it");
        assertEquals(1, engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_PACER_FULL));
        assertEquals(FramePacketizer.packetCount(huge), engine.counters().get(BroadcasterEngine.PACER_DROPPED));
        assertEquals(1, engine.counters().get(BroadcasterEngine.VIDEO_FRAMES_SKIPPED_TO_KEYFRAME));
        assertEquals(1, keyframeRequests);
        sendVideo(true, 833, 10);
        assertEquals(1, videoSent.size());
        assertTrue(isKeyframe(videoSent.get(0)), "video resumes with the keyframe that fits");
        assertEquals(1, engine.counters().get(BroadcasterEngine.FRAMES_SENT));
    }

    @Test
    void frameCounters_addUpToTheFramesHandedIn_sentCountedAsTheyLeave() {
        engine = newEngine(smallPacer());
        engine.limitSendDelay(LIMIT_NS);
        ticking = true;
        queue(VIDEO_TRACK, 833, true); // before the broadcaster is connected
        queue(AUDIO_TRACK, 160, false);
        engine.drain(nowNs);
        connect();
        run(8_333, 4_000, true);
        wakeEveryMs(3_000); // the pacer empties

        long sent = engine.counters().get(BroadcasterEngine.FRAMES_SENT);
        long notConnected = engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_NOT_CONNECTED);
        long stale = engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_STALE);
        long skipped = engine.counters().get(BroadcasterEngine.VIDEO_FRAMES_SKIPPED_TO_KEYFRAME);
        long pacerFull = engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_PACER_FULL);
        String counts = "sent " + sent + ", not connected " + notConnected + ", stale " + stale + ", skipped "
                + skipped + ", pacer full " + pacerFull;
        int handedIn = 2 + 4_000 / 33 + 1 + 4_000 / 20 + 4_000 / 100;
        assertEquals(handedIn, sent + notConnected + stale + skipped + pacerFull, counts);
        assertTrue(notConnected == 2 && stale > 0 && skipped > 0 && pacerFull > 0, "every way out taken: " + counts);
        int framesOnTheWire = 0;
        for (List<RtpPacketView> track : List.of(videoSent, audioSent, dataSent)) {
            for (RtpPacketView p : track) {
                framesOnTheWire += startsFrame(p) ? 1 : 0;
            }
        }
        assertEquals(framesOnTheWire, sent, "framesSent: the frames that left");
    }

    @Test
    void frameCounters_addUpToTheFramesHandedIn_afterCloseWithFramesStillQueued() {
        engine = newEngine(smallPacer());
        engine.limitSendDelay(LIMIT_NS);
        ticking = true;
        connect();
        run(8_333, 2_000, true); // the pacer holds a backlog
        queue(VIDEO_TRACK, 833, false); // and the application's queue some frames, never drained
        queue(AUDIO_TRACK, 160, false);
        queue(DATA_TRACK, 100, false);
        assertTrue(engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_PACER_FULL) > 0, "the pacer was full");
        engine.close(nowNs);

        long sent = engine.counters().get(BroadcasterEngine.FRAMES_SENT);
        long notConnected = engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_NOT_CONNECTED);
        long stale = engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_STALE);
        long skipped = engine.counters().get(BroadcasterEngine.VIDEO_FRAMES_SKIPPED_TO_KEYFRAME);
        long pacerFull = engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_PACER_FULL);
        String counts = "sent " + sent + ", not connected or closed " + notConnected + ", stale " + stale
                + ", skipped " + skipped + ", pacer full " + pacerFull;
        int handedIn = 2_000 / 33 + 1 + 2_000 / 20 + 2_000 / 100 + 3;
        assertEquals(handedIn, sent + notConnected + stale + skipped + pacerFull, counts);
        assertTrue(notConnected > 3, "frames in the pacer and the queue counted at close: " + counts);
    }

    @Test
    void outage_withABacklogDroppedInThePacer_videoResumesOnAKeyframe() {
        ticking = true;
        connect();
        run(8_333, 2_000, true); // a backlog in the pacer: its frames are dropped as not connected
        assertFirstVideoAfterAnOutageIsAKeyframe(true, false); // none handed in until the resume
    }

    @Test
    void outage_withFramesDroppedFromTheQueueOnly_videoResumesOnAKeyframe() {
        ticking = true;
        connect();
        run(833, 2_000, true);
        // none handed in while the node dies, so the pacer is empty: the outage's frames are
        // dropped when taken from the queue, none in the pacer
        assertFirstVideoAfterAnOutageIsAKeyframe(false, true);
    }

    /**
     * The node goes silent until the broadcaster drops it, then comes back; the application
     * sends only deltas meanwhile and its keyframe 300 ms after the resume. The frames dropped
     * in the outage spent no sequence numbers, so the first video frame the viewers get after
     * it must not refer to them: it is a keyframe, and the deltas before it are skipped.
     *
     * @param framesWhileTheNodeDies whether frames are handed in until the node is dropped
     * @param framesWhileDisconnected whether frames are handed in from then until the resume
     */
    private void assertFirstVideoAfterAnOutageIsAKeyframe(boolean framesWhileTheNodeDies,
            boolean framesWhileDisconnected) {
        nodeAlive = false;
        long t = 0;
        while (engine.supervisor().isConnected()) {
            tenMs(framesWhileTheNodeDies);
            assertTrue(++t < 1_000, "the failure detector drops the node");
        }
        wakeEveryMs(200);
        nodeAlive = true;
        t = 0;
        while (!engine.supervisor().isConnected()) {
            tenMs(framesWhileDisconnected);
            assertTrue(++t < 3_000, "the broadcaster resumes on the node");
        }
        collect();
        int resumedAt = videoSent.size();
        runIgnoringRequests(600, 300);
        wakeEveryMs(2_000);
        RtpPacketView first = videoSent.stream().skip(resumedAt).filter(p -> startsFrame(p)).findFirst().orElseThrow();
        assertTrue(isKeyframe(first), "the first frame after the outage is a keyframe");
        assertTrue(engine.counters().get(BroadcasterEngine.VIDEO_FRAMES_SKIPPED_TO_KEYFRAME) > 0, "the deltas before it skipped");
        assertEquals(handedIn, engine.counters().get(BroadcasterEngine.FRAMES_SENT)
                + engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_NOT_CONNECTED)
                + engine.counters().get(BroadcasterEngine.VIDEO_FRAMES_SKIPPED_TO_KEYFRAME)
                + engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_PACER_FULL), "the counters add up");
    }

    /** 10 ms of the I/O thread, with a delta frame handed in at their start or none. */
    private void tenMs(boolean withAFrame) {
        if (withAFrame) {
            runIgnoringRequests(10, -1);
            return;
        }
        for (int ms = 0; ms < 10; ms++) {
            stepTicking(ms);
        }
    }

    @Test
    void outage_framesWhosePacketsAreDueWhileNotConnected_countedAsNotConnected_notAsSent() {
        ticking = true;
        connect();
        run(8_333, 2_000, true); // 2 Mbps into the pacer's 1 Mbps: a backlog, no limit to drop it
        nodeAlive = false;
        long t = 0;
        while (engine.supervisor().isConnected()) {
            run(8_333, 10, true);
            assertTrue(++t < 1_000, "the failure detector drops the node");
        }
        long notConnectedAtDrop = engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_NOT_CONNECTED);
        long sentAtDrop = engine.counters().get(BroadcasterEngine.FRAMES_SENT);
        long packetsAtDrop = engine.counters().get(BroadcasterEngine.PACKETS_SENT);
        wakeEveryMs(200); // the backlog's packets come due with no node to take them
        long sentInOutage = engine.counters().get(BroadcasterEngine.FRAMES_SENT) - sentAtDrop;
        long droppedInOutage = engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_NOT_CONNECTED)
                - notConnectedAtDrop;
        assertEquals(0, sentInOutage, "nothing leaves while not connected");
        assertTrue(droppedInOutage > 0, "the pacer's frames dropped as not connected: " + droppedInOutage);
        long packetsInOutage = engine.counters().get(BroadcasterEngine.PACKETS_SENT) - packetsAtDrop;
        assertTrue(packetsInOutage < 7, "at most the rest of the frame that was leaving (7 packets) goes into nothing: "
                + packetsInOutage);

        nodeAlive = true;
        t = 0;
        while (!engine.supervisor().isConnected()) {
            run(8_333, 10, true);
            assertTrue(++t < 3_000, "the broadcaster resumes on the node");
        }
        wakeEveryMs(4_000); // the pacer empties
        long sent = engine.counters().get(BroadcasterEngine.FRAMES_SENT);
        assertEquals(handedIn, sent + engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_NOT_CONNECTED)
                + engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_PACER_FULL), "the counters add up");
        int framesOnTheWire = 0;
        for (List<RtpPacketView> track : List.of(videoSent, audioSent, dataSent)) {
            for (RtpPacketView p : track) {
                framesOnTheWire += startsFrame(p) ? 1 : 0;
            }
        }
        assertEquals(framesOnTheWire, sent, "framesSent: the frames that left");
    }

    /** Bytes of the video packets sent from index {@code from} on (RTP header included). */
    private long videoBytesSentFrom(int from) {
        long bytes = 0;
        for (int i = from; i < videoSent.size(); i++) {
            bytes += videoSent.get(i).payloadOffset() + videoSent.get(i).payloadLength();
        }
        return bytes;
    }

    @Test
    void sourceFarAbovePaceRate_defaultLimit_thePacerDoesNotSpeedUpForFramesItWillDrop_staleFramesDropped() {
        engine.limitSendDelay(1_000 * MS); // the broadcaster's default
        connect();
        run(33_333, 2_000, false); // 8 Mbps of video into 400 kbps x 2.5 = 1 Mbps
        int from = videoSent.size();
        run(33_333, 4_000, false);
        long sentKbps = videoBytesSentFrom(from) * 8 / 4 / 1_000;
        assertTrue(sentKbps <= 1_100, "the pacer's rate (1 Mbps), not the source's (8 Mbps): " + sentKbps + " kbps");
        assertTrue(engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_STALE) > 0, "the limit drops what is too old");
        assertTrue(isKeyframe(videoSent.get(0)));
    }

    /** Hands in a video frame of 833 bytes and lets the I/O thread run for {@code ms}. */
    private void sendVideo(boolean keyframe, long ms) {
        sendVideo(keyframe, 833, ms);
    }

    /** Hands in a video frame of {@code bytes} and lets the I/O thread run for {@code ms}. */
    private void sendVideo(boolean keyframe, int bytes, long ms) {
        queue(VIDEO_TRACK, bytes, keyframe);
        engine.drain(nowNs);
        for (long t = 0; t < ms; t++) {
            nowNs += MS;
            engine.onWake(nowNs);
        }
        collect();
    }

    /** A video frame handed in 60 ms ago, 10 ms over a 50 ms limit, taken from the queue now. */
    private void staleVideoFrame() {
        queue(VIDEO_TRACK, 833, false);
        nowNs += 60 * MS;
        engine.drain(nowNs);
    }

    @Test
    void secondEpisodeWithin200ms_itsKeyframeRequestIsHeldBack_andRaisedOnTheFirstTick200msAfterTheFirst() {
        engine.limitSendDelay(50 * MS);
        connect();
        sendVideo(true, 10);
        staleVideoFrame();
        assertEquals(1, keyframeRequests, "the first episode asks at once");
        long firstRequestNs = nowNs;
        sendVideo(true, 10); // the application answers: the episode ends
        staleVideoFrame(); // 80 ms after the first request
        assertEquals(1, keyframeRequests, "held back");
        while (nowNs + 10 * MS - firstRequestNs < 200 * MS) {
            nowNs += 10 * MS;
            engine.onTick(nowNs);
            assertEquals(1, keyframeRequests, "not before 200 ms, at " + (nowNs - firstRequestNs) / MS + " ms");
        }
        nowNs = firstRequestNs + 200 * MS;
        engine.onTick(nowNs);
        assertEquals(2, keyframeRequests, "raised 200 ms after the first");
        nowNs += 10 * MS;
        engine.onTick(nowNs);
        assertEquals(2, keyframeRequests, "once");
    }

    @Test
    void heldBackKeyframeRequest_notRaised_whenAKeyframeHasEndedTheEpisodeMeanwhile() {
        engine.limitSendDelay(50 * MS);
        connect();
        sendVideo(true, 10);
        staleVideoFrame();
        long firstRequestNs = nowNs;
        sendVideo(true, 10);
        staleVideoFrame();
        sendVideo(true, 10); // the encoder's own keyframe, before the held-back request is due
        for (nowNs = firstRequestNs; nowNs - firstRequestNs <= 400 * MS; nowNs += 10 * MS) {
            engine.onTick(nowNs);
        }
        assertEquals(1, keyframeRequests, "no request once no track waits for a keyframe");
        assertEquals(2, engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_STALE));
    }

    /**
     * Hands in a video frame every 33 ms for {@code ms}, a keyframe only when {@code keyframeAt}
     * ms have passed (the first frame from then; -1: never), the I/O thread draining at once,
     * waking every millisecond and ticking every 10: an application that ignores the engine's
     * keyframe requests until then.
     */
    private void runIgnoringRequests(long ms, long keyframeAt) {
        for (long t = 0; t < ms; t++) {
            if (t % 33 == 0) {
                boolean keyframe = keyframeAt >= 0 && t >= keyframeAt && t - 33 < keyframeAt;
                queue(VIDEO_TRACK, 833, keyframe);
                engine.drain(nowNs);
            }
            stepTicking(t);
        }
    }

    /** Millisecond {@code t} of the I/O thread: it wakes, ticks every 10 ms, and the node answers its keepalives. */
    private void stepTicking(long t) {
        nowNs += MS;
        engine.onWake(nowNs);
        if (t % 10 == 0) {
            engine.onTick(nowNs);
        }
        collect();
    }

    @Test
    void applicationIgnoresTheKeyframeRequest_repeatedAfter1s_andNoMoreOnceAKeyframeHasLeft() {
        engine.limitSendDelay(50 * MS);
        connect();
        sendVideo(true, 10);
        staleVideoFrame();
        assertEquals(1, keyframeRequests, "asked at once");
        long firstRequestNs = nowNs;
        runIgnoringRequests(990, -1);
        assertEquals(1, keyframeRequests, "not repeated before 1 s");
        runIgnoringRequests(20, -1);
        assertEquals(2, keyframeRequests, "repeated 1 s after the first");
        assertTrue(nowNs - firstRequestNs <= 1_020 * MS);
        runIgnoringRequests(1_000, -1);
        assertEquals(3, keyframeRequests, "and every second while the track waits");
        int sentBefore = videoSent.size();
        runIgnoringRequests(3_000, 100); // the encoder's keyframe, 100 ms later
        assertEquals(3, keyframeRequests, "none once a keyframe has left");
        assertTrue(videoSent.size() > sentBefore, "video resumed");
        assertTrue(isKeyframe(videoSent.get(sentBefore)), "with the keyframe");
        assertEquals(1, engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_STALE), "only the first frame stale");
    }

    @Test
    void applicationAnswersTheKeyframeRequestAtOnce_exactlyOneRequest() {
        engine.limitSendDelay(50 * MS);
        ticking = true;
        connect();
        run(833, 100, false);
        keyframeWanted = false;
        staleVideoFrame();
        assertEquals(1, keyframeRequests);
        run(833, 3_000, false); // its next frame is the keyframe
        assertEquals(1, keyframeRequests, "no repeat: the keyframe left");
        assertEquals(1, engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_STALE));
    }

    @Test
    void keyframeAnsweredAtOnce_stillWaitingInThePacerAfter1s_requestNotRepeated() {
        engine.limitSendDelay(2_000 * MS);
        connect();
        sendVideo(true, 10);
        queue(VIDEO_TRACK, 833, false);
        for (int t = 0; t < 2_010; t++) { // the frame waits in the application's queue
            stepTicking(t);
        }
        engine.drain(nowNs);
        assertEquals(1, keyframeRequests);
        // The encoder answers at once, but behind 70 kB of messages (about 1.4 s at 400 kbps).
        for (int i = 0; i < 70; i++) {
            queue(DATA_TRACK, 1_000, false);
        }
        queue(VIDEO_TRACK, 833, true);
        engine.drain(nowNs);
        runIgnoringRequests(1_200, -1);
        assertTrue(videoSent.size() == 1, "the keyframe still waits in the pacer");
        runIgnoringRequests(2_000, -1);
        assertEquals(1, keyframeRequests, "not repeated: the keyframe was on its way");
        assertTrue(videoSent.size() > 1 && isKeyframe(videoSent.get(1)), "video resumes with that keyframe");
    }

    @Test
    void fullPacer_applicationIgnoresTheKeyframeRequest_repeatedAfter1s() {
        engine = newEngine(smallPacer());
        connect();
        int huge = 65 * 1_179; // more than the 64 packets the video ring holds
        sendVideo(true, huge, 10);
        assertEquals(1, keyframeRequests);
        runIgnoringRequests(990, -1);
        assertEquals(1, keyframeRequests, "not repeated before 1 s");
        runIgnoringRequests(20, -1);
        assertEquals(2, keyframeRequests, "repeated 1 s after the first");
        runIgnoringRequests(3_000, 100);
        assertEquals(2, keyframeRequests, "none once a keyframe was taken into the pacer");
        assertTrue(!videoSent.isEmpty() && isKeyframe(videoSent.get(0)), "video resumes with the keyframe");
    }

    @Test
    void afterPacerDrops_aNackedPacketIsResentAsItWasSent_underItsRenumberedSequenceNumber() {
        engine.limitSendDelay(LIMIT_NS);
        connect();
        run(8_333, 3_000, false);
        wakeEveryMs(2_000); // no more frames: the pacer empties
        assertTrue(engine.counters().get(BroadcasterEngine.VIDEO_FRAMES_SKIPPED_TO_KEYFRAME) > 0, "dropped in the pacer");
        int n = videoSent.size();
        RtpPacketView[] asked = {videoSent.get(n / 2), videoSent.get(n - 2), videoSent.get(n - 1)};
        int[] lost = new int[asked.length];
        for (int i = 0; i < asked.length; i++) {
            lost[i] = asked[i].sequenceNumber();
        }
        byte[] nack = new byte[64];
        receive(Arrays.copyOf(nack, NackWriter.writeLost(nack, 0, nack.length, 9, VIDEO.ssrc(), lost, lost.length)));
        wakeEveryMs(50);

        assertEquals(asked.length, videoRtxSent.size(), "every NACKed packet resent");
        for (int i = 0; i < asked.length; i++) {
            RtpPacketView rtx = videoRtxSent.get(i);
            byte[] r = rtx.buffer();
            int osn = ((r[rtx.payloadOffset()] & 0xFF) << 8) | (r[rtx.payloadOffset() + 1] & 0xFF);
            assertEquals(lost[i], osn, "RTX " + i + " carries the number the packet was sent with");
            RtpPacketView original = asked[i];
            assertEquals(original.timestamp(), rtx.timestamp());
            assertArrayEquals(Arrays.copyOfRange(original.buffer(), original.payloadOffset(),
                    original.payloadOffset() + original.payloadLength()),
                    Arrays.copyOfRange(r, rtx.payloadOffset() + 2, rtx.payloadOffset() + rtx.payloadLength()),
                    "RTX " + i + " carries the packet sent under that number");
        }
    }
    /** A viewer's keyframe request, relayed by the node as a PLI for the video track. */
    private void pliFromTheNode() {
        byte[] pli = new byte[12];
        RtcpWriter.writePli(pli, 0, 12, 9, VIDEO.ssrc());
        receive(pli);
    }

    @Test
    void viewersPliCallsTheApplication_andCountsAsARequest_theRepeatWaits1sFromIt() {
        engine.limitSendDelay(50 * MS);
        connect();
        sendVideo(true, 10);
        staleVideoFrame();
        assertEquals(1, keyframeRequests, "asked at once");
        runIgnoringRequests(800, -1);
        pliFromTheNode();
        assertEquals(2, keyframeRequests, "the viewer's request reaches the application at once");
        long pliNs = nowNs;
        runIgnoringRequests(980, -1);
        assertEquals(2, keyframeRequests, "no repeat within 1 s of the PLI's call, at "
                + (nowNs - pliNs) / MS + " ms after it");
        runIgnoringRequests(40, -1);
        assertEquals(3, keyframeRequests, "repeated 1 s after the PLI's call: the track still waits");
    }

    @Test
    void staleDropJustAfterAPli_itsRequestIsHeldBack200msFromThePli_notRaisedOnceTheKeyframeIsOnItsWay() {
        engine.limitSendDelay(50 * MS);
        connect();
        sendVideo(true, 10);
        pliFromTheNode();
        assertEquals(1, keyframeRequests);
        staleVideoFrame(); // 60 ms after the PLI's call
        assertEquals(1, keyframeRequests, "held back: the application was asked 60 ms ago");
        sendVideo(true, 10); // the answer to the PLI
        for (int t = 0; t < 400; t += 10) {
            nowNs += 10 * MS;
            engine.onTick(nowNs);
        }
        assertEquals(1, keyframeRequests, "a keyframe is on its way: no second request");
    }

    @Test
    void outage_theRepeatPauses_whileNotConnected_andResumesAfterTheResumesOwnRequest() {
        engine.limitSendDelay(50 * MS);
        connect();
        sendVideo(true, 10);
        staleVideoFrame();
        assertEquals(1, keyframeRequests);
        nodeAlive = false;
        long t = 0;
        while (engine.supervisor().isConnected()) {
            runIgnoringRequests(10, -1);
            assertTrue(++t < 1_000, "the failure detector drops the node");
        }
        int beforeOutage = keyframeRequests;
        runIgnoringRequests(3_000, -1);
        assertEquals(beforeOutage, keyframeRequests, "no keyframe asked for while frames are dropped as not connected");
        assertTrue(engine.counters().get(BroadcasterEngine.FRAMES_DROPPED_NOT_CONNECTED) > 0);

        nodeAlive = true;
        t = 0;
        while (!engine.supervisor().isConnected()) {
            runIgnoringRequests(10, -1);
            assertTrue(++t < 3_000, "the broadcaster resumes on the node");
        }
        assertEquals(beforeOutage + 1, keyframeRequests, "the resume asks for one keyframe, once");
        long resumedNs = nowNs;
        runIgnoringRequests(950, -1);
        assertEquals(beforeOutage + 1, keyframeRequests, "the repeat waits 1 s from the resume's request");
        runIgnoringRequests(100, -1);
        assertEquals(beforeOutage + 2, keyframeRequests,
                "the track still waits: the repeat resumes, " + (nowNs - resumedNs) / MS + " ms after the resume");
    }
}
