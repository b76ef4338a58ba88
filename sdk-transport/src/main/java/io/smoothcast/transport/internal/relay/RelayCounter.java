package io.smoothcast.transport.internal.relay;

/** The relay's counters and gauges; indexes into {@link RelayCounters}. */
public enum RelayCounter {
    /** Every datagram read from the socket. */
    DATAGRAMS_RECEIVED,
    /** Bytes of every datagram read. */
    BYTES_RECEIVED,
    /** Datagrams that filled the whole receive buffer, so may have been cut by the socket. */
    OVERSIZED_DROPPED,
    /** Datagrams that are neither RTP, RTCP nor control (garbage, STUN, DTLS, one-byte...). */
    UNKNOWN_DROPPED,
    /** Control datagrams that did not decode. */
    MALFORMED_CONTROL_DROPPED,
    /** RTP too short for its own header, or with a header that runs past its end. */
    MALFORMED_RTP_DROPPED,
    /** RTCP whose compound framing is broken. */
    MALFORMED_RTCP_DROPPED,
    /** RTP or RTCP from an address that has no session or does not publish. */
    UNSOLICITED_MEDIA_DROPPED,
    /** RTP from a publisher with an SSRC it did not announce. */
    UNKNOWN_SSRC_DROPPED,
    /**
     * Control messages a node does not expect from a client (acks, stream info), and late copies
     * of a PUBLISH or SUBSCRIBE sent before the session's LEAVE of that stream (PROTOCOL.md section 3).
     */
    UNEXPECTED_CONTROL_DROPPED,
    /** Replies and errors not sent because they would have been larger than the request. */
    AMPLIFICATION_SUPPRESSED,
    /** Errors sent to clients. */
    ERRORS_SENT,
    /** RTP packets received from publishers and accepted. */
    RTP_RECEIVED,
    /**
     * Copies of sources' packets handed to the sockets for subscribers, one per subscriber a
     * packet goes to: RTP (a repair restored from a source's RTX included, as it is forwarded
     * like the original) and RTCP (sender reports, SDES, BYE). Counted once when handed over, so
     * a copy the socket later refuses is still counted, and a partial {@code sendmmsg} or a
     * retry after EAGAIN is not counted again; copies dropped for a fan-out lane behind
     * ({@link #FAN_OUT_LANE_BEHIND}) are not counted. The RTX the node builds itself are not
     * here: {@link #RTX_SENT}, {@link #TAIL_PROBES_SENT}, {@link #DOWNLINK_PROBE_PADDING_PACKETS}.
     */
    PACKETS_FORWARDED,
    /** Bytes of the copies in {@link #PACKETS_FORWARDED}. */
    BYTES_FORWARDED,
    /** Sequence numbers asked for in generic NACKs. */
    NACKED_PACKETS,
    /**
     * NACKed sequence numbers not answered because the NACK asked for more than
     * {@code FeedbackHandler.MAX_RETRANSMISSIONS_PER_NACK} or the subscriber's retransmission
     * budget was used up (its RTX bytes or packets over the last second). Tail loss probes the
     * budget refused are {@link #TAIL_PROBES_LIMITED}, not here.
     */
    NACK_RETRANSMISSIONS_LIMITED,
    /**
     * RTX packets sent in answer to NACKs; one a fan-out lane behind dropped is
     * {@link #FAN_OUT_LANE_BEHIND} instead.
     */
    RTX_SENT,
    /**
     * NACKed packets that were no longer (or never) in the cache. A cached packet that could not
     * be made RTX is {@link #RTX_BUILD_FAILED}, not here.
     */
    RTX_MISSES,
    /**
     * NACKed packets the node is itself still asking its source for: not answered now, forwarded
     * to every subscriber when the source's retransmission arrives.
     */
    RTX_PENDING_FROM_SOURCE,
    /** Sequence numbers asked of sources (publishers, upstream nodes) for packets they skipped. */
    SOURCE_NACKED_PACKETS,
    /** RTX packets received from sources and restored. */
    SOURCE_RTX_RECEIVED,
    /**
     * Of {@link #SOURCE_RTX_RECEIVED}, those of a packet this node already held and had asked the
     * source for (a repair that came twice, or came after the packet itself), or had forwarded
     * once already more than a cache length late (too late to be kept): not forwarded again.
     */
    SOURCE_RTX_ALREADY_HELD,
    /**
     * Of {@link #SOURCE_RTX_RECEIVED}, those of a packet this node already held and never asked
     * for: the source's tail loss probe of a packet that arrived. Not forwarded again.
     */
    SOURCE_PROBES_ALREADY_HELD,
    /**
     * Tracks whose source was seen numbering from scratch again (a publisher restarted with the
     * same SSRCs behind its old numbers, less than half the number space behind: a restart
     * further back looks like a jump ahead and is not counted): the track's cache (but the new
     * numbering's packets), gaps and tail probe forgotten.
     */
    SOURCE_RESTARTS,
    /** Keyframe requests (PLI) received from subscribers. */
    PLI_RECEIVED,
    /** Keyframe requests sent to publishers. */
    PLI_FORWARDED,
    /** Keyframe requests dropped by the rate limit. */
    PLI_SUPPRESSED,
    /** Transport-cc feedback packets sent to publishers. */
    TRANSPORT_FEEDBACK_SENT,
    /** Sessions that timed out. */
    SESSIONS_EXPIRED,
    /** Upstream subscriptions (cascade) that got no answer or were refused. */
    UPSTREAM_FAILURES,
    /** Failures of the handling code itself (defects; should stay 0). */
    HANDLER_FAILURES,
    /** Gauge: sessions now. */
    SESSIONS,
    /** Gauge: publishers now. */
    PUBLISHERS,
    /** Gauge: subscriptions now. */
    SUBSCRIBERS,
    /** Gauge: streams fed from the upstream node now. */
    UPSTREAM_STREAMS,
    /** Gauge: streams now. */
    STREAMS,
    /** Gauge: packets forwarded per second over the last full window. */
    PACKETS_PER_SECOND,
    /** Gauge: bits forwarded per second over the last full window. */
    BITS_PER_SECOND,
    /**
     * PUBLISH or SUBSCRIBE requests whose token verified (only with a token verifier); a
     * retransmission of a request (same session, same request id) is not counted again.
     */
    TOKENS_ACCEPTED,
    /**
     * PUBLISH or SUBSCRIBE requests refused for their token (missing, forged, expired, wrong role,
     * out of scope); a retransmission of a request is answered again but not counted again.
     */
    TOKENS_REJECTED,
    /**
     * Repeated PUBLISH or SUBSCRIBE requests accepted although their token had expired: the
     * session already held that role on that stream, granted since its last HELLO, and the
     * token was otherwise valid (PROTOCOL.md section 7). Also counted in {@link #TOKENS_ACCEPTED}.
     */
    TOKENS_EXPIRED_ROLE_KEPT,
    /**
     * PUBLISH, SUBSCRIBE or LEAVE without the cookie of this node's HELLO_ACK for that address
     * (return routability), or a KEEPALIVE without it from a session whose keepalives echoed it.
     */
    ROUTABILITY_FAILED,
    /**
     * HELLOs with another session id from the address of a session, held pending instead of
     * replacing the session's id (return routability on): the new id takes the session over only
     * once a PUBLISH or SUBSCRIBE echoes its HELLO_ACK cookie ({@link #SESSION_TAKEOVERS}); one
     * that never does (a blind spoofer's) changes nothing. Each pending id counted once, not its copies.
     */
    SESSION_TAKEOVERS_HELD,
    /**
     * Sessions taken over by another session id from the same address (a client restarted on
     * that address and port): with return routability on, once that id proved it receives there;
     * without, at its HELLO.
     */
    SESSION_TAKEOVERS,
    /**
     * Datagrams of any kind from sources without an accepted PUBLISH or SUBSCRIBE dropped by the
     * per-source rate limit (before they were classified or decoded).
     */
    RATE_LIMITED_DROPPED,
    /** Half-open sessions (HELLO, no accepted role yet) evicted to make room for a newer one. */
    HALF_OPEN_EVICTED,
    /** Gauge: half-open sessions now. */
    HALF_OPEN_SESSIONS,
    /** RTP packets dropped because their publisher went over its packet or bit rate cap. */
    PUBLISHER_RATE_LIMITED,
    /** RTCP and control messages of authenticated sessions dropped over their per-session cap. */
    PEER_CONTROL_RATE_LIMITED,
    /** Probe clusters sent to a subscriber to see whether its downlink carries the next layer up. */
    DOWNLINK_PROBES,
    /** Downlink probes that moved their subscriber up a layer. */
    DOWNLINK_PROBE_CLIMBS,
    /** RTX copies of forwarded packets sent as padding inside downlink probe clusters. */
    DOWNLINK_PROBE_PADDING_PACKETS,
    /**
     * NACKed packets of a simulcast layer from before the subscriber's switch to it (not meant
     * for it, so not retransmitted).
     */
    NACKS_BEFORE_LAYER_START,
    /**
     * Copies, and RTX the node built (NACK answers, tail probes, probe padding, then not counted
     * as sent in {@link #RTX_SENT}, {@link #TAIL_PROBES_SENT} or
     * {@link #DOWNLINK_PROBE_PADDING_PACKETS}), dropped because the fan-out thread of their subscriber was
     * {@link io.smoothcast.transport.internal.netty.FanOutLanes#BATCHES_PER_LANE} packets behind
     * (or, at shutdown, refused them). Not sent from the engine's own thread instead: it would
     * overtake the subscriber's older copies still waiting in the lane.
     */
    FAN_OUT_LANE_BEHIND,
    /**
     * Stalls of the I/O thread: more than
     * {@link io.smoothcast.transport.internal.cc.ReaderStallDetector#STALL_GAP_NS} (40 ms) between
     * two of its ticks or datagrams, so it was off the CPU (GC, an overloaded host). Each
     * subscriber's congestion control leaves the delays such a stall distorted out of its
     * estimate ({@link RelayStallGuard}), and the publishers are told which of their packets were
     * read late ({@link #UNTIMED_ARRIVAL_REPORTS_SENT}); a count that keeps rising says the node
     * needs CPU.
     */
    IO_THREAD_STALLS,
    /**
     * {@code SCUT} reports ({@link io.smoothcast.transport.internal.cc.UntimedArrivalsReport})
     * received from subscribers: their reader stalled and stamped some of their arrivals late.
     */
    UNTIMED_ARRIVAL_REPORTS_RECEIVED,
    /**
     * {@code SCUT} reports sent to publishers in front of their transport-cc feedback: the arrivals
     * it reports were read late, after a stall of this node's I/O thread.
     */
    UNTIMED_ARRIVAL_REPORTS_SENT,
    /**
     * Tail loss probes sent to subscribers ({@link io.smoothcast.transport.internal.rtx.TailLossProbe}):
     * a track's newest packet resent as RTX to each subscriber getting the track whose
     * transport-cc feedback has not reported it received, once per quiet period of at least
     * 250 ms, so that a subscriber that lost the end of a burst sees the gap and
     * NACKs it. Not in {@link #RTX_SENT}.
     */
    TAIL_PROBES_SENT,
    /**
     * Tail loss probes not sent to a subscriber because its retransmission budget (RTX bytes or
     * packets over the last second, shared with the NACK answers) was used up.
     */
    TAIL_PROBES_LIMITED,
    /**
     * STREAM_INFO datagrams sent again to a subscriber after the change they announce (at 0.2,
     * 0.6 and 1.4 s): STREAM_INFO is not acknowledged, so a subscriber that lost the first one
     * (the publisher left, or changed its tracks) still learns it.
     */
    STREAM_INFO_REPEATED,
    /**
     * Cached packets (NACK answers and tail loss probes) that could not be made RTX: their RTP
     * header or padding was malformed. The node checks both before it caches a packet, so this
     * stays 0 unless that check and the RTX builder disagree (a defect).
     */
    RTX_BUILD_FAILED
}
