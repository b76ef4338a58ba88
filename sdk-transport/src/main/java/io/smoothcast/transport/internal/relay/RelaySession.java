package io.smoothcast.transport.internal.relay;

import io.smoothcast.transport.internal.rtx.RetransmissionBudget;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** One client address that sent an accepted HELLO. I/O thread only. */
final class RelaySession {

    final InetSocketAddress address;
    long sessionId;
    long lastHeardNs;
    /**
     * The request id of the last role request whose token was checked (0: none; 0 is never a
     * request's id), so that its retransmissions are not counted again.
     */
    int tokenCheckedRequestId;
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
}
