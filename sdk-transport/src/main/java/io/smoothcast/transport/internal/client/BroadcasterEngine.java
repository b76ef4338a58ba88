package io.smoothcast.transport.internal.client;

import io.netty.buffer.ByteBuf;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpCompoundReader;
import io.smoothcast.rtp.RtcpPacketType;
import io.smoothcast.rtp.RtcpNackView;
import io.smoothcast.rtp.RtcpPliView;
import io.smoothcast.abr.RenditionSelector;
import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.Pacer;
import io.smoothcast.cc.PacketPriority;
import io.smoothcast.cc.TransportFeedback;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.SequenceNumbers;
import io.smoothcast.rtp.TransportCcFeedbackView;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.NodeSwitchReason;
import io.smoothcast.transport.TokenRefusal;
import io.smoothcast.transport.internal.cc.ReaderStallDetector;
import io.smoothcast.transport.internal.cc.TransportFeedbackCollector;
import io.smoothcast.transport.internal.cc.TransportFeedbackConverter;
import io.smoothcast.transport.internal.cc.UntimedArrivalsReport;
import io.smoothcast.transport.internal.DatagramKind;
import io.smoothcast.transport.internal.SingleWriterCounters;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.failover.ConnectionSupervisor;
import io.smoothcast.transport.internal.netty.DatagramReceiver;
import io.smoothcast.transport.internal.netty.DatagramSender;
import io.smoothcast.transport.internal.netty.UdpTransport;
import io.smoothcast.transport.internal.rtx.RetransmissionBudget;
import io.smoothcast.transport.internal.rtx.RetransmissionCache;
import io.smoothcast.transport.internal.rtx.RtpHeaders;
import io.smoothcast.transport.internal.rtx.RtxPackets;
import io.smoothcast.transport.internal.rtx.TailLossProbe;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;

/**
 * The broadcaster's protocol logic on its I/O thread: the control conversation, packetizing
 * frames taken from the application's queue into the pacer, sending what the pacer releases at
 * the congestion controller's rate, feeding the controller with the node's transport-cc
 * feedback (which also measures the loss on the way to the node, for proactive switching;
 * arrivals the node says it read late after a stall of its own are left out of the delay-based
 * estimate),
 * answering the node's NACKs with RTX from a cache of sent packets, and keyframe requests from
 * the node. The connection itself (failover, proactive switching, background probing of the
 * other nodes) is the {@link ConnectionSupervisor}'s.
 *
 * <p>Not thread-safe: the I/O thread only, except {@link #counters()} reads.
 */
public final class BroadcasterEngine implements DatagramReceiver, ConnectionSupervisor.Events {

    /**
     * Counter indexes. Frames that left the broadcaster: counted as their first packet leaves the
     * pacer (a frame is sent or dropped whole). Every frame taken from the application's queue
     * ends in exactly one of this, {@link #FRAMES_DROPPED_NOT_CONNECTED},
     * {@link #FRAMES_DROPPED_STALE}, {@link #VIDEO_FRAMES_SKIPPED_TO_KEYFRAME},
     * {@link #FRAMES_DROPPED_PACER_FULL} or the sealer's failures, once its packets have left.
     */
    public static final int FRAMES_SENT = 0;
    /**
     * Frames dropped because the broadcaster was not connected: taken from the application's
     * queue, or their first packet due to leave the pacer, while no node carried it; and those
     * still queued (in the application's queue or the pacer, no packet of theirs sent) when it
     * was closed.
     */
    public static final int FRAMES_DROPPED_NOT_CONNECTED = 1;
    /** RTP packets sent. */
    public static final int PACKETS_SENT = 2;
    /** RTP bytes sent. */
    public static final int BYTES_SENT = 3;
    /** PLIs received that name a video track (see {@link #KEYFRAME_REQUESTS_IGNORED} for the others). */
    public static final int KEYFRAME_REQUESTS = 4;
    /** Datagrams not understood. */
    public static final int MALFORMED_DROPPED = 5;
    /** Smoothed RTT in ns (gauge). */
    public static final int RTT_NS = 6;
    /** Target bitrate of the congestion controller, bps (gauge). */
    public static final int TARGET_BITRATE_BPS = 7;
    /**
     * Packets refused by the pacer because its queue was full: retransmissions, and the packets
     * of the frames dropped whole for it ({@link #FRAMES_DROPPED_PACER_FULL}).
     */
    public static final int PACER_DROPPED = 8;
    /** Transport-cc feedback packets received. */
    public static final int TRANSPORT_FEEDBACK_RECEIVED = 9;
    /** Sequence numbers the node asked to be retransmitted. */
    public static final int NACKED_PACKETS = 10;
    /** RTX packets queued in answer. */
    public static final int RTX_SENT = 11;
    /** Times the broadcaster resumed on another node after losing its node. */
    public static final int FAILOVERS = 12;
    /** 1 while the rendition ladder has fallen back to audio only, else 0 (gauge). */
    public static final int AUDIO_ONLY = 13;
    /**
     * Stall reports ({@code SCUT}, {@link UntimedArrivalsReport}) received from the node whose
     * feedback drives the controller: its I/O thread stalled and it read some of our packets late.
     */
    public static final int NODE_STALL_REPORTS = 14;
    /**
     * Reported arrivals a stall report named, handed to the controller marked untimed: their
     * reported times are used for nothing, but they count as received (loss share, acknowledged
     * bitrate over the span around them).
     */
    public static final int UNTIMED_ARRIVALS_MARKED = 15;
    /**
     * Stalls of the broadcaster's own thread (over {@link ReaderStallDetector#STALL_GAP_NS}
     * between two of its events): the controller is told, so the gap in sending is not taken
     * for the path's rate.
     */
    public static final int OWN_STALLS = 16;
    /**
     * NACKed packets (counted in {@link #NACKED_PACKETS} too) and tail loss probes not
     * retransmitted because the RTX of the last second had used up the retransmission budget
     * ({@link RetransmissionBudget}: {@link RetransmissionBudget#MAX_SHARE} of the controller's target,
     * in bytes and packets); not in {@link #RTX_SENT}.
     */
    public static final int RTX_OVER_BUDGET = 17;
    /**
     * Tail loss probes sent ({@link TailLossProbe}): a track's newest packet resent as RTX after
     * the track went quiet without the node's feedback reporting that packet; not counted in
     * {@link #RTX_SENT}.
     */
    public static final int TAIL_PROBES_SENT = 18;
    /**
     * The media target reported to the application and the rendition selector, bps (gauge): the
     * controller's target ({@link #TARGET_BITRATE_BPS}) less the rate of the retransmissions
     * queued over the last second, at most {@link RetransmissionBudget#MAX_SHARE} of it.
     */
    public static final int MEDIA_TARGET_BITRATE_BPS = 19;
    /**
     * Well-formed control messages from a node of the list the broadcaster holds no
     * conversation with, ignored: late answers, e.g. a HELLO_ACK for a join it gave up on
     * (timed out) and moved on from. Not in {@link #MALFORMED_DROPPED}.
     */
    public static final int STALE_CONTROL_IGNORED = 20;
    /**
     * The broadcaster's own send backlog, ns (gauge): the longest time from {@code send()} to a
     * packet of that frame leaving the pacer, over the last one to two seconds (see
     * {@link #sendDelay}). Retransmissions and probes are not in it.
     */
    public static final int SEND_DELAY_MAX_NS = 21;
    /**
     * Audio and video frames dropped whole because they were older than the send-delay limit
     * ({@link #limitSendDelay}) when taken from the application's queue or when their first
     * packet was to leave the pacer.
     */
    public static final int FRAMES_DROPPED_STALE = 22;
    /**
     * Video frames, not stale themselves, dropped because an earlier frame of their track was
     * ({@link #FRAMES_DROPPED_STALE}, {@link #FRAMES_DROPPED_PACER_FULL},
     * {@link #FRAMES_DROPPED_NOT_CONNECTED}): they refer to it, so
     * the track waits for its next keyframe.
     */
    public static final int VIDEO_FRAMES_SKIPPED_TO_KEYFRAME = 23;
    /**
     * Frames dropped whole, before packetizing, because the pacer's queue (its ring for the
     * frame's class, or the engine's {@link #PACED_RING}) had no room for all their packets:
     * a cut frame is worth nothing to a viewer. A video drop makes the track skip to its next
     * keyframe, asked of the application, as a stale drop does.
     */
    public static final int FRAMES_DROPPED_PACER_FULL = 24;
    /**
     * Counters: moves to another node while the node still answered, one per
     * {@link NodeSwitchReason}, at this index plus the reason's ordinal (not in {@link #FAILOVERS}).
     */
    public static final int NODE_SWITCHES = 25;
    /** Counter: refusals of the current token by a node (see {@link ConnectionSupervisor#tokenRefusals}). */
    public static final int TOKEN_REFUSALS = NODE_SWITCHES + NodeSwitchReason.values().length;
    /**
     * Counter: keyframe requests (PLI) from a node that name no video track of this broadcaster
     * (its audio or message track, or an SSRC not its own): only a video decoder needs a
     * keyframe, so the application is not asked.
     */
    public static final int KEYFRAME_REQUESTS_IGNORED = TOKEN_REFUSALS + 1;
    private static final int COUNTER_COUNT = KEYFRAME_REQUESTS_IGNORED + 1;

    /** Sent packets kept per track for retransmission (about 1.5 s of 8 Mbps video). */
    private static final int RETRANSMISSION_CACHE_PACKETS = 1024;
    /**
     * Tail loss probes per quiet period of a track: the second, three timeouts after the newest
     * packet, in case the first was lost too; feedback reporting the newest packet stops them.
     */
    private static final int TAIL_PROBES_PER_QUIET_PERIOD = 2;

    /** {@link #pacedTracks} entry of an answer to a NACK. */
    private static final int PACED_RETRANSMISSION = -1;
    /** {@link #pacedTracks} entries at or below this are tail loss probes ({@link #pacedProbe}). */
    private static final int FIRST_PACED_PROBE = -2;

    /** Ring of packets waiting in the pacer; covers the pacer's four classes of 1024. */
    private static final int PACED_RING = 4096;
    private static final long CONTROLLER_TICK_NS = 25_000_000L;
    /**
     * Smallest interval between a keyframe request of any source (a viewer's, a resume) and one
     * this engine raises itself after dropping video (stale, or refused by a full pacer): the
     * relay's default interval for the viewers' requests (200 ms).
     */
    private static final long KEYFRAME_REQUEST_INTERVAL_NS = 200_000_000L;
    /**
     * Interval at which the engine repeats its keyframe request while a video track still waits
     * for a keyframe and none was handed in since the last request (1 s): an encoder that missed
     * the request, busy or reconfiguring, would otherwise leave the viewers frozen until its own
     * next keyframe, seconds later. Long enough for an encoder that did hear it to answer.
     */
    private static final long KEYFRAME_REQUEST_REPEAT_NS = 1_000_000_000L;
    /** Window of the send-delay maximum: long enough to catch a burst, short enough to clear after it. */
    private static final long SEND_DELAY_WINDOW_NS = 1_000_000_000L;
    private static final int FEEDBACK_SOURCE_SILENCE_MS = 60;
    private static final long FEEDBACK_SOURCE_SILENCE_NS = FEEDBACK_SOURCE_SILENCE_MS * 1_000_000L;
    /** Target changes smaller than this fraction are not reported to the application. */
    private static final double REPORT_THRESHOLD = 0.05;

    /** Callbacks to the public object (state changes and keyframe requests), on the I/O thread. */
    public interface Listener {
        /** The connection state changed (see {@link ConnectionSupervisor}). */
        void onStateChanged(ConnectionState state, String reason);

        /** A keyframe was requested. */
        void onKeyframeRequested();

        /**
         * The media target (the congestion controller's target less what retransmissions used
         * over the last second) changed by 5 % or more.
         */
        void onTargetBitrate(long bitrateBps);

        /** Asks for {@link #onWake} to be called in {@code delayNs} on the I/O thread. */
        void wakeIn(long delayNs);

        /** The stream moved to another node while the old one still answered. Default: ignored. */
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
    private final List<Track> tracks;
    /** Whether any track is video: an audio-only stream has no keyframe to ask the application for. */
    private final boolean hasVideo;
    private final FramePacketizer[] packetizers;
    private final long[] firstCaptureNs;
    private final boolean[] anchored;
    /**
     * Per track: the RTP timestamp of its first frame, random (RFC 3550 5.1: harder known-plaintext
     * attacks on encrypted streams) and drawn once per engine, so it holds across failover and
     * rendition changes. Tracks differ: receivers compare timestamps within a track only and
     * line tracks up by capture time.
     */
    private final int[] firstTimestamps;
    private final Queue<OutgoingFrame> frames;
    private final ConnectionSupervisor supervisor;
    private final Listener listener;
    private final SingleWriterCounters counters = new SingleWriterCounters(COUNTER_COUNT);
    private final CarryingNodes carryingNodes = new CarryingNodes();
    /** This thread's own stalls: it ticks every 10 ms, so a gap over 40 ms between its events is one. */
    private final ReaderStallDetector ownStalls = new ReaderStallDetector();
    private final byte[] scratch = new byte[UdpTransport.RECEIVE_BUFFER_BYTES];
    private final RtcpCompoundReader rtcp = new RtcpCompoundReader();
    private final RtcpPliView pli = new RtcpPliView();
    private final TransportCcFeedbackView transportCc = new TransportCcFeedbackView();
    private final TransportFeedbackConverter feedbackConverter = new TransportFeedbackConverter();
    private final UntimedArrivalsReport untimedReport = new UntimedArrivalsReport();
    /** The converted feedback with the arrivals the node said it read late marked untimed. */
    private final TransportFeedback markedFeedback =
            new TransportFeedback(TransportFeedbackCollector.MAX_PACKETS_PER_FEEDBACK * 2);
    /**
     * The unwrapped transport-wide numbers, first to last inclusive, that a stall report in the
     * datagram being read names as read late by the node; -1 when none.
     */
    private long untimedFirst = -1;
    private long untimedLast = -1;
    private final CongestionController controller;
    private final Pacer pacer;
    private final RenditionSelector renditions;
    private final ByteBuf[] pacedPackets = new ByteBuf[PACED_RING];
    private final int[] pacedTransportOffsets = new int[PACED_RING];
    /**
     * What each paced packet is: the index of its track (an original, cached once sent),
     * {@link #PACED_RETRANSMISSION}, or {@link #pacedProbe} of a track (a tail loss probe; its
     * transport-wide number is noted for the feedback). Neither RTX kind is cached again.
     */
    private final int[] pacedTracks = new int[PACED_RING];
    /** When the application handed in the frame of each paced original packet (its {@code send()}). */
    private final long[] pacedQueuedNs = new long[PACED_RING];
    /** Per paced original packet: the number of its frame within its track (see {@link #frameNumbers}). */
    private final int[] pacedFrames = new int[PACED_RING];
    /** Per paced original packet: whether its frame is a keyframe. */
    private final boolean[] pacedKeyframes = new boolean[PACED_RING];
    /**
     * Frames older than this, in ns, when taken from the application's queue or when their first
     * packet is to leave the pacer are dropped ({@link #limitSendDelay}); 0: never.
     */
    private long maxSendDelayNs;
    /** Per track: the number the next packetized frame gets. */
    private final int[] frameNumbers;
    /** Per track: the frame whose first packet left the pacer (or was dropped) last, -1 before any. */
    private final int[] leavingFrames;
    /** Per track: whether the packets of {@link #leavingFrames} are dropped. */
    private final boolean[] droppingLeavingFrame;
    /** Per video track: a frame was dropped, so every later one is until a keyframe leaves. */
    private final boolean[] awaitingKeyframe;
    /**
     * Per video track: a frame was dropped before packetizing (the pacer was full), so every
     * later one is too until a keyframe is taken from the application's queue. Unlike
     * {@link #awaitingKeyframe} this applies at once: the frames of the track already in the
     * pacer are older than the dropped one and do not refer to it.
     */
    private final boolean[] skippingToKeyframeAtDrain;
    /**
     * Per track: a keyframe was taken from the application's queue into the pacer since this
     * engine last asked for one and since the track began waiting: it is on its way, so the
     * request is not repeated ({@link #KEYFRAME_REQUEST_REPEAT_NS}).
     */
    private final boolean[] keyframeQueuedSinceRequest;
    /**
     * Per track: original packets dropped in the pacer so far. The RTP sequence numbers of the
     * packets sent after them are lowered by this many (mod 2^16), so that viewers see no gap to
     * NACK for packets that were never sent.
     */
    private final int[] droppedPackets;
    /** When the application was last asked for a keyframe, for any reason ({@link #askForKeyframe}). */
    private long lastKeyframeRequestNs;
    private boolean keyframeRequested;
    /**
     * A request held back by {@link #KEYFRAME_REQUEST_INTERVAL_NS} or while not connected,
     * raised on a later tick if still needed.
     */
    private boolean keyframeRequestPending;
    /** Time from {@code send()} to each original packet leaving; published as {@link #SEND_DELAY_MAX_NS}. */
    private final WindowedMax sendDelay = new WindowedMax(SEND_DELAY_WINDOW_NS);
    /** Sent packets per track, to answer the node's NACKs with RTX. */
    private final RetransmissionCache[] sentPackets;
    private final int[] nextRtxSequence;
    private final RetransmissionBudget retransmissionBudget = new RetransmissionBudget(RetransmissionBudget.WINDOW_NS);
    /** Per track with RTX: when its tail was last sent, to resend it if it may have been lost. */
    private final TailLossProbe[] tailProbes;
    /** Per track: the unwrapped transport-wide number of its newest original packet sent. */
    private final long[] newestTransportSequence;
    /**
     * Per track: the unwrapped transport-wide number of the latest tail loss probe that carried
     * its newest packet, -1 if none since that packet left (a report of an older probe says
     * nothing of the tail sent after it).
     */
    private final long[] probeTransportSequence;
    /** Per track: the RTP sequence number its latest queued tail loss probe carries. */
    private final int[] probedSequence;
    /** Where each track's packets carry the transport-wide sequence number (fixed layout). */
    private final int[] transportOffsets;
    private final RtcpNackView nack = new RtcpNackView();
    private long nextHandle;
    /** The node whose transport-cc feedback is used, and when it last sent some. */
    private InetSocketAddress feedbackSource;
    private long lastSourceFeedbackNs;
    /** Unwrapped transport-wide sequence number of the next packet sent. */
    private long nextTransportSequence;
    private long lastControllerTickNs;
    private boolean controllerTicked;
    private long reportedTargetBps = -1;
    private boolean wakePending;
    private long wakeAtNs;
    private long currentNs;
    /** The track of the frame being packetized (read by the packet sink). */
    private int currentTrackIndex;
    /** When the frame being packetized was handed to {@code send()} (read by the packet sink). */
    private long currentQueuedNs;
    /** The frame being packetized: its number within its track and whether it is a keyframe (read by the sink). */
    private int currentFrame;
    private boolean currentKeyframe;
    private final FramePacketizer.PacketSink sink;
    /** Seals frames end to end before packetizing, or null without encryption. */
    private FrameSealer sealer;

    /**
     * @param out where datagrams go
     * @param nodes the nodes, best first
     * @param sessionId random session id, kept across failover
     * @param publish the PUBLISH request (stream id and tracks)
     * @param policy failure detection, failover and redundancy settings
     * @param frames the application's queue (MPSC; this engine is its only consumer)
     * @param listener callbacks to the public object
     * @param randomSeed seeds the first sequence numbers and RTP timestamps
     * @param controller the congestion controller (owned by this engine from now on)
     * @param pacer the pacer (owned by this engine from now on)
     * @param renditions picks the rendition from each new target, or null without a ladder
     */
    public BroadcasterEngine(DatagramSender out, List<InetSocketAddress> nodes, long sessionId,
            ControlMessage.Publish publish, FailoverPolicy policy, Queue<OutgoingFrame> frames, Listener listener,
            long randomSeed, CongestionController controller, Pacer pacer, RenditionSelector renditions) {
        this.out = out;
        this.tracks = publish.tracks();
        this.hasVideo = tracks.stream().anyMatch(t -> t.kind() == MediaKind.VIDEO);
        this.frames = frames;
        this.listener = listener;
        this.supervisor = new ConnectionSupervisor(out, nodes, sessionId, publish, (int) randomSeed, policy, this);
        this.packetizers = new FramePacketizer[tracks.size()];
        this.firstCaptureNs = new long[tracks.size()];
        this.anchored = new boolean[tracks.size()];
        SplittableRandom random = new SplittableRandom(randomSeed);
        for (int i = 0; i < packetizers.length; i++) {
            packetizers[i] = new FramePacketizer(tracks.get(i),
                    RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID, random.nextInt(1 << 16));
        }
        this.controller = controller;
        this.pacer = pacer;
        this.renditions = renditions;
        this.sentPackets = new RetransmissionCache[tracks.size()];
        this.nextRtxSequence = new int[tracks.size()];
        this.transportOffsets = new int[tracks.size()];
        this.tailProbes = new TailLossProbe[tracks.size()];
        this.newestTransportSequence = new long[tracks.size()];
        this.probeTransportSequence = new long[tracks.size()];
        Arrays.fill(probeTransportSequence, -1);
        this.probedSequence = new int[tracks.size()];
        this.frameNumbers = new int[tracks.size()];
        this.leavingFrames = new int[tracks.size()];
        Arrays.fill(leavingFrames, -1);
        this.droppingLeavingFrame = new boolean[tracks.size()];
        this.awaitingKeyframe = new boolean[tracks.size()];
        this.skippingToKeyframeAtDrain = new boolean[tracks.size()];
        this.keyframeQueuedSinceRequest = new boolean[tracks.size()];
        this.droppedPackets = new int[tracks.size()];
        for (int i = 0; i < tracks.size(); i++) {
            sentPackets[i] = new RetransmissionCache(RETRANSMISSION_CACHE_PACKETS);
            tailProbes[i] = new TailLossProbe(TAIL_PROBES_PER_QUIET_PERIOD);
            nextRtxSequence[i] = random.nextInt(1 << 16);
        }
        // Drawn after the sequence numbers, which so stay what they were for a given seed.
        this.firstTimestamps = new int[tracks.size()];
        for (int i = 0; i < tracks.size(); i++) {
            firstTimestamps[i] = random.nextInt();
        }
        this.sink = (packet, sequenceNumber, transportSequenceOffset) -> {
            transportOffsets[currentTrackIndex] = transportSequenceOffset;
            enqueuePacket(packet, priority(currentTrackIndex), currentTrackIndex, transportSequenceOffset);
        };
    }

    private PacketPriority priority(int trackIndex) {
        return switch (tracks.get(trackIndex).kind()) {
            case AUDIO -> PacketPriority.AUDIO;
            case DATA -> PacketPriority.INTERACTIVE;
            case VIDEO -> PacketPriority.VIDEO;
        };
    }

    /**
     * Whether the pacer takes {@code packets} more packets of a track: its class's ring has room
     * and the engine's slots for the next handles are free (a packet starved in a lower class can
     * hold one while newer ones pass).
     */
    private boolean pacerHasRoom(int trackIndex, int packets) {
        if (packets > pacer.room(priority(trackIndex))) {
            return false;
        }
        for (long handle = nextHandle; handle < nextHandle + packets; handle++) {
            if (pacedPackets[(int) (handle & (PACED_RING - 1))] != null) {
                return false;
            }
        }
        return true;
    }

    /** The {@link #pacedTracks} entry of a tail loss probe of a track. */
    private static int pacedProbe(int trackIndex) {
        return FIRST_PACED_PROBE - trackIndex;
    }

    /** The track a {@link #pacedTracks} entry at or below {@link #FIRST_PACED_PROBE} probes. */
    private static int probedTrack(int pacedEntry) {
        return FIRST_PACED_PROBE - pacedEntry;
    }

    /**
     * Puts a packet in the pacer's queue.
     *
     * @param trackIndex the track whose sent-packet cache keeps it once sent,
     *     {@link #PACED_RETRANSMISSION} or {@link #pacedProbe} of a track
     */
    private boolean enqueuePacket(ByteBuf packet, PacketPriority priority, int trackIndex, int transportSequenceOffset) {
        long handle = nextHandle;
        int slot = (int) (handle & (PACED_RING - 1));
        if (pacedPackets[slot] != null || !pacer.enqueue(priority, handle, packet.readableBytes(), currentNs)) {
            packet.release();
            counters.increment(PACER_DROPPED);
            return false;
        }
        nextHandle++;
        pacedPackets[slot] = packet;
        pacedTransportOffsets[slot] = transportSequenceOffset;
        pacedTracks[slot] = trackIndex;
        pacedQueuedNs[slot] = currentQueuedNs;
        pacedFrames[slot] = currentFrame;
        pacedKeyframes[slot] = currentKeyframe;
        return true;
    }

    /**
     * Sends what the pacer allows now, stamping each packet's transport-wide sequence number in
     * sending order, and asks to be woken when the pacer allows more.
     *
     * @param nowNs the current time
     */
    public void onWake(long nowNs) {
        noteOwnActivity(nowNs);
        wakePending = false;
        sendDue(nowNs);
    }

    private void sendDue(long nowNs) {
        boolean sent = false;
        long handle;
        while ((handle = pacer.poll(nowNs)) >= 0) {
            int slot = (int) (handle & (PACED_RING - 1));
            ByteBuf packet = pacedPackets[slot];
            pacedPackets[slot] = null;
            int trackIndex = pacedTracks[slot];
            if (trackIndex >= 0 && dropsLeavingPacket(slot, trackIndex, nowNs)) {
                pacer.refundLast(); // the path's time goes to the newer frames behind it
                packet.release();
                droppedPackets[trackIndex]++;
                continue;
            }
            if (trackIndex >= 0 && droppedPackets[trackIndex] != 0) {
                int sequenceAt = packet.readerIndex() + 2;
                packet.setShort(sequenceAt, packet.getUnsignedShort(sequenceAt) - droppedPackets[trackIndex]);
            }
            long transportSequence = nextTransportSequence++;
            packet.setShort(packet.readerIndex() + pacedTransportOffsets[slot], (int) transportSequence);
            int size = packet.readableBytes();
            if (trackIndex >= 0 && tracks.get(trackIndex).hasRtx()) {
                int sequenceNumber = RtpHeaders.sequenceNumber(packet, packet.readerIndex());
                sentPackets[trackIndex].put(sequenceNumber, packet);
                tailProbes[trackIndex].onSent(sequenceNumber, nowNs);
                newestTransportSequence[trackIndex] = transportSequence;
                probeTransportSequence[trackIndex] = -1;
            }
            if (trackIndex >= 0) {
                sendDelay.add(nowNs - pacedQueuedNs[slot], nowNs);
                counters.set(SEND_DELAY_MAX_NS, sendDelay.max(nowNs));
            } else if (trackIndex <= FIRST_PACED_PROBE) {
                int probed = probedTrack(trackIndex);
                // A probe waits behind video in the pacer: one the track's next packet overtook
                // carries an older tail, and its report must not stop the probes of the new one.
                if (probedSequence[probed] == tailProbes[probed].newestSequence()) {
                    probeTransportSequence[probed] = transportSequence;
                }
            }
            controller.onPacketSent(transportSequence, size, nowNs, pacer.lastProbeClusterId());
            counters.increment(PACKETS_SENT);
            counters.add(BYTES_SENT, size);
            sendToNodes(packet);
            sent = true;
        }
        if (sent) {
            out.flush();
        }
        long next = pacer.nextSendTimeNs(nowNs);
        if (next != Long.MAX_VALUE && (!wakePending || next - wakeAtNs < 0)) {
            wakePending = true;
            wakeAtNs = next;
            listener.wakeIn(Math.max(0, next - nowNs));
        }
    }

    /**
     * Sends a packet to every node carrying the stream (two in redundant mode); takes ownership.
     * While no node carries it the packet is dropped: its frame is gone for the viewers, and the
     * sequence gap tells their jitter buffers so.
     */
    private void sendToNodes(ByteBuf packet) {
        int n = supervisor.connectedCount();
        if (n == 0) {
            packet.release();
            return;
        }
        for (int i = 1; i < n; i++) {
            out.send(packet.retainedDuplicate(), supervisor.connected(i));
        }
        out.send(packet, supervisor.connected(0));
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
     * Sets the RTP timestamp of every track's first frame instead of the random one (tests take
     * the stream across the 32-bit wrap with it); call before {@link #start}.
     *
     * @param timestamp the first frame's RTP timestamp (unsigned, in an int)
     */
    public void firstRtpTimestamp(int timestamp) {
        Arrays.fill(firstTimestamps, timestamp);
    }

    /**
     * Seals every frame end to end (SFrame) before packetizing; call before {@link #start}.
     *
     * @param frameSealer the sealer, or null to send frames as they are
     */
    public void useEncryption(FrameSealer frameSealer) {
        this.sealer = frameSealer;
    }

    /**
     * The nodes carrying the broadcaster now, primary first (two in redundant mode while both
     * paths are up; empty while reconnecting); any thread. Renewed after every control message
     * and tick.
     */
    public List<InetSocketAddress> carryingNodes() {
        return carryingNodes.nodes();
    }

    /** The counters, readable from any thread. */
    public SingleWriterCounters counters() {
        return counters;
    }

    @Override
    public void onDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        noteOwnActivity(nowNs);
        if (!supervisor.accepts(sender, nowNs)) {
            onOtherNode(datagram, sender, nowNs);
            return;
        }
        switch (DatagramKind.classify(datagram)) {
            case CONTROL -> {
                DecodeResult result = ControlCodec.decode(datagram);
                if (result.ok()) {
                    supervisor.onControl(sender, result, nowNs);
                    carryingNodes.refresh(supervisor);
                    counters.set(RTT_NS, supervisor.rttNs());
                } else {
                    counters.increment(MALFORMED_DROPPED);
                }
            }
            case RTCP -> onRtcp(datagram, sender, isFeedbackSource(sender, nowNs), nowNs);
            default -> counters.increment(MALFORMED_DROPPED);
        }
    }

    /** Only probe replies are expected from a node the broadcaster is not joined to (late answers aside). */
    private void onOtherNode(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        switch (supervisor.onOtherNodeDatagram(datagram, sender, nowNs)) {
            case STALE_CONTROL -> counters.increment(STALE_CONTROL_IGNORED);
            case FOREIGN -> counters.increment(MALFORMED_DROPPED);
            case PROBE_REPLY -> { } // taken by the prober
        }
    }

    /**
     * Queues RTX (RFC 4588) for every NACKed packet still in the sent-packet cache, as far as the
     * retransmission budget allows (RTX over the last second at most
     * {@link RetransmissionBudget#MAX_SHARE} of the current target, in bytes and packets).
     */
    private void answerNack(long nowNs) {
        int trackIndex = -1;
        for (int i = 0; i < tracks.size(); i++) {
            if (tracks.get(i).ssrc() == nack.mediaSsrc() && tracks.get(i).hasRtx()) {
                trackIndex = i;
            }
        }
        if (trackIndex < 0) {
            return;
        }
        currentNs = nowNs;
        boolean queued = false;
        for (int e = 0; e < nack.entryCount(); e++) {
            int pid = nack.packetId(e);
            int blp = nack.lostBitmask(e);
            for (int bit = -1; bit < 16; bit++) {
                if (bit >= 0 && (blp & (1 << bit)) == 0) {
                    continue;
                }
                counters.increment(NACKED_PACKETS);
                if (retransmit(trackIndex, (pid + bit + 1) & 0xFFFF, PACED_RETRANSMISSION)) {
                    counters.increment(RTX_SENT);
                    queued = true;
                }
            }
        }
        if (queued) {
            sendDue(nowNs);
        }
    }

    /**
     * Queues one cached packet as RTX within the retransmission budget.
     *
     * @param pacedAs the paced packet's {@link #pacedTracks} entry: {@link #PACED_RETRANSMISSION}
     *     or {@link #pacedProbe} of the track
     * @return whether it was queued
     */
    private boolean retransmit(int trackIndex, int sequenceNumber, int pacedAs) {
        ByteBuf original = sentPackets[trackIndex].get(sequenceNumber);
        if (original == null) {
            return false;
        }
        int rtxBytes = original.readableBytes() + 2; // RFC 4588: the original sequence number in front
        long allowedBps = RetransmissionBudget.allowedBitrateBps(controller.targetBitrateBps());
        if (!retransmissionBudget.hasRoomFor(rtxBytes, allowedBps, currentNs)) {
            counters.increment(RTX_OVER_BUDGET);
            return false;
        }
        Track track = tracks.get(trackIndex);
        ByteBuf rtx = RtxPackets.toRtx(out.allocator(), original, track.rtxPayloadType(), track.rtxSsrc(),
                nextRtxSequence[trackIndex]);
        if (rtx == null) {
            return false;
        }
        nextRtxSequence[trackIndex] = (nextRtxSequence[trackIndex] + 1) & 0xFFFF;
        // An audio repair rides in the audio class, ahead of video: it is about 100 bytes, comes
        // at most at the audio's own packet rate, and is due within the round trip the viewer's
        // audio buffer waits; behind a keyframe's queue in the retransmission class it would come
        // after its playout time. Other repairs stay below video.
        PacketPriority priority = track.kind() == MediaKind.AUDIO ? PacketPriority.AUDIO
                : PacketPriority.RETRANSMISSION;
        if (!enqueuePacket(rtx, priority, pacedAs, transportOffsets[trackIndex])) {
            return false;
        }
        retransmissionBudget.record(rtxBytes, currentNs);
        return true;
    }

    /**
     * Counts a transport-cc feedback (16-bit numbers, receiver's clock) into its node's path loss
     * and, from the node that drives the congestion controller, hands it to the controller,
     * without the arrivals a stall report in front of it named as read late (losses still
     * count; PROTOCOL.md section 4, "Receiver stalls").
     */
    private void onTransportFeedback(InetSocketAddress sender, boolean fromPrimary, long nowNs) {
        counters.increment(TRANSPORT_FEEDBACK_RECEIVED);
        TransportFeedback feedback = feedbackConverter.convert(transportCc, nextTransportSequence - 1);
        if (feedback == null) {
            return;
        }
        int received = 0;
        for (int i = 0; i < feedback.size(); i++) {
            received += feedback.isReceived(i) ? 1 : 0;
        }
        supervisor.onFeedbackReport(sender, received, feedback.size() - received);
        if (!fromPrimary) {
            return;
        }
        acknowledgeTails(feedback);
        if (untimedFirst >= 0) {
            feedback = withUntimedArrivalsMarked(feedback);
        }
        controller.onFeedback(feedback, nowNs);
        updateTarget(nowNs);
    }

    /**
     * Stops the tail loss probes of every track whose newest packet, or a probe carrying it, the
     * feedback reports received.
     */
    private void acknowledgeTails(TransportFeedback feedback) {
        for (int i = 0; i < feedback.size(); i++) {
            if (!feedback.isReceived(i)) {
                continue;
            }
            long sequence = feedback.sequence(i);
            for (int t = 0; t < tailProbes.length; t++) {
                if (sequence == newestTransportSequence[t] || sequence == probeTransportSequence[t]) {
                    tailProbes[t].onNewestAcknowledged();
                }
            }
        }
    }

    /**
     * Resends the newest packet of each track that has been quiet for a tail loss probe timeout
     * without the node reporting that packet (PROTOCOL.md section 3, step 3, "Tail loss probes"):
     * if the stream's last packets were lost, the node sees the gap in front of the probe and
     * NACKs them.
     */
    private void probeQuietTails(long nowNs) {
        if (!supervisor.isConnected()) {
            return;
        }
        currentNs = nowNs;
        boolean queued = false;
        for (int t = 0; t < tailProbes.length; t++) {
            TailLossProbe probe = tailProbes[t];
            if (probe.isDue(nowNs, supervisor.pathRttNs())) {
                probe.onProbed();
                if (retransmit(t, probe.newestSequence(), pacedProbe(t))) {
                    probedSequence[t] = probe.newestSequence();
                    counters.increment(TAIL_PROBES_SENT);
                    queued = true;
                }
            }
        }
        if (queued) {
            sendDue(nowNs);
        }
    }

    /**
     * The feedback with the received packets the node said it read late marked untimed: their
     * times go nowhere, but they arrived, so the loss share counts them (losses are kept as well).
     */
    private TransportFeedback withUntimedArrivalsMarked(TransportFeedback feedback) {
        markedFeedback.clear();
        for (int i = 0; i < feedback.size(); i++) {
            long sequence = feedback.sequence(i);
            if (!feedback.isReceived(i)) {
                markedFeedback.addLost(sequence); // a loss is a loss, stall or not
            } else if (sequence < untimedFirst || sequence > untimedLast) {
                markedFeedback.addReceived(sequence, feedback.receiveTimeNs(i));
            } else {
                markedFeedback.addReceivedUntimed(sequence);
                counters.increment(UNTIMED_ARRIVALS_MARKED);
            }
        }
        return markedFeedback;
    }

    /**
     * A stall report of the node whose feedback drives the controller: the feedback after it, in
     * the same datagram, reports these numbers with read times, not arrival times.
     */
    private void onUntimedArrivals(int firstSequence, int count) {
        counters.increment(NODE_STALL_REPORTS);
        long lastSent = nextTransportSequence - 1;
        if (lastSent < 0) {
            return; // nothing sent yet: the report names no packet of ours
        }
        untimedFirst = lastSent + SequenceNumbers.distance((int) lastSent, firstSequence);
        untimedLast = untimedFirst + count - 1; // numbers never sent match no arrival
    }

    /**
     * Passes the controller's target to the pacer (which carries media and retransmissions alike)
     * and the media target, the target less what retransmissions used over the last second
     * ({@link RetransmissionBudget#MAX_SHARE} at most), to the rendition selector and the application.
     */
    private void updateTarget(long nowNs) {
        long target = controller.targetBitrateBps();
        pacer.setTargetBitrateBps(target);
        counters.set(TARGET_BITRATE_BPS, target);
        long media = retransmissionBudget.mediaTargetBps(target, nowNs);
        counters.set(MEDIA_TARGET_BITRATE_BPS, media);
        if (renditions != null) {
            renditions.update(media, nowNs); // calls the application's AbrListener on a change
            counters.set(AUDIO_ONLY, renditions.isAudioOnly() ? 1 : 0);
        }
        if (reportedTargetBps < 0 || Math.abs(media - reportedTargetBps) >= REPORT_THRESHOLD * reportedTargetBps) {
            reportedTargetBps = media;
            listener.onTargetBitrate(media);
        }
    }

    /**
     * Whether this node's transport-cc feedback drives the congestion controller. With two nodes
     * (redundant mode) only one may: both report the same sequence numbers. The source changes
     * when its feedback has stopped for {@value #FEEDBACK_SOURCE_SILENCE_MS} ms (it is probably
     * dying; waiting for the failure detector would make the controller back off for nothing).
     */
    private boolean isFeedbackSource(InetSocketAddress sender, long nowNs) {
        if (feedbackSource == null || !sender.equals(feedbackSource)
                && nowNs - lastSourceFeedbackNs > FEEDBACK_SOURCE_SILENCE_NS) {
            feedbackSource = sender;
        }
        if (sender.equals(feedbackSource)) {
            lastSourceFeedbackNs = nowNs;
            return true;
        }
        return false;
    }

    /**
     * @param sender the node the RTCP comes from
     * @param fromPrimary whether the RTCP comes from the node whose transport-cc feedback drives
     *     the congestion controller
     */
    private void onRtcp(ByteBuf datagram, InetSocketAddress sender, boolean fromPrimary, long nowNs) {
        int length = Math.min(datagram.readableBytes(), scratch.length);
        datagram.getBytes(datagram.readerIndex(), scratch, 0, length);
        if (rtcp.wrap(scratch, 0, length) != ParseStatus.OK) {
            counters.increment(MALFORMED_DROPPED);
            return;
        }
        untimedFirst = -1; // a stall report covers the feedback of its own datagram only
        untimedLast = -1;
        while (rtcp.next()) {
            if (rtcp.packetType() == RtcpPacketType.PAYLOAD_FEEDBACK && rtcp.format() == RtcpPacketType.FMT_PLI
                    && pli.wrap(scratch, rtcp.packetOffset(), rtcp.packetLength()) == ParseStatus.OK) {
                if (isVideoSsrc(pli.mediaSsrc())) {
                    counters.increment(KEYFRAME_REQUESTS);
                    askForKeyframe(nowNs);
                } else {
                    counters.increment(KEYFRAME_REQUESTS_IGNORED);
                }
            } else if (rtcp.packetType() == RtcpPacketType.TRANSPORT_FEEDBACK
                    && rtcp.format() == RtcpPacketType.FMT_GENERIC_NACK
                    && nack.wrap(scratch, rtcp.packetOffset(), rtcp.packetLength()) == ParseStatus.OK) {
                answerNack(nowNs);
            } else if (rtcp.packetType() == RtcpPacketType.TRANSPORT_FEEDBACK
                    && rtcp.format() == RtcpPacketType.FMT_TRANSPORT_CC
                    && transportCc.wrap(scratch, rtcp.packetOffset(), rtcp.packetLength()) == ParseStatus.OK) {
                onTransportFeedback(sender, fromPrimary, nowNs);
            } else if (rtcp.packetType() == RtcpPacketType.APP && fromPrimary) {
                int status = untimedReport.read(scratch, rtcp.packetOffset(), rtcp.packetLength());
                if (status == ParseStatus.OK) {
                    onUntimedArrivals(untimedReport.firstSequence(), untimedReport.count());
                } else if (status != ParseStatus.WRONG_PACKET_TYPE) { // another APP packet or subtype: ignored
                    counters.increment(MALFORMED_DROPPED);
                }
            }
        }
        if (rtcp.status() != ParseStatus.OK) {
            counters.increment(MALFORMED_DROPPED);
        }
    }

    private boolean isVideoSsrc(int ssrc) {
        for (Track track : tracks) {
            if (track.ssrc() == ssrc && track.kind() == MediaKind.VIDEO) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onHandlerFailure(RuntimeException failure) {
        counters.increment(MALFORMED_DROPPED);
    }

    /**
     * Takes every queued frame, packetizes and sends it (or drops it while not connected).
     *
     * @param nowNs the current time
     */
    public void drain(long nowNs) {
        noteOwnActivity(nowNs);
        currentNs = nowNs;
        OutgoingFrame frame;
        boolean queued = false;
        while ((frame = frames.poll()) != null) {
            try {
                if (!supervisor.isConnected()) {
                    counters.increment(FRAMES_DROPPED_NOT_CONNECTED);
                    if (tracks.get(frame.trackIndex()).kind() == MediaKind.VIDEO && frameNumbers[frame.trackIndex()] > 0) {
                        // Never packetized, it spends no sequence number: no gap would tell the
                        // viewers that the next frames refer to one they never got. The track
                        // waits for a keyframe, as after a full pacer (asked once connected).
                        // Before the track's first frame left there is no such viewer: one
                        // starts at a keyframe anyway.
                        skippingToKeyframeAtDrain[frame.trackIndex()] = true;
                        requestKeyframe(nowNs);
                    }
                } else if (isStale(frame.trackIndex(), frame.keyframe(), frame.queuedNs(), nowNs)) {
                    // it waited too long in the application's queue (a starved I/O thread)
                } else if (skipsToKeyframeAtDrain(frame.trackIndex(), frame.keyframe())) {
                    // an earlier frame of its track found the pacer full: it refers to that one
                } else {
                    // null: could not be sealed (counted by the sealer), never sent in clear
                    ByteBuf data = sealer == null ? frame.data() : sealer.seal(frame.data());
                    queued |= data != null && queueFrame(frame, data, nowNs);
                }
            } finally {
                frame.data().release();
            }
        }
        if (queued) {
            sendDue(nowNs);
        }
    }

    /**
     * Packetizes a frame into the pacer, or drops it whole if the pacer has no room for all its
     * packets.
     *
     * @param data the frame's bytes, sealed if encryption is on
     * @return whether it was queued
     */
    private boolean queueFrame(OutgoingFrame frame, ByteBuf data, long nowNs) {
        int i = frame.trackIndex();
        int packets = FramePacketizer.packetCount(data.readableBytes());
        if (!pacerHasRoom(i, packets)) {
            dropForFullPacer(i, packets, nowNs);
            return false;
        }
        currentTrackIndex = i;
        currentQueuedNs = frame.queuedNs();
        currentFrame = frameNumbers[i]++;
        currentKeyframe = frame.keyframe();
        keyframeQueuedSinceRequest[i] |= frame.keyframe();
        packetizers[i].packetize(data, rtpTimestamp(i, frame.captureTimeNs()), frame.captureTimeNtp(),
                frame.keyframe(), out.allocator(), sink);
        return true;
    }

    /**
     * Whether the packets of a track leaving the pacer are dropped: decided once per frame, when
     * its first packet is to leave, so a frame is sent or dropped whole. While no node carries the
     * broadcaster a frame is dropped as not connected, as {@link #drain} drops the frames it takes
     * then: its packets would go nowhere, and dropped here they spend no sequence number, no
     * transport-wide number for the controller to count as lost, and none of the pacer's budget.
     * A video track then waits for a keyframe (the later frames refer to the dropped one, and no
     * sequence gap tells the viewers so), which the resume asks for ({@link #onNodeAccepted}). A frame whose first packet left
     * before the connection dropped is sent: its last packets are lost to the outage.
     */
    private boolean dropsLeavingPacket(int slot, int trackIndex, long nowNs) {
        if (pacedFrames[slot] != leavingFrames[trackIndex]) {
            leavingFrames[trackIndex] = pacedFrames[slot];
            boolean keyframe = pacedKeyframes[slot];
            if (!supervisor.isConnected()) {
                counters.increment(FRAMES_DROPPED_NOT_CONNECTED);
                // a keyframe that never left answers no request: a waiting track keeps asking
                keyframeQueuedSinceRequest[trackIndex] &= !keyframe;
                if (tracks.get(trackIndex).kind() == MediaKind.VIDEO) {
                    // Its sequence numbers are taken back (droppedPackets): the later frames, which
                    // refer to it, would reach the viewers with no gap before them. They wait for
                    // a keyframe, as after a stale frame (asked once connected).
                    awaitingKeyframe[trackIndex] = true;
                    requestKeyframe(nowNs);
                }
                droppingLeavingFrame[trackIndex] = true;
                return true;
            }
            boolean drop = isStale(trackIndex, keyframe, pacedQueuedNs[slot], nowNs);
            if (!drop && awaitingKeyframe[trackIndex]) {
                if (keyframe) {
                    awaitingKeyframe[trackIndex] = false;
                } else {
                    counters.increment(VIDEO_FRAMES_SKIPPED_TO_KEYFRAME);
                    drop = true;
                }
            }
            droppingLeavingFrame[trackIndex] = drop;
            if (!drop) {
                counters.increment(FRAMES_SENT);
            }
        }
        return droppingLeavingFrame[trackIndex];
    }

    /**
     * Drops a frame the pacer has no room for, whole and before packetizing (so no RTP sequence
     * number is spent on it); a video track then skips to its next keyframe, asked of the
     * application (at most once per {@link #KEYFRAME_REQUEST_INTERVAL_NS}).
     */
    private void dropForFullPacer(int trackIndex, int packets, long nowNs) {
        counters.increment(FRAMES_DROPPED_PACER_FULL);
        counters.add(PACER_DROPPED, packets);
        if (tracks.get(trackIndex).kind() == MediaKind.VIDEO) {
            // a new episode, or the keyframe that would have ended one (later frames are skipped first)
            skippingToKeyframeAtDrain[trackIndex] = true;
            requestKeyframe(nowNs);
        }
    }

    /**
     * Whether a frame taken from the application's queue is dropped because an earlier frame of
     * its track found the pacer full ({@link #skippingToKeyframeAtDrain}); a keyframe ends that.
     */
    private boolean skipsToKeyframeAtDrain(int trackIndex, boolean keyframe) {
        if (!skippingToKeyframeAtDrain[trackIndex]) {
            return false;
        }
        if (keyframe) {
            skippingToKeyframeAtDrain[trackIndex] = false;
            return false;
        }
        counters.increment(VIDEO_FRAMES_SKIPPED_TO_KEYFRAME);
        return true;
    }

    /**
     * Whether an audio or video frame handed in at {@code queuedNs} is older than the send-delay
     * limit; if so it is counted, and a video track waits for a keyframe, asked of the
     * application. Messages are never stale: the application decides what they are worth.
     * Frames wait in order, so every frame of the track older than this one is stale as well.
     */
    private boolean isStale(int trackIndex, boolean keyframe, long queuedNs, long nowNs) {
        MediaKind kind = tracks.get(trackIndex).kind();
        if (maxSendDelayNs == 0 || kind == MediaKind.DATA || nowNs - queuedNs - maxSendDelayNs <= 0) {
            return false;
        }
        counters.increment(FRAMES_DROPPED_STALE);
        if (kind == MediaKind.VIDEO && (!awaitingKeyframe[trackIndex] || keyframe)) {
            // a new episode, or the keyframe that would have ended it is lost too
            awaitingKeyframe[trackIndex] = true;
            keyframeQueuedSinceRequest[trackIndex] = false;
            requestKeyframe(nowNs);
        }
        return true;
    }

    /**
     * Asks the application for a keyframe, at most once per {@link #KEYFRAME_REQUEST_INTERVAL_NS}
     * since the last request of any source. While not connected the request is held back (the
     * frames are dropped as not connected, so a keyframe now would be spent on nobody): the
     * resume asks for one anyway ({@link #onNodeAccepted}), and a later tick raises it if the
     * connection came back without that.
     */
    private void requestKeyframe(long nowNs) {
        if (!supervisor.isConnected()
                || keyframeRequested && nowNs - lastKeyframeRequestNs < KEYFRAME_REQUEST_INTERVAL_NS) {
            keyframeRequestPending = true;
            return;
        }
        Arrays.fill(keyframeQueuedSinceRequest, false);
        askForKeyframe(nowNs);
    }

    /**
     * Asks the application for a keyframe at once: the node relayed a viewer's request, or the
     * stream resumed on a node whose viewers need a decodable start, or {@link #requestKeyframe}.
     * Every source counts as this engine's request: its own repeat ({@link #KEYFRAME_REQUEST_REPEAT_NS})
     * and held-back request wait from here, so the encoder is not asked twice within moments.
     * A keyframe already on its way ({@link #keyframeQueuedSinceRequest}) still answers it.
     */
    private void askForKeyframe(long nowNs) {
        if (!hasVideo) {
            return; // a resume or a node's PLI: an audio-only stream's every frame is a start
        }
        keyframeRequested = true;
        lastKeyframeRequestNs = nowNs;
        keyframeRequestPending = false;
        listener.onKeyframeRequested();
    }

    /**
     * Whether a video track still waits for a keyframe that is not on its way: one skipping at
     * the drain, or one skipping in the pacer with no keyframe queued since the last request.
     */
    private boolean waitsForKeyframe() {
        for (int t = 0; t < tracks.size(); t++) {
            if (skippingToKeyframeAtDrain[t] || awaitingKeyframe[t] && !keyframeQueuedSinceRequest[t]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Drops, from now on, audio and video frames older than {@code maxDelayNs} when taken from the
     * application's queue or when their first packet is to leave the pacer (a video drop makes
     * its track skip to the next keyframe and asks the application for one); call before
     * {@link #start}.
     *
     * @param maxDelayNs the limit in ns, &gt; 0, or 0 to send every frame however late
     */
    public void limitSendDelay(long maxDelayNs) {
        if (maxDelayNs < 0) {
            throw new IllegalArgumentException("maxDelayNs must be >= 0: " + maxDelayNs);
        }
        this.maxSendDelayNs = maxDelayNs;
        // With the limit the backlog is bounded by dropping what is too old; the pacer's own
        // speed-up would count those frames too and send at up to the source's rate, above the
        // controller's target (BroadcasterSendDelayLimitTest, source far above the path).
        pacer.setQueueDrainSpeedUp(maxDelayNs == 0);
    }

    /** Every entry point of this thread: a gap before it means the thread was stalled and sent nothing. */
    private void noteOwnActivity(long nowNs) {
        if (ownStalls.onEvent(nowNs)) {
            counters.increment(OWN_STALLS);
            controller.onSenderStalled();
        }
    }

    /**
     * RTP timestamp of a capture time: the track's clock, at its random first timestamp for its
     * first frame, modulo 2^32.
     */
    private int rtpTimestamp(int trackIndex, long captureTimeNs) {
        if (!anchored[trackIndex]) {
            anchored[trackIndex] = true;
            firstCaptureNs[trackIndex] = captureTimeNs;
        }
        long elapsedNs = captureTimeNs - firstCaptureNs[trackIndex];
        long ticks = Math.floorDiv(elapsedNs * (tracks.get(trackIndex).clockRateHz() / 1000), 1_000_000L);
        return firstTimestamps[trackIndex] + (int) ticks;
    }

    /** Periodic work: keepalives, the controller's timers and tail loss probes. */
    public void onTick(long nowNs) {
        noteOwnActivity(nowNs);
        supervisor.onTick(nowNs);
        carryingNodes.refresh(supervisor);
        counters.set(RTT_NS, supervisor.rttNs());
        counters.set(FAILOVERS, supervisor.failovers());
        // Lets the figure fall back once a backlog has gone and no packet has left since.
        counters.set(SEND_DELAY_MAX_NS, sendDelay.max(nowNs));
        if (!controllerTicked || nowNs - lastControllerTickNs >= CONTROLLER_TICK_NS) {
            controllerTicked = true;
            lastControllerTickNs = nowNs;
            controller.onTick(nowNs);
            updateTarget(nowNs);
        }
        // A request held back by the 200 ms interval, or the repeat of one the application may
        // have missed: raised only if still needed (no keyframe has ended the wait or is on its way).
        // Paused while not connected: the frames are dropped as not connected until the resume,
        // which asks for a keyframe itself.
        if (supervisor.isConnected() && (keyframeRequestPending
                || keyframeRequested && nowNs - lastKeyframeRequestNs >= KEYFRAME_REQUEST_REPEAT_NS)) {
            keyframeRequestPending = false;
            if (waitsForKeyframe()) {
                requestKeyframe(nowNs);
            }
        }
        probeQuietTails(nowNs);
    }

    /**
     * Says goodbye to the node and releases any frames still queued ({@link #dropQueued}).
     */
    public void close(long nowNs) {
        supervisor.leave(nowNs);
        carryingNodes.refresh(supervisor); // none: no tick follows to renew them
        dropQueued();
        out.flush();
    }

    /**
     * Releases the frames still queued, in the application's queue and in the pacer, counting
     * them in {@link #FRAMES_DROPPED_NOT_CONNECTED} (a frame part of which has left is counted
     * already), and empties the retransmission caches; sends nothing. The I/O thread's, or that
     * of a thread the engine was handed over to for good (no call of the I/O thread runs on it
     * afterwards, so the counters keep a single writer), once the application's queue takes no
     * more frames.
     */
    public void dropQueued() {
        OutgoingFrame frame;
        while ((frame = frames.poll()) != null) {
            counters.increment(FRAMES_DROPPED_NOT_CONNECTED);
            frame.data().release();
        }
        // In handle order: a track's packets, hence its frames, are queued in order, so each
        // frame not yet counted shows up as a change of frame number within its track.
        for (long handle = nextHandle - PACED_RING; handle < nextHandle; handle++) {
            int slot = (int) (handle & (PACED_RING - 1));
            if (pacedPackets[slot] == null) {
                continue;
            }
            int trackIndex = pacedTracks[slot];
            if (trackIndex >= 0 && pacedFrames[slot] != leavingFrames[trackIndex]) {
                leavingFrames[trackIndex] = pacedFrames[slot];
                counters.increment(FRAMES_DROPPED_NOT_CONNECTED);
            }
            pacedPackets[slot].release();
            pacedPackets[slot] = null;
        }
        for (RetransmissionCache cache : sentPackets) {
            cache.clear();
        }
    }

    @Override
    public void onStateChanged(ConnectionState state, String reason) {
        // before the listener hears of a resume, so that the count it may read includes it
        counters.set(FAILOVERS, supervisor.failovers());
        listener.onStateChanged(state, reason);
    }

    @Override
    public void onNodeAccepted(InetSocketAddress node, ControlMessage reply, boolean resumed, long nowNs) {
        if (resumed || supervisor.connectedCount() > 1) {
            // The new node's viewers need a decodable start.
            askForKeyframe(nowNs);
        }
    }

    @Override
    public void onStreamInfo(InetSocketAddress node, ControlMessage.StreamInfo info, long nowNs) {
        // a publisher is not told about its own stream
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
}
