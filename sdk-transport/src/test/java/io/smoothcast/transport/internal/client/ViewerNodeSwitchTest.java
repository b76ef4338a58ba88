package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.rtp.TransportCcFeedbackView;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.NodeSwitchReason;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.DatagramKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The viewer engine moving between nodes that still answer (a lossy path, no publisher) and
 * sending each node its own transport-cc feedback, in virtual time against scripted nodes.
 */
class ViewerNodeSwitchTest {

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.1", 7003);
    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SEED = 0xC0FFEE;
    /** The publisher's frame interval, 10 ms, in 90 kHz ticks: one frame per tick of {@link #run}. */
    private static final int TICKS_PER_FRAME = 900;

    /** A scripted node: answers the control protocol and pings, sends media while subscribed. */
    private final class FakeNode {
        final InetSocketAddress address;
        List<Track> tracks = List.of(VIDEO);
        double loss;
        /** A dead node answers nothing and sends nothing. */
        boolean dead;
        /** The node answers and lists its tracks but forwards no media (its publisher is silent or gone). */
        boolean mediaSilent;
        boolean subscribed;
        int transportSequence;
        int pingsAnswered;
        int hellos;
        int subscribes;
        int leaves;
        /** Added to the media's RTP sequence numbers: a jump in the numbering when it changes. */
        int sequenceOffset;
        /** Sends the next frame's packets in reverse order (once). */
        boolean reverseNextFrame;
        /** Answers to SUBSCRIBE still to lose (the node takes the SUBSCRIBE; its answer is lost). */
        int subscribeAnswersToLose;
        /** How long the node's media takes to reach the viewer, in ns (a queue on the path); 0: at once. */
        long transitNs;
        /** Media on its way (with {@link #transitNs}), and when each datagram arrives. */
        final List<byte[]> inFlight = new ArrayList<>();
        final List<Long> arrivesAtNs = new ArrayList<>();

        FakeNode(InetSocketAddress address, int firstTransportSequence) {
            this.address = address;
            this.transportSequence = firstTransportSequence;
        }

        void receive(RecordingSender.Sent sent) {
            if (dead) {
                return;
            }
            ByteBuf buf = Unpooled.wrappedBuffer(sent.bytes());
            if (DatagramKind.classify(buf) != DatagramKind.CONTROL) {
                return; // feedback: looked at by the tests themselves
            }
            DecodeResult request = ControlCodec.decode(buf);
            ControlMessage message = request.message();
            if (message instanceof ControlMessage.Hello) {
                hellos++;
                answer(request.requestId(), new ControlMessage.HelloAck(1, 500, 5000, 9));
            } else if (message instanceof ControlMessage.Subscribe) {
                subscribes++;
                subscribed = true;
                if (subscribeAnswersToLose > 0) {
                    subscribeAnswersToLose--;
                    return;
                }
                answer(request.requestId(), new ControlMessage.SubscribeAck("show", tracks));
            } else if (message instanceof ControlMessage.Keepalive k) {
                answer(0, new ControlMessage.KeepaliveAck(k.sequence()));
            } else if (message instanceof ControlMessage.Probe p) {
                if (random.nextDouble() < loss) {
                    return; // the same loss as the media
                }
                pingsAnswered++;
                answer(0, new ControlMessage.ProbeReply(p.sequence(), p.sendTimeNs(), 20));
            } else if (message instanceof ControlMessage.Leave) {
                leaves++;
                subscribed = false;
            }
        }

        /**
         * Forwards the publisher's frame of this tick: {@link #packetsPerFrame} packets,
         * numbered by the publisher (so the numbering continues across nodes), a frame in
         * {@link GenericPayload}.
         */
        void sendMedia() {
            if (dead || mediaSilent || !subscribed || tracks.isEmpty()) {
                return;
            }
            int frame = publisherFrame();
            boolean reverse = reverseNextFrame;
            reverseNextFrame = false;
            for (int n = 0; n < packetsPerFrame; n++) {
                int i = reverse ? packetsPerFrame - 1 - n : n;
                int seq = transportSequence++;
                if (random.nextDouble() < loss) {
                    continue;
                }
                byte[] packet = mediaPacket(frame * packetsPerFrame + i + sequenceOffset, frame, i == 0,
                        i == packetsPerFrame - 1, seq);
                if (transitNs == 0) {
                    deliver(packet);
                } else {
                    inFlight.add(packet);
                    arrivesAtNs.add(nowNs + transitNs);
                }
            }
        }

        /** Delivers the media in flight whose transit has passed, while the viewer is subscribed. */
        void deliverArrived() {
            while (!inFlight.isEmpty() && nowNs - arrivesAtNs.get(0) >= 0) {
                byte[] packet = inFlight.remove(0);
                arrivesAtNs.remove(0);
                if (subscribed && !dead) {
                    deliver(packet);
                }
            }
        }

        /** Tells the subscribed viewer the node's track list changed (empty: no publisher here now). */
        void announceTracks() {
            if (subscribed) {
                answer(0, new ControlMessage.StreamInfo("show", tracks));
            }
        }

        void answer(int requestId, ControlMessage message) {
            ByteBuf buf = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, requestId, new byte[0], message);
            engine.onDatagram(buf, address, nowNs);
            buf.release();
        }

        void deliver(byte[] datagram) {
            ByteBuf buf = Unpooled.wrappedBuffer(datagram);
            engine.onDatagram(buf, address, nowNs);
            buf.release();
        }
    }

    private final SplittableRandom random = new SplittableRandom(SEED);
    /** Packets the publisher sends per frame (one sequence number each); 1 unless a test says otherwise. */
    private int packetsPerFrame = 1;
    private final RecordingSender out = new RecordingSender();
    private final List<String> events = new ArrayList<>();
    private final List<RecordingSender.Sent> feedback = new ArrayList<>();
    private final FakeNode a = new FakeNode(A, 0);
    private final FakeNode b = new FakeNode(B, 40_000);
    private final FakeNode c = new FakeNode(C, 20_000);
    private ViewerEngine engine;
    /**
     * Where the virtual clock starts. The engines must work whatever the origin of {@code System.nanoTime()};
     * subclasses run every test again from another origin.
     */
    long originNs() {
        return 0;
    }

    private long nowNs = originNs() + 1_000 * MS;
    /** The publisher's frames the playout side got from the viewer's buffers, in order. */
    private final List<Integer> played = new ArrayList<>();
    /** When each of {@link #played} was played. */
    private final List<Long> playedAtNs = new ArrayList<>();

    /** One video packet of the publisher's {@code frame}, in {@link GenericPayload}. */
    private static byte[] mediaPacket(int sequenceNumber, int frame, boolean first, boolean last, int transportSequence) {
        return mediaPacket(sequenceNumber, frame, first, last, transportSequence, VIDEO.ssrc());
    }

    private static byte[] mediaPacket(int sequenceNumber, int frame, boolean first, boolean last, int transportSequence,
            int ssrc) {
        byte[] packet = new byte[200];
        int header = first ? GenericPayload.START : 0;
        int length = new RtpPacketWriter().payloadType(96).sequenceNumber(sequenceNumber & 0xFFFF)
                .timestamp(frame * TICKS_PER_FRAME).marker(last).ssrc(ssrc)
                .addTransportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID,
                        transportSequence & 0xFFFF)
                .write(packet, 0, packet.length, new byte[] {(byte) header, 2, 3}, 0, 3);
        return Arrays.copyOf(packet, length);
    }

    /** The publisher's frame number now: it sends one every 10 ms, whichever node carries it. */
    private int publisherFrame() {
        return (int) ((nowNs - originNs()) / (10 * MS));
    }

    private void start(FailoverPolicy policy) {
        start(policy, List.of(A, B));
    }

    private void start(FailoverPolicy policy, List<InetSocketAddress> nodes) {
        engine = TestViewerEngines.onNodes(out, nodes, policy, TestViewerEngines.recording(events, () -> ""));
        engine.start(nowNs);
        network();
    }

    /** Delivers what the viewer sent to the scripted nodes (their answers come back at once). */
    private void network() {
        while (!out.sent.isEmpty()) {
            for (RecordingSender.Sent sent : out.drain()) {
                FakeNode node = sent.recipient().equals(A) ? a : sent.recipient().equals(B) ? b : c;
                if (DatagramKind.classify(Unpooled.wrappedBuffer(sent.bytes())) != DatagramKind.CONTROL) {
                    feedback.add(sent);
                }
                node.receive(sent);
            }
        }
    }

    /** Runs for {@code ms}: one media packet per node per 10 ms tick. */
    private void run(long ms) {
        for (long t = 0; t < ms; t += 10) {
            nowNs += 10 * MS;
            a.deliverArrived();
            b.deliverArrived();
            c.deliverArrived();
            a.sendMedia();
            b.sendMedia();
            c.sendMedia();
            engine.onTick(nowNs);
            network();
            play();
        }
    }

    /** The playout thread's part: takes the frames due from every track's buffer. */
    private void play() {
        for (ReceiveTrack t : engine.tracks()) {
            t.buffer().poll(nowNs, frame -> {
                played.add(frame.rtpTimestamp() / TICKS_PER_FRAME);
                playedAtNs.add(nowNs);
            });
        }
    }

    @Test
    void lossyNode_viewerMovesToTheCleanOne_makeBeforeBreak_andStaysThere() {
        a.loss = 0.20;
        start(FailoverPolicy.defaults());
        run(1000);
        assertTrue(a.subscribed);
        assertEquals(0, b.hellos, "nothing asked of B while A is only starting to look bad");
        run(5000);
        assertEquals(List.of("CONNECTED", "DEGRADED_PATH 7001->7002"), events, "seed " + SEED);
        assertTrue(b.subscribed && !a.subscribed, "joined B, then left A");
        assertTrue(b.pingsAnswered >= 8, "B was probed before: " + b.pingsAnswered);
        assertEquals(1, engine.supervisor().switches());
        assertEquals(B, engine.supervisor().connected(0));
        int pings = b.pingsAnswered + a.pingsAnswered;
        long received = engine.counters().get(ViewerEngine.PACKETS_RECEIVED);
        long dropped = engine.counters().get(ViewerEngine.MALFORMED_DROPPED);
        run(1000);
        assertEquals(100, engine.counters().get(ViewerEngine.PACKETS_RECEIVED) - received,
                "every packet from B reaches the jitter buffer after the switch");
        assertEquals(dropped, engine.counters().get(ViewerEngine.MALFORMED_DROPPED));
        // A becomes clean again: B is not degraded, so nothing moves back, and no more probing.
        a.loss = 0;
        run(60_000);
        assertEquals(2, events.size(), events.toString());
        assertEquals(pings, b.pingsAnswered + a.pingsAnswered, "no probing while the path is good");
        assertEquals(0, engine.counters().get(ViewerEngine.FAILOVERS), "a switch is not a failover");
        assertSwitchCounts(1, 0, 0);
    }

    /** The engine's per-reason move counters, in {@link NodeSwitchReason} order. */
    private void assertSwitchCounts(long degradedPath, long noPublisher, long mediaSilence) {
        assertEquals(List.of(degradedPath, noPublisher, mediaSilence), java.util.Arrays.stream(NodeSwitchReason.values())
                .map(r -> engine.counters().get(ViewerEngine.NODE_SWITCHES + r.ordinal())).toList(), events.toString());
    }

    @Test
    void bothNodesLossy_noSwitch() {
        a.loss = 0.20;
        b.loss = 0.30; // B answers its pings, but is worse
        start(FailoverPolicy.defaults());
        run(20_000);
        assertEquals(List.of("CONNECTED"), events);
        assertEquals(0, b.hellos);
    }

    @Test
    void proactiveSwitchingOff_staysOnTheLossyNode() {
        a.loss = 0.30;
        start(FailoverPolicy.builder().proactiveSwitching(false).build());
        run(20_000);
        assertEquals(List.of("CONNECTED"), events);
        assertEquals(0, b.pingsAnswered);
    }

    @Test
    void noPublisherOnTheNode_viewerFindsTheNodeThatHasIt() {
        a.tracks = List.of();
        start(FailoverPolicy.builder().noPublisherTimeoutMs(1000).build());
        run(900);
        assertEquals(0, b.hellos);
        run(500);
        assertEquals(List.of("CONNECTED", "NO_PUBLISHER 7001->7002"), events);
        assertEquals(1, engine.tracks().length, "B's tracks are used");
        assertTrue(b.subscribed && !a.subscribed);
        run(500);
        assertTrue(engine.counters().get(ViewerEngine.PACKETS_RECEIVED) > 0);
        assertSwitchCounts(0, 1, 0);
        assertEquals(0, engine.counters().get(ViewerEngine.FAILOVERS), "a switch is not a failover");
    }

    @Test
    void publisherMovesToAnotherNode_viewerFollows_playsTheFramesItHeld_andResumesInTheSameBuffer() {
        // NodeSwitchIT's broadcaster leaving a lossy ingest path: its node tells the viewer the
        // stream has no publisher now, and the viewer finds it on B, where it carries on.
        start(FailoverPolicy.builder().noPublisherTimeoutMs(1000).build());
        run(1000);
        SpscJitterBuffer buffer = engine.tracks()[0].buffer();
        int lastFromA = publisherFrame();
        int firstPlayed = played.get(0);
        a.tracks = List.of();
        a.announceTracks();
        run(1000);
        assertEquals(List.of("CONNECTED", "NO_PUBLISHER 7001->7002"), events);
        assertTrue(b.subscribed && !a.subscribed, "followed the publisher to B");
        // The buffer held a playout delay's worth of A's frames when A lost the publisher: all play.
        List<Integer> fromA = played.stream().filter(f -> f <= lastFromA).toList();
        assertEquals(IntStream.rangeClosed(firstPlayed, lastFromA).boxed().toList(), fromA,
                "every frame A delivered is played");
        // Then B's, in order, from the first frame B sent on (only those sent while the viewer
        // was joining B never reached it), up to the playout delay (100 ms) before now.
        List<Integer> fromB = played.subList(fromA.size(), played.size());
        assertTrue(fromB.size() > 50, "B's frames play: " + fromB);
        assertTrue(fromB.get(0) - lastFromA <= 3, "frames missed while moving: " + (fromB.get(0) - lastFromA - 1));
        assertEquals(IntStream.rangeClosed(fromB.get(0), fromB.get(fromB.size() - 1)).boxed().toList(), fromB);
        assertTrue(fromB.get(fromB.size() - 1) >= publisherFrame() - 11, "playing B's frames: " + fromB);
        assertSame(buffer, engine.tracks()[0].buffer(), "the stream resumed in the buffer it had");
        // No buffer was retired: the viewer's totals are that one buffer's.
        long[] sums = new long[TrackSet.SIZE];
        engine.trackSet().sum(sums, new JitterBufferStats());
        assertEquals(buffer.readStats(new JitterBufferStats()).framesDropped(), sums[TrackSet.FRAMES_DROPPED]);
        assertEquals(buffer.readStats(new JitterBufferStats()).bytesReceived(), sums[TrackSet.BYTES]);
    }

    @Test
    void publisherLeavesASlowPath_viewerFollowsToAFastOne_andPlaysItAtThatPathsDelay_notTheOldOnes() {
        // NodeSwitchIT's lossy ingest on a loaded host: the media reached the viewer through A
        // 600 ms late (queues), so it played 700 ms after capture. B's path has no queue: once
        // there, its frames play at the buffer's 100 ms, not at A's 700 ms fading by 100 ms a second.
        a.transitNs = 600 * MS;
        start(FailoverPolicy.builder().noPublisherTimeoutMs(1000).build());
        run(3000);
        int lastFromA = publisherFrame();
        a.tracks = List.of(); // the publisher moved to B: A forwards nothing new
        run(600); // what A had in flight still arrives, then A's news
        a.announceTracks();
        run(1000);
        assertEquals(List.of("CONNECTED", "NO_PUBLISHER 7001->7002"), events);
        int firstFromB = played.indexOf(played.stream().filter(f -> f > lastFromA).findFirst().orElseThrow());
        assertEquals(IntStream.rangeClosed(played.get(0), lastFromA).boxed().toList(), played.subList(0, firstFromB),
                "every frame A delivered is played");
        long capturedNs = originNs() + played.get(firstFromB) * 10 * MS;
        long lateNs = playedAtNs.get(firstFromB) - capturedNs;
        assertTrue(lateNs <= 120 * MS, "B's first frame played " + lateNs / MS + " ms after capture");
        int lastIndex = played.size() - 1;
        long lastLateNs = playedAtNs.get(lastIndex) - (originNs() + played.get(lastIndex) * 10 * MS);
        assertTrue(lastLateNs <= 120 * MS, "B's frames play " + lastLateNs / MS + " ms after capture");
    }

    @Test
    void redundantViewerLeftOnTheSlowLeg_resumesOnTheFirstNode_playsAtItsPathsDelay_notTheSlowLegs() {
        // The delay estimates describe the node(s) that last carried the viewer, not the first
        // one it joined: after A died, B's slow path (400 ms of queue) alone fed the buffers for
        // long enough to set their timeline; when B dies too and A takes the viewer back, that
        // is a move to another path, as a switch is. (Quick detection and retries: after a long
        // outage the rate limit alone would have let the delay come down meanwhile.)
        b.transitNs = 400 * MS;
        start(FailoverPolicy.builder().redundant(true).heartbeatIntervalMs(50).silenceFloorMs(100)
                .latencyBudgetMs(200).backoffBaseMs(20).backoffMaxMs(50).build());
        run(1000);
        assertEquals(List.of(A, B), engine.carryingNodes());
        a.dead = true;
        run(15_000); // A's path dropped; B's alone, long enough for both base windows to forget A's
        assertEquals(List.of(B), engine.carryingNodes());
        b.dead = true;
        while (!engine.carryingNodes().isEmpty()) {
            run(10);
        }
        a.dead = false;
        a.subscribed = false; // A restarted
        int resumedAt = played.size();
        run(1000);
        assertEquals(List.of(A), engine.carryingNodes());
        assertTrue(played.size() > resumedAt, "A's frames are played");
        long lateNs = playedAtNs.get(resumedAt) - (originNs() + played.get(resumedAt) * 10 * MS);
        assertTrue(lateNs <= 120 * MS, "A's first frame played " + lateNs / MS + " ms after capture");
    }

    @Test
    void nodeListsTheStreamButDeliversNoMedia_publisherMovedToB_viewerIsOnBWithinTheSilenceTimeoutAndOneRound() {
        // NodeSwitchIT's lossy-ingest case under load: the broadcaster moved to B, but A never
        // got (or has not yet timed out) its LEAVE, so A still lists the tracks and sends nothing.
        FailoverPolicy policy = FailoverPolicy.defaults();
        start(policy);
        run(1000);
        assertEquals(0, b.hellos);
        a.mediaSilent = true;
        int lastFromA = publisherFrame();
        run(policy.mediaSilenceTimeoutMs() - 20);
        assertEquals(0, b.hellos, "nothing asked of B before the silence timeout");
        // One evaluation interval to notice, then the trial on B must deliver media for
        // MEDIA_TRIAL_CONFIRM_NS (100 ms), with a tick on either side.
        run(20 + FailoverPolicy.EVALUATION_INTERVAL_MS + 100 + 20);
        assertEquals(List.of("CONNECTED", "MEDIA_SILENCE 7001->7002"), events);
        assertTrue(b.subscribed && !a.subscribed, "joined B, then left A");
        assertEquals(B, engine.supervisor().connected(0));
        assertEquals(1, engine.supervisor().switches());
        assertEquals(0, engine.counters().get(ViewerEngine.FAILOVERS), "a switch is not a failover");
        assertSwitchCounts(0, 0, 1);
        run(1000);
        List<Integer> fromB = played.stream().filter(f -> f > lastFromA).toList();
        assertTrue(fromB.size() > 50 && fromB.get(fromB.size() - 1) >= publisherFrame() - 11, "B's frames play: " + fromB);
        run(30_000);
        assertEquals(2, events.size(), "no move back: " + events);
    }

    @Test
    void silentNodeAnnouncesThePublisherLeftDuringTheTrial_viewerMovesToTheTrialNodeWithoutJoiningItAgain() {
        FailoverPolicy policy = FailoverPolicy.defaults();
        start(policy);
        run(1000);
        a.mediaSilent = true;
        b.mediaSilent = true; // B lists the stream, its media not there yet
        run(policy.mediaSilenceTimeoutMs() + FailoverPolicy.EVALUATION_INTERVAL_MS + 20);
        assertTrue(b.subscribed, "the trial on B runs");
        a.tracks = List.of();
        a.announceTracks(); // A's late news: its publisher left
        b.mediaSilent = false;
        run(20);
        assertEquals(List.of("CONNECTED", "NO_PUBLISHER 7001->7002"), events);
        assertTrue(b.subscribed && !a.subscribed);
        assertEquals(1, b.hellos, "B was joined once, for the trial");
    }

    @Test
    void nodeDiesWhileAnAcceptedTrialNodeWaits_theTrialNodeCarriesTheViewer_countedOnceAsAFailover_notAsASwitch() {
        FailoverPolicy policy = FailoverPolicy.defaults();
        start(policy);
        run(1000);
        a.mediaSilent = true;
        b.mediaSilent = true; // B accepts the trial and lists the stream, no media yet: the trial waits
        run(policy.mediaSilenceTimeoutMs() + FailoverPolicy.EVALUATION_INTERVAL_MS + 20);
        assertTrue(b.subscribed && a.subscribed, "the trial on B runs next to A");
        a.dead = true;
        run(policy.latencyBudgetMs() + 200);
        assertEquals(List.of("CONNECTED", "RECONNECTING", "CONNECTED"), events);
        assertEquals(B, engine.supervisor().connected(0));
        assertEquals(1, b.hellos, "the trial's conversation carries on: B was not joined again");
        assertMoveCounts(1, 0, 0, 0);
        b.mediaSilent = false;
        run(30_000);
        assertMoveCounts(1, 0, 0, 0); // no move later either (B delivers)
    }

    @Test
    void nodeDiesWhileAnAcceptedNodeWithoutTracksYetWaits_countedOnceAsAFailover_notAsASwitch() {
        a.tracks = List.of();
        b.tracks = List.of(); // B accepts at once and fetches the stream a moment later (a cascade)
        start(FailoverPolicy.builder().noPublisherTimeoutMs(1000).build());
        run(1000 + FailoverPolicy.EVALUATION_INTERVAL_MS + 20);
        assertTrue(b.subscribed && a.subscribed, "B is the publisher search's candidate");
        a.dead = true;
        run(FailoverPolicy.DEFAULT_LATENCY_BUDGET_MS + 200);
        b.tracks = List.of(VIDEO);
        b.announceTracks();
        run(20);
        assertEquals(List.of("CONNECTED", "RECONNECTING", "CONNECTED"), events);
        assertEquals(1, engine.tracks().length, "B's tracks are used");
        assertMoveCounts(1, 0, 0, 0);
    }

    /** The engine's failovers, then its per-reason move counters in {@link NodeSwitchReason} order. */
    private void assertMoveCounts(long failovers, long degradedPath, long noPublisher, long mediaSilence) {
        assertEquals(failovers, engine.counters().get(ViewerEngine.FAILOVERS), "failovers: " + events);
        assertSwitchCounts(degradedPath, noPublisher, mediaSilence);
        assertEquals(failovers, engine.supervisor().failovers());
        assertEquals(degradedPath + noPublisher + mediaSilence, engine.supervisor().switches());
    }

    @Test
    void publisherPaused_everyNodeSilent_viewerStaysWithoutFlapping_andTrialsThinOut() {
        FailoverPolicy policy = FailoverPolicy.defaults();
        start(policy, List.of(A, B, C));
        run(1000);
        a.mediaSilent = true;
        b.mediaSilent = true;
        c.mediaSilent = true;
        run(60_000);
        assertEquals(List.of("CONNECTED"), events, "never left A");
        assertTrue(a.subscribed);
        assertEquals(0, a.leaves);
        int trials = b.subscribes + c.subscribes;
        assertTrue(trials >= 2, "the other nodes were tried: " + trials);
        // Rounds of one trial per other node, 1.5 s apart, then 3, 6 and 12 s at most:
        // 12 in 60 s; a trial every evaluation would be over a hundred.
        assertTrue(trials <= 12, "trials in 60 s: " + trials);
        assertEquals(b.subscribes, b.leaves + (b.subscribed ? 1 : 0), "every trial on B ended with a LEAVE");
        assertEquals(c.subscribes, c.leaves + (c.subscribed ? 1 : 0), "every trial on C ended with a LEAVE");
        int before = b.subscribes + c.subscribes;
        run(60_000);
        assertTrue(b.subscribes + c.subscribes - before <= 2 * 5, "at most one round per 12 s: "
                + (b.subscribes + c.subscribes - before));
        // The publisher resumes: the viewer plays on from A.
        a.mediaSilent = false;
        b.mediaSilent = false;
        c.mediaSilent = false;
        run(2000);
        assertEquals(List.of("CONNECTED"), events);
        assertTrue(a.subscribed && !b.subscribed && !c.subscribed, "only A carries the viewer");
    }

    @Test
    void publisherResumesDuringTheTrial_viewerStaysOnItsNode() {
        FailoverPolicy policy = FailoverPolicy.defaults();
        start(policy);
        run(1000);
        a.mediaSilent = true;
        b.mediaSilent = true; // paused everywhere
        run(policy.mediaSilenceTimeoutMs() + FailoverPolicy.EVALUATION_INTERVAL_MS + 20);
        assertTrue(b.subscribed, "the trial on B runs");
        int lastBeforePause = played.get(played.size() - 1);
        // The publisher resumes; both nodes forward it again, B a tick (10 ms) before A: the
        // first packets after a pause decide nothing.
        b.mediaSilent = false;
        run(10);
        assertTrue(b.subscribed);
        a.mediaSilent = false;
        run(20);
        assertTrue(!b.subscribed && b.leaves == 1, "the trial on B ended as soon as A delivered media again");
        run(3000);
        assertEquals(List.of("CONNECTED"), events, "stayed on A");
        assertTrue(a.subscribed && engine.supervisor().connected(0).equals(A));
        assertTrue(played.get(played.size() - 1) > lastBeforePause + 250, "A's frames play again");
    }

    @Test
    void publisherMovesSlowly_numbersSkippedBeyondTheBufferSize_viewerResumesOnTheNewNode() {
        // NodeSwitchIT under heavy load: the publisher took over a second to reach B, at 12
        // packets a frame (about 10 Mbit/s): it used more sequence numbers meanwhile than the
        // viewer's buffer has slots (1024). The buffer must not be left rejecting every packet.
        packetsPerFrame = 12;
        start(FailoverPolicy.builder().noPublisherTimeoutMs(1000).build());
        run(1000);
        SpscJitterBuffer buffer = engine.tracks()[0].buffer();
        a.tracks = List.of();
        a.announceTracks();
        b.tracks = List.of(); // not there yet
        run(1200);
        int arrivedOnB = publisherFrame();
        b.tracks = List.of(VIDEO);
        b.announceTracks();
        run(3000);
        assertTrue(b.subscribed && !a.subscribed, "followed the publisher to B: " + events);
        assertSame(buffer, engine.tracks()[0].buffer(), "the stream resumed in the buffer it had");
        List<Integer> fromB = played.stream().filter(f -> f >= arrivedOnB).toList();
        assertTrue(fromB.size() > 250, "B's frames play: " + fromB.size() + " of them; " + stats(buffer));
        assertTrue(fromB.get(fromB.size() - 1) >= publisherFrame() - 11, "playing B's frames: " + fromB);
        for (int i = 1; i < played.size(); i++) {
            assertTrue(played.get(i) > played.get(i - 1), "in order: " + played);
        }
        assertEquals(1, engine.counters().get(ViewerEngine.SEQUENCE_JUMP_RESTARTS));
    }

    /** Every frame from the first played up to the playout delay (100 ms) before now was played once, in order. */
    private void assertEveryFramePlayedOnceInOrder() {
        assertEquals(IntStream.rangeClosed(played.get(0), publisherFrame() - 10).boxed().toList(), played,
                "every frame once, in order, up to the playout delay before now");
    }

    /**
     * One packet numbered {@code offset} from the stream's numbering comes alone, a second into
     * the stream: it is counted stray and dropped, and the stream plays on without a restart.
     */
    private void oneStrayPacket(int offset) {
        start(FailoverPolicy.defaults());
        run(1000);
        int frame = publisherFrame();
        a.deliver(mediaPacket(frame + offset, frame + offset, true, true, 60_000));
        run(1000);
        assertEquals(0, engine.counters().get(ViewerEngine.SEQUENCE_JUMP_RESTARTS));
        assertEquals(1, engine.counters().get(ViewerEngine.STRAY_PACKETS_DROPPED));
        assertEveryFramePlayedOnceInOrder();
    }

    /**
     * At two packets a frame, the numbering moves by {@code offset} a second into the stream, and
     * the new numbering's first two packets arrive swapped: one restart, nothing stray, no frame lost.
     */
    private void jumpWithTheFirstTwoPacketsSwapped(int offset) {
        packetsPerFrame = 2;
        start(FailoverPolicy.defaults());
        run(1000);
        a.sequenceOffset = offset;
        a.reverseNextFrame = true;
        run(1000);
        assertEquals(1, engine.counters().get(ViewerEngine.SEQUENCE_JUMP_RESTARTS));
        assertEquals(0, engine.counters().get(ViewerEngine.STRAY_PACKETS_DROPPED));
        assertEveryFramePlayedOnceInOrder();
    }

    /**
     * The numbering moves by {@code offset} a second into the stream; 300 ms later two late copies
     * of the old numbering's packets arrive in sequence: they are discarded late, the one restart
     * stays the only one, and every frame plays once.
     */
    private void jumpThenTwoLateCopiesOfTheOldNumbering(int offset) {
        start(FailoverPolicy.defaults());
        run(1000);
        a.sequenceOffset = offset;
        run(300);
        int old = publisherFrame() - 25;
        a.deliver(mediaPacket(old, old, true, true, 61_000));
        a.deliver(mediaPacket(old + 1, old + 1, true, true, 61_001));
        run(1000);
        assertEquals(1, engine.counters().get(ViewerEngine.SEQUENCE_JUMP_RESTARTS));
        assertEveryFramePlayedOnceInOrder();
        assertEquals(2, engine.tracks()[0].buffer().readStats(new JitterBufferStats()).packetsDiscardedLate());
    }

    @Test
    void oneStrayPacketFarAhead_isDropped_theBufferKeepsPlayingEveryFrame() {
        // A single corrupted, forged or misrouted packet numbered far ahead must not make the
        // viewer restart its buffer: the numbering goes on where it was.
        oneStrayPacket(700);
        assertEquals(0, engine.tracks()[0].buffer().readStats(new JitterBufferStats()).packetsLost());
    }

    @Test
    void numberingJumpsFarAhead_firstTwoPacketsSwapped_theBufferRestarts_andNoFrameIsLost() {
        // A real jump (the stream resumed with its numbering moved on) is confirmed by the packet
        // after it, here arriving first: the buffer restarts on the lower of the two and plays
        // every frame, the one those two packets make included.
        jumpWithTheFirstTwoPacketsSwapped(700);
    }

    @Test
    void numberingJumps_thenTwoPacketsOfTheOldNumbering_neitherReplayAnOldFrameNorCutTheNewStream() {
        // The numbering moves far, into the half of the circle behind the old one: the viewer's
        // jump check holds the new numbering's first packet until the next confirms it (before,
        // only forward jumps were checked there, and the buffer's unwrapper dropped that packet
        // to confirm the jump: its frame was lost). Two late copies of the old numbering's
        // packets then arrive in sequence: they are late, not a second restart back to the old
        // numbering (which replayed an old frame and lost the new numbering's next one).
        jumpThenTwoLateCopiesOfTheOldNumbering(40_000);
        ReceptionStatistics reception = engine.tracks()[0].reception();
        assertEquals((publisherFrame() + 40_000) & 0xFFFF, reception.highestSequenceNumber(),
                "the reports' highest number follows the new numbering");
        assertEquals(0, reception.cumulativeLost(), "the numbers between the two numberings are not lost");
    }

    @Test
    void numberingJumpsBehind_firstTwoPacketsSwapped_theBufferRestarts_andNoFrameIsLost() {
        jumpWithTheFirstTwoPacketsSwapped(40_000);
        assertEquals(0, engine.tracks()[0].reception().cumulativeLost());
    }

    @Test
    void numberingJumpsFarAheadTwice_bothJumpsRestartTheBuffer_andNoFrameIsLost() {
        // The second jump lands less than the unwrapper's dropout ahead of the numbering the first
        // left: still a jump for the viewer, not a packet of that numbering (the buffer would
        // bridge it as a gap of losses).
        start(FailoverPolicy.defaults());
        run(1000);
        a.sequenceOffset = 700;
        run(500);
        a.sequenceOffset = 1400;
        run(1000);
        assertEquals(2, engine.counters().get(ViewerEngine.SEQUENCE_JUMP_RESTARTS));
        assertEveryFramePlayedOnceInOrder();
        assertEquals(0, engine.tracks()[0].reception().cumulativeLost());
    }

    @Test
    void oneStrayPacketFarBehind_isDropped_theBufferKeepsPlayingEveryFrame() {
        oneStrayPacket(-30_000);
        assertEquals(publisherFrame() & 0xFFFF, engine.tracks()[0].reception().highestSequenceNumber());
    }

    @Test
    void numberingJumpsFarAhead_thenTwoPacketsOfTheOldNumbering_areLate_theNewStreamPlaysOn() {
        // The viewer's own probation confirms this jump and restarts the buffer; the old
        // numbering's late copies then lie behind the new one and must not take it back.
        jumpThenTwoLateCopiesOfTheOldNumbering(700);
    }

    /**
     * The viewer joins A before the publisher; the publisher arrives 0.5 s later and the
     * STREAM_INFO announcing it is lost, as are the next {@code answersLost} SUBSCRIBE answers;
     * runs 1 s from there.
     *
     * @return the publisher's first frame after its arrival
     */
    private int publisherArrivesWithItsStreamInfoLost(int answersLost) {
        a.tracks = List.of();
        start(FailoverPolicy.builder().noPublisherTimeoutMs(1000).build(), List.of(A));
        run(500);
        a.tracks = List.of(VIDEO); // not announced: the STREAM_INFO is lost
        a.subscribeAnswersToLose = answersLost;
        int firstSent = publisherFrame() + 1;
        run(1000);
        return firstSent;
    }

    @Test
    void streamInfoLost_mediaForAnUnknownTrack_viewerAsksTheNodeAgain_andPlays() {
        // LossRecoveryIT under load: the viewer joined before the publisher, and the one
        // STREAM_INFO telling it the tracks was lost on the lossy link; every packet after it
        // was dropped as not ours (3098 of them) and nothing played.
        int firstSent = publisherArrivesWithItsStreamInfoLost(0);
        assertEquals(1, engine.tracks().length, "the tracks were asked for again");
        assertEquals(1, a.subscribes - 1, "one renewed SUBSCRIBE");
        long early = engine.counters().get(ViewerEngine.UNKNOWN_TRACK_RECOVERED);
        assertTrue(early >= 1 && early <= 3, "held until the tracks came: " + early);
        assertEquals(0, engine.counters().get(ViewerEngine.UNKNOWN_TRACK_DROPPED));
        assertEquals(0, engine.counters().get(ViewerEngine.MALFORMED_DROPPED), "good media is not malformed");
        assertEquals(firstSent, played.get(0), "plays from the first frame sent: " + played);
        assertTrue(played.size() > 50, "plays on: " + played);
        assertEquals(List.of("CONNECTED"), events);
    }

    @Test
    void streamInfoLost_andTheRenewedSubscribesAnswerLost_viewerStillPlaysFromTheFirstFrame() {
        // LossRecoveryIT (5 % loss, 100 ms RTT): the STREAM_INFO and then the answer to the
        // renewed SUBSCRIBE were lost; the viewer had dropped every packet until the request's
        // retransmission (200 ms later) was answered, then waited for that start to settle:
        // the stream's first 20+ frames never played.
        int firstSent = publisherArrivesWithItsStreamInfoLost(1);
        assertEquals(1, engine.tracks().length, "the tracks came with the retransmitted SUBSCRIBE's answer");
        assertEquals(2, a.subscribes - 1, "the renewed SUBSCRIBE and its retransmission");
        assertEquals(firstSent, played.get(0), "plays from the first frame sent: " + played);
        assertEquals(IntStream.rangeClosed(firstSent, played.get(played.size() - 1)).boxed().toList(), played,
                "every frame once, in order");
        // The retransmission follows the path's round trip (here under a tick): 50 ms, 5 frames.
        assertTrue(engine.counters().get(ViewerEngine.UNKNOWN_TRACK_RECOVERED) >= 5,
                "held for the 50 ms until the answer: " + engine.counters().get(ViewerEngine.UNKNOWN_TRACK_RECOVERED));
        assertEquals(0, engine.counters().get(ViewerEngine.UNKNOWN_TRACK_DROPPED));
        assertEquals(0, engine.counters().get(ViewerEngine.MALFORMED_DROPPED));
    }

    @Test
    void mediaOfATrackNeverAnnounced_isHeldOneSecond_thenCountedDropped_notMalformed() {
        start(FailoverPolicy.defaults(), List.of(A));
        run(500);
        a.subscribeAnswersToLose = 100; // no track list comes
        a.deliver(mediaPacket(5, 5, true, true, 60_000, 0x2000));
        run(990);
        assertEquals(0, engine.counters().get(ViewerEngine.UNKNOWN_TRACK_DROPPED), "still held");
        run(10);
        assertEquals(1, engine.counters().get(ViewerEngine.UNKNOWN_TRACK_DROPPED));
        assertEquals(0, engine.counters().get(ViewerEngine.UNKNOWN_TRACK_RECOVERED));
        assertEquals(0, engine.counters().get(ViewerEngine.MALFORMED_DROPPED));
    }

    @Test
    void mediaOfATrackTheNodeDoesNotList_isDroppedWhenTheListComes_notMalformed() {
        start(FailoverPolicy.defaults(), List.of(A));
        run(500);
        int subscribes = a.subscribes;
        a.deliver(mediaPacket(5, 5, true, true, 60_000, 0x2000));
        network();
        assertEquals(subscribes + 1, a.subscribes, "the viewer asked for the track list again");
        assertEquals(1, engine.counters().get(ViewerEngine.UNKNOWN_TRACK_DROPPED), "not in the list that came");
        assertEquals(0, engine.counters().get(ViewerEngine.UNKNOWN_TRACK_RECOVERED));
        assertEquals(0, engine.counters().get(ViewerEngine.MALFORMED_DROPPED));
    }

    private static String stats(SpscJitterBuffer buffer) {
        return buffer.readStats(new JitterBufferStats()).toString();
    }

    @Test
    void noPublisherAnywhere_viewerStaysPut_andAsksAgainAtTheTimeoutRate() {
        a.tracks = List.of();
        b.tracks = List.of();
        start(FailoverPolicy.builder().noPublisherTimeoutMs(1000).joinTimeoutMs(500).build());
        run(10_000);
        assertEquals(List.of("CONNECTED"), events);
        assertTrue(a.subscribed);
        assertTrue(b.leaves >= b.hellos - 1, "B joined and left again each time");
        // Each round: B asked (0.5 s join timeout), then all nodes asked: 1 s before the next round.
        assertTrue(b.hellos >= 4 && b.hellos <= 6, "B asked " + b.hellos + " times in 10 s");
        // The publisher appears on B: the next round finds it.
        b.tracks = List.of(VIDEO);
        run(3000);
        assertEquals(List.of("CONNECTED", "NO_PUBLISHER 7001->7002"), events);
    }

    @Test
    void lossyNode_onlyAlternativeHasNoPublisher_viewerStaysOnTheLossyNodeThatHasIt() {
        a.loss = 0.20;
        b.tracks = List.of(); // B answers its pings well, but the publisher is on A
        start(FailoverPolicy.defaults());
        run(20_000);
        assertEquals(List.of("CONNECTED"), events, "seed " + SEED);
        assertTrue(a.subscribed, "still on A");
        assertEquals(A, engine.supervisor().connected(0));
        assertTrue(b.leaves >= b.hellos - 1, "B joined and left again each time");
        assertTrue(b.hellos >= 1, "B was tried");
        // B is not tried again before the no-publisher timeout: at most one try per 3 s, plus the first.
        assertTrue(b.hellos <= 1 + 20 / 3, "B tried " + b.hellos + " times in 20 s");
        assertEquals(1, engine.tracks().length, "A's tracks are kept");
    }

    @Test
    void failoverOntoANodeWithoutPublisher_searchesAtOnce_becauseTheStreamWasJustAlive() {
        b.tracks = List.of(); // the node failed over to has no publisher; C has it
        start(FailoverPolicy.builder().noPublisherTimeoutMs(3000).build(), List.of(A, B, C));
        run(1000);
        assertTrue(a.subscribed && engine.tracks().length == 1);
        a.dead = true;
        run(2000); // well under the 3 s timeout
        assertTrue(events.contains("NO_PUBLISHER 7002->7003"), events.toString());
        assertTrue(c.subscribed && !b.subscribed, "moved on to C");
        assertEquals(C, engine.supervisor().connected(0));
    }

    @Test
    void redundantMode_pathOnANodeWithoutPublisher_movesAtOnceToTheNodeThatHasIt() {
        a.tracks = List.of(); // the publisher is on B and C
        start(FailoverPolicy.builder().redundant(true).noPublisherTimeoutMs(3000).build(), List.of(A, B, C));
        run(600); // B has the stream: no need to wait the 3 s timeout before asking C
        assertEquals(List.of("CONNECTED", "NO_PUBLISHER 7001->7003"), events);
        assertTrue(b.subscribed && c.subscribed && !a.subscribed, "the paths are on B and C");
        assertEquals(2, engine.supervisor().connectedCount());
        long received = engine.counters().get(ViewerEngine.PACKETS_RECEIVED);
        run(500);
        assertTrue(engine.counters().get(ViewerEngine.PACKETS_RECEIVED) - received >= 2 * 45,
                "both paths deliver: " + (engine.counters().get(ViewerEngine.PACKETS_RECEIVED) - received));
    }

    @Test
    void redundantMode_pathLostForAMoment_replacedByANodeWithoutPublisher_returnsWhenTheNodeMayBeTriedAgain() {
        // The chaos test's lost frame (seed 4): the viewer's path on B went silent for a moment
        // (a congested downlink), its replacement C has no publisher, and B, which has it, was
        // backing off. The search must ask B again once its backoff has passed, not after the
        // whole no-publisher timeout: meanwhile A alone carries the stream, and A's death loses frames.
        c.tracks = List.of(); // the publisher is on A and B
        start(FailoverPolicy.builder().redundant(true).noPublisherTimeoutMs(3000).backoffBaseMs(250).build(),
                List.of(A, B, C));
        run(500);
        assertTrue(a.subscribed && b.subscribed, "both paths on the nodes with the publisher");
        b.dead = true;
        run(1000); // B's path is dropped for its silence; C takes the slot, without the publisher
        assertTrue(c.subscribed, "the empty slot was filled");
        assertEquals(1, engine.supervisor().roster().failureCount(B));
        b.dead = false;
        b.subscribed = false; // B restarted, or dropped us while it could not reach us
        run(800); // B's backoff (250 ms) has passed long ago: asked again, and it has the publisher
        assertTrue(events.contains("NO_PUBLISHER 7003->7002"), events.toString());
        assertTrue(a.subscribed && b.subscribed && !c.subscribed, "back on A and B");
        assertEquals(List.of("CONNECTED", "NO_PUBLISHER 7003->7002"), events, "never without a node");
    }

    @Test
    void redundantMode_noPublisherOnEitherPath_waitsTheTimeout() {
        a.tracks = List.of();
        b.tracks = List.of(); // the publisher is on C only, e.g. failing over
        start(FailoverPolicy.builder().redundant(true).noPublisherTimeoutMs(1000).build(), List.of(A, B, C));
        run(900);
        assertEquals(0, c.hellos, "the publisher may still come: no search before the timeout");
        run(600);
        assertEquals(List.of("CONNECTED", "NO_PUBLISHER 7001->7003"), events);
        assertEquals(Set.of(B, C),
                Set.of(engine.supervisor().connected(0), engine.supervisor().connected(1)),
                "the paths are on B and C");
    }

    @Test
    void redundantMode_publisherOnlyOnTheOtherPath_staysAndAsksAgainAtTheTimeoutRate() {
        a.tracks = List.of();
        c.tracks = List.of(); // only B, which carries the other path, has the publisher
        start(FailoverPolicy.builder().redundant(true).noPublisherTimeoutMs(1000).joinTimeoutMs(500).build(),
                List.of(A, B, C));
        run(10_000);
        assertEquals(List.of("CONNECTED"), events);
        assertTrue(a.subscribed && b.subscribed, "both paths kept");
        assertEquals(1, b.hellos, "the other path's node is never a candidate");
        // Each round: C asked (0.5 s join timeout), then every node asked: 1 s before the next round.
        assertTrue(c.hellos >= 4 && c.hellos <= 7, "C asked " + c.hellos + " times in 10 s");
    }

    @Test
    void redundantMode_eachNodeGetsTransportFeedbackAboutItsOwnPackets() {
        start(FailoverPolicy.builder().redundant(true).build());
        run(500);
        feedback.clear();
        run(200);
        TransportCcFeedbackView view = new TransportCcFeedbackView();
        int[] reportsPerNode = new int[2];
        for (RecordingSender.Sent sent : feedback) {
            if ((sent.bytes()[1] & 0xFF) != 205) {
                continue; // NACKs, receiver reports
            }
            assertEquals(ParseStatus.OK, view.wrap(sent.bytes(), 0, sent.bytes().length));
            int base = view.baseSequenceNumber();
            boolean toA = sent.recipient().equals(A);
            // A numbers from 0, B from 40000: each node must hear only about its own numbers.
            assertTrue(toA ? base < 1000 : base >= 40_000 && base < 41_000,
                    "feedback to " + sent.recipient() + " reports base " + base);
            reportsPerNode[toA ? 0 : 1]++;
        }
        assertTrue(reportsPerNode[0] > 0 && reportsPerNode[1] > 0, Arrays.toString(reportsPerNode));
    }
}
