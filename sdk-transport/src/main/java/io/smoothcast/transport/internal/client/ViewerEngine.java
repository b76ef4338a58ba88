package io.smoothcast.transport.internal.client;

import io.netty.buffer.ByteBuf;
import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.jitter.OfferResult;
import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.rtp.NackWriter;
import io.smoothcast.rtp.NtpTime;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpCompoundReader;
import io.smoothcast.rtp.RtcpPacketType;
import io.smoothcast.rtp.RtcpReportView;
import io.smoothcast.rtp.RtcpReportWriter;
import io.smoothcast.rtp.RtcpWriter;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.SequenceUnwrapper;
import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.NodeSwitchReason;
import io.smoothcast.transport.TokenRefusal;
import io.smoothcast.transport.internal.DatagramKind;
import io.smoothcast.transport.internal.SingleWriterCounters;
import io.smoothcast.transport.internal.cc.ReaderStallDetector;
import io.smoothcast.transport.internal.cc.TransportFeedbackSender;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.failover.ConnectionSupervisor;
import io.smoothcast.transport.internal.netty.DatagramReceiver;
import io.smoothcast.transport.internal.netty.DatagramSender;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The viewer's protocol logic on its I/O thread: the control conversation, feeding RTP and RTX
 * (RFC 4588, original sequence number restored) into one jitter buffer per track, and sending
 * the feedback the jitter buffers ask for: generic NACKs for missing packets and PLIs when a
 * keyframe is needed, a receiver report every second, and transport-cc feedback for every
 * packet from the node (the node's per-subscriber congestion control picks the simulcast layer
 * from it; packets read after a stall of this thread are reported as read late,
 * {@link ReaderStallDetector}). Feedback is per leg: each node that delivers packets (two in redundant mode, plus a
 * node being moved to) gets NACKs, PLIs and receiver reports, and transport-cc feedback about
 * exactly the packets it sent (transport-wide numbers are per node and per subscriber). Every
 * video packet accepted, of any simulcast layer, also feeds the layers' one
 * {@link SharedPlayoutTimeline}, on which the playout thread plays them ({@link LayerPlayout}).
 *
 * <p>Not thread-safe: the I/O thread only, except {@link #tracks()}, {@link #trackSet()},
 * {@link #counters()} (any thread) and {@link #playoutTracks()} (the playout thread).
 */
public final class ViewerEngine implements DatagramReceiver, ConnectionSupervisor.Events {

    /** Counter: RTP packets received. */
    public static final int PACKETS_RECEIVED = 0;
    /** Counter: RTX packets received. */
    public static final int RTX_RECEIVED = 1;
    /** Counter: NACK packets sent. */
    public static final int NACKS_SENT = 2;
    /** Counter: PLIs sent. */
    public static final int PLIS_SENT = 3;
    /** Counter: datagrams not understood or not from the node. */
    public static final int MALFORMED_DROPPED = 4;
    /** Gauge: smoothed RTT in ns. */
    public static final int RTT_NS = 5;
    /** Counter: receiver reports sent. */
    public static final int RECEIVER_REPORTS_SENT = 6;
    /** Counter: transport-cc feedback packets sent (they drive the node's layer choice). */
    public static final int TRANSPORT_FEEDBACK_SENT = 7;
    /** Times the viewer resumed on another node after losing its node. */
    public static final int FAILOVERS = 8;
    /** Counter: abs-capture-time stamps not counted (latency below 0 or above a minute). */
    public static final int IMPLAUSIBLE_CAPTURE_TIMES = 9;
    /** Counter: simulcast layers the node sent again after a pause (their buffers restarted). */
    public static final int LAYER_RESUMES = 10;
    /**
     * Counter: times a track's numbering jumped ahead by half its jitter buffer or more (the
     * stream came back after a long silence, e.g. a publisher slow to reach the node the viewer
     * followed it to), or went back, more than a buffer's capacity, or onto another RTP timeline
     * (a publisher that started again under the same SSRC, its new numbering behind or ahead,
     * {@link ReceptionStatistics#startsAnotherTimeline}), and the next packet confirmed it; its
     * buffer restarted on the first packet of the jump.
     */
    public static final int SEQUENCE_JUMP_RESTARTS = 11;
    /**
     * Counter: packets numbered half a jitter buffer or more ahead of their track that no packet
     * near them followed (dropped; the buffer kept what it held). Also counted in
     * {@link #MALFORMED_DROPPED}.
     */
    public static final int STRAY_PACKETS_DROPPED = 12;
    /**
     * Counter: RTP packets for no track the viewer knows, dropped: the node's track list did not
     * name their SSRC, did not come within {@link UnknownTrackHold#HOLD_NS}, or more than
     * {@link UnknownTrackHold#CAPACITY} such packets came first (see
     * {@link #UNKNOWN_TRACK_RECOVERED}). Not in {@link #MALFORMED_DROPPED}: they are well formed.
     */
    public static final int UNKNOWN_TRACK_DROPPED = 13;
    /**
     * Counter: stalls of this engine's I/O thread (over {@link ReaderStallDetector#STALL_GAP_NS}
     * between two ticks or reads). The packets read after one are reported to the node as read
     * late, so that it does not take the stall for congestion.
     */
    public static final int READER_STALLS = 14;
    /**
     * Counter: well-formed control messages from a node of the list the viewer holds no
     * conversation with, ignored: late answers, e.g. a HELLO_ACK for a join it gave up on
     * (timed out) and moved on from. Not in {@link #MALFORMED_DROPPED}.
     */
    public static final int STALE_CONTROL_IGNORED = 15;
    /**
     * Counter: RTP packets that came before the track list naming their SSRC (a lost STREAM_INFO,
     * or media overtaking the answer), held and fed to their track once the list came. The
     * viewer asks the node for its track list again when such a packet arrives.
     */
    public static final int UNKNOWN_TRACK_RECOVERED = 16;
    /**
     * Counters: moves to another node while the node still answered, one per
     * {@link NodeSwitchReason}, at this index plus the reason's ordinal (not in {@link #FAILOVERS}).
     */
    public static final int NODE_SWITCHES = 17;
    /** Counter: refusals of the current token by a node (see {@link ConnectionSupervisor#tokenRefusals}). */
    public static final int TOKEN_REFUSALS = NODE_SWITCHES + NodeSwitchReason.values().length;
    /**
     * Counter: RTP and RTX packets of the timeline a same-SSRC publisher restart left
     * ({@link ReceptionStatistics#ofTimelineLeft}), come late: dropped, so that their numbers, of
     * the old numbering, take no place of the new stream's. Also counted in {@link #MALFORMED_DROPPED}.
     */
    public static final int LEFT_TIMELINE_DROPPED = TOKEN_REFUSALS + 1;
    private static final int COUNTER_COUNT = LEFT_TIMELINE_DROPPED + 1;
    private static final long RECEIVER_REPORT_INTERVAL_NS = 1_000_000_000L;

    /** Callbacks to the public object, on the I/O thread. */
    public interface Listener {
        /** The connection state changed (see {@link ConnectionSupervisor}). */
        void onStateChanged(ConnectionState state, String reason);

        /** The viewer moved to another node while its node still answered. Default: ignored. */
        default void onNodeSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason,
                String detail) {
        }

        /** A node refused the current token (see {@link ConnectionSupervisor.Events#onTokenRefused}). Default: ignored. */
        default void onTokenRefused(InetSocketAddress node, TokenRefusal refusal) {
        }

        /** The current token is about to expire, in Unix seconds (once per token). Default: ignored. */
        default void onTokenExpiring(long expiresAtEpochSeconds) {
        }
    }

    private final DatagramSender out;
    private final int ownSsrc;
    private final ConnectionSupervisor supervisor;
    private final Listener listener;
    private final Function<Track, SpscJitterBuffer> bufferFactory;
    private final SingleWriterCounters counters = new SingleWriterCounters(COUNTER_COUNT);
    private final byte[] scratch = new byte[UdpTransport.RECEIVE_BUFFER_BYTES];
    private final byte[] feedback = new byte[1200];
    private final int[] lostSequenceNumbers = new int[256];
    private final RtpPacketView rtp = new RtpPacketView();
    /** Packets of SSRCs not known yet, fed to their tracks when the track list comes. */
    private final UnknownTrackHold unknownTrackHold = new UnknownTrackHold();
    private final RtcpCompoundReader rtcp = new RtcpCompoundReader();
    /** The playout thread's, to settle the track set ({@link #playoutTracks()}). */
    private final JitterBufferStats playoutScratch = new JitterBufferStats();
    private final RtcpReportView report = new RtcpReportView();
    private final RtcpReportWriter receiverReport = new RtcpReportWriter();
    private final ReaderStallDetector readerStalls = new ReaderStallDetector();
    /**
     * Per supervisor slot (path or candidate): arrivals of that node's packets, reported back to
     * it so it can estimate its downlink to us, and the node they belong to.
     */
    private final TransportFeedbackSender[] transportFeedback;
    private final InetSocketAddress[] feedbackNodes;
    /** The video freezes the viewer showed (counted by the playout thread). */
    private final PlayedFreezes videoFreezes = new PlayedFreezes();
    /** Capture-to-receipt (this thread) and capture-to-playout (playout thread) latencies. */
    private final LatencyTotals latency = new LatencyTotals();
    /** Turns arrival times into wall-clock time, to compare with the stamped capture times. */
    private WallClockMapping wallClock = WallClockMapping.forClock(NanoClock.system());
    /**
     * Redundant mode: the copies the buffers do not keep (the slower leg's) feed their playout
     * delay too, so that it covers the slower leg (at the delay quantile of that leg's packets,
     * as for a viewer on it alone) and the faster leg's death loses no frame.
     */
    private final boolean redundant;
    /** The video layers' one playout timeline, fed with every video packet accepted. */
    private SharedPlayoutTimeline timeline = SharedPlayoutTimeline.adaptive();
    private long lastReceiverReportNs;
    private boolean receiverReportSent;
    /**
     * The tracks and the counts of those gone, written by the I/O thread, read by the playout
     * thread and the stats readers: replaced as a whole, never mutated.
     */
    private volatile TrackSet trackSet = TrackSet.EMPTY;
    private static final VarHandle TRACK_SET;

    static {
        try {
            TRACK_SET = MethodHandles.lookup().findVarHandle(ViewerEngine.class, "trackSet", TrackSet.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /**
     * The tracks the playout thread's pass under way polls (written by it at the start of each
     * pass, {@link #playoutTracks()}), read by the I/O thread after publishing a track set to fold
     * the buffers gone that no pass polls. None before the first pass, and in an engine no
     * playout thread drives.
     */
    private volatile ReceiveTrack[] playoutPolled = new ReceiveTrack[0];
    /** The I/O thread's, to fold the buffers gone ({@link #useTracks}). */
    private final JitterBufferStats ioScratch = new JitterBufferStats();
    /** The nodes carrying the viewer, primary first (any thread reads). */
    private final CarryingNodes carryingNodes = new CarryingNodes();
    /**
     * The nodes whose paths the playout delay estimates describe: those that carried the viewer
     * last, kept while none does; empty before the first. In redundant mode the estimates span
     * both legs' paths, or the one leg left. I/O thread only.
     */
    private List<InetSocketAddress> delayPathNodes = List.of();
    /** Set when the viewer moved to a node: the next tick asks for a keyframe on every video track. */
    private boolean keyframeWanted;

    /**
     * @param out where datagrams go
     * @param nodes the nodes, best first
     * @param sessionId random session id, kept across failover
     * @param ownSsrc the SSRC this viewer uses as sender of its RTCP
     * @param subscribe the SUBSCRIBE request
     * @param policy failure detection and failover settings
     * @param bufferFactory builds the jitter buffer of a track
     * @param listener callbacks to the public object
     */
    public ViewerEngine(DatagramSender out, List<InetSocketAddress> nodes, long sessionId, int ownSsrc,
            ControlMessage.Subscribe subscribe, FailoverPolicy policy, Function<Track, SpscJitterBuffer> bufferFactory,
            Listener listener) {
        this.out = out;
        this.ownSsrc = ownSsrc;
        this.bufferFactory = bufferFactory;
        this.listener = listener;
        this.redundant = policy.redundant();
        this.supervisor = new ConnectionSupervisor(out, nodes, sessionId, subscribe, (int) sessionId, policy, this);
        this.transportFeedback = new TransportFeedbackSender[supervisor.slotCount()];
        this.feedbackNodes = new InetSocketAddress[supervisor.slotCount()];
    }

    /** Joins the first node(s). */
    public void start(long nowNs) {
        supervisor.start(nowNs);
    }

    /** The connection state machine (I/O thread only). */
    public ConnectionSupervisor supervisor() {
        return supervisor;
    }

    /**
     * Sets the token sent with the role request; call before {@link #start}.
     *
     * @param token the token's ASCII bytes, empty for none
     */
    public void useToken(byte[] token) {
        supervisor.useToken(token);
    }

    /**
     * Sets how this engine's {@code nowNs} maps to wall-clock time (for the latency measured from
     * abs-capture-time); call before {@link #start}. Default: the system clock's mapping.
     *
     * @param mapping the mapping of the clock that drives this engine
     */
    public void useWallClock(WallClockMapping mapping) {
        wallClock = mapping;
    }

    /**
     * Sets the timeline the video layers play on (its delay settings should match the jitter
     * buffers'); call before {@link #start}. Default: {@link SharedPlayoutTimeline#adaptive()}.
     *
     * @param sharedTimeline the timeline
     */
    public void useTimeline(SharedPlayoutTimeline sharedTimeline) {
        timeline = sharedTimeline;
    }

    /** @return the video layers' playout timeline (fed by this thread, read by the playout thread) */
    public SharedPlayoutTimeline timeline() {
        return timeline;
    }

    /** @return the video freezes shown, readable from any thread (counted by the playout thread) */
    public PlayedFreezes videoFreezes() {
        return videoFreezes;
    }

    /** @return the latency totals, readable from any thread (playout is added by the playout thread) */
    public LatencyTotals latency() {
        return latency;
    }

    /** The tracks now received; any thread (the array is never modified after publication). */
    public ReceiveTrack[] tracks() {
        return trackSet.tracks();
    }

    /**
     * The tracks to poll in the playout thread's next pass. Before, settles the published set
     * ({@link TrackSet#settled}): the counts of the buffers gone are final now that the passes
     * that could poll them are over. Playout thread only, at the start of each pass; allocates
     * only after a change of the tracks.
     */
    public ReceiveTrack[] playoutTracks() {
        TrackSet set;
        do {
            set = trackSet;
            // Said before it is polled, and checked still current after: a set the I/O thread
            // published in between (which may have folded one of these tracks' buffers,
            // TrackSet#foldedExcept) is read again instead.
            playoutPolled = set.tracks();
        } while (trackSet != set);
        TrackSet settled = set.settled(playoutScratch);
        if (settled != set) {
            // Lost to a set the I/O thread published meanwhile: that one is settled next pass.
            TRACK_SET.compareAndSet(this, set, settled);
        }
        return set.tracks();
    }

    /** The tracks now received with the counts of those gone (see {@link TrackSet}); any thread. */
    public TrackSet trackSet() {
        return trackSet;
    }

    /**
     * The nodes that accepted the viewer and carry it now, primary first (two in redundant
     * mode while both legs are up); any thread. Renewed after every control message and tick.
     */
    public List<InetSocketAddress> carryingNodes() {
        return carryingNodes.nodes();
    }

    /** Publishes the supervisor's carrying nodes when they changed (allocates only then) and follows a change. */
    private void refreshCarryingNodes() {
        List<InetSocketAddress> before = carryingNodes.nodes();
        if (carryingNodes.refresh(supervisor)) {
            List<InetSocketAddress> now = carryingNodes.nodes();
            // One of a redundant viewer's legs died: the estimates still describe both paths.
            if (now.size() == 1 && before.size() > 1 && before.contains(now.get(0))) {
                restartDelayEstimates();
            }
            if (!now.isEmpty()) {
                delayPathNodes = now;
            }
        }
    }

    /**
     * The stream now comes over another path, or one of a redundant viewer's legs died: the
     * estimates start afresh on the next packet (see {@link SpscJitterBuffer#restartDelayEstimate}).
     * After a leg's death the old estimates still covered both legs: the differential to the
     * slower one (copies fed them), and the faster one's base transit. Kept, they added that
     * differential for as long as the base windows (5-10 s) and the delay histogram's forget
     * factor (tens of seconds) take: with the faster leg dead, the slower leg's transit then
     * became the base and the delay above it still held the differential (20 / 150 ms legs in
     * virtual time, ViewerRedundantLegsTest: 282 ms from capture to playout 20 s after the death
     * instead of 152); with the slower dead, the faster leg kept it too (152 ms instead of 22).
     * A restart costs no frame: the new timeline starts at the remaining leg's transit plus the
     * initial delay, later than the old one after the faster leg's death (a pause of about
     * 100 ms, no freeze), sooner after the slower leg's (the frames held play at once).
     */
    private void restartDelayEstimates() {
        for (ReceiveTrack t : trackSet.tracks()) {
            t.buffer().restartDelayEstimate();
        }
        timeline.restartDelayEstimate();
    }

    /** The counters, readable from any thread. */
    public SingleWriterCounters counters() {
        return counters;
    }

    @Override
    public void onDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        onThreadEvent(nowNs);
        if (datagram.readableBytes() >= UdpTransport.RECEIVE_BUFFER_BYTES) {
            counters.increment(MALFORMED_DROPPED);
            return;
        }
        int slot = supervisor.slotOf(sender, nowNs);
        if (slot < 0) {
            onOtherNode(datagram, sender, nowNs);
            return;
        }
        switch (DatagramKind.classify(datagram)) {
            case RTP -> onRtp(datagram, slot, nowNs);
            case RTCP -> onRtcp(datagram, nowNs);
            case CONTROL -> {
                DecodeResult result = ControlCodec.decode(datagram);
                if (result.ok()) {
                    supervisor.onControl(sender, result, nowNs);
                    refreshCarryingNodes();
                } else {
                    counters.increment(MALFORMED_DROPPED);
                }
            }
            default -> counters.increment(MALFORMED_DROPPED);
        }
    }

    /** Only probe replies are expected from a node the viewer is not joined to (late answers aside). */
    private void onOtherNode(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        switch (supervisor.onOtherNodeDatagram(datagram, sender, nowNs)) {
            case STALE_CONTROL -> counters.increment(STALE_CONTROL_IGNORED);
            case FOREIGN -> counters.increment(MALFORMED_DROPPED);
            case PROBE_REPLY -> { } // taken by the prober
        }
    }

    private void onRtp(ByteBuf datagram, int slot, long nowNs) {
        // The jitter buffer copies payloads out of a byte[]; this copy of the datagram into the
        // reused scratch array is the only other one between the socket and the buffer.
        int length = datagram.readableBytes();
        datagram.getBytes(datagram.readerIndex(), scratch, 0, length);
        if (rtp.wrap(scratch, 0, length) != ParseStatus.OK) {
            counters.increment(MALFORMED_DROPPED);
            return;
        }
        int transportSequence = rtp.transportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID);
        if (transportSequence >= 0) {
            TransportFeedbackSender feedbackSender = feedbackFor(slot);
            if (feedbackSender != null) {
                // read times after a stall of this thread are no arrival times: the node is told
                feedbackSender.onPacket(transportSequence, nowNs, readerStalls.readTimeIsUntimed(nowNs));
            }
            supervisor.onTransportSequence(slot, transportSequence);
        }
        if (!isRepair(rtp.ssrc())) {
            supervisor.onStreamMedia(slot, nowNs);
        }
        if (!placeOnTrack(length, nowNs)) {
            // Media for no track we know: the node's track list for it (sent once) may have been
            // lost, or the answer naming it is still on its way. Held until it comes.
            if (unknownTrackHold.hold(scratch, length, nowNs)) {
                counters.increment(UNKNOWN_TRACK_DROPPED);
            }
            supervisor.onMediaForUnknownTrack(slot, nowNs);
        }
    }

    /**
     * Whether {@code ssrc} is the RTX SSRC of a known track: a node sends those (NACK answers,
     * tail loss probes, probe padding) with no new media from the publisher, so they do not
     * show that the stream flows. A packet of a track not known yet counts as media.
     */
    private boolean isRepair(int ssrc) {
        for (ReceiveTrack t : trackSet.tracks()) {
            if (t.track().hasRtx() && t.track().rtxSsrc() == ssrc) {
                return true;
            }
        }
        return false;
    }

    /**
     * Offers the RTP packet {@link #rtp} wraps in {@link #scratch} ({@code length} bytes) to its
     * track.
     *
     * @return false if no track the viewer knows has its SSRC (nothing was done with it)
     */
    private boolean placeOnTrack(int length, long nowNs) {
        int ssrc = rtp.ssrc();
        ReceiveTrack[] current = trackSet.tracks();
        for (ReceiveTrack t : current) {
            Track track = t.track();
            if (track.ssrc() == ssrc) {
                counters.increment(PACKETS_RECEIVED);
                if (droppedAsOfTimelineLeft(t, nowNs)) {
                    return true;
                }
                int ahead = t.reception().aheadOfHighest(rtp.sequenceNumber());
                long silentNs = t.reception().silentForNs(nowNs);
                if (silentNs >= LayerGate.STOPPED_LAYER_NS && isSimulcastLayer(track, current)
                        && LayerResumeRule.isResume(ahead, silentNs, t.reception().numbersPerSecond())) {
                    // The node switched this viewer away from the layer and now back to it: the
                    // numbers it skipped meanwhile are not losses to NACK, wait for or report.
                    // A numbering that went on across the silence (give or take a few losses) is
                    // no resume but this thread (or the path) stalling, with the packets queued
                    // meanwhile read now: a restart would only cut the frame under way in two
                    // (never completed, a keyframe to wait for). LayerResumeRule tells them apart.
                    t.buffer().restartOnNextPacket();
                    t.reception().restartOnNextPacket();
                    counters.increment(LAYER_RESUMES);
                } else if (ahead >= t.buffer().capacityPackets() / 2
                        || t.reception().behindHighest(rtp.sequenceNumber()) > t.buffer().capacityPackets()
                        || t.reception().startsAnotherTimeline(rtp.sequenceNumber(), rtp.timestamp(), nowNs)) {
                    // Too many numbers skipped for the buffer to bridge: it would give up its
                    // whole ring for this packet (and, beyond a ring's length, this packet and
                    // the frame after it too), and ask for every skipped number again. Half the
                    // ring leaves the other half for the frames it still holds. Or a number
                    // further behind than the buffer keeps late packets for: a new numbering in
                    // the half of the circle behind the old one (the buffer's unwrapper would
                    // drop its first packet to confirm it). A restart plays what the buffer holds
                    // and goes on from here, with no NACK for numbers no node has; but only
                    // once a second packet near this one confirms the jump, so that one stray
                    // packet cannot throw away what the buffer holds. Or a number behind, or the
                    // highest, on another timeline: a publisher that started again under the same
                    // SSRC with a new numbering just behind the old one (its first packets would
                    // otherwise be taken for duplicates or late, a freeze until it passed the old),
                    // or just ahead (the numbers between would be NACKed and counted lost).
                    SequenceJumpProbation probation = t.jumpProbation();
                    // A packet less than the unwrapper's dropout ahead would be its numbering
                    // going on there (a gap of losses): a jump here, whatever numbering it lies
                    // near. Further off, a packet of the numbering left is the unwrapper's to
                    // judge (late, or that numbering coming back), as it judges it in that order.
                    boolean inTheBuffersWindow = ahead > 0 && ahead < SequenceUnwrapper.DEFAULT_MAX_DROPOUT;
                    if (!inTheBuffersWindow && probation.isOfNumberingLeft(rtp.sequenceNumber(),
                            t.buffer().capacityPackets(), SequenceUnwrapper.DEFAULT_MAX_DROPOUT)) {
                        offerOfNumberingLeft(t, probation, nowNs);
                        return true;
                    }
                    if (!probation.confirms(rtp.sequenceNumber())) {
                        if (!probation.isHeld(rtp.sequenceNumber())) {
                            dropStray(probation);
                            probation.hold(scratch, length, rtp.sequenceNumber());
                        }
                        return true;
                    }
                    t.buffer().restartOnNextPacket();
                    // The numbers between the two numberings were never meant for this viewer:
                    // not expected, not lost; the reports' highest follows the new numbering.
                    probation.rememberNumberingLeft(t.reception().highestSequenceNumber());
                    t.reception().restartOnNextPacket();
                    counters.increment(SEQUENCE_JUMP_RESTARTS);
                    // Both packets, the lower number first: the buffer's new run starts there.
                    // The held one is offered as arriving now (it waited one packet interval).
                    boolean heldFirst = probation.isBefore(rtp.sequenceNumber());
                    probation.release();
                    if (!heldFirst) {
                        acceptOriginal(t, scratch, nowNs);
                    }
                    rtp.wrap(probation.heldDatagram(), 0, probation.heldLength());
                    acceptOriginal(t, probation.heldDatagram(), nowNs);
                    if (heldFirst) {
                        rtp.wrap(scratch, 0, length);
                        acceptOriginal(t, scratch, nowNs);
                    }
                    return true;
                }
                dropStray(t.jumpProbation());
                acceptOriginal(t, scratch, nowNs);
                return true;
            }
            if (track.hasRtx() && track.rtxSsrc() == ssrc) {
                if (rtp.payloadLength() < 2) {
                    counters.increment(MALFORMED_DROPPED);
                    return true;
                }
                int p = rtp.payloadOffset();
                int originalSequence = ((scratch[p] & 0xFF) << 8) | (scratch[p + 1] & 0xFF);
                counters.increment(PACKETS_RECEIVED);
                counters.increment(RTX_RECEIVED);
                if (droppedAsOfTimelineLeft(t, nowNs)) {
                    return true;
                }
                t.reception().onPacket(originalSequence, rtp.timestamp(), nowNs, false);
                int result = t.buffer().offer(track.ssrc(), originalSequence, rtp.timestamp(), rtp.marker(), nowNs,
                        scratch, p + 2, rtp.payloadLength() - 2);
                onVideoArrival(t, result, rtp.timestamp(), nowNs, false);
                return true;
            }
        }
        return false;
    }

    /**
     * Drops the packet {@link #rtp} wraps if it belongs to the timeline a same-SSRC publisher
     * restart left: late, of a stream gone, numbered in a numbering the new one may reuse.
     *
     * @return whether it was dropped (and counted)
     */
    private boolean droppedAsOfTimelineLeft(ReceiveTrack t, long nowNs) {
        if (!t.reception().ofTimelineLeft(rtp.timestamp(), nowNs)) {
            return false;
        }
        counters.increment(LEFT_TIMELINE_DROPPED);
        counters.increment(MALFORMED_DROPPED);
        return true;
    }

    /**
     * Records and offers an original (not RTX) packet of a track: {@link #rtp} wraps it in
     * {@code datagram}.
     */
    private void acceptOriginal(ReceiveTrack t, byte[] datagram, long nowNs) {
        onCaptureTime(t, nowNs);
        boolean advances = t.reception().behindHighest(rtp.sequenceNumber()) == 0;
        t.reception().onPacket(rtp.sequenceNumber(), rtp.timestamp(), nowNs, true);
        int result = t.buffer().offer(rtp.ssrc(), rtp.sequenceNumber(), rtp.timestamp(), rtp.marker(), nowNs,
                datagram, rtp.payloadOffset(), rtp.payloadLength());
        if (redundant && (result == OfferResult.DUPLICATE || result == OfferResult.LATE)) {
            onRedundantCopy(t, nowNs);
        } else {
            onVideoArrival(t, result, rtp.timestamp(), nowNs, advances);
        }
    }

    /**
     * The other leg's copy of a packet a buffer already had (or played): its arrival counts
     * towards the playout delays as the first copy's did (see {@link #redundant}).
     */
    private void onRedundantCopy(ReceiveTrack t, long nowNs) {
        t.buffer().onRedundantCopy(rtp.ssrc(), rtp.timestamp(), nowNs);
        if (t.track().kind() == MediaKind.VIDEO) {
            long captureUnixNs = t.captureAnchor().latestCaptureUnixNs(rtp.timestamp());
            if (captureUnixNs != CaptureAnchor.UNKNOWN) {
                timeline.onCopy(nowNs, captureUnixNs - wallClock.unixNs(0));
            }
        }
    }

    /**
     * Offers a packet of the numbering the last confirmed jump left ({@link #rtp} wraps it in
     * {@link #scratch}): the buffer's unwrapper remembers that numbering too and counts a late
     * copy or retransmission of it late. Its number says nothing about the current numbering, so
     * the reception statistics do not record it, unless the buffer took it: then the numbering
     * left has come back (the unwrapper's return probation), and the statistics follow it.
     */
    private void offerOfNumberingLeft(ReceiveTrack t, SequenceJumpProbation probation, long nowNs) {
        int result = t.buffer().offer(rtp.ssrc(), rtp.sequenceNumber(), rtp.timestamp(), rtp.marker(), nowNs,
                scratch, rtp.payloadOffset(), rtp.payloadLength());
        if (result == OfferResult.ACCEPTED) {
            probation.rememberNumberingLeft(t.reception().highestSequenceNumber());
            t.reception().restartOnNextPacket();
            onCaptureTime(t, nowNs);
            t.reception().onPacket(rtp.sequenceNumber(), rtp.timestamp(), nowNs, true);
        }
        onVideoArrival(t, result, rtp.timestamp(), nowNs, true);
    }

    /** Drops a packet held on probation that no packet near it confirmed: a stray. */
    private void dropStray(SequenceJumpProbation probation) {
        if (probation.holding()) {
            probation.release();
            counters.increment(STRAY_PACKETS_DROPPED);
            counters.increment(MALFORMED_DROPPED);
        }
    }

    /** Whether the track is one of several video layers of the stream (simulcast). */
    private static boolean isSimulcastLayer(Track track, ReceiveTrack[] tracks) {
        if (track.kind() != MediaKind.VIDEO) {
            return false;
        }
        int videoTracks = 0;
        for (ReceiveTrack t : tracks) {
            if (t.track().kind() == MediaKind.VIDEO) {
                videoTracks++;
            }
        }
        return videoTracks > 1;
    }

    /**
     * Feeds the layers' shared timeline with a video packet its buffer accepted (the packets a
     * buffer's own delay estimator sees: retransmissions included, duplicates not).
     */
    private void onVideoArrival(ReceiveTrack t, int offerResult, int rtpTimestamp, long nowNs, boolean advances) {
        if (offerResult != OfferResult.ACCEPTED || t.track().kind() != MediaKind.VIDEO) {
            return;
        }
        long captureUnixNs = t.captureAnchor().latestCaptureUnixNs(rtpTimestamp);
        if (captureUnixNs != CaptureAnchor.UNKNOWN) {
            timeline.onPacket(nowNs, captureUnixNs - wallClock.unixNs(0), advances);
        }
    }

    /**
     * Reads the capture time the broadcaster stamped on a frame's first packet (retransmissions
     * do not carry it: their arrival says nothing about the network's delay).
     */
    private void onCaptureTime(ReceiveTrack t, long nowNs) {
        long captureNtp = rtp.absoluteCaptureTimeNtp(RtpHeaderExtensionIds.DEFAULT_ABSOLUTE_CAPTURE_TIME_ID);
        if (captureNtp == NtpTime.UNKNOWN) {
            return;
        }
        long captureUnixNs = NtpTime.toUnixNanos(captureNtp);
        long latencyNs = wallClock.unixNs(nowNs) - captureUnixNs;
        if (!LatencyTotals.plausible(latencyNs)) {
            counters.increment(IMPLAUSIBLE_CAPTURE_TIMES);
            return;
        }
        t.captureAnchor().update(rtp.timestamp(), captureUnixNs);
        if (t.captureAnchor().latencyCounted()) {
            latency.onReceipt(latencyNs);
        }
    }

    private void onRtcp(ByteBuf datagram, long nowNs) {
        // Relayed from the publisher: sender reports feed the LSR/DLSR of our receiver reports.
        int length = datagram.readableBytes();
        datagram.getBytes(datagram.readerIndex(), scratch, 0, length);
        if (rtcp.wrap(scratch, 0, length) != ParseStatus.OK) {
            counters.increment(MALFORMED_DROPPED);
            return;
        }
        while (rtcp.next()) {
            if (rtcp.packetType() == RtcpPacketType.SENDER_REPORT
                    && report.wrap(scratch, rtcp.packetOffset(), rtcp.packetLength()) == ParseStatus.OK) {
                for (ReceiveTrack t : trackSet.tracks()) {
                    if (t.track().ssrc() == report.ssrc()) {
                        t.reception().onSenderReport(report.ntpTimestamp(), nowNs);
                    }
                }
            }
        }
        if (rtcp.status() != ParseStatus.OK) {
            counters.increment(MALFORMED_DROPPED);
        }
    }

    @Override
    public void onHandlerFailure(RuntimeException failure) {
        counters.increment(MALFORMED_DROPPED);
    }

    /** Periodic work: retransmissions, keepalives, NACKs and keyframe requests. Every 10 ms. */
    public void onTick(long nowNs) {
        onThreadEvent(nowNs);
        supervisor.onTick(nowNs);
        refreshCarryingNodes();
        if (unknownTrackHold.size() > 0) {
            counters.add(UNKNOWN_TRACK_DROPPED, unknownTrackHold.expire(nowNs));
        }
        counters.set(RTT_NS, supervisor.rttNs());
        // Retry and headroom timers follow the path's round trip, not this host's stalls.
        long rttNs = supervisor.pathRttNs();
        timeline.rttNs(rttNs);
        counters.set(FAILOVERS, supervisor.failovers());
        boolean sent = false;
        boolean wantKeyframe = keyframeWanted && supervisor.isConnected();
        if (wantKeyframe) {
            keyframeWanted = false;
        }
        for (ReceiveTrack t : trackSet.tracks()) {
            SpscJitterBuffer buffer = t.buffer();
            buffer.rttNs(rttNs);
            int lost = buffer.pollNacks(nowNs, lostSequenceNumbers);
            if (lost > 0) {
                int length = NackWriter.writeLost(feedback, 0, feedback.length, ownSsrc, t.track().ssrc(),
                        lostSequenceNumbers, lost);
                if (length > 0 && sendFeedback(length)) {
                    counters.increment(NACKS_SENT);
                    sent = true;
                }
            }
            if ((buffer.pollKeyframeRequest() | wantKeyframe) && t.track().kind() == MediaKind.VIDEO) {
                int length = RtcpWriter.writePli(feedback, 0, feedback.length, ownSsrc, t.track().ssrc());
                if (sendFeedback(length)) {
                    counters.increment(PLIS_SENT);
                    sent = true;
                }
            }
        }
        ReceiveTrack[] current = trackSet.tracks();
        int mediaSsrc = current.length > 0 ? current[0].track().ssrc() : 0;
        // Transport-wide numbers are per node and per subscriber: each node hears about its own packets.
        for (int slot = 0; slot < transportFeedback.length; slot++) {
            InetSocketAddress node = supervisor.acceptedNode(slot);
            if (node != null && node.equals(feedbackNodes[slot])) {
                int feedbackSent = transportFeedback[slot].send(out, node, ownSsrc, mediaSsrc);
                if (feedbackSent > 0) {
                    counters.add(TRANSPORT_FEEDBACK_SENT, feedbackSent);
                    sent = true;
                }
            }
        }
        if (!receiverReportSent || nowNs - lastReceiverReportNs >= RECEIVER_REPORT_INTERVAL_NS) {
            sent |= sendReceiverReport(nowNs);
        }
        if (sent) {
            out.flush();
        }
    }

    /**
     * The transport-cc recorder of a slot; a fresh one when the slot's node changed (a new
     * node numbers its packets from its own start). Allocates only on such a change; null while
     * the slot's node has not accepted the viewer.
     */
    private TransportFeedbackSender feedbackFor(int slot) {
        InetSocketAddress node = supervisor.acceptedNode(slot);
        if (node == null) {
            return null; // not accepted yet: nowhere to report to
        }
        if (transportFeedback[slot] == null || !node.equals(feedbackNodes[slot])) {
            transportFeedback[slot] = new TransportFeedbackSender();
            feedbackNodes[slot] = node;
        }
        return transportFeedback[slot];
    }

    /** One RR (RFC 3550) with a block per track that has received something. */
    private boolean sendReceiverReport(long nowNs) {
        receiverReport.startReceiverReport(ownSsrc);
        int blocks = 0;
        for (ReceiveTrack t : trackSet.tracks()) {
            if (t.reception().hasData() && blocks < RtcpReportWriter.MAX_REPORT_BLOCKS) {
                t.reception().addReportBlock(receiverReport, t.track().ssrc(), nowNs);
                blocks++;
            }
        }
        if (blocks == 0 || !supervisor.isConnected()) {
            return false;
        }
        int length = receiverReport.write(feedback, 0, feedback.length);
        if (length <= 0) {
            return false;
        }
        receiverReportSent = true;
        lastReceiverReportNs = nowNs;
        sendFeedback(length);
        counters.increment(RECEIVER_REPORTS_SENT);
        return true;
    }

    /**
     * Sends feedback to every node carrying the viewer (in redundant mode both may hold the
     * packets).
     *
     * @return false if no node carries the viewer (nothing sent)
     */
    private boolean sendFeedback(int length) {
        for (int i = 0; i < supervisor.connectedCount(); i++) {
            ByteBuf buf = out.allocator().buffer(length);
            buf.writeBytes(feedback, 0, length);
            out.send(buf, supervisor.connected(i));
        }
        return supervisor.isConnected();
    }

    /** Every tick and read: counts the stalls of this thread that the gap since the last one shows. */
    private void onThreadEvent(long nowNs) {
        if (readerStalls.onEvent(nowNs)) {
            counters.increment(READER_STALLS);
        }
    }

    /** Says goodbye to the node(s). */
    public void close(long nowNs) {
        supervisor.leave(nowNs);
        carryingNodes.refresh(supervisor); // none: no tick follows to renew them
        out.flush();
    }

    @Override
    public void onStateChanged(ConnectionState state, String reason) {
        // before the listener hears of a resume, so that the count it may read includes it
        counters.set(FAILOVERS, supervisor.failovers());
        listener.onStateChanged(state, reason);
    }

    @Override
    public void onSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason, String detail) {
        // before the listener hears of it, so that the count it may read includes it
        counters.increment(NODE_SWITCHES + reason.ordinal());
        listener.onNodeSwitched(from, to, reason, detail);
    }

    @Override
    public void onTokenRefused(InetSocketAddress node, TokenRefusal refusal) {
        counters.set(TOKEN_REFUSALS, supervisor.tokenRefusals());
        listener.onTokenRefused(node, refusal);
    }

    @Override
    public void onTokenExpiring(long expiresAtEpochSeconds) {
        listener.onTokenExpiring(expiresAtEpochSeconds);
    }

    @Override
    public void onNodeAccepted(InetSocketAddress node, ControlMessage reply, boolean resumed, long nowNs) {
        if (resumed) {
            keyframeWanted = true;
        }
        // Not refreshed yet: the nodes that carried the viewer before this one. A leg joining a
        // redundant viewer beside another adds a path to those the estimates span (they learn it
        // as it comes); a resume on the one node they describe is no move.
        List<InetSocketAddress> before = delayPathNodes;
        boolean samePath = before.size() == 1 && before.get(0).equals(node);
        if (supervisor.connectedCount() == 1 && !before.isEmpty() && !samePath) {
            // The stream now comes over another path: the old one's playout delay (up to the
            // buffers' 1 s maximum after a lossy, queued path) would otherwise hold back the
            // resume by as much and fade at 100 ms per second only (NodeSwitchIT, session 14).
            restartDelayEstimates();
        }
        if (reply instanceof ControlMessage.SubscribeAck ack) {
            announce(ack.tracks(), nowNs);
        }
    }

    @Override
    public void onStreamInfo(InetSocketAddress node, ControlMessage.StreamInfo info, long nowNs) {
        announce(info.tracks(), nowNs);
    }

    /**
     * Applies a node's track list. An empty list (no publisher on that node now) keeps the
     * buffers, even with a single node: the publisher has usually moved to another node or is
     * failing over, and the viewer follows it there. Dropping the buffers would throw away the
     * frames they still hold (a playout delay's worth, never played), and the stream, which
     * comes back under the same tracks and numbering, would have to start afresh in new buffers
     * (a wait for the start to settle and for a keyframe). A list with other tracks still
     * replaces the buffers.
     */
    private void announce(List<Track> announced, long nowNs) {
        if (announced.isEmpty()) {
            return;
        }
        useTracks(announced);
        feedHeldPackets(nowNs);
    }

    /**
     * Offers the packets held for unknown SSRCs to the tracks now known, oldest first, as
     * arriving when they did (their jitter buffer sees the stream's start as it came); drops
     * the rest.
     */
    private void feedHeldPackets(long nowNs) {
        UnknownTrackHold hold = unknownTrackHold;
        counters.add(UNKNOWN_TRACK_DROPPED, hold.expire(nowNs));
        for (int k = 0; k < hold.size(); k++) {
            int length = hold.length(k);
            System.arraycopy(hold.datagram(k), 0, scratch, 0, length);
            rtp.wrap(scratch, 0, length); // parsed when it arrived
            counters.increment(placeOnTrack(length, hold.arrivalNs(k)) ? UNKNOWN_TRACK_RECOVERED : UNKNOWN_TRACK_DROPPED);
        }
        hold.clear();
    }

    /** Keeps the buffers of tracks that did not change; builds buffers for new ones. */
    private void useTracks(List<Track> announced) {
        ReceiveTrack[] current = trackSet.tracks();
        ReceiveTrack[] next = new ReceiveTrack[announced.size()];
        for (int i = 0; i < next.length; i++) {
            Track track = announced.get(i);
            ReceiveTrack kept = null;
            for (ReceiveTrack t : current) {
                if (t.track().equals(track)) {
                    kept = t;
                }
            }
            next[i] = kept != null ? kept
                    : new ReceiveTrack(track, bufferFactory.apply(track), new ReceptionStatistics(track.clockRateHz()),
                            new CaptureAnchor(track.clockRateHz()));
        }
        // A buffer whose track goes is offered nothing more: publish what it holds back within a
        // frame (SpscJitterBuffer#publishStats, on this, its producer's thread), or the totals
        // would miss the packets of its last, unfinished frame for good.
        for (ReceiveTrack t : current) {
            if (!Arrays.asList(next).contains(t)) {
                t.buffer().publishStats();
            }
        }
        // The latency is the judged kind's, as the other figures (ViewerMediaTotals).
        MediaKind judged = ViewerMediaTotals.judgedKind(next);
        for (ReceiveTrack t : next) {
            t.captureAnchor().latencyCounted(t.track().kind() == judged);
        }
        // Keep the dropped buffers in the set published, so the viewer's totals never go
        // backwards: a reader sees either the old set or the new one, never a mix.
        // The playout thread may settle the set meanwhile: published only over the set it came from.
        TrackSet before;
        TrackSet published;
        do {
            before = trackSet;
            published = before.followedBy(next);
        } while (!TRACK_SET.compareAndSet(this, before, published));
        // Then, read after the publication, what the playout thread's pass under way polls: the
        // buffers gone that it does not are final now and folded at once, so that they do not
        // pile up while an application's callback holds that pass (nor forever without one).
        TrackSet folded = published.foldedExcept(playoutPolled, ioScratch);
        if (folded != published) {
            // Lost only to the playout thread settling the set: it folded them all.
            TRACK_SET.compareAndSet(this, published, folded);
        }
    }
}
