package io.smoothcast.transport.internal.relay;

import io.smoothcast.transport.MediaKind;
import io.netty.buffer.ByteBuf;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.security.TokenRole;
import io.smoothcast.security.TokenStatus;
import io.smoothcast.transport.internal.DatagramKind;
import io.smoothcast.transport.internal.cc.ReaderStallDetector;
import io.smoothcast.transport.internal.cc.TransportFeedbackSender;
import io.smoothcast.transport.internal.client.ClientControl;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.ErrorCode;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.DatagramReceiver;
import io.smoothcast.transport.internal.netty.DatagramSender;
import io.smoothcast.transport.internal.netty.FanOutLanes;
import io.smoothcast.transport.internal.netty.UdpTransport;
import io.smoothcast.rtp.NackWriter;
import io.smoothcast.transport.internal.rtx.MissingPacketTracker;
import io.smoothcast.transport.internal.rtx.RtpHeaders;
import io.smoothcast.transport.internal.rtx.RtxPackets;
import io.smoothcast.transport.internal.rtx.TailLossProbe;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The relay node's protocol logic (PROTOCOL.md): sessions, publish and subscribe, fan-out of
 * RTP and the publisher's RTCP, answers to NACKs from the retransmission cache, NACKs of its own
 * to the source for packets the source's stream skipped (restoring the RTX answers), transport-cc
 * feedback to publishers, per-subscriber congestion control choosing each subscriber's simulcast
 * layer ({@link SubscriberDownlink}, {@link Subscription}, {@link LayerSwitcher}), PLI forwarding
 * with a rate limit, cascade, session expiry and load reports.
 *
 * <p>Not thread-safe: every method runs on the one I/O thread that owns the node's channel (or,
 * in tests, the test thread). Time comes from the caller ({@code nowNs}).
 */
public final class RelayEngine implements DatagramReceiver {

    private static final byte[] NO_TOKEN = new byte[0];
    private static final long LOAD_WINDOW_NS = TimeUnit.SECONDS.toNanos(1);
    /**
     * When a STREAM_INFO is sent again, after the change it announces: the schedule of the
     * clients' request retransmission (PROTOCOL.md section 5). STREAM_INFO is not acknowledged,
     * and a subscriber that missed one that said "no publisher here" or "other tracks" would
     * otherwise learn it only when something else happened.
     */
    private static final long[] ANNOUNCEMENT_REPEAT_AFTER_NS = {
        TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(600), TimeUnit.MILLISECONDS.toNanos(1400)};
    /**
     * First downlink estimate of a subscriber session, in bps: high enough for the top layer of
     * a usual ladder, so the layer a subscriber starts with (its cap) is kept until the feedback
     * shows congestion, which brings the estimate down.
     */
    static final long DEFAULT_DOWNLINK_START_BPS = 5_000_000;

    private final RelayConfig config;
    private final RelayAuthenticator authenticator;
    private final RelaySecurity security;
    /** Sessions with a HELLO but no accepted PUBLISH or SUBSCRIBE yet, oldest first. */
    private final LinkedHashMap<InetSocketAddress, RelaySession> halfOpen = new LinkedHashMap<>();
    private final DatagramSender out;
    private final RelayCounters counters;
    private final FeedbackHandler feedback;
    private final long sessionTimeoutNs;
    private final long keyframeRequestIntervalNs;
    private final Map<InetSocketAddress, RelaySession> sessions = new HashMap<>();
    private final Map<String, RelayStream> streams = new HashMap<>();
    private final List<UpstreamLink> upstreamLinks = new ArrayList<>(4);
    /** Streams whose last announcement still has repeats due (in no particular order: a new announcement keeps its place). */
    private final List<RelayStream> repeatingAnnouncements = new ArrayList<>();
    private final long upstreamSessionId;
    private int nextUpstreamRequestId;
    private final byte[] rtpScratch = new byte[UdpTransport.RECEIVE_BUFFER_BYTES];
    private final byte[] feedbackScratch = new byte[1500];
    private final int[] missingScratch = new int[MissingPacketTracker.CAPACITY];
    private final RtpPacketView rtpView = new RtpPacketView();
    private int subscriptionCount;
    private int publisherCount;
    /** The threads that send each packet's copies; lane 0 is this engine's own thread. */
    private FanOutLanes lanes = FanOutLanes.single();
    /** Subscribing sessions per lane, to put each new one on the least loaded. */
    private int[] sessionsPerLane = new int[1];
    /** Lane 0's recipients of the packet being fanned out (cleared as they are sent). */
    private InetSocketAddress[] ownRecipients = new InetSocketAddress[16];
    /** Lane 0's transport-wide numbers of the packet being fanned out, by recipient. */
    private int[] ownSequences = new int[16];
    /**
     * Stalls of this engine's thread, seen in the gaps between its ticks and datagrams: they are
     * counted, told to every subscriber downlink, and the publishers' packets read late after one
     * are reported to them as such.
     */
    private final ReaderStallDetector threadStalls = new ReaderStallDetector();
    private long loadWindowStartNs;
    private boolean loadWindowStarted;
    private long loadWindowStartPackets;
    private long loadWindowStartBytes;

    /**
     * Creates an engine.
     *
     * @param config validated settings
     * @param out where datagrams go
     * @param counters where counts go (read by other threads)
     */
    public RelayEngine(RelayConfig config, DatagramSender out, RelayCounters counters) {
        this(config, out, counters, RelaySecurity.NONE);
    }

    /**
     * Creates an engine with defences for unauthenticated peers.
     *
     * @param config validated settings
     * @param out where datagrams go
     * @param counters where counts go (read by other threads)
     * @param security token checks, return-routability cookies and limits for unauthenticated peers
     */
    public RelayEngine(RelayConfig config, DatagramSender out, RelayCounters counters, RelaySecurity security) {
        this.config = config;
        this.security = security;
        this.authenticator = security.authenticator();
        this.out = out;
        this.counters = counters;
        this.feedback = new FeedbackHandler(this, counters);
        this.sessionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.sessionTimeoutMs());
        this.keyframeRequestIntervalNs = TimeUnit.MILLISECONDS.toNanos(config.keyframeRequestIntervalMs());
        java.util.SplittableRandom random = new java.util.SplittableRandom(config.nodeId() * 0x9E3779B97F4A7C15L);
        this.upstreamSessionId = random.nextLong();
        this.nextUpstreamRequestId = random.nextInt();
    }

    @Override
    public void onDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        onThreadEvent(nowNs);
        int length = datagram.readableBytes();
        counters.increment(RelayCounter.DATAGRAMS_RECEIVED);
        counters.add(RelayCounter.BYTES_RECEIVED, length);
        if (length >= UdpTransport.RECEIVE_BUFFER_BYTES) {
            counters.increment(RelayCounter.OVERSIZED_DROPPED);
            return;
        }
        if (config.upstream() != null && sender.equals(config.upstream())) {
            onUpstreamDatagram(datagram, nowNs);
            return;
        }
        if (security.rateLimiter() != null && !isAuthenticated(sender)
                && !security.rateLimiter().allow(sender, nowNs)) {
            // Per datagram, before it is even classified: a source that has not been accepted
            // costs the node one table lookup per datagram over its limit, whatever it sends.
            counters.increment(RelayCounter.RATE_LIMITED_DROPPED);
            return;
        }
        switch (DatagramKind.classify(datagram)) {
            case RTP -> onRtp(datagram, sender, nowNs);
            case RTCP -> onRtcp(datagram, sender, nowNs);
            case CONTROL -> onControl(datagram, sender, nowNs);
            default -> counters.increment(RelayCounter.UNKNOWN_DROPPED);
        }
    }

    /**
     * Spreads the copies of every packet over these lanes: each session with a subscription is
     * put on the lane with the fewest such sessions when it subscribes, and keeps it. Call once,
     * before the first datagram (the default is {@link FanOutLanes#single()}).
     *
     * @param lanes the fan-out threads
     */
    public void useFanOutLanes(FanOutLanes lanes) {
        if (subscriptionCount > 0 || this.lanes.laneCount() > 1) {
            throw new IllegalStateException("fan-out lanes are set before the first subscription, once");
        }
        this.lanes = java.util.Objects.requireNonNull(lanes, "lanes");
        this.sessionsPerLane = new int[lanes.laneCount()];
    }

    @Override
    public void onHandlerFailure(RuntimeException failure) {
        counters.increment(RelayCounter.HANDLER_FAILURES);
    }

    /** Whether {@code sender} has a session with an accepted PUBLISH or SUBSCRIBE. */
    private boolean isAuthenticated(InetSocketAddress sender) {
        return sessions.containsKey(sender) && (halfOpen.isEmpty() || !halfOpen.containsKey(sender));
    }

    // ---------------------------------------------------------------- media

    private void onRtp(ByteBuf packet, InetSocketAddress sender, long nowNs) {
        RelaySession session = sessions.get(sender);
        if (session == null || session.published == null) {
            counters.increment(RelayCounter.UNSOLICITED_MEDIA_DROPPED);
            return;
        }
        heard(session, false, nowNs);
        int base = packet.readerIndex();
        int length = packet.readableBytes();
        if (security.peerLimits() != null && !rateLimit(session, nowNs).allowMedia(length, nowNs)) {
            counters.increment(RelayCounter.PUBLISHER_RATE_LIMITED);
            return;
        }
        int headerLength = RtpHeaders.headerLength(packet, base, length);
        if (headerLength < 0 || RtpHeaders.paddingLength(packet, base, length, headerLength) < 0) {
            counters.increment(RelayCounter.MALFORMED_RTP_DROPPED);
            return;
        }
        RelayStream stream = session.published;
        int ssrc = RtpHeaders.ssrc(packet, base);
        RelayTrack track = stream.trackBySsrc(ssrc);
        if (track != null) {
            recordArrival(session, packet, nowNs);
            fanOut(stream, track, packet, false, nowNs);
            return;
        }
        track = stream.trackByRtxSsrc(ssrc);
        if (track == null) {
            counters.increment(RelayCounter.UNKNOWN_SSRC_DROPPED);
            return;
        }
        recordArrival(session, packet, nowNs);
        restoreAndFanOut(stream, track, packet, nowNs);
    }

    /**
     * A retransmission from the source (asked for by this node, or the source's tail loss probe):
     * forwarded as the original packet, unless this node already has that packet. Then every
     * subscriber was sent it already (or can NACK this node for it), and forwarding it again
     * would cost one duplicate per subscriber: it is counted and dropped.
     */
    private void restoreAndFanOut(RelayStream stream, RelayTrack track, ByteBuf rtx, long nowNs) {
        ByteBuf original = RtxPackets.fromRtx(out.allocator(), rtx, track.track.payloadType(), track.track.ssrc());
        if (original == null) {
            counters.increment(RelayCounter.MALFORMED_RTP_DROPPED);
            return;
        }
        try {
            counters.increment(RelayCounter.SOURCE_RTX_RECEIVED);
            int sequenceNumber = RtpHeaders.sequenceNumber(original, original.readerIndex());
            if (track.cache.get(sequenceNumber) != null) {
                // Told apart so that "already held" counts only repairs this node paid for twice.
                counters.increment(track.cache.wasRequested(sequenceNumber)
                        ? RelayCounter.SOURCE_RTX_ALREADY_HELD : RelayCounter.SOURCE_PROBES_ALREADY_HELD);
                return;
            }
            if (track.cache.isBehindNewest(sequenceNumber, track.cache.capacity())
                    && track.forwardedTooLate(sequenceNumber)) {
                // Its first repair came a cache length late too: forwarded, not kept (a newer
                // packet holds its slot). Every subscriber was sent it then. (A number remembered
                // from a lap of numbers before is not looked up for a repair within the cache.)
                counters.increment(RelayCounter.SOURCE_RTX_ALREADY_HELD);
                return;
            }
            fanOut(stream, track, original, true, nowNs);
        } finally {
            original.release();
        }
    }

    /**
     * Notes the publisher packet's transport-wide sequence number (RFC 8285 extension, id
     * {@link RtpHeaderExtensionIds#DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID}) for the feedback that
     * drives the publisher's congestion controller.
     */
    private void recordArrival(RelaySession session, ByteBuf packet, long nowNs) {
        int length = packet.readableBytes();
        packet.getBytes(packet.readerIndex(), rtpScratch, 0, length);
        if (rtpView.wrap(rtpScratch, 0, length) != ParseStatus.OK) {
            return;
        }
        int transportSequence = rtpView.transportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID);
        if (transportSequence < 0) {
            return;
        }
        if (session.transportFeedback == null) {
            session.transportFeedback = new TransportFeedbackSender();
        }
        // read after a stall of this thread, the read time is no arrival time: the publisher is told
        session.transportFeedback.onPacket(transportSequence, nowNs, threadStalls.readTimeIsUntimed(nowNs));
    }

    /** NACKs, to each stream's publisher or upstream node, the packets its stream skipped. */
    private void askSourcesForMissingPackets(long nowNs) {
        for (RelayStream stream : streams.values()) {
            InetSocketAddress source = stream.publisher != null ? stream.publisher.address
                    : stream.upstream != null ? config.upstream() : null;
            if (source == null) {
                continue;
            }
            for (RelayTrack track : stream.tracks) {
                if (!track.track.hasRtx()) {
                    continue;
                }
                int count = track.missing.collectDue(nowNs, missingScratch);
                if (count == 0) {
                    continue;
                }
                int length = NackWriter.writeLost(feedbackScratch, 0, feedbackScratch.length, config.nodeId(),
                        track.track.ssrc(), missingScratch, count);
                if (length > 0) {
                    ByteBuf buf = out.allocator().buffer(length);
                    buf.writeBytes(feedbackScratch, 0, length);
                    out.send(buf, source);
                    counters.add(RelayCounter.SOURCE_NACKED_PACKETS, count);
                }
            }
        }
    }

    /**
     * Resends the newest packet of each track that has been quiet for
     * {@link TailLossProbe#MIN_TIMEOUT_NS} (PROTOCOL.md section 3, step 3, "Tail loss probes") to
     * every subscriber getting it whose transport-cc feedback has not reported it received: one
     * that lost the last packets before the pause sees the gap in front of the probe and NACKs
     * them. A subscriber that sends no feedback is always probed. Within each session's
     * retransmission budget.
     */
    private void probeQuietTails(long nowNs) {
        for (RelayStream stream : streams.values()) {
            for (RelayTrack track : stream.tracks) {
                if (!track.track.hasRtx() || !track.tailProbe.isDue(nowNs, 0)) {
                    continue; // the node does not know each subscriber's RTT: the timeout's floor
                }
                track.tailProbe.onProbed();
                int sequenceNumber = track.tailProbe.newestSequence();
                ByteBuf original = track.cache.get(sequenceNumber);
                if (original == null) {
                    continue;
                }
                List<Subscription> subscribers = stream.subscribers;
                for (int i = 0; i < subscribers.size(); i++) {
                    Subscription subscription = subscribers.get(i);
                    if (getsTrack(subscription, track, sequenceNumber)
                            && !reportedReceived(subscription.session, track.newestTransportSequence(i))
                            && feedback.sendRtx(subscription.session, track, original, RelayCounter.TAIL_PROBES_LIMITED, nowNs)) {
                        counters.increment(RelayCounter.TAIL_PROBES_SENT);
                    }
                }
            }
        }
    }

    /** Whether the session's transport-cc feedback reported the packet it was sent with this number. */
    private static boolean reportedReceived(RelaySession session, int transportSequence) {
        return transportSequence != FanOutLanes.NO_SEQUENCE && session.downlink != null
                && session.downlink.reportedReceived(transportSequence);
    }

    /** Whether the subscriber is being sent this track, up to and including this packet. */
    private static boolean getsTrack(Subscription subscription, RelayTrack track, int sequenceNumber) {
        if (track.track.kind() != MediaKind.VIDEO) {
            return true;
        }
        return subscription.stream.videoLayer(subscription.switcher.forwardedLayer()) == track
                && !subscription.predatesLayerStart(track, sequenceNumber);
    }

    private void sendTransportFeedback() {
        for (RelayStream stream : streams.values()) {
            RelaySession publisher = stream.publisher;
            if (publisher == null || publisher.transportFeedback == null || stream.tracks.length == 0) {
                continue;
            }
            long reportsBefore = publisher.transportFeedback.untimedReportsSent();
            int sent = publisher.transportFeedback.send(out, publisher.address, config.nodeId(),
                    stream.tracks[0].track.ssrc());
            counters.add(RelayCounter.TRANSPORT_FEEDBACK_SENT, sent);
            counters.add(RelayCounter.UNTIMED_ARRIVAL_REPORTS_SENT,
                    publisher.transportFeedback.untimedReportsSent() - reportsBefore);
        }
    }

    /**
     * Caches an accepted RTP packet for NACKs and sends it to every subscriber that wants it:
     * a copy carrying the session's own transport-wide sequence number when the packet has the
     * extension (so the node's controller for that downlink sees every packet), else the shared
     * packet itself ({@link FanOutLanes#sendCopy}).
     *
     * <p>On epoll the copies go out through {@link DatagramSender#sendCopies}: each laid out
     * whole in the sending thread's native region and all handed to the kernel in one
     * {@code sendmmsg}, with no Netty object per copy (BENCHMARKS.md, "Relay fan-out, session
     * 8"); elsewhere each copy is one pooled direct buffer written through the channel. A
     * gather-write through Netty (a per-subscriber header in front of a shared payload slice) was
     * measured slower on real sockets: Netty builds NIO buffer views of every composite it
     * writes (BENCHMARKS.md, "Relay fan-out").
     *
     * @param restored whether the packet was rebuilt from a retransmission (late: it can carry
     *     no layer switch)
     */
    private void fanOut(RelayStream stream, RelayTrack track, ByteBuf packet, boolean restored, long nowNs) {
        int base = packet.readerIndex();
        int length = packet.readableBytes();
        counters.increment(RelayCounter.RTP_RECEIVED);
        int sequenceNumber = RtpHeaders.sequenceNumber(packet, base);
        List<Subscription> subscribers = stream.subscribers;
        // Each subscriber's number for the track's newest packet, for the tail loss probe: one
        // int store per copy, consecutive in one array. A repair behind the newest is not kept.
        int[] newestSent = null;
        if (track.track.hasRtx()) {
            if (!restored && track.restartedBy(sequenceNumber, packet)) {
                track.forgetSourceRestarted(nowNs);
                counters.increment(RelayCounter.SOURCE_RESTARTS);
            }
            track.missing.onPacket(sequenceNumber, nowNs);
            // Whether it was asked for is kept with the packet for as long as it is held: the
            // tracker's memory of requests is shorter than the largest cache. A packet a cache
            // length or more behind the newest (a repair or a late original that came that late)
            // is forwarded but not kept: its slot holds a newer packet a subscriber may still NACK.
            if (!track.cache.put(sequenceNumber, packet, track.missing.wasAsked(sequenceNumber))) {
                track.onForwardedTooLate(sequenceNumber);
            }
            if (track.tailProbe.onSent(sequenceNumber, nowNs)) {
                newestSent = track.newestTransportSequences(subscribers.size());
            }
        }
        boolean keyframeStart = false;
        boolean marker = false;
        if (track.keyframes != null) {
            int headerLength = RtpHeaders.headerLength(packet, base, length);
            marker = (packet.getByte(base + 1) & 0x80) != 0;
            int paddingLength = headerLength < 0 ? -1 : RtpHeaders.paddingLength(packet, base, length, headerLength);
            keyframeStart = !restored && paddingLength >= 0
                    && track.keyframes.isKeyframeStart(packet, base, headerLength, length - headerLength - paddingLength);
        }
        int transportOffset = TransportSequenceExtension.offsetOf(packet, base, length,
                RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID);
        long forwarded = 0;
        if (lanes.laneCount() > 1) {
            // The other lanes' copies first, so their threads send while this one sends its own.
            lanes.begin(packet, transportOffset, nowNs);
            for (int i = 0; i < subscribers.size(); i++) {
                Subscription subscription = subscribers.get(i);
                RelaySession session = subscription.session;
                if (session.lane != 0 && subscription.wants(track, sequenceNumber, keyframeStart, marker)) {
                    int transportSequence = transportOffset == TransportSequenceExtension.NOT_FOUND
                            ? FanOutLanes.NO_SEQUENCE : downlinkOf(session).recordSent(length, nowNs);
                    if (newestSent != null) {
                        newestSent[i] = transportSequence;
                    }
                    if (lanes.add(session.lane, session.address, transportSequence)) {
                        forwarded++;
                    } else {
                        // Dropped, not sent from here: this thread's copy would overtake the
                        // subscriber's older ones still waiting in its lane. Its transport-wide
                        // number stays used, so the subscriber's controller sees the loss.
                        counters.increment(RelayCounter.FAN_OUT_LANE_BEHIND);
                    }
                }
            }
            int refused = lanes.dispatch();
            counters.add(RelayCounter.FAN_OUT_LANE_BEHIND, refused);
            forwarded -= refused;
        }
        // This thread's own copies in two passes: first every subscriber's number and record,
        // then the copies. Each record touches a few lines of that subscriber's state, which
        // are mostly out of the cache by its next packet; in a tight loop of records the CPU
        // has several of those misses in flight at once, where a copy and a write between two
        // records kept it from reaching the next one. Measured: the records' share of the thread
        // about 5.1 -> 3.9 %, the rate unchanged within the VM's noise (BENCHMARKS.md, "Relay
        // fan-out, session 7").
        int own = 0;
        for (int i = 0; i < subscribers.size(); i++) {
            Subscription subscription = subscribers.get(i);
            RelaySession session = subscription.session;
            if (session.lane == 0 && subscription.wants(track, sequenceNumber, keyframeStart, marker)) {
                if (own == ownRecipients.length) {
                    // Grows with the subscriber count, then stays: no allocation per packet.
                    ownRecipients = Arrays.copyOf(ownRecipients, own * 2);
                    ownSequences = Arrays.copyOf(ownSequences, own * 2);
                }
                ownRecipients[own] = session.address;
                int transportSequence = transportOffset == TransportSequenceExtension.NOT_FOUND
                        ? FanOutLanes.NO_SEQUENCE : downlinkOf(session).recordSent(length, nowNs);
                ownSequences[own++] = transportSequence;
                if (newestSent != null) {
                    newestSent[i] = transportSequence;
                }
            }
        }
        out.sendCopies(packet, transportOffset, ownSequences, ownRecipients, own);
        Arrays.fill(ownRecipients, 0, own, null);
        forwarded += own;
        counters.add(RelayCounter.PACKETS_FORWARDED, forwarded);
        counters.add(RelayCounter.BYTES_FORWARDED, forwarded * length);
    }

    /**
     * Sends a packet this node built for one subscriber (an RTX), with the session's own
     * transport-wide sequence number written into it when it has the extension. While the
     * session's fan-out lane still holds copies for it, the packet goes through that lane,
     * behind them: sent from this thread, a tail probe or probe padding would overtake the copy
     * of the very packet it repeats. A lane {@link FanOutLanes#BATCHES_PER_LANE} behind drops it
     * ({@link RelayCounter#FAN_OUT_LANE_BEHIND}), as it drops copies; its transport-wide number
     * stays used, so the controller sees the loss. A drained lane's subscriber gets it from this
     * thread at once (a burst of NACK answers then cannot fill the lane's ring).
     *
     * @param packet the packet; ownership passes to the sender
     * @return false if the lane dropped it (counted here, in {@link RelayCounter#FAN_OUT_LANE_BEHIND}
     *     only: the caller does not count it as sent)
     */
    boolean sendOwnedToSubscriber(RelaySession session, ByteBuf packet, int transportOffset, long nowNs) {
        if (transportOffset != TransportSequenceExtension.NOT_FOUND) {
            downlinkOf(session).stamp(packet, transportOffset, nowNs);
        }
        if (session.lane == 0 || !lanes.holdsCopies(session.lane)) {
            out.send(packet, session.address);
        } else if (!lanes.sendOwned(session.lane, packet, session.address)) {
            counters.increment(RelayCounter.FAN_OUT_LANE_BEHIND);
            return false;
        }
        return true;
    }

    /** The session's downlink, created with its first renumbered packet. */
    private static SubscriberDownlink downlinkOf(RelaySession session) {
        if (session.downlink == null) {
            session.downlink = new SubscriberDownlink(DEFAULT_DOWNLINK_START_BPS);
        }
        return session.downlink;
    }

    /** Periodic downlink work: each controller's timers, layer targets and keyframe requests. */
    private void updateDownlinks(long nowNs) {
        for (RelaySession session : sessions.values()) {
            if (session.subscriptions.isEmpty()) {
                continue;
            }
            if (session.downlink != null) {
                session.downlink.onTick(nowNs);
            }
            int shareCount = session.subscriptions.size();
            for (int i = 0; i < shareCount; i++) {
                Subscription subscription = session.subscriptions.get(i);
                subscription.updateTarget(session.downlink, shareCount, nowNs);
                if (subscription.switcher.keyframeRequestDue(nowNs)) {
                    RelayTrack target = subscription.stream.videoLayer(subscription.switcher.pendingLayer());
                    if (target != null) {
                        requestKeyframe(subscription.stream, target.track.ssrc(), nowNs);
                    }
                }
            }
            if (session.downlink != null && session.downlink.hasEstimate()) {
                probeForLayerAbove(session, nowNs);
            }
        }
    }

    /**
     * Probes a subscriber's downlink for the layer above the one it gets, when the controller's
     * estimate is short of it ({@link DownlinkProber} decides when), and moves it up when the
     * probe carried that layer. The probe cluster is the subscriber's media plus padding, RTX
     * copies of the newest packet already forwarded on its layer (duplicates its jitter buffer
     * drops), numbered and recorded like media. One subscription of the session is probed for
     * at a time; the needed rate counts every subscription sharing the downlink and the
     * session's recent RTX, as the layer choice does ({@link Subscription#probeNeededBps}).
     */
    private void probeForLayerAbove(RelaySession session, long nowNs) {
        Subscription climber = null;
        long neededBps = 0;
        RelayTrack padding = null;
        for (int i = 0; i < session.subscriptions.size(); i++) {
            Subscription subscription = session.subscriptions.get(i);
            RelayTrack forwarded = subscription.stream.videoLayer(subscription.switcher.forwardedLayer());
            if (forwarded == null || !forwarded.track.hasRtx() || forwarded.cache.isEmpty()) {
                continue;
            }
            padding = padding == null ? forwarded : padding;
            long needed = climber == null ? subscription.probeNeededBps(session.downlink,
                    session.subscriptions.size(), nowNs) : 0;
            if (needed > 0) {
                climber = subscription;
                padding = forwarded;
                neededBps = needed;
            }
        }
        SubscriberDownlink downlink = session.downlink;
        switch (downlink.probeTick(nowNs, neededBps)) {
            case START_PROBE -> counters.increment(RelayCounter.DOWNLINK_PROBES);
            case CLIMB -> {
                if (climber != null && climber.climbOneLayer(nowNs)) {
                    counters.increment(RelayCounter.DOWNLINK_PROBE_CLIMBS);
                }
            }
            default -> {
                // NONE, or FAILED: the prober backs off by itself
            }
        }
        long dueBytes = downlink.probePaddingDue(nowNs);
        while (padding != null && dueBytes > 0) {
            ByteBuf original = padding.cache.get(padding.cache.newestSequence());
            ByteBuf rtx = original == null ? null : RtxPackets.toRtx(out.allocator(), original,
                    padding.track.rtxPayloadType(), padding.track.rtxSsrc(), padding.nextRtxSequence);
            if (rtx == null) {
                return;
            }
            int transportOffset = TransportSequenceExtension.offsetOf(rtx, rtx.readerIndex(), rtx.readableBytes(),
                    RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID);
            if (transportOffset == TransportSequenceExtension.NOT_FOUND) {
                rtx.release(); // padding the controller cannot see would only cost capacity
                return;
            }
            padding.nextRtxSequence = (padding.nextRtxSequence + 1) & 0xFFFF;
            dueBytes -= rtx.readableBytes();
            if (sendOwnedToSubscriber(session, rtx, transportOffset, nowNs)) {
                counters.increment(RelayCounter.DOWNLINK_PROBE_PADDING_PACKETS);
            }
        }
    }

    private void onRtcp(ByteBuf packet, InetSocketAddress sender, long nowNs) {
        RelaySession session = sessions.get(sender);
        if (session == null) {
            counters.increment(RelayCounter.UNSOLICITED_MEDIA_DROPPED);
            return;
        }
        // A subscriber's feedback carries no proof: spoofed receiver reports must not keep a
        // departed subscriber's downlink flowing to its address (heard).
        heard(session, false, nowNs);
        if (security.peerLimits() != null && !rateLimit(session, nowNs).allowControl(nowNs)) {
            counters.increment(RelayCounter.PEER_CONTROL_RATE_LIMITED);
            return;
        }
        if (!feedback.isWellFramed(packet)) {
            counters.increment(RelayCounter.MALFORMED_RTCP_DROPPED);
            return;
        }
        if (session.published != null) {
            // Sender reports, SDES and BYE of the publisher reach every subscriber unchanged, so
            // viewers can synchronise audio and video and measure the path.
            forwardToSubscribers(session.published, packet);
        }
        if (!session.subscriptions.isEmpty()) {
            feedback.onSubscriberRtcp(session, packet, nowNs);
        }
    }

    // ---------------------------------------------------------------- cascade

    private void onUpstreamDatagram(ByteBuf datagram, long nowNs) {
        switch (DatagramKind.classify(datagram)) {
            case CONTROL -> {
                DecodeResult result = ControlCodec.decode(datagram);
                if (!result.ok()) {
                    counters.increment(RelayCounter.MALFORMED_CONTROL_DROPPED);
                    return;
                }
                for (int i = 0; i < upstreamLinks.size(); i++) {
                    UpstreamLink link = upstreamLinks.get(i);
                    if (link.control.concerns(result, link.stream.streamId)) {
                        link.control.onControl(result, nowNs);
                        if (link.failed) {
                            upstreamFailed(link, nowNs);
                        }
                        return;
                    }
                }
                counters.increment(RelayCounter.UNEXPECTED_CONTROL_DROPPED);
            }
            case RTP -> {
                int base = datagram.readerIndex();
                int length = datagram.readableBytes();
                int headerLength = RtpHeaders.headerLength(datagram, base, length);
                if (headerLength < 0 || RtpHeaders.paddingLength(datagram, base, length, headerLength) < 0) {
                    counters.increment(RelayCounter.MALFORMED_RTP_DROPPED);
                    return;
                }
                int ssrc = RtpHeaders.ssrc(datagram, base);
                for (int i = 0; i < upstreamLinks.size(); i++) {
                    RelayStream stream = upstreamLinks.get(i).stream;
                    RelayTrack track = stream.trackBySsrc(ssrc);
                    if (track != null) {
                        fanOut(stream, track, datagram, false, nowNs);
                        return;
                    }
                    track = stream.trackByRtxSsrc(ssrc);
                    if (track != null) {
                        restoreAndFanOut(stream, track, datagram, nowNs);
                        return;
                    }
                }
                counters.increment(RelayCounter.UNKNOWN_SSRC_DROPPED);
            }
            case RTCP -> {
                if (!feedback.isWellFramed(datagram)) {
                    counters.increment(RelayCounter.MALFORMED_RTCP_DROPPED);
                    return;
                }
                // Sender reports, SDES and BYE of the origin's publisher: the first packet's
                // sender SSRC names the stream.
                int ssrc = datagram.getInt(datagram.readerIndex() + 4);
                for (int i = 0; i < upstreamLinks.size(); i++) {
                    RelayStream stream = upstreamLinks.get(i).stream;
                    if (stream.usesSsrc(ssrc)) {
                        forwardToSubscribers(stream, datagram);
                        return;
                    }
                }
                counters.increment(RelayCounter.UNKNOWN_SSRC_DROPPED);
            }
            default -> counters.increment(RelayCounter.UNKNOWN_DROPPED);
        }
    }

    /** The session's caps state, made at its first limited message. */
    private SessionRateLimit rateLimit(RelaySession session, long nowNs) {
        if (session.rateLimit == null) {
            session.rateLimit = new SessionRateLimit(security.peerLimits(), nowNs);
        }
        return session.rateLimit;
    }

    /** Subscribes to a stream on the upstream node for the local subscribers. */
    private void openUpstream(RelayStream stream, long nowNs) {
        UpstreamLink link = new UpstreamLink(this, stream, (request, events) -> new ClientControl(out,
                config.upstream(), upstreamSessionId, request, nextUpstreamRequestId += 1 << 16, events));
        if (security.cascade() != null) {
            link.control.useToken(security.cascade().tokenFor(stream.streamId));
        }
        stream.upstream = link;
        upstreamLinks.add(link);
        counters.set(RelayCounter.UPSTREAM_STREAMS, upstreamLinks.size());
        link.control.start(nowNs);
    }

    private void closeUpstream(RelayStream stream, long nowNs) {
        UpstreamLink link = stream.upstream;
        link.control.leave(stream.streamId, nowNs);
        dropUpstream(link);
    }

    private void dropUpstream(UpstreamLink link) {
        upstreamLinks.remove(link);
        counters.set(RelayCounter.UPSTREAM_STREAMS, upstreamLinks.size());
        RelayStream stream = link.stream;
        stream.upstream = null;
        for (RelayTrack track : stream.tracks) {
            track.cache.clear();
        }
        stream.tracks = new RelayTrack[0];
    }

    /** The upstream node announced the stream's tracks. */
    void upstreamTracks(UpstreamLink link, List<Track> tracks, long nowNs) {
        RelayStream stream = link.stream;
        if (stream.upstream != link || tracks.equals(stream.trackList())) {
            return; // the upstream node's repeat of a list this node already has and announced
        }
        replaceTracks(stream, tracks);
        announce(stream, nowNs);
        if (!tracks.isEmpty() && !stream.subscribers.isEmpty()) {
            requestKeyframeForVideo(stream, nowNs);
        }
    }

    /**
     * The upstream node refused or never answered (the link's conversation has stopped): local
     * subscribers keep waiting. Called after the {@code onControl} or {@code onTick} call that
     * stopped it, which reports it through {@link UpstreamLink#failed} since the conversation
     * tells its failure without the time.
     */
    private void upstreamFailed(UpstreamLink link, long nowNs) {
        counters.increment(RelayCounter.UPSTREAM_FAILURES);
        if (link.stream.upstream == link) {
            dropUpstream(link);
            announce(link.stream, nowNs);
        }
    }

    /**
     * The upstream node answered a keepalive with NOT_JOINED: it restarted (or expired this
     * node's session), so every subscription this node held there is gone, not just the link
     * that heard it. Each stream that still has local subscribers and no local publisher joins
     * again with a fresh HELLO; the others are dropped.
     */
    void upstreamSessionLost(long nowNs) {
        counters.increment(RelayCounter.UPSTREAM_FAILURES);
        List<RelayStream> lost = new ArrayList<>(upstreamLinks.size());
        for (UpstreamLink link : upstreamLinks) {
            lost.add(link.stream);
        }
        for (RelayStream stream : lost) {
            dropUpstream(stream.upstream);
            if (!stream.subscribers.isEmpty() && stream.publisher == null) {
                openUpstream(stream, nowNs);
            } else {
                announce(stream, nowNs);
            }
        }
    }

    private void forwardToSubscribers(RelayStream stream, ByteBuf packet) {
        List<Subscription> subscribers = stream.subscribers;
        for (int i = 0; i < subscribers.size(); i++) {
            out.send(packet.retainedDuplicate(), subscribers.get(i).session.address);
        }
        counters.add(RelayCounter.PACKETS_FORWARDED, subscribers.size());
        counters.add(RelayCounter.BYTES_FORWARDED, (long) subscribers.size() * packet.readableBytes());
    }

    /** The target of the downlink to the session at an address, in bps, or -1 if it has none. */
    long downlinkEstimateBps(InetSocketAddress subscriber) {
        RelaySession session = sessions.get(subscriber);
        return session == null || session.downlink == null ? -1 : session.downlink.estimateBps();
    }

    /** Finds the published track an SSRC names among a session's subscriptions. */
    RelayTrack subscribedTrack(RelaySession session, int mediaSsrc) {
        for (int i = 0; i < session.subscriptions.size(); i++) {
            RelayTrack track = session.subscriptions.get(i).stream.trackBySsrc(mediaSsrc);
            if (track != null) {
                return track;
            }
        }
        return null;
    }

    /**
     * Whether a NACKed sequence number of a track comes before the session's latest switch to
     * that simulcast layer ({@link Subscription#predatesLayerStart}): not to be retransmitted.
     */
    boolean predatesLayerStart(RelaySession session, RelayTrack track, int sequenceNumber) {
        for (int i = 0; i < session.subscriptions.size(); i++) {
            Subscription subscription = session.subscriptions.get(i);
            if (subscription.stream.trackBySsrc(track.track.ssrc()) == track) {
                return subscription.predatesLayerStart(track, sequenceNumber);
            }
        }
        return false;
    }

    /** Finds the stream a track belongs to among a session's subscriptions. */
    RelayStream subscribedStream(RelaySession session, int mediaSsrc) {
        for (int i = 0; i < session.subscriptions.size(); i++) {
            RelayStream stream = session.subscriptions.get(i).stream;
            if (stream.trackBySsrc(mediaSsrc) != null) {
                return stream;
            }
        }
        return null;
    }

    /**
     * Sends a keyframe request to a stream's publisher unless one went out less than the
     * configured interval ago.
     *
     * @return true if sent
     */
    boolean requestKeyframe(RelayStream stream, int mediaSsrc, long nowNs) {
        InetSocketAddress source = stream.publisher != null ? stream.publisher.address
                : stream.upstream != null ? config.upstream() : null;
        if (source == null) {
            return false;
        }
        if (stream.pliForwarded && nowNs - stream.lastPliForwardNs < keyframeRequestIntervalNs) {
            counters.increment(RelayCounter.PLI_SUPPRESSED);
            return false;
        }
        stream.pliForwarded = true;
        stream.lastPliForwardNs = nowNs;
        out.send(feedback.pli(out.allocator(), config.nodeId(), mediaSsrc), source);
        counters.increment(RelayCounter.PLI_FORWARDED);
        return true;
    }

    DatagramSender sender() {
        return out;
    }

    // ---------------------------------------------------------------- control

    private void onControl(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        DecodeResult result = ControlCodec.decode(datagram);
        if (!result.ok()) {
            counters.increment(RelayCounter.MALFORMED_CONTROL_DROPPED);
            return;
        }
        int requestLength = datagram.readableBytes();
        RelaySession session = sessions.get(sender);
        ControlMessage message = result.message();
        boolean provenKeepalive = session != null && message instanceof ControlMessage.Keepalive keepalive
                && keepalive.cookie() != 0 && keepalive.cookie() == session.keepaliveCookie;
        if (provenKeepalive) {
            // Before the cap, as it costs one comparison: a flood spoofing the client's address,
            // which keeps nothing alive any more, must not crowd out the keepalives that do.
            heard(session, true, nowNs);
        }
        boolean authenticated = session != null && !halfOpen.containsKey(sender);
        if (authenticated && security.peerLimits() != null && !rateLimit(session, nowNs).allowControl(nowNs)) {
            counters.increment(RelayCounter.PEER_CONTROL_RATE_LIMITED);
            return;
        }
        if (session != null && !(message instanceof ControlMessage.Leave || message instanceof ControlMessage.Keepalive)) {
            // Unproven (a role request is heard again once routable); a LEAVE or KEEPALIVE only
            // once its cookie is checked (leaveProven, checkKeepaliveCookie).
            heard(session, false, nowNs);
        }
        int requestId = result.requestId();
        if (message instanceof ControlMessage.Hello hello) {
            onHello(hello, session, sender, requestId, requestLength, nowNs);
        } else if (message instanceof ControlMessage.Publish publish) {
            if (admitted(result, publish.streamId(), TokenRole.PUBLISH, ControlMessage.PUBLISH, session, sender,
                    requestLength, nowNs)) {
                onPublish(publish, session, sender, requestId, requestLength, nowNs);
            }
        } else if (message instanceof ControlMessage.Subscribe subscribe) {
            if (admitted(result, subscribe.streamId(), TokenRole.SUBSCRIBE, ControlMessage.SUBSCRIBE, session, sender,
                    requestLength, nowNs)) {
                onSubscribe(subscribe, session, sender, requestId, requestLength, nowNs);
            }
        } else if (message instanceof ControlMessage.Keepalive keepalive) {
            if (session != null) {
                if (!provenKeepalive) {
                    checkKeepaliveCookie(keepalive, session, sender, nowNs);
                }
                // Answered even unproven: the answer is no larger than the keepalive, and an
                // older client's keepalives carry no cookie.
                reply(sender, requestId, new ControlMessage.KeepaliveAck(keepalive.sequence()), requestLength, true);
            } else {
                // A client keeping alive a session this node does not know (it restarted, or
                // expired the session) must learn so, or it would stay on a node that sends it
                // nothing. The error is no larger than the keepalive (PROTOCOL.md section 6).
                error(sender, requestId, ErrorCode.NOT_JOINED, ControlMessage.KEEPALIVE, "", requestLength, false);
            }
        } else if (message instanceof ControlMessage.Probe probe) {
            reply(sender, requestId, new ControlMessage.ProbeReply(probe.sequence(), probe.sendTimeNs(), requestLength),
                    requestLength, session != null);
        } else if (message instanceof ControlMessage.Leave leave) {
            if (session != null && leaveProven(leave, session, sender, nowNs)) {
                onLeave(leave, session, nowNs);
            }
        } else if (message instanceof ControlMessage.LoadRequest) {
            reply(sender, requestId, loadReport(), requestLength, session != null);
        } else if (message instanceof ControlMessage.MembersRequest) {
            reply(sender, requestId, membersReport(requestLength), requestLength, session != null);
        } else {
            counters.increment(RelayCounter.UNEXPECTED_CONTROL_DROPPED);
        }
    }

    /**
     * Whether a PUBLISH or SUBSCRIBE may take effect: its cookie ({@link #routable}), then its
     * place among the session's LEAVEs ({@link #sentBeforeLeave}), then its token
     * ({@link #authorized}).
     */
    private boolean admitted(DecodeResult request, String streamId, TokenRole role, int type, RelaySession session,
            InetSocketAddress sender, int requestLength, long nowNs) {
        long sessionId = session == null ? 0 : session.sessionId;
        if (!routable(request, session, sender, type, requestLength, nowNs)
                || sentBeforeLeave(session, streamId, request.requestId())) {
            return false;
        }
        if (authorized(request, streamId, role, type, session, sender, requestLength, nowNs)) {
            return true;
        }
        if (session != null && session.sessionId != sessionId) {
            // The request took the session over (takeOver kept the role it asks for again), but
            // its token is refused: the process that held the role is gone, and the new one may
            // not have it, so the role ends too.
            endRoles(session, null, nowNs);
        }
        return false;
    }

    /**
     * Whether a PUBLISH or SUBSCRIBE is a late copy of one the session sent before it left that
     * stream (a retransmission overtaken by the LEAVE): dropped without an answer and counted,
     * or it would bring back a publisher or subscriber the client no longer wants, whose token
     * may well still be valid.
     */
    private boolean sentBeforeLeave(RelaySession session, String streamId, int requestId) {
        if (session == null) {
            return false; // refused as NOT_JOINED by the request's handler
        }
        if (session.precedesLeaveOf(streamId, requestId)) {
            counters.increment(RelayCounter.UNEXPECTED_CONTROL_DROPPED);
            return true;
        }
        return false;
    }

    /**
     * Checks the return-routability cookie of a role request when this node requires cookies,
     * before anything else about the request: it tells which client sent it. The cookie of a
     * session id held pending ({@link RelaySession#pendingSessionId}) hands the session over to
     * that id, a client that restarted on the address. A refusal is answered with NOT_JOINED
     * under the no-amplification rule, and the request has no effect.
     */
    private boolean routable(DecodeResult request, RelaySession session, InetSocketAddress sender, int type,
            int requestLength, long nowNs) {
        if (session == null) {
            return true; // refused as NOT_JOINED by the request's handler
        }
        if (echoesCookie(request.message(), requestCookie(request.message()), session, sender, nowNs)) {
            heard(session, true, nowNs);
            return true;
        }
        // Whoever sent this never saw our HELLO_ACK at this address: maybe a spoofed source
        // aiming media at a victim. The short error goes to that address, no larger than the request.
        counters.increment(RelayCounter.ROUTABILITY_FAILED);
        error(sender, request.requestId(), ErrorCode.NOT_JOINED, type, "echo the HELLO_ACK cookie",
                requestLength, false);
        return false;
    }

    /**
     * Checks the cookie of a LEAVE like that of a role request ({@link #routable}): anyone can
     * put a joined client's address on a LEAVE, and without this one datagram would end its
     * session or a role. A refusal is counted as a routability failure and not answered (a LEAVE
     * never is; an error would only reach the client whose address was used); the client whose
     * LEAVE it really was (one that never got a HELLO_ACK, or an old client without cookies in
     * LEAVE) loses nothing a lost LEAVE would not: its session expires, timed from what it sent
     * before (a refused LEAVE does not keep the session alive).
     */
    private boolean leaveProven(ControlMessage.Leave leave, RelaySession session, InetSocketAddress sender,
            long nowNs) {
        if (echoesCookie(leave, leave.cookie(), session, sender, nowNs)) {
            heard(session, true, nowNs);
            return true;
        }
        counters.increment(RelayCounter.ROUTABILITY_FAILED);
        return false;
    }

    /**
     * Checks the cookie of a KEEPALIVE (but one echoing {@link RelaySession#keepaliveCookie},
     * already heard) when this node requires cookies: one that echoes it keeps
     * the session alive, and from then on only such messages do ({@link #heard}). A KEEPALIVE
     * without the right cookie from a session whose keepalives echoed it before is counted as a
     * routability failure and keeps nothing alive: an off-path sender using a departed client's
     * address would otherwise hold its session, and a subscriber's downlink to that address,
     * open forever. An older client's keepalives (never a cookie) keep its session alive as before.
     */
    private void checkKeepaliveCookie(ControlMessage.Keepalive keepalive, RelaySession session,
            InetSocketAddress sender, long nowNs) {
        long cookie = keepalive.cookie();
        if (security.routability() == null) {
            heard(session, true, nowNs);
        } else if (cookie != 0 && echoesCookie(keepalive, cookie, session, sender, nowNs)) {
            session.keepaliveCookie = cookie;
            heard(session, true, nowNs);
        } else if (session.keepaliveCookie != 0) {
            counters.increment(RelayCounter.ROUTABILITY_FAILED);
        } else {
            heard(session, false, nowNs);
        }
    }

    /**
     * The session was heard from: it stays alive another session timeout, but on an unproven
     * message (media, feedback, a request without the cookie) only while its client's keepalives
     * have not shown that it echoes the cookie ({@link RelaySession#keepaliveCookie}).
     *
     * @param proven whether the message echoed the session's cookie, or the node checks none
     */
    private static void heard(RelaySession session, boolean proven, long nowNs) {
        if (proven || session.keepaliveCookie == 0) {
            session.lastHeardNs = nowNs;
        }
    }

    /**
     * Whether a request echoes the cookie this node gave the session's address and id, or true
     * when the node does not check cookies. The cookie of a session id held pending
     * ({@link RelaySession#pendingSessionId}) hands the session over to that id, a client that
     * restarted on the address.
     */
    private boolean echoesCookie(ControlMessage request, long cookie, RelaySession session, InetSocketAddress sender,
            long nowNs) {
        ReturnRoutability routability = security.routability();
        if (routability == null || routability.verify(sender, session.sessionId, cookie)) {
            return true;
        }
        if (session.takeoverPending && routability.verify(sender, session.pendingSessionId, cookie)) {
            takeOver(session, session.pendingSessionId, request, nowNs);
            return true;
        }
        return false;
    }

    /**
     * Another client (another session id) uses the session's address from now on: a new join,
     * with request ids of its own. The client that held the session is gone (a process that
     * restarted on the address and port, a NAT mapping given to another host), so its roles end
     * as if it had left, but the one the request that took the session over asks for again (the
     * same stream and role): that one carries on without a gap, as a repeat does.
     *
     * @param request the request that proved the new id (a HELLO where cookies are not checked)
     */
    private void takeOver(RelaySession session, long sessionId, ControlMessage request, long nowNs) {
        session.forgetRequests();
        session.forgetTokenChecks();
        session.sessionId = sessionId;
        session.takeoverPending = false;
        session.keepaliveCookie = 0; // another id's cookie, and the new client may be an older one
        session.joins++;
        counters.increment(RelayCounter.SESSION_TAKEOVERS);
        endRoles(session, request, nowNs);
    }

    /**
     * Ends the session's roles as LEAVEs of each would, but the role {@code kept} requests (a
     * PUBLISH of the stream the session publishes, a SUBSCRIBE of a stream it subscribes to).
     *
     * @param kept a request whose role stays, or null to end every role
     */
    private void endRoles(RelaySession session, ControlMessage kept, long nowNs) {
        if (session.published != null && !(kept instanceof ControlMessage.Publish publish
                && publish.streamId().equals(session.published.streamId))) {
            unpublish(session, nowNs);
        }
        // From the end: unsubscribe removes the subscription from the list.
        for (int i = session.subscriptions.size() - 1; i >= 0; i--) {
            Subscription subscription = session.subscriptions.get(i);
            if (!(kept instanceof ControlMessage.Subscribe subscribe
                    && subscribe.streamId().equals(subscription.stream.streamId))) {
                unsubscribe(subscription, nowNs);
            }
        }
        updateGauges();
    }

    /**
     * Checks the token of a role request when this node requires tokens (after its cookie,
     * {@link #routable}). A refusal is answered with its error code under the no-amplification
     * rule (the peer is not authenticated), and the request has no effect: no publication, no
     * subscription, no media.
     */
    private boolean authorized(DecodeResult request, String streamId, TokenRole role, int type,
            RelaySession session, InetSocketAddress sender, int requestLength, long nowNs) {
        if (session == null) {
            return true; // refused as NOT_JOINED by the request's handler
        }
        // Noted only from the session's own address: a spoofed id could hold back its later requests.
        session.roleRequestReceived(streamId, request.requestId());
        if (authenticator == null) {
            return true;
        }
        TokenStatus status = authenticator.check(request.token(), streamId, role);
        boolean keptRole = false;
        if (status == TokenStatus.EXPIRED && holdsRoleInThisJoin(session, streamId, role)) {
            // A repeat of a granted request (its answer lost, new tracks, a renewed SUBSCRIBE for
            // the track list) only restates a role the session keeps anyway once its token
            // expires: refusing it would cost the client a node that carries its stream. The
            // token must still be genuine and name this stream and role.
            status = authenticator.checkIgnoringExpiry(request.token(), streamId, role);
            keptRole = status == TokenStatus.OK;
        }
        // A retransmission (the same request id again: the client's answer was lost or late) is
        // checked and answered again, but the counters count requests, not their copies.
        boolean counted = session.firstTokenCheck(request.requestId(), nowNs);
        if (status == TokenStatus.OK) {
            if (counted) {
                counters.increment(RelayCounter.TOKENS_ACCEPTED);
                if (keptRole) {
                    counters.increment(RelayCounter.TOKENS_EXPIRED_ROLE_KEPT);
                }
            }
            if (!keptRole) {
                grantedInThisJoin(session, streamId, role);
            }
            return true;
        }
        if (counted) {
            counters.increment(RelayCounter.TOKENS_REJECTED);
        }
        error(sender, request.requestId(), RelayAuthenticator.errorCode(status), type,
                RelayAuthenticator.reason(status), requestLength, false);
        return false;
    }

    /**
     * Whether the session holds {@code role} on the stream by a request accepted since its
     * latest HELLO. A HELLO starts a new join (the client lost its session, or this node, and
     * comes back), which must present a valid token like a first one.
     */
    private boolean holdsRoleInThisJoin(RelaySession session, String streamId, TokenRole role) {
        RelayStream stream = streams.get(streamId);
        if (stream == null) {
            return false;
        }
        if (role == TokenRole.PUBLISH) {
            return stream.publisher == session && session.published == stream && session.publishJoin == session.joins;
        }
        Subscription subscription = session.subscriptionTo(stream);
        return subscription != null && subscription.grantedJoin == session.joins;
    }

    /** A role request presented a valid token: the role it holds, if any, is held in this join. */
    private void grantedInThisJoin(RelaySession session, String streamId, TokenRole role) {
        RelayStream stream = streams.get(streamId);
        if (stream == null) {
            return;
        }
        if (role == TokenRole.PUBLISH) {
            if (stream.publisher == session) {
                session.publishJoin = session.joins;
            }
            return;
        }
        Subscription subscription = session.subscriptionTo(stream);
        if (subscription != null) {
            subscription.grantedJoin = session.joins;
        }
    }

    private static long requestCookie(ControlMessage request) {
        if (request instanceof ControlMessage.Publish publish) {
            return publish.cookie();
        }
        return request instanceof ControlMessage.Subscribe subscribe ? subscribe.cookie() : 0;
    }

    private void onHello(ControlMessage.Hello hello, RelaySession session, InetSocketAddress sender,
            int requestId, int requestLength, long nowNs) {
        if (session == null) {
            if (halfOpen.size() >= security.maxHalfOpenSessions()
                    || (sessions.size() >= config.maxSessions() && !halfOpen.isEmpty())) {
                // Bounded state for unauthenticated peers: a HELLO flood evicts its own oldest
                // sessions, never an authenticated one.
                RelaySession oldest = halfOpen.values().iterator().next();
                removeSession(oldest, nowNs);
                counters.increment(RelayCounter.HALF_OPEN_EVICTED);
            }
            if (sessions.size() >= config.maxSessions()) {
                error(sender, requestId, ErrorCode.OVERLOADED, ControlMessage.HELLO, "session limit", requestLength, false);
                return;
            }
            session = new RelaySession(sender, hello.sessionId(), nowNs);
            sessions.put(sender, session);
            halfOpen.put(sender, session);
            counters.set(RelayCounter.HALF_OPEN_SESSIONS, halfOpen.size());
            counters.set(RelayCounter.SESSIONS, sessions.size());
        }
        // A copy of the HELLO that began this join can reach us after the role request its
        // answer released (a copy sent just before that answer arrived, reordered on the way):
        // numbered below the role request (a client numbers its requests upward and sends the
        // role request after its HELLO's copies), it starts no new join, or the client's next
        // repeat would need a valid token for no reason of its own. Another session id from
        // this address is another client: a new join once it takes the session over (below). A
        // cascading node's upstream links share one session here, so one link's HELLO starts a
        // new join for the others as well; harmless, as a link repeats its SUBSCRIBE only within
        // its own join's seconds, with a token minted for it and valid an hour, and never renews
        // it (PROTOCOL.md section 7).
        if (hello.sessionId() != session.sessionId && security.routability() != null) {
            // Another session id from this address: a client restarted on it (a new process, a
            // NAT mapping reused), or a blind spoofer's one datagram. Only the first can echo the
            // cookie of this HELLO_ACK, so the id takes the session over then (routable); until
            // then the session, its id and its roles are the client's that proved the address.
            if (!session.takeoverPending || session.pendingSessionId != hello.sessionId()) {
                session.pendingSessionId = hello.sessionId();
                session.takeoverPending = true;
                counters.increment(RelayCounter.SESSION_TAKEOVERS_HELD);
            }
        } else if (hello.sessionId() != session.sessionId) {
            // Without cookies the address is the only proof, and another session id is another client.
            takeOver(session, hello.sessionId(), hello, nowNs);
            session.requestReceived(requestId);
        } else {
            // The session's own id, a 64-bit random number a blind spoofer does not know, kept
            // as alive as the cookie keeps it: a new conversation under that id (a cascading
            // node's next upstream link, a client back on a node it left without LEAVE) sends
            // no cookie before the HELLO_ACK, and its role request must not find the session
            // expired meanwhile (NOT_JOINED).
            heard(session, true, nowNs);
            boolean lateCopy = session.joins > 0 && session.tokenCheckedRequestId != 0
                    && requestId - session.tokenCheckedRequestId < 0;
            session.requestReceived(requestId);
            if (!lateCopy) {
                session.joins++;
            }
        }
        // HELLO is padded to the size of a HELLO_ACK with its cookie: no amplification.
        long cookie = security.routability() == null ? 0 : security.routability().cookie(sender, hello.sessionId());
        reply(sender, requestId, new ControlMessage.HelloAck(hello.sessionId(), config.keepaliveIntervalMs(),
                config.sessionTimeoutMs(), config.nodeId(), cookie), requestLength, false);
    }

    private void onPublish(ControlMessage.Publish publish, RelaySession session, InetSocketAddress sender,
            int requestId, int requestLength, long nowNs) {
        if (session == null) {
            error(sender, requestId, ErrorCode.NOT_JOINED, ControlMessage.PUBLISH, "send HELLO first", requestLength, false);
            return;
        }
        RelayStream stream = streams.get(publish.streamId());
        if (stream != null && stream.publisher != null && stream.publisher != session) {
            error(sender, requestId, ErrorCode.STREAM_ALREADY_PUBLISHED, ControlMessage.PUBLISH,
                    "stream " + publish.streamId() + " has a publisher", requestLength, true);
            return;
        }
        if (session.published != null && session.published != stream) {
            error(sender, requestId, ErrorCode.UNSUPPORTED_FEATURE, ControlMessage.PUBLISH,
                    "one published stream per session", requestLength, true);
            return;
        }
        String conflict = ssrcConflict(publish.tracks(), stream);
        if (conflict != null) {
            error(sender, requestId, ErrorCode.SSRC_CONFLICT, ControlMessage.PUBLISH, conflict, requestLength, true);
            return;
        }
        if (stream == null) {
            stream = new RelayStream(publish.streamId());
            streams.put(stream.streamId, stream);
        }
        if (stream.upstream != null) {
            closeUpstream(stream, nowNs); // a local publisher wins over the upstream copy
        }
        if (stream.publisher == null) {
            publisherCount++;
        }
        if (stream.publisher != session) {
            session.publishJoin = session.joins;
        }
        stream.publisher = session;
        session.published = stream;
        authenticated(session);
        replaceTracks(stream, publish.tracks());
        updateGauges();
        reply(sender, requestId, new ControlMessage.PublishAck(stream.streamId), requestLength, true);
        announce(stream, nowNs);
        if (!stream.subscribers.isEmpty()) {
            // Subscribers were waiting: they need a keyframe to start.
            requestKeyframeForVideo(stream, nowNs);
        }
    }

    /** Returns a reason if a track's SSRC is taken by another stream or by another track. */
    private String ssrcConflict(List<Track> tracks, RelayStream publishing) {
        List<Integer> seen = new ArrayList<>(tracks.size() * 2);
        for (Track track : tracks) {
            for (int ssrc : track.hasRtx() ? new int[] {track.ssrc(), track.rtxSsrc()} : new int[] {track.ssrc()}) {
                if (seen.contains(ssrc)) {
                    return "SSRC " + Integer.toUnsignedString(ssrc) + " used twice";
                }
                seen.add(ssrc);
                for (RelayStream other : streams.values()) {
                    if (other != publishing && other.usesSsrc(ssrc)) {
                        return "SSRC " + Integer.toUnsignedString(ssrc) + " is used by another stream";
                    }
                }
            }
        }
        return null;
    }

    private void replaceTracks(RelayStream stream, List<Track> tracks) {
        RelayTrack[] next = new RelayTrack[tracks.size()];
        for (int i = 0; i < next.length; i++) {
            Track track = tracks.get(i);
            RelayTrack existing = stream.trackBySsrc(track.ssrc());
            next[i] = existing != null && existing.track.equals(track)
                    ? existing
                    : new RelayTrack(track, config.retransmissionCachePackets(), track.ssrc() ^ config.nodeId(),
                            config.videoPayloadFormat(track.payloadType()));
        }
        for (RelayTrack old : stream.tracks) {
            boolean kept = false;
            for (RelayTrack t : next) {
                kept |= t == old;
            }
            if (!kept) {
                old.cache.clear();
            }
        }
        stream.tracks = next;
        for (Subscription subscription : stream.subscribers) {
            subscription.selectLayer();
        }
    }

    private void onSubscribe(ControlMessage.Subscribe subscribe, RelaySession session, InetSocketAddress sender,
            int requestId, int requestLength, long nowNs) {
        if (session == null) {
            error(sender, requestId, ErrorCode.NOT_JOINED, ControlMessage.SUBSCRIBE, "send HELLO first", requestLength, false);
            return;
        }
        RelayStream stream = streams.get(subscribe.streamId());
        if (stream == null) {
            stream = new RelayStream(subscribe.streamId());
            streams.put(stream.streamId, stream);
        }
        Subscription subscription = session.subscriptionTo(stream);
        if (subscription == null) {
            if (stream.subscribers.size() >= config.maxSubscribersPerStream()) {
                error(sender, requestId, ErrorCode.OVERLOADED, ControlMessage.SUBSCRIBE, "subscriber limit",
                        requestLength, true);
                if (stream.isIdle()) {
                    streams.remove(stream.streamId);
                }
                return;
            }
            subscription = new Subscription(session, stream, subscribe.maxSimulcastLayer(), subscribe.maxBitrateBps(),
                    keyframeRequestIntervalNs);
            subscription.grantedJoin = session.joins;
            stream.addSubscriber(subscription);
            if (session.subscriptions.isEmpty()) {
                session.lane = leastLoadedLane();
                sessionsPerLane[session.lane]++;
            }
            session.subscriptions.add(subscription);
            subscriptionCount++;
            authenticated(session);
        } else {
            subscription.maxSimulcastLayer = subscribe.maxSimulcastLayer();
            subscription.maxBitrateBps = subscribe.maxBitrateBps();
        }
        subscription.selectLayer();
        updateGauges();
        reply(sender, requestId, new ControlMessage.SubscribeAck(stream.streamId, stream.trackList()), requestLength, true);
        if (stream.publisher == null && stream.upstream == null && config.upstream() != null) {
            openUpstream(stream, nowNs);
        }
        // A new viewer can decode nothing until the next keyframe: ask for one now.
        requestKeyframeForVideo(stream, nowNs);
    }

    private int leastLoadedLane() {
        int best = 0;
        for (int lane = 1; lane < sessionsPerLane.length; lane++) {
            if (sessionsPerLane[lane] < sessionsPerLane[best]) {
                best = lane;
            }
        }
        return best;
    }

    /** The session's role request was accepted: it is no longer half-open. */
    private void authenticated(RelaySession session) {
        if (halfOpen.remove(session.address) != null) {
            counters.set(RelayCounter.HALF_OPEN_SESSIONS, halfOpen.size());
        }
    }

    private void requestKeyframeForVideo(RelayStream stream, long nowNs) {
        for (RelayTrack track : stream.tracks) {
            if (track.track.kind() == MediaKind.VIDEO) {
                requestKeyframe(stream, track.track.ssrc(), nowNs);
                return;
            }
        }
    }

    private void onLeave(ControlMessage.Leave leave, RelaySession session, long nowNs) {
        if (session == null) {
            return;
        }
        if (leave.streamId().isEmpty()) {
            removeSession(session, nowNs);
            return;
        }
        RelayStream stream = streams.get(leave.streamId());
        Subscription subscription = stream == null ? null : session.subscriptionTo(stream);
        if (stream != null && (stream.publisher == session || subscription != null)) {
            session.leftStream(stream.streamId);
        } else {
            // The role request this LEAVE follows has not come yet (lost, or overtaken).
            session.leftStreamNotHeld(leave.streamId());
            return;
        }
        if (stream.publisher == session) {
            unpublish(session, nowNs);
        }
        if (subscription != null) {
            unsubscribe(subscription, nowNs);
        }
        updateGauges();
    }

    private void unpublish(RelaySession session, long nowNs) {
        RelayStream stream = session.published;
        session.published = null;
        stream.publisher = null;
        publisherCount--;
        for (RelayTrack track : stream.tracks) {
            track.cache.clear();
        }
        stream.tracks = new RelayTrack[0];
        announce(stream, nowNs);
        if (stream.isIdle()) {
            streams.remove(stream.streamId);
        }
    }

    private void unsubscribe(Subscription subscription, long nowNs) {
        RelayStream stream = subscription.stream;
        stream.removeSubscriber(subscription);
        subscription.session.subscriptions.remove(subscription);
        if (subscription.session.subscriptions.isEmpty()) {
            sessionsPerLane[subscription.session.lane]--;
        }
        subscriptionCount--;
        if (stream.subscribers.isEmpty() && stream.upstream != null) {
            closeUpstream(stream, nowNs);
        }
        if (stream.isIdle()) {
            streams.remove(stream.streamId);
        }
    }

    private void removeSession(RelaySession session, long nowNs) {
        endRoles(session, null, nowNs);
        sessions.remove(session.address);
        if (halfOpen.remove(session.address) != null) {
            counters.set(RelayCounter.HALF_OPEN_SESSIONS, halfOpen.size());
        }
        updateGauges();
    }

    /**
     * Tells every subscriber of a stream its current tracks, now and again after each of
     * {@link #ANNOUNCEMENT_REPEAT_AFTER_NS} (a new change starts the schedule over).
     */
    private void announce(RelayStream stream, long nowNs) {
        if (stream.subscribers.isEmpty()) {
            if (stream.announcementRepeating) {
                // The repeats due would tell a later subscriber the old tracks after its SUBSCRIBE_ACK.
                stopRepeating(stream);
                repeatingAnnouncements.remove(stream);
            }
            return; // a later subscriber learns the tracks from its SUBSCRIBE_ACK
        }
        if (stream.announcement != null) {
            stream.announcement.release(); // the previous change's, whose repeats this one replaces
        }
        // One encoding per change, however many subscribers and repeats: every copy is the same.
        stream.announcement = ControlCodec.encode(out.allocator(), 0, NO_TOKEN,
                new ControlMessage.StreamInfo(stream.streamId, stream.trackList()));
        sendStreamInfo(stream);
        stream.announcedNs = nowNs;
        stream.announcementRepeats = 0;
        if (!stream.announcementRepeating) {
            stream.announcementRepeating = true;
            repeatingAnnouncements.add(stream);
        }
    }

    /**
     * Sends the stream's {@link RelayStream#announcement} to each of its subscribers.
     *
     * @return the number of STREAM_INFO datagrams sent
     */
    private int sendStreamInfo(RelayStream stream) {
        for (Subscription subscription : stream.subscribers) {
            out.send(stream.announcement.retainedDuplicate(), subscription.session.address);
        }
        return stream.subscribers.size();
    }

    /**
     * Sends the announcements that are due again, as announced, to the streams' current
     * subscribers (a change since would have started the schedule over; the one change not
     * announced, an edge's upstream session lost and joined again, leaves its subscribers
     * believing in the tracks they were told). A subscriber that joined since has the tracks from
     * its SUBSCRIBE_ACK and gets a harmless copy.
     */
    private void repeatAnnouncements(long nowNs) {
        for (int i = repeatingAnnouncements.size() - 1; i >= 0; i--) {
            RelayStream stream = repeatingAnnouncements.get(i);
            if (nowNs - (stream.announcedNs + ANNOUNCEMENT_REPEAT_AFTER_NS[stream.announcementRepeats]) < 0) {
                continue;
            }
            counters.add(RelayCounter.STREAM_INFO_REPEATED, sendStreamInfo(stream));
            stream.announcementRepeats++;
            if (stream.announcementRepeats == ANNOUNCEMENT_REPEAT_AFTER_NS.length || stream.subscribers.isEmpty()) {
                stopRepeating(stream);
                repeatingAnnouncements.remove(i);
            }
        }
    }

    private static void stopRepeating(RelayStream stream) {
        stream.announcementRepeating = false;
        stream.announcement.release();
        stream.announcement = null;
    }

    private void reply(InetSocketAddress to, int requestId, ControlMessage message, int requestLength, boolean joined) {
        ByteBuf encoded = ControlCodec.encode(out.allocator(), requestId, NO_TOKEN, message);
        if (!joined && encoded.readableBytes() > requestLength) {
            encoded.release();
            counters.increment(RelayCounter.AMPLIFICATION_SUPPRESSED);
            return;
        }
        out.send(encoded, to);
    }

    private void error(InetSocketAddress to, int requestId, ErrorCode code, int failedType, String reason,
            int requestLength, boolean joined) {
        ControlMessage.Error full = new ControlMessage.Error(code, failedType, reason);
        if (!joined) {
            // Shorten the reason until the error is no larger than the request (PROTOCOL.md 5).
            int room = requestLength - ControlCodec.HEADER_LENGTH - 4;
            if (room < 0) {
                counters.increment(RelayCounter.AMPLIFICATION_SUPPRESSED);
                return;
            }
            if (reason.length() > room) {
                full = new ControlMessage.Error(code, failedType, reason.substring(0, room));
            }
        }
        counters.increment(RelayCounter.ERRORS_SENT);
        reply(to, requestId, full, requestLength, joined);
    }

    // ---------------------------------------------------------------- timers and load

    /**
     * Every tick and datagram, before anything else: a gap since the previous one over
     * {@link ReaderStallDetector#STALL_GAP_NS} was a stall of this thread, which every subscriber
     * downlink hears of before it numbers another packet or reads another feedback.
     */
    private void onThreadEvent(long nowNs) {
        if (!threadStalls.onEvent(nowNs)) {
            return;
        }
        counters.increment(RelayCounter.IO_THREAD_STALLS);
        long stallNs = threadStalls.lastGapNs();
        for (RelaySession session : sessions.values()) {
            if (session.downlink != null) {
                session.downlink.onRelayStall(nowNs, stallNs);
            }
        }
    }

    /**
     * Periodic work: transport-cc feedback, NACKs to sources, upstream links, session expiry and
     * the load window. Call every 20 ms.
     *
     * @param nowNs the current time, in nanoseconds
     */
    public void onTick(long nowNs) {
        onThreadEvent(nowNs);
        sendTransportFeedback();
        updateDownlinks(nowNs);
        askSourcesForMissingPackets(nowNs);
        probeQuietTails(nowNs);
        repeatAnnouncements(nowNs);
        for (int i = upstreamLinks.size() - 1; i >= 0; i--) {
            UpstreamLink link = upstreamLinks.get(i);
            link.control.onTick(nowNs);
            if (link.failed) {
                upstreamFailed(link, nowNs); // drops the link: the loop runs backwards
            }
        }
        Iterator<RelaySession> it = sessions.values().iterator();
        List<RelaySession> expired = null;
        while (it.hasNext()) {
            RelaySession session = it.next();
            if (nowNs - session.lastHeardNs > sessionTimeoutNs) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(session);
            }
        }
        if (expired != null) {
            for (RelaySession session : expired) {
                removeSession(session, nowNs);
                counters.increment(RelayCounter.SESSIONS_EXPIRED);
            }
        }
        long packets = counters.get(RelayCounter.PACKETS_FORWARDED);
        long bytes = counters.get(RelayCounter.BYTES_FORWARDED);
        if (!loadWindowStarted) {
            loadWindowStarted = true;
            loadWindowStartNs = nowNs;
            loadWindowStartPackets = packets;
            loadWindowStartBytes = bytes;
        } else if (nowNs - loadWindowStartNs >= LOAD_WINDOW_NS) {
            long elapsedNs = nowNs - loadWindowStartNs;
            counters.set(RelayCounter.PACKETS_PER_SECOND, (packets - loadWindowStartPackets) * 1_000_000_000L / elapsedNs);
            counters.set(RelayCounter.BITS_PER_SECOND, Math.round((bytes - loadWindowStartBytes) * 8e9 / elapsedNs));
            loadWindowStartNs = nowNs;
            loadWindowStartPackets = packets;
            loadWindowStartBytes = bytes;
        }
        out.flush();
    }

    /** As many configured members as fit in a reply no larger than the request (PROTOCOL.md 6). */
    private ControlMessage.MembersReport membersReport(int requestLength) {
        int room = requestLength - ControlCodec.HEADER_LENGTH - 1;
        java.util.List<io.smoothcast.transport.NodeInfo> members = config.members();
        int n = 0;
        while (n < members.size() && n < ControlMessage.MembersReport.MAX_MEMBERS) {
            int size = ControlMessage.MembersReport.encodedLength(members.get(n));
            if (size > room) {
                break;
            }
            room -= size;
            n++;
        }
        return new ControlMessage.MembersReport(members.subList(0, n));
    }

    /**
     * Subscribers per stream id right now (local viewers and downstream nodes), for statistics.
     * I/O thread only; the result is a fresh map the caller may keep.
     *
     * @return subscriber count per stream id
     */
    public Map<String, Integer> subscribersByStream() {
        Map<String, Integer> counts = new HashMap<>();
        for (RelayStream stream : streams.values()) {
            counts.put(stream.streamId, stream.subscribers.size());
        }
        return counts;
    }

    private ControlMessage.LoadReport loadReport() {
        return new ControlMessage.LoadReport(publisherCount, subscriptionCount, streams.size(),
                (int) Math.min(Integer.MAX_VALUE, counters.get(RelayCounter.PACKETS_PER_SECOND)),
                counters.get(RelayCounter.BITS_PER_SECOND));
    }

    private void updateGauges() {
        counters.set(RelayCounter.SESSIONS, sessions.size());
        counters.set(RelayCounter.PUBLISHERS, publisherCount);
        counters.set(RelayCounter.SUBSCRIBERS, subscriptionCount);
        counters.set(RelayCounter.STREAMS, streams.size());
    }

    /** Releases every cached packet; call once when the node stops. */
    public void close() {
        upstreamLinks.clear();
        repeatingAnnouncements.forEach(RelayEngine::stopRepeating);
        repeatingAnnouncements.clear();
        for (RelayStream stream : streams.values()) {
            for (RelayTrack track : stream.tracks) {
                track.cache.clear();
            }
        }
        streams.clear();
        sessions.clear();
        halfOpen.clear();
    }
}
