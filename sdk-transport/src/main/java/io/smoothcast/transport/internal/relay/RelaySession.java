package io.smoothcast.transport.internal.relay;

import io.smoothcast.transport.internal.rtx.RetransmissionBudget;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One client address that sent an accepted HELLO. I/O thread only. */
final class RelaySession {

    final InetSocketAddress address;
    long sessionId;
    /** When the session was last heard from in a way that keeps it alive ({@code RelayEngine.heard}). */
    long lastHeardNs;
    /**
     * The cookie a keepalive of this session echoed, since the latest takeover (0 = none yet):
     * once there is one, only messages that echo the cookie keep the session alive, not a
     * datagram anyone could send from the address, and a keepalive's cookie is compared with it
     * rather than computed again (no HMAC, no allocation per keepalive). A client that never
     * echoes it (older than the cookie in KEEPALIVE) is kept alive as before.
     */
    long keepaliveCookie;
    /**
     * The request id of the last role request whose token was checked (0: none; 0 is never a
     * request's id), so that its retransmissions are not counted again.
     */
    int tokenCheckedRequestId;
    /**
     * The request ids of the session's latest role requests whose token was checked (0: empty),
     * a ring holding at least those of the last {@link #TOKEN_CHECK_MEMORY_NS} (up to
     * {@link #TOKEN_CHECKS_MAX}), oldest overwritten first; null until the first. Several, not
     * one: a cascading node's upstream links share one session here and their copies interleave
     * while they join, and a subscriber renews its SUBSCRIBE (a new request) every 500 ms while
     * tracks it does not know keep coming.
     */
    private int[] tokenCheckedRequestIds;
    /** When each of {@link #tokenCheckedRequestIds} was first checked, in ns. */
    private long[] tokenCheckedNs;
    private int nextTokenCheckSlot;
    /**
     * Another session id that a HELLO from this address announced while return routability is
     * checked: it replaces {@link #sessionId} only once a request echoes its cookie, since a
     * HELLO's source address can be spoofed blindly. Valid while {@link #takeoverPending}.
     */
    long pendingSessionId;
    boolean takeoverPending;
    /**
     * HELLOs received for this session: a role is held across a token's expiry only within the
     * join that was granted it (PROTOCOL.md section 7), and a HELLO opens a new join (not a late
     * copy of the HELLO that began this one: numbered below {@link #tokenCheckedRequestId}).
     */
    int joins;
    /** The stream this session publishes, or null. */
    RelayStream published;
    /** The join ({@link #joins}) in which the PUBLISH of {@link #published} last presented a valid token. */
    int publishJoin;
    /** Arrivals of this publisher's packets, for transport-cc feedback; null unless publishing. */
    io.smoothcast.transport.internal.cc.TransportFeedbackSender transportFeedback;
    /** This node's sending side towards the session, for its subscriptions; null until one. */
    SubscriberDownlink downlink;
    /** This session's position against the caps per authenticated peer; null until first needed. */
    SessionRateLimit rateLimit;
    /**
     * The RTX bytes this node sent the session over the last second, bounded by its downlink
     * ({@link FeedbackHandler}); null until its first retransmission.
     */
    RetransmissionBudget retransmissions;
    /**
     * The fan-out thread that sends this session its copies of forwarded packets (0: the
     * engine's own), chosen at its first subscription.
     */
    int lane;
    /** The subscriptions of this session. */
    final List<Subscription> subscriptions = new ArrayList<>(2);
    /**
     * Streams this session left (a LEAVE naming the stream, while it held a role on it), each
     * with the highest request id the session had used by then; null until the first such LEAVE.
     * At most {@link #LEFT_STREAMS_REMEMBERED}, in the order left: the earliest is forgotten first.
     */
    private LinkedHashMap<String, Integer> leftAtRequestId;
    /** The highest id of the session's HELLOs, PUBLISHes and SUBSCRIBEs; valid once {@link #requestSeen}. */
    private int latestRequestId;
    private boolean requestSeen;

    /**
     * How many left streams a session remembers: a bound on what a peer can make a node keep.
     * A cascading node's session leaves streams as its last viewers go, rarely many at once.
     */
    static final int LEFT_STREAMS_REMEMBERED = 16;
    /**
     * How far the session's ids may move past a left stream's before it is forgotten: a quarter
     * of the id space. A late copy comes within a request's give-up, a few conversations later;
     * half way round, serial comparison would take every new request for the stream for an old one.
     */
    private static final int LEFT_STREAM_ID_SPAN = 1 << 30;
    /**
     * How far above the latest id seen a role request sent before a LEAVE may be numbered: a
     * client sends a HELLO's copies for 6.2 s at most (a handful, each its own id), then the
     * role request; its next conversation begins 2^16 ids further on (ConnectionSupervisor, a
     * cascading node's upstream links).
     */
    private static final int UNSEEN_REQUEST_IDS = 64;

    /**
     * How long a role request stays remembered as token-checked at least: a client sends a
     * request's copies for at most 6.2 s (its give-up, PROTOCOL.md section 5); the rest is room
     * for a copy held up on the way.
     */
    static final long TOKEN_CHECK_MEMORY_NS = 10_000_000_000L;
    /** How many token-checked role requests a session remembers at first (most sessions make one or two). */
    private static final int TOKEN_CHECKS_INITIAL = 8;
    /**
     * How many token-checked role requests a session remembers at most: a bound on what a peer
     * can make a node keep (768 bytes). More requests than this within
     * {@link #TOKEN_CHECK_MEMORY_NS} (64 upstream links joining at once) can have a copy counted again.
     */
    static final int TOKEN_CHECKS_MAX = 64;

    RelaySession(InetSocketAddress address, long sessionId, long nowNs) {
        this.address = address;
        this.sessionId = sessionId;
        this.lastHeardNs = nowNs;
    }

    Subscription subscriptionTo(RelayStream stream) {
        for (int i = 0; i < subscriptions.size(); i++) {
            if (subscriptions.get(i).stream == stream) {
                return subscriptions.get(i);
            }
        }
        return null;
    }

    /** Notes the id of a HELLO, PUBLISH or SUBSCRIBE of this session (compared as serial numbers). */
    void requestReceived(int requestId) {
        if (!requestSeen || requestId - latestRequestId > 0) {
            latestRequestId = requestId;
            requestSeen = true;
            if (leftAtRequestId != null) {
                leftAtRequestId.values().removeIf(leftAt -> requestId - leftAt > LEFT_STREAM_ID_SPAN);
            }
        }
    }

    /**
     * Notes the id of a PUBLISH or SUBSCRIBE that passed the session's checks of its address (not
     * a late copy: see {@link #precedesLeaveOf}): the session wants the stream again, so its
     * LEAVE of it no longer holds back anything.
     */
    void roleRequestReceived(String streamId, int requestId) {
        requestReceived(requestId);
        if (leftAtRequestId != null) {
            leftAtRequestId.remove(streamId);
        }
    }

    /** The session left a stream it held a role on: its requests sent before cannot bring it back. */
    void leftStream(String streamId) {
        if (requestSeen) {
            rememberLeft(streamId, latestRequestId);
        }
    }

    /**
     * The session left a stream it held no role on: the role request the client sent before
     * its LEAVE is still on its way (lost, or overtaken by the LEAVE), numbered above every id
     * seen so far, by at most the HELLO copies not seen here and one; when it comes it cannot
     * bring the stream back.
     */
    void leftStreamNotHeld(String streamId) {
        if (requestSeen) {
            rememberLeft(streamId, latestRequestId + UNSEEN_REQUEST_IDS);
        }
    }

    private void rememberLeft(String streamId, int leftAt) {
        if (leftAtRequestId == null) {
            leftAtRequestId = new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > LEFT_STREAMS_REMEMBERED;
                }
            };
        }
        leftAtRequestId.remove(streamId); // to the end of the order
        leftAtRequestId.put(streamId, leftAt);
    }

    /**
     * Whether a PUBLISH or SUBSCRIBE for {@code streamId} was sent before this session's LEAVE of
     * that stream: numbered at or below the highest id the session had used when it left (a
     * client numbers its requests upward), so a late copy, not a request to come back. A request
     * numbered above comes from after the LEAVE; once its address is checked it ends the rule for
     * that stream ({@link #roleRequestReceived}), not before: a spoofed one must not.
     */
    boolean precedesLeaveOf(String streamId, int requestId) {
        Integer leftAt = leftAtRequestId == null ? null : leftAtRequestId.get(streamId);
        return leftAt != null && requestId - leftAt <= 0;
    }

    /**
     * Notes that a role request's token is checked, and tells whether this is its first check
     * rather than that of a copy (same request id) of a request remembered: every one first
     * checked in the last {@link #TOKEN_CHECK_MEMORY_NS}, as long as there were at most
     * {@value #TOKEN_CHECKS_MAX} (and older ones while there is room). The token counters count
     * requests, not copies.
     *
     * @param nowNs the current time
     */
    boolean firstTokenCheck(int requestId, long nowNs) {
        tokenCheckedRequestId = requestId;
        if (requestId == 0) {
            return true; // marks no request (clients never use it): each copy is counted
        }
        if (tokenCheckedRequestIds == null) {
            tokenCheckedRequestIds = new int[TOKEN_CHECKS_INITIAL];
            tokenCheckedNs = new long[TOKEN_CHECKS_INITIAL];
        }
        for (int checked : tokenCheckedRequestIds) {
            if (checked == requestId) {
                return false;
            }
        }
        int oldest = nextTokenCheckSlot;
        if (tokenCheckedRequestIds[oldest] != 0 && nowNs - tokenCheckedNs[oldest] <= TOKEN_CHECK_MEMORY_NS
                && tokenCheckedRequestIds.length < TOKEN_CHECKS_MAX) {
            growTokenChecks();
        }
        tokenCheckedRequestIds[nextTokenCheckSlot] = requestId;
        tokenCheckedNs[nextTokenCheckSlot] = nowNs;
        nextTokenCheckSlot = (nextTokenCheckSlot + 1) % tokenCheckedRequestIds.length;
        return true;
    }

    /** Doubles the full ring of token checks, oldest first, the next slot the first new one. */
    private void growTokenChecks() {
        int length = tokenCheckedRequestIds.length;
        int[] ids = new int[length * 2];
        long[] times = new long[length * 2];
        for (int i = 0; i < length; i++) {
            int slot = (nextTokenCheckSlot + i) % length;
            ids[i] = tokenCheckedRequestIds[slot];
            times[i] = tokenCheckedNs[slot];
        }
        tokenCheckedRequestIds = ids;
        tokenCheckedNs = times;
        nextTokenCheckSlot = length;
    }

    /** Another client (another session id) now uses this address: the token checks were of the other's requests. */
    void forgetTokenChecks() {
        tokenCheckedRequestId = 0;
        if (tokenCheckedRequestIds != null) {
            Arrays.fill(tokenCheckedRequestIds, 0);
        }
    }

    /** Another client (another session id) now uses this address: its request ids are its own. */
    void forgetRequests() {
        leftAtRequestId = null;
        requestSeen = false;
    }
}
