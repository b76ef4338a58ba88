package io.smoothcast.transport.internal.failover;

import io.netty.buffer.ByteBuf;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.NodeSwitchReason;
import io.smoothcast.transport.TokenRefusal;
import io.smoothcast.transport.internal.DatagramKind;
import io.smoothcast.transport.internal.client.ClientControl;
import io.smoothcast.transport.internal.client.TokenExpiryWatch;
import io.smoothcast.transport.internal.client.WallClockMapping;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.netty.DatagramSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A client's connection state machine across nodes. It keeps one path (two in redundant mode)
 * joined: each path is a {@link ClientControl} conversation with one node plus a
 * {@link LinkSilenceDetector}. A path that goes silent, is refused or does not get accepted in
 * time is dropped, its node remembered as failed in the {@link NodeRoster}, and the next node
 * joined with the same session id and role request. A failed node is held down (tried after the
 * others) for {@link FailoverPolicy#FAILED_NODE_HOLD_DOWN_MS}, doubling with each further
 * failure; its failures are forgotten once a path on it has carried the client for
 * {@link FailoverPolicy#FAILURES_FORGOTTEN_AFTER_MS}.
 *
 * <p>States: CONNECTING until the first node accepts; CONNECTED while at least one path is
 * accepted; RECONNECTING when the last one is lost; FAILED when no path has been accepted for the
 * give-up time (the supervisor keeps trying, at the roster's backoff, and returns to CONNECTED
 * when a node accepts). Each change comes with a reason in words.
 *
 * <p>A client on a single path also watches the quality of its node (proactive switching,
 * with a {@link PathSwitchDecider} and an {@link AlternativeProber}): a subscriber measures the
 * loss of the node's packets from their transport-wide sequence numbers
 * ({@link #onTransportSequence}), a publisher the loss of its own packets from the node's
 * transport-cc feedback ({@link #onFeedbackReport}); both take the round trip from keepalives.
 * A subscriber on any number of paths also watches whether each path's node has a publisher.
 * Either can make the client join a <em>candidate</em> node next to its current ones and move
 * the path there once the candidate accepted (make before break; rules on
 * {@link FailoverPolicy}). A publisher moves as soon as the candidate accepted the PUBLISH: from
 * then on the stream is on the new node, and the old node's viewers find it there when the old
 * node announces that its publisher left. A subscriber never moves to a node without the
 * publisher for a better path: the move would trade a lossy stream for none. Nor does it move
 * off a node that lists the stream but has gone silent (the publisher moved and the node has not
 * noticed yet, {@link NodeSwitchReason#MEDIA_SILENCE}) before the candidate has delivered media
 * of the stream: a publisher that merely paused is silent on every node.
 *
 * <p>Tokens: every role request carries the current token, which {@link #renewToken} replaces
 * at any time. A node that refuses the token ({@link TokenRefusal}) is left like any refusing
 * node and told to the client ({@link Events#onTokenRefused}), but not counted as failed in the
 * roster: it is asked again after a token backoff of its own (up to
 * {@link FailoverPolicy#TOKEN_REFUSAL_BACKOFF_MAX_MS}), and at once after a renewal. Until then
 * it is no alternative to probe either.
 * {@link Events#onTokenExpiring} warns once per token before the expiry written in it.
 *
 * <p>Not thread-safe: the client's I/O thread only. Time comes from the caller.
 */
public final class ConnectionSupervisor {

    /** What the supervisor tells its client, on the I/O thread. */
    public interface Events {
        /** The state changed. */
        void onStateChanged(ConnectionState state, String reason);

        /**
         * A node accepted the role request.
         *
         * @param node the node
         * @param reply its PUBLISH_ACK or SUBSCRIBE_ACK
         * @param resumed true if the client had been connected before (a failover or a recovery)
         * @param nowNs the current time
         */
        void onNodeAccepted(InetSocketAddress node, ControlMessage reply, boolean resumed, long nowNs);

        /** An accepted node announced new tracks for the stream. */
        void onStreamInfo(InetSocketAddress node, ControlMessage.StreamInfo info, long nowNs);

        /**
         * The client moved from a node that still answered to another one (it has been accepted
         * there, and {@link #onNodeAccepted} came first). Default: ignored.
         *
         * @param from the node left
         * @param to the node now carrying the client
         * @param reason why
         * @param detail the measurements behind the decision, in words
         */
        default void onSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason, String detail) {
        }

        /**
         * A node refused the client's current token (see {@link #renewToken}); comes before the
         * state change the refusal causes, if any. Not called for a refusal of a token replaced
         * since the request left. Default: ignored.
         *
         * @param node the node
         * @param refusal the node's error code
         */
        default void onTokenRefused(InetSocketAddress node, TokenRefusal refusal) {
        }

        /**
         * The current token expires within the warning lead (see {@link #watchTokenExpiry}):
         * once per token. Default: ignored.
         *
         * @param expiresAtEpochSeconds the expiry written in the token, in Unix seconds
         */
        default void onTokenExpiring(long expiresAtEpochSeconds) {
        }
    }

    /** Fewest packets a path must have been sent in a window for its loss to count. */
    static final int MIN_PACKETS_PER_WINDOW = 5;

    /** LEAVE datagrams sent to a node the client moves away from while it still answers. */
    static final int LEAVE_COPIES = 3;

    /**
     * Shortest interval, in ns, between two requests to one node for its tracks while media for
     * unknown tracks keeps coming (a renewed SUBSCRIBE and its answer, a few hundred bytes).
     */
    static final long TRACK_RENEWAL_INTERVAL_NS = 500_000_000L;

    /**
     * How long a media-silence candidate must have delivered media, while the current node
     * delivered none, before the client moves there, in ns: several packet intervals of audio or
     * video, so that a paused publisher that resumes, its packets reaching the candidate a few
     * ms before the current node, does not move the client. Its media plays meanwhile (the
     * candidate's packets go to the same jitter buffers), so the wait costs no frame.
     */
    static final long MEDIA_TRIAL_CONFIRM_NS = 100_000_000L;

    /** A gap between ticks this long means the client's own thread stalled (ticks come every ~10 ms). */
    static final long CLIENT_STALL_NS = 50_000_000L;

    private final DatagramSender out;
    private final long sessionId;
    private final ControlMessage roleRequest;
    private final FailoverPolicy policy;
    private final NodeRoster roster;
    private final Events events;
    private final Path[] paths;
    private final InetSocketAddress[] connected;
    private final long heartbeatNs;
    private final long floorNs;
    private final long budgetNs;
    private final long joinTimeoutNs;
    private final long giveUpNs;
    /** How long a path must carry the client before its node's failures are forgotten. */
    private final long trustAfterNs;
    /** Subscribers measure loss from the node's packets and look for the publisher. */
    private final boolean subscriber;
    private final long noPublisherNs;
    /** Silence of a node that lists the stream before it is tried elsewhere, in ns; 0 when off. */
    private final long mediaSilenceNs;
    /** Nodes that delivered no media either, in this round of media-silence trials. */
    private final List<InetSocketAddress> silenceTried = new ArrayList<>();
    /** When the next media-silence trial may start, and the wait after the next fruitless round. */
    private long silenceResumeNs;
    private long silenceBackoffNs;
    private final long evaluationIntervalNs;
    private final PathSwitchDecider decider;
    private final AlternativeProber prober;
    /** A node joined next to the current one, to move to once it accepted; null when none. */
    private Path candidate;
    /** The path the candidate is to replace. */
    private int candidateSlot;
    private NodeSwitchReason candidateReason;
    private String candidateDetail;
    /** Nodes that had no publisher either, in this round of the publisher search. */
    private final List<InetSocketAddress> searched = new ArrayList<>();
    /**
     * Nodes that accepted a move for a better path without having the publisher, with when
     * they may be probed again: a degraded path is not left for one of them meanwhile.
     */
    private final List<InetSocketAddress> withoutPublisher = new ArrayList<>();
    private final List<Long> withoutPublisherUntilNs = new ArrayList<>();
    private long searchResumeNs;
    /** When a path last had tracks for the stream; the publisher was alive then. */
    private long streamSeenNs;
    private boolean streamSeen;
    private long nextEvaluationNs;
    private long switches;
    /** Round trips to nodes measured before joining them (a node probe), in ns. */
    private final Map<InetSocketAddress, Long> probedRttNs = new HashMap<>();
    /** Sent with the role request on every node this client joins; empty for none. */
    private byte[] token = new byte[0];
    /** Counts the tokens handed in: a path knows which one its node refused. */
    private int tokenGeneration;
    private final TokenExpiryWatch tokenExpiry = new TokenExpiryWatch();
    /** Set by {@link #leave}: nothing is joined any more. */
    private boolean left;
    /** The latest refusal not yet reported, or null. */
    private String lastRefusal;
    private int connectedCount;
    private int nextRequestId;
    private long lastTickNs;
    private boolean ticked;
    private ConnectionState state = ConnectionState.CONNECTING;
    private boolean everConnected;
    private long withoutNodeSinceNs;
    private long failovers;
    private long nodeFailures;
    private long tokenRefusals;

    /** One conversation with one node. */
    private final class Path implements ClientControl.Events {
        final InetSocketAddress node;
        final ClientControl control;
        final LinkSilenceDetector detector;
        final long joinStartedNs;
        /** How long the node has to accept the client, from {@link #joinStartedNs}. */
        final long joinTimeoutNs;
        boolean accepted;
        String failure;
        /** The node answered with an error (not silence), and its code. */
        boolean refused;
        int refusalCode;
        /** The token this path's requests carried, by {@link ConnectionSupervisor#tokenGeneration}. */
        int tokenGeneration = ConnectionSupervisor.this.tokenGeneration;
        /** Joined to move to, not yet carrying the client. */
        boolean candidate;
        /** Loss of the node's packets to a subscriber, from their transport-wide numbers. */
        final TransportLossMeter loss = new TransportLossMeter();
        /** Loss of a publisher's packets to the node, from the node's transport-cc feedback. */
        final ReportedLossMeter reportedLoss = new ReportedLossMeter();
        /** Loss smoothed over the evaluation windows; NaN until a window had enough packets. */
        double smoothedLoss = Double.NaN;
        /**
         * Keepalive round trips: compared with the alternatives' pings by the same estimator, and
         * the source of {@link ConnectionSupervisor#pathRttNs}.
         */
        final RttWindow rtt = new RttWindow();
        /** Whether the node's last track list for the stream was non-empty. */
        boolean hasTracks;
        long noTracksSinceNs;
        /**
         * When the node last delivered an original media packet of the stream, or began to list
         * its tracks if later (the media-silence rule's origin); whether it delivered any.
         */
        long lastMediaNs;
        boolean mediaSeen;
        long firstMediaNs;
        /** Kept for a candidate, replayed to the client when it moves there. */
        ControlMessage acceptedReply;
        ControlMessage.StreamInfo latestInfo;
        /** Whether, and when, the node was last asked for its tracks again (media for unknown tracks). */
        boolean tracksRenewed;
        long tracksRenewedNs;
        /** When this accepted path began to carry the client. */
        long carryingSinceNs;
        /** Whether it carried the client long enough for the roster to forget the node's failures. */
        boolean trusted;

        Path(InetSocketAddress node, long nowNs) {
            this.node = node;
            this.joinStartedNs = nowNs;
            this.detector = new LinkSilenceDetector(heartbeatNs, floorNs, budgetNs, nowNs);
            int requestId = nextRequestId;
            nextRequestId += 1 << 16; // separate request id ranges for successive conversations
            this.control = new ClientControl(out, node, sessionId, roleRequest, requestId, this);
            control.capKeepaliveInterval(heartbeatNs);
            control.useToken(token);
            long knownRttNs = knownRttNs(node);
            control.useRttEstimate(knownRttNs);
            // A slow path's join (two round trips, and a retransmission delay that follows the
            // round trip) may need longer than the policy's timeout, which suits paths of tens of
            // milliseconds: room for one retransmission of either request, and a round trip to spare.
            this.joinTimeoutNs = knownRttNs == 0 ? ConnectionSupervisor.this.joinTimeoutNs
                    : Math.max(ConnectionSupervisor.this.joinTimeoutNs, slowPathJoinNs(control.firstRetryNs(), knownRttNs));
        }

        /**
         * From now on this path's role requests carry the current token (one outstanding is sent
         * again with it), so its next refusal is one of that token: reported and backed off. A
         * refusal already received stays one of the token it answered.
         */
        void renewToken(long nowNs) {
            if (!refused) {
                control.renewToken(token, nowNs);
                tokenGeneration = ConnectionSupervisor.this.tokenGeneration;
            }
        }

        @Override
        public void onAccepted(ControlMessage reply, long nowNs) {
            accepted = true;
            acceptedReply = reply;
            detector.forgetIntervals();
            hasTracks = reply instanceof ControlMessage.SubscribeAck ack && !ack.tracks().isEmpty();
            noTracksSinceNs = nowNs;
            if (!mediaSeen) {
                lastMediaNs = nowNs; // (media that came before the answer counts as it is)
            }
            roster.accepted(node);
            if (candidate) {
                candidateProgress(nowNs);
            } else {
                pathAccepted(this, reply, nowNs);
            }
        }

        @Override
        public void onStreamInfo(ControlMessage.StreamInfo info, long nowNs) {
            boolean had = hasTracks;
            hasTracks = !info.tracks().isEmpty();
            if (had && !hasTracks) {
                noTracksSinceNs = nowNs;
            } else if (!had && hasTracks) {
                lastMediaNs = nowNs; // the publisher just came: its silence counts from now
            }
            if (candidate) {
                latestInfo = info;
                candidateProgress(nowNs);
            } else {
                events.onStreamInfo(node, info, nowNs);
            }
        }

        @Override
        public void onFailed(String reason) {
            failure = reason; // acted on after the current call, in checkPaths
        }

        @Override
        public void onRefused(int code, String reason) {
            refused = true;
            refusalCode = code;
            failure = reason;
        }

        @Override
        public void onRttSample(long rttNs) {
            detector.onRttSample(rttNs);
            rtt.add(rttNs);
            control.useRttEstimate(Math.max(1, rtt.recentMinNs())); // measured: 0 would mean unknown
        }
    }

    /**
     * The first retransmission delay plus three round trips, saturating at {@link Long#MAX_VALUE}
     * (no join timeout: the requests' own give-up still ends the join) rather than overflowing to
     * a negative figure, which had left an absurd told round trip the policy's short timeout.
     */
    private static long slowPathJoinNs(long firstRetryNs, long rttNs) {
        return rttNs > (Long.MAX_VALUE - firstRetryNs) / 3 ? Long.MAX_VALUE : firstRetryNs + 3 * rttNs;
    }

    /**
     * Tells the round trip to a node measured before joining it (a node probe): the node's
     * request retransmissions then follow it from the first HELLO, rather than a fixed schedule
     * (ClientControl#firstRetryNs). Call before {@link #start}.
     *
     * @param node one of the nodes
     * @param rttNs the round trip in ns; 0 or less for unknown
     */
    public void knowRtt(InetSocketAddress node, long rttNs) {
        if (rttNs > 0) {
            probedRttNs.put(node, rttNs);
        } else {
            probedRttNs.remove(node);
        }
    }

    /**
     * The best round trip to {@code node} known before joining it, in ns: the background prober's
     * while it pings the node (fresher), else the one told by {@link #knowRtt}; 0 if none.
     */
    private long knownRttNs(InetSocketAddress node) {
        long probingNs = prober.rttNs(node);
        return probingNs > 0 ? probingNs : probedRttNs.getOrDefault(node, 0L);
    }

    /**
     * Sets the token sent with the role request to every node joined from now on (failover and
     * redundant paths included); call before {@link #start}.
     *
     * @param token the token's ASCII bytes, empty for none
     */
    public void useToken(byte[] token) {
        this.token = token.clone();
        tokenExpiry.watch(this.token);
    }

    /**
     * Sets how this supervisor's time maps to wall-clock time (token expiries are Unix seconds)
     * and how long before the token's expiry {@link Events#onTokenExpiring} comes; call before
     * {@link #start}. Default: the system clock's mapping, {@link TokenExpiryWatch#DEFAULT_LEAD_NS}.
     *
     * @param wallClock the mapping of the clock that drives this supervisor
     * @param warningLeadNs the lead, in ns, at least 0
     */
    public void watchTokenExpiry(WallClockMapping wallClock, long warningLeadNs) {
        tokenExpiry.configure(wallClock, warningLeadNs);
    }

    /**
     * Replaces the token: every role request sent from now on carries it (the next node joined,
     * a path still joining, a renewed SUBSCRIBE on an accepted path, which a node checks like the
     * first); a role request awaiting its answer is sent again at once with it, under a new
     * request id, so a refusal that comes later is one of the new token, reported and backed off
     * like any, and never taken for the old one's. Nodes whose last answer was a refusal of the
     * old token are joined again at once rather than after their backoff. Nodes that carry the
     * client are not sent anything: they check a token only with a request, never while the
     * client merely stays. The new token's own expiry warning is still to come.
     *
     * @param newToken the token's ASCII bytes, empty for none
     * @param nowNs the current time
     */
    public void renewToken(byte[] newToken, long nowNs) {
        useToken(newToken);
        tokenGeneration++;
        if (left) {
            return;
        }
        for (Path p : paths) {
            if (p != null) {
                p.renewToken(nowNs);
            }
        }
        if (candidate != null) {
            candidate.renewToken(nowNs);
        }
        roster.tokenRenewed();
        fill(nowNs);
    }

    /**
     * Tells the roster that {@code p}'s node failed it. A refusal of the token is no failure of
     * the node (its ranking and hold-down stay as they were): a refusal of the current token is
     * reported and delays the node's next join by the token backoff, until a renewal; a node that
     * refused a token replaced since is tried again at once with the new one.
     */
    private void nodeFailed(Path p, long nowNs) {
        TokenRefusal refusal = p.refused ? TokenRefusal.ofCode(p.refusalCode) : null;
        if (refusal == null) {
            roster.failed(p.node, nowNs);
        } else if (p.tokenGeneration == tokenGeneration) {
            tokenRefusals++;
            roster.refusedToken(p.node, nowNs);
            events.onTokenRefused(p.node, refusal);
        }
    }

    /**
     * @param out where datagrams go
     * @param nodes the nodes, best first
     * @param sessionId the client's session id, kept on every node
     * @param roleRequest the PUBLISH or SUBSCRIBE sent to each node
     * @param firstRequestId the first request id (random)
     * @param policy detection, backoff and give-up settings
     * @param events the client's callbacks
     */
    public ConnectionSupervisor(DatagramSender out, List<InetSocketAddress> nodes, long sessionId,
            ControlMessage roleRequest, int firstRequestId, FailoverPolicy policy, Events events) {
        this.out = out;
        this.sessionId = sessionId;
        this.roleRequest = roleRequest;
        this.policy = policy;
        this.events = events;
        this.nextRequestId = firstRequestId;
        this.roster = new NodeRoster(nodes, TimeUnit.MILLISECONDS.toNanos(policy.backoffBaseMs()),
                TimeUnit.MILLISECONDS.toNanos(policy.backoffMaxMs()),
                TimeUnit.MILLISECONDS.toNanos(FailoverPolicy.FAILED_NODE_HOLD_DOWN_MS),
                TimeUnit.MILLISECONDS.toNanos(FailoverPolicy.FAILED_NODE_HOLD_DOWN_MAX_MS),
                TimeUnit.MILLISECONDS.toNanos(Math.max(policy.backoffMaxMs(), FailoverPolicy.TOKEN_REFUSAL_BACKOFF_MAX_MS)));
        int pathCount = policy.redundant() && nodes.size() > 1 ? 2 : 1;
        this.paths = new Path[pathCount];
        this.connected = new InetSocketAddress[pathCount];
        this.heartbeatNs = TimeUnit.MILLISECONDS.toNanos(policy.heartbeatIntervalMs());
        this.floorNs = TimeUnit.MILLISECONDS.toNanos(policy.silenceFloorMs());
        this.budgetNs = TimeUnit.MILLISECONDS.toNanos(policy.latencyBudgetMs());
        this.joinTimeoutNs = TimeUnit.MILLISECONDS.toNanos(policy.joinTimeoutMs());
        this.giveUpNs = TimeUnit.MILLISECONDS.toNanos(policy.giveUpMs());
        this.trustAfterNs = TimeUnit.MILLISECONDS.toNanos(FailoverPolicy.FAILURES_FORGOTTEN_AFTER_MS);
        this.subscriber = roleRequest instanceof ControlMessage.Subscribe;
        this.noPublisherNs = TimeUnit.MILLISECONDS.toNanos(policy.noPublisherTimeoutMs());
        this.mediaSilenceNs = TimeUnit.MILLISECONDS.toNanos(policy.mediaSilenceTimeoutMs());
        this.silenceBackoffNs = mediaSilenceNs;
        this.evaluationIntervalNs = TimeUnit.MILLISECONDS.toNanos(FailoverPolicy.EVALUATION_INTERVAL_MS);
        this.decider = new PathSwitchDecider(policy);
        this.prober = new AlternativeProber(out, TimeUnit.MILLISECONDS.toNanos(policy.probeIntervalMs()),
                policy.scorer());
    }

    /** Joins the first node(s). */
    public void start(long nowNs) {
        withoutNodeSinceNs = nowNs;
        nextEvaluationNs = nowNs + evaluationIntervalNs;
        // A clock's origin is arbitrary: 0 may lie in the future.
        silenceResumeNs = nowNs;
        searchResumeNs = nowNs;
        fill(nowNs);
    }

    /**
     * Whether a datagram from {@code sender} belongs to a current path (or the candidate); if so
     * the node counts as heard.
     */
    public boolean accepts(InetSocketAddress sender, long nowNs) {
        return slotOf(sender, nowNs) >= 0;
    }

    /**
     * Which conversation a datagram from {@code sender} belongs to; that node counts as heard.
     *
     * @return the path index ({@code 0 <= i < slotCount() - 1}), {@code slotCount() - 1} for the
     *     candidate, or -1 if the sender is none of them
     */
    public int slotOf(InetSocketAddress sender, long nowNs) {
        for (int i = 0; i < paths.length; i++) {
            Path p = paths[i];
            if (p != null && p.node.equals(sender)) {
                p.detector.onHeard(nowNs);
                return i;
            }
        }
        if (candidate != null && candidate.node.equals(sender)) {
            candidate.detector.onHeard(nowNs);
            return paths.length;
        }
        return -1;
    }

    /**
     * Media came from the node of {@code slot} for a track the client does not know: the node's
     * stream info (sent once, unacknowledged) was lost on the way. Asks that node for its tracks
     * again, at most once per {@link #TRACK_RENEWAL_INTERVAL_NS}. Subscribers only.
     *
     * @param slot a slot from {@link #slotOf}
     * @param nowNs the current time
     */
    public void onMediaForUnknownTrack(int slot, long nowNs) {
        Path p = slot < paths.length ? paths[slot] : candidate;
        if (subscriber && p != null && p.accepted
                && (!p.tracksRenewed || nowNs - p.tracksRenewedNs >= TRACK_RENEWAL_INTERVAL_NS)) {
            p.tracksRenewed = true;
            p.tracksRenewedNs = nowNs;
            p.control.renewSubscription(nowNs);
        }
    }

    /**
     * An original media packet of the stream (not a retransmission or probe padding) came from
     * the node of {@code slot}: that node is not silent. Subscribers only.
     *
     * @param slot a slot from {@link #slotOf}
     * @param nowNs the current time
     */
    public void onStreamMedia(int slot, long nowNs) {
        Path p = slot < paths.length ? paths[slot] : candidate;
        if (p == null) {
            return;
        }
        if (!p.mediaSeen) {
            p.mediaSeen = true;
            p.firstMediaNs = nowNs;
        }
        p.lastMediaNs = nowNs;
        if (!p.candidate) {
            silenceBackoffNs = mediaSilenceNs; // the stream flows: a later silence is a new one
        }
    }

    /** Number of slots: the paths, plus one for a candidate. */
    public int slotCount() {
        return paths.length + 1;
    }

    /** The node of a slot if it accepted the client (media and feedback flow), else null. */
    public InetSocketAddress acceptedNode(int slot) {
        Path p = slot < paths.length ? paths[slot] : candidate;
        return p != null && p.accepted ? p.node : null;
    }

    /**
     * A media packet from the node of {@code slot} carried this transport-wide sequence number
     * (its path loss is measured from them).
     */
    public void onTransportSequence(int slot, int transportSequence) {
        Path p = slot < paths.length ? paths[slot] : candidate;
        if (p != null) {
            p.loss.onPacket(transportSequence);
        }
    }

    /**
     * A transport-cc feedback from {@code sender} reported this many of the publisher's packets
     * received and lost (its path loss is measured from them). Ignored from other addresses.
     */
    public void onFeedbackReport(InetSocketAddress sender, int received, int lost) {
        for (Path p : paths) {
            if (p != null && p.node.equals(sender)) {
                p.reportedLoss.onReport(received, lost);
            }
        }
    }

    /** Whether {@code sender} is a node being probed in the background (its PROBE_REPLYs are expected). */
    public boolean isProbing(InetSocketAddress sender) {
        return prober.isProbing(sender);
    }

    /** What a datagram from a node this client holds no path to turned out to be. */
    public enum OtherNodeDatagram {
        /** A PROBE_REPLY from a node being probed: taken. */
        PROBE_REPLY,
        /**
         * A well-formed control message from a node of the client's list: a late answer to a
         * conversation the client gave up or left (a join that timed out before the answer came,
         * a node it moved away from). The caller counts it as stale and ignores it.
         */
        STALE_CONTROL,
        /** Anything else (not control, not understood, or from a node not in the list): malformed. */
        FOREIGN
    }

    /**
     * Takes a datagram from a node this client is not joined to if it is what such a node may
     * send, a PROBE_REPLY from a node being probed, and otherwise tells the caller how to count
     * the datagram it drops.
     *
     * @param datagram the datagram; not released here
     * @return what the datagram was
     */
    public OtherNodeDatagram onOtherNodeDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        if (DatagramKind.classify(datagram) != DatagramKind.CONTROL) {
            return OtherNodeDatagram.FOREIGN;
        }
        DecodeResult result = ControlCodec.decode(datagram);
        if (!result.ok()) {
            return OtherNodeDatagram.FOREIGN;
        }
        if (result.message() instanceof ControlMessage.ProbeReply && isProbing(sender)) {
            onControl(sender, result, nowNs);
            return OtherNodeDatagram.PROBE_REPLY;
        }
        return roster.contains(sender) ? OtherNodeDatagram.STALE_CONTROL : OtherNodeDatagram.FOREIGN;
    }

    /** Hands a decoded control message from {@code sender} to that node's conversation or the prober. */
    public void onControl(InetSocketAddress sender, DecodeResult result, long nowNs) {
        for (Path p : paths) {
            if (p != null && p.node.equals(sender)) {
                p.control.onControl(result, nowNs);
            }
        }
        if (candidate != null && candidate.node.equals(sender)) {
            candidate.control.onControl(result, nowNs);
        }
        if (result.message() instanceof ControlMessage.ProbeReply reply) {
            prober.onReply(sender, reply, nowNs);
        }
        checkFailures(nowNs);
        checkCandidate(nowNs);
        fill(nowNs); // a refusal moves on at once
        reportRefusalIfStuck();
    }

    /** Retransmissions, keepalives, silence and join timeouts, failover, give-up. Every 10 ms or so. */
    public void onTick(long nowNs) {
        if (ticked && nowNs - lastTickNs > CLIENT_STALL_NS) {
            // This client itself was not scheduled for a while: the datagrams its nodes sent
            // meanwhile are still unread, so their silence proves nothing yet. Restart the watch.
            for (Path p : paths) {
                if (p != null) {
                    p.detector.restartWatch(nowNs);
                }
            }
        }
        ticked = true;
        lastTickNs = nowNs;
        for (int i = 0; i < paths.length; i++) {
            Path p = paths[i];
            if (p == null) {
                continue;
            }
            p.control.onTick(nowNs);
            if (p.failure == null && p.accepted && p.detector.isSilent(nowNs)) {
                p.failure = "silent for " + TimeUnit.NANOSECONDS.toMillis(p.detector.silenceNs(nowNs)) + " ms (timeout "
                        + TimeUnit.NANOSECONDS.toMillis(p.detector.timeoutNs()) + " ms)";
            } else if (p.failure == null && !p.accepted && nowNs - p.joinStartedNs > p.joinTimeoutNs) {
                p.failure = "not accepted within " + TimeUnit.NANOSECONDS.toMillis(p.joinTimeoutNs) + " ms";
            } else if (p.failure == null && p.accepted && !p.trusted && nowNs - p.carryingSinceNs >= trustAfterNs) {
                // Only now, not at the acceptance: a node that accepts and dies again keeps its
                // failures, so its hold-down grows and it ranks behind nodes that failed less.
                p.trusted = true;
                roster.trusted(p.node);
            }
        }
        checkFailures(nowNs);
        fill(nowNs);
        reportRefusalIfStuck();
        if (candidate != null) {
            candidate.control.onTick(nowNs);
            checkCandidate(nowNs);
        }
        if (nowNs - nextEvaluationNs >= 0) {
            nextEvaluationNs = nowNs + evaluationIntervalNs;
            evaluate(nowNs);
        } else if (subscriber && candidate == null && streamSeen && nowNs - streamSeenNs < noPublisherNs) {
            // The stream was alive a moment ago: a node that just lost the publisher (it moved to
            // another node) is left at once, not at the next evaluation up to 250 ms later, each
            // of those milliseconds being frames the viewer will not get.
            searchPublisher(nowNs);
        }
        prober.onTick(nowNs);
        long expiringAtEpochSeconds = tokenExpiry.due(nowNs);
        if (expiringAtEpochSeconds != 0) {
            events.onTokenExpiring(expiringAtEpochSeconds);
        }
        if (connectedCount == 0 && state != ConnectionState.FAILED && nowNs - withoutNodeSinceNs >= giveUpNs) {
            setState(ConnectionState.FAILED, "no node for " + policy.giveUpMs() + " ms; still retrying "
                    + roster.nodes());
        }
    }

    private void checkFailures(long nowNs) {
        for (int i = 0; i < paths.length; i++) {
            Path p = paths[i];
            if (p != null && p.failure != null) {
                drop(i, nowNs);
            }
        }
    }

    /**
     * Called after {@link #fill}: a refusal (a bad token, an unknown stream) is an answer, not an
     * outage, so when no other node is being tried the app hears it now rather than after the
     * give-up time. Nodes are still retried with backoff; one that accepts moves the state back
     * to CONNECTED.
     */
    private void reportRefusalIfStuck() {
        String refusal = lastRefusal;
        lastRefusal = null;
        if (refusal == null || connectedCount > 0 || state == ConnectionState.FAILED) {
            return;
        }
        for (Path p : paths) {
            if (p != null) {
                return;
            }
        }
        setState(ConnectionState.FAILED, refusal);
    }

    private void drop(int slot, long nowNs) {
        Path p = paths[slot];
        paths[slot] = null;
        prober.stop();
        decider.onSwitched(nowNs, false);
        p.control.leave(nowNs); // best effort: a live node that refused or was slow forgets us sooner
        nodeFailed(p, nowNs);
        nodeFailures++;
        if (p.accepted) {
            recountConnected();
            if (connectedCount == 0) {
                withoutNodeSinceNs = nowNs;
                setState(ConnectionState.RECONNECTING, "node " + p.node + " " + p.failure);
            }
        }
        if (p.refused) {
            lastRefusal = "node " + p.node + " " + p.failure;
        }
    }

    /** Joins nodes into empty slots, as the roster allows. */
    private void fill(long nowNs) {
        for (int i = 0; i < paths.length; i++) {
            if (paths[i] != null) {
                continue;
            }
            if (candidate != null) {
                // The node being moved to becomes the path: it is joined already (or joining).
                Path p = candidate;
                candidate = null;
                p.candidate = false;
                paths[i] = p;
                if (p.accepted) {
                    pathAccepted(p, p.acceptedReply, nowNs);
                    if (p.latestInfo != null) {
                        events.onStreamInfo(p.node, p.latestInfo, nowNs);
                    }
                }
                continue;
            }
            InetSocketAddress node = roster.pick(nowNs, inUse());
            if (node == null) {
                return;
            }
            Path p = new Path(node, nowNs);
            paths[i] = p;
            p.control.start(nowNs);
        }
    }

    private List<InetSocketAddress> inUse() {
        List<InetSocketAddress> used = new ArrayList<>(paths.length + 1);
        for (Path p : paths) {
            if (p != null) {
                used.add(p.node);
            }
        }
        if (candidate != null) {
            used.add(candidate.node);
        }
        return used;
    }

    // ------------------------------------------------------------ moving while the node answers

    /**
     * Every {@link FailoverPolicy#EVALUATION_INTERVAL_MS}: on a single path, measures it, probes
     * the alternatives while it is degraded, and starts a move when it is clearly worse than an
     * alternative; for a subscriber on any path, starts a move when its node has had no
     * publisher for the timeout, or a trial when it lists the stream but delivers no media.
     */
    private void evaluate(long nowNs) {
        if (candidate != null) {
            return;
        }
        Path p = paths.length == 1 ? paths[0] : null;
        if (p != null && p.accepted && policy.proactiveSwitching() && roster.nodes().size() > 1) {
            double windowLoss = subscriber ? p.loss.takeWindowLoss(MIN_PACKETS_PER_WINDOW)
                    : p.reportedLoss.takeWindowLoss(MIN_PACKETS_PER_WINDOW);
            if (!Double.isNaN(windowLoss)) {
                p.smoothedLoss = Double.isNaN(p.smoothedLoss) ? windowLoss : (p.smoothedLoss + windowLoss) / 2;
            }
            decider.onCurrentPath(nowNs, p.smoothedLoss, p.rtt.lowRttMs(), p.rtt.jitterMs());
            if (decider.wantsProbes(nowNs)) {
                prober.probe(alternatives(p.node, nowNs), nowNs);
            } else {
                prober.stop();
            }
            AlternativeProber.Scored best = prober.isActive() ? prober.best(nowNs) : null;
            InetSocketAddress to = best == null ? decider.decide(nowNs, null, 0)
                    : decider.decide(nowNs, best.node(), best.score());
            if (to != null) {
                startCandidate(to, 0, NodeSwitchReason.DEGRADED_PATH, p.node + ": " + decider.describe() + "; " + to
                        + String.format(java.util.Locale.ROOT, ": loss %.1f %%, rtt %.0f ms, score %.1f",
                                100 * best.lossFraction(), best.rttMs(), best.score()), nowNs);
                return;
            }
        }
        if (subscriber) {
            searchPublisher(nowNs);
            if (candidate == null) {
                trySilentPathElsewhere(nowNs);
            }
        }
    }

    /**
     * The media-silence trial: the first accepted path whose node lists the stream's tracks but
     * has delivered no media of it for {@link FailoverPolicy#mediaSilenceTimeoutMs()} gets a
     * candidate, the next node not yet tried in this round (and not carrying another path). The
     * candidate is moved to only if it delivers media while the path is still silent
     * ({@link #candidateProgress}); otherwise it is left at the join timeout, or as soon as
     * media returns on the path ({@link #checkCandidate}). A round that finds no node with media
     * (a publisher that paused is silent everywhere) waits {@link #silenceBackoffNs} before the
     * next, doubling up to {@link FailoverPolicy#MEDIA_SILENCE_BACKOFF_MAX_FACTOR} times the
     * timeout; media on a path resets that wait ({@link #onStreamMedia}).
     */
    private void trySilentPathElsewhere(long nowNs) {
        if (mediaSilenceNs == 0 || nowNs - silenceResumeNs < 0) {
            return;
        }
        int slot = -1;
        for (int i = 0; i < paths.length && slot < 0; i++) {
            Path p = paths[i];
            if (p != null && p.accepted && p.hasTracks && mediaSilent(p, nowNs)) {
                slot = i;
            }
        }
        if (slot < 0) {
            silenceTried.clear();
            return;
        }
        List<InetSocketAddress> exclude = new ArrayList<>(silenceTried);
        exclude.addAll(inUse());
        InetSocketAddress next = roster.pick(nowNs, exclude);
        if (next == null) {
            silenceTried.clear(); // every node tried (or backing off after a failure): wait, then again
            silenceResumeNs = nowNs + silenceBackoffNs;
            silenceBackoffNs = Math.min(2 * silenceBackoffNs,
                    FailoverPolicy.MEDIA_SILENCE_BACKOFF_MAX_FACTOR * mediaSilenceNs);
            return;
        }
        Path p = paths[slot];
        startCandidate(next, slot, NodeSwitchReason.MEDIA_SILENCE, "no media from " + p.node + " for "
                + TimeUnit.NANOSECONDS.toMillis(nowNs - p.lastMediaNs) + " ms although it lists the stream; "
                + next + " delivers it", nowNs);
    }

    /** Whether a path has delivered no media of the stream for the media-silence timeout. */
    private boolean mediaSilent(Path p, long nowNs) {
        return nowNs - p.lastMediaNs >= mediaSilenceNs;
    }

    /**
     * The publisher search: the first accepted path whose node has had no track for the timeout
     * gets a candidate, the next node not yet asked in this round (and not carrying another
     * path). In redundant mode this keeps both paths on nodes that have the stream, so that the
     * second path really covers the first. While another path has the stream, or a path had it
     * less than the timeout ago, the publisher is alive elsewhere (or failing over), so a path
     * without it searches at once rather than after the timeout: a path replaced after a
     * failure often lands on a node without the publisher. Searching costs only a join and a
     * leave per node asked (a candidate without tracks is never moved to), and a round that
     * finds nothing still waits the timeout before the next.
     */
    private void searchPublisher(long nowNs) {
        int slot = -1;
        boolean allHaveTracks = true;
        boolean anyHasTracks = false;
        for (Path p : paths) {
            anyHasTracks |= p != null && p.accepted && p.hasTracks;
        }
        if (anyHasTracks) {
            streamSeen = true;
            streamSeenNs = nowNs;
        }
        boolean alive = streamSeen && nowNs - streamSeenNs < noPublisherNs;
        for (int i = 0; i < paths.length; i++) {
            Path p = paths[i];
            if (p == null || !p.accepted || p.hasTracks) {
                continue;
            }
            allHaveTracks = false;
            long waitNs = alive ? 0 : noPublisherNs;
            if (slot < 0 && noPublisherNs > 0 && nowNs - p.noTracksSinceNs >= waitNs) {
                slot = i;
            }
        }
        if (allHaveTracks) {
            searched.clear();
        }
        if (slot < 0 || nowNs - searchResumeNs < 0) {
            return;
        }
        List<InetSocketAddress> exclude = new ArrayList<>(searched);
        exclude.addAll(inUse());
        InetSocketAddress next = roster.pick(nowNs, exclude);
        if (next == null) {
            long retryNs = roster.nextRetryNs(nowNs, exclude);
            if (retryNs != Long.MAX_VALUE && retryNs - (nowNs + noPublisherNs) < 0) {
                // A node not asked yet in this round is only backing off: typically the node this
                // path just left because it went silent for a moment (a congested downlink), and
                // often the one that has the publisher. Ask it as soon as it may be tried: in
                // redundant mode, waiting the whole timeout leaves a single path carrying the
                // stream, and a kill of that node then loses frames.
                searchResumeNs = retryNs;
            } else {
                searched.clear(); // every node asked: wait the timeout again, then ask again
                searchResumeNs = nowNs + noPublisherNs;
            }
        } else {
            Path p = paths[slot];
            startCandidate(next, slot, NodeSwitchReason.NO_PUBLISHER, "no publisher on " + p.node + " for "
                    + TimeUnit.NANOSECONDS.toMillis(nowNs - p.noTracksSinceNs) + " ms; " + next + " has one", nowNs);
        }
    }

    /**
     * The nodes to probe: all but the current one, those recently found without the publisher
     * and those held down after a failure (a node that died a moment ago may answer pings well
     * now and die again) or that refused the current token (the best path is worth nothing if the
     * node will not take the client), in the roster's order, at most
     * {@link FailoverPolicy#MAX_PROBED_NODES}.
     */
    private List<InetSocketAddress> alternatives(InetSocketAddress current, long nowNs) {
        for (int i = withoutPublisher.size() - 1; i >= 0; i--) {
            if (nowNs - withoutPublisherUntilNs.get(i) >= 0) {
                withoutPublisher.remove(i);
                withoutPublisherUntilNs.remove(i);
            }
        }
        List<InetSocketAddress> nodes = new ArrayList<>(FailoverPolicy.MAX_PROBED_NODES);
        for (InetSocketAddress node : roster.nodes()) {
            if (!node.equals(current) && !withoutPublisher.contains(node) && !roster.isHeldDown(node, nowNs)
                    && roster.tokenRefusals(node) == 0 && nodes.size() < FailoverPolicy.MAX_PROBED_NODES) {
                nodes.add(node);
            }
        }
        return nodes;
    }

    private void startCandidate(InetSocketAddress node, int slot, NodeSwitchReason reason, String detail, long nowNs) {
        Path p = new Path(node, nowNs);
        p.candidate = true;
        candidate = p;
        candidateSlot = slot;
        candidateReason = reason;
        candidateDetail = detail;
        p.control.start(nowNs);
    }

    /**
     * The candidate was accepted or announced tracks: a publisher moves at once (the PUBLISH_ACK
     * means the stream is on the new node); a subscriber moves there if it has the publisher (a
     * cascading node announces the tracks a moment after accepting), or if it was joined for a
     * better path and the path it would replace has no publisher either. A candidate still
     * without tracks at the join timeout is given up in {@link #checkCandidate}. A media-silence
     * candidate is moved to once it has delivered media for {@link #MEDIA_TRIAL_CONFIRM_NS}
     * while the current path stayed silent (checked on every tick).
     */
    private void candidateProgress(long nowNs) {
        Path c = candidate;
        if (c == null || !c.accepted) {
            return;
        }
        Path current = paths[candidateSlot];
        if (current == null) {
            return; // the path just failed: fill() makes the candidate the path
        }
        if (candidateReason == NodeSwitchReason.NO_PUBLISHER && current.hasTracks) {
            return; // the publisher appeared where the client is: checkCandidate drops the candidate
        }
        if (candidateReason == NodeSwitchReason.MEDIA_SILENCE) {
            // Only media proves the stream is there: a cascading node lists the tracks of a
            // silent origin, and a paused publisher is silent everywhere.
            if (c.mediaSeen && nowNs - c.firstMediaNs >= MEDIA_TRIAL_CONFIRM_NS && mediaSilent(current, nowNs)) {
                promoteCandidate(nowNs);
            }
        } else if (!subscriber || c.hasTracks || (candidateReason == NodeSwitchReason.DEGRADED_PATH && !current.hasTracks)) {
            promoteCandidate(nowNs);
        }
    }

    /**
     * Drops a candidate that failed, that has no publisher either once the join timeout passed,
     * or that was joined to look for the publisher which has since appeared on the current path
     * (a cascading node fetched the stream a moment after the search began). A media-silence
     * candidate is dropped once media returns on the current path, or when it has delivered none
     * by the join timeout; if the current node announces meanwhile that its publisher left, it
     * becomes the publisher search's candidate.
     */
    private void checkCandidate(long nowNs) {
        Path c = candidate;
        if (c == null) {
            return;
        }
        Path current = paths[candidateSlot];
        if (candidateReason == NodeSwitchReason.NO_PUBLISHER && current != null && current.hasTracks) {
            candidate = null;
            c.control.leave(nowNs);
            searched.clear();
            return;
        }
        if (candidateReason == NodeSwitchReason.MEDIA_SILENCE && current != null && !current.hasTracks) {
            // The silent node now says its publisher left (its late news): the node on trial is
            // the publisher search's candidate, already joined, rather than left and joined again.
            candidateReason = NodeSwitchReason.NO_PUBLISHER;
            candidateDetail = "no publisher on " + current.node + " (silent before that); " + c.node + " has one";
            silenceTried.clear();
            candidateProgress(nowNs);
            return;
        }
        if (candidateReason == NodeSwitchReason.MEDIA_SILENCE && current != null && !mediaSilent(current, nowNs)) {
            // Media came back where the client is (a publisher's pause ended): stay, end the trial.
            candidate = null;
            c.control.leave(nowNs);
            silenceTried.clear();
            return;
        }
        boolean timedOut = nowNs - c.joinStartedNs > c.joinTimeoutNs;
        if (c.failure != null || (!c.accepted && timedOut)) {
            candidate = null;
            c.control.leave(nowNs);
            nodeFailed(c, nowNs);
            decider.onCandidateFailed();
            if (candidateReason == NodeSwitchReason.NO_PUBLISHER) {
                searched.add(c.node);
            } else if (candidateReason == NodeSwitchReason.MEDIA_SILENCE) {
                silenceTried.add(c.node);
            }
        } else if (candidateReason == NodeSwitchReason.MEDIA_SILENCE) {
            candidateProgress(nowNs); // moves once its media has flowed for MEDIA_TRIAL_CONFIRM_NS
            if (candidate == c && c.accepted && timedOut && !c.mediaSeen) {
                candidate = null; // silent there too: the publisher paused, or is not there
                c.control.leave(nowNs);
                silenceTried.add(c.node);
            }
        } else if (c.accepted && timedOut && !c.hasTracks) {
            candidate = null; // a healthy node without the publisher: not a failure, just not here
            c.control.leave(nowNs);
            searched.add(c.node);
            if (candidateReason == NodeSwitchReason.DEGRADED_PATH) {
                // A better path to no stream: do not probe it again for a while.
                decider.onCandidateFailed();
                prober.stop();
                withoutPublisher.add(c.node);
                withoutPublisherUntilNs.add(nowNs + Math.max(noPublisherNs, joinTimeoutNs));
            }
        }
    }

    private void promoteCandidate(long nowNs) {
        Path next = candidate;
        candidate = null;
        next.candidate = false;
        Path old = paths[candidateSlot];
        paths[candidateSlot] = next;
        next.carryingSinceNs = nowNs;
        next.detector.inheritRecentGaps(old.detector);
        // The path left is often lossy: a lost goodbye would keep a publisher's stream "alive"
        // on the old node, and its viewers there waiting, until the node's session timeout.
        old.control.leave(nowNs, LEAVE_COPIES);
        List<InetSocketAddress> order = new ArrayList<>(roster.nodes());
        order.remove(next.node);
        order.remove(old.node);
        order.add(0, next.node);
        order.add(old.node); // the node left is tried last from now on
        roster.reorder(order);
        recountConnected();
        switches++;
        prober.stop();
        decider.onSwitched(nowNs, candidateReason == NodeSwitchReason.DEGRADED_PATH);
        searched.clear();
        silenceTried.clear();
        events.onNodeAccepted(next.node, next.acceptedReply, true, nowNs);
        if (next.latestInfo != null) {
            events.onStreamInfo(next.node, next.latestInfo, nowNs);
        }
        events.onSwitched(old.node, next.node, candidateReason, candidateDetail);
    }

    private void pathAccepted(Path path, ControlMessage reply, long nowNs) {
        path.carryingSinceNs = nowNs;
        recountConnected();
        boolean resumed = everConnected;
        everConnected = true;
        if (resumed && connectedCount == 1) {
            failovers++;
        }
        events.onNodeAccepted(path.node, reply, resumed, nowNs);
        if (state != ConnectionState.CONNECTED) {
            setState(ConnectionState.CONNECTED, (resumed ? "resumed on " : "joined ") + path.node);
        }
    }

    private void recountConnected() {
        int n = 0;
        for (Path p : paths) {
            if (p != null && p.accepted) {
                connected[n++] = p.node;
            }
        }
        for (int i = n; i < connected.length; i++) {
            connected[i] = null;
        }
        connectedCount = n;
    }

    private void setState(ConnectionState next, String reason) {
        state = next;
        events.onStateChanged(next, reason);
    }

    /** Number of nodes that accepted the client and carry it now (0-2). */
    public int connectedCount() {
        return connectedCount;
    }

    /** The i-th node carrying the client, {@code 0 <= i < connectedCount()}; index 0 is the primary. */
    public InetSocketAddress connected(int i) {
        return connected[i];
    }

    /** Whether at least one node carries the client. */
    public boolean isConnected() {
        return connectedCount > 0;
    }

    /** Whether {@code node} is the primary (the first carrying node). */
    public boolean isPrimary(InetSocketAddress node) {
        return connectedCount > 0 && connected[0].equals(node);
    }

    /**
     * Smoothed RTT to the primary node in ns (the figure the stats report); 0 until measured or
     * while no node carries the client.
     */
    public long rttNs() {
        Path p = primaryPath();
        return p == null ? 0 : p.control.rttNs();
    }

    /**
     * RTT to the primary node for timers that follow it, in ns: the minimum of its last keepalive
     * round trips ({@link RttWindow#recentMinNs}), which a stall of this host does not inflate; 0
     * until measured or while no node carries the client.
     */
    public long pathRttNs() {
        Path p = primaryPath();
        return p == null ? 0 : p.rtt.recentMinNs();
    }

    private Path primaryPath() {
        for (Path p : paths) {
            if (p != null && p.accepted) {
                return p;
            }
        }
        return null;
    }

    /** The current state. */
    public ConnectionState state() {
        return state;
    }

    /** Times the client resumed on a node after losing every node. */
    public long failovers() {
        return failovers;
    }

    /** Times the client moved to another node while its node still answered. */
    public long switches() {
        return switches;
    }

    /** The background prober (for tests and statistics). */
    public AlternativeProber prober() {
        return prober;
    }

    /** Paths dropped (silent, refused or not accepted in time). */
    public long nodeFailures() {
        return nodeFailures;
    }

    /** Refusals of the current token ({@link Events#onTokenRefused}), each retry's too. */
    public long tokenRefusals() {
        return tokenRefusals;
    }

    /** The roster (for ranking after a probe). */
    public NodeRoster roster() {
        return roster;
    }

    /** Says goodbye to every node. */
    public void leave(long nowNs) {
        left = true;
        for (int i = 0; i < paths.length; i++) {
            if (paths[i] != null) {
                paths[i].control.leave(nowNs);
                paths[i] = null;
            }
        }
        if (candidate != null) {
            candidate.control.leave(nowNs);
            candidate = null;
        }
        prober.stop();
        recountConnected();
    }
}
