package io.smoothcast.transport;

import io.smoothcast.transport.internal.relay.RelayCounter;
import io.smoothcast.transport.internal.relay.RelayCounters;

/**
 * A snapshot of a {@link RelayNode}'s counters, taken by {@link RelayNode#stats()}. Counters
 * count since the node started; gauges ({@link #sessions()}, {@link #publishers()},
 * {@link #subscribers()}, {@link #streams()}, the per-second rates) are values at the snapshot.
 * Each value is read separately, so two values of one snapshot may be a few packets apart.
 *
 * <p>Immutable and thread-safe.
 */
public final class RelayStats {

    private final long[] values;
    private final long handOffDropped;
    private final long nativeCopiesRefused;

    /** Package-private so that tests can give every counter its own value. */
    RelayStats(long[] values, long handOffDropped, long nativeCopiesRefused) {
        this.values = values;
        this.handOffDropped = handOffDropped;
        this.nativeCopiesRefused = nativeCopiesRefused;
    }

    /**
     * @param counters the engine's counters
     * @param handOffDropped datagrams the extra fan-out sockets dropped instead of handing them
     *     to the engine's thread (counted on their own threads, so not among the engine's counters)
     * @param nativeCopiesRefused copies the kernel refused on the native fan-out path (counted by
     *     each fan-out thread's writer)
     */
    static RelayStats of(RelayCounters counters, long handOffDropped, long nativeCopiesRefused) {
        RelayCounter[] all = RelayCounter.values();
        long[] values = new long[all.length];
        for (RelayCounter counter : all) {
            values[counter.ordinal()] = counters.get(counter);
        }
        return new RelayStats(values, handOffDropped, nativeCopiesRefused);
    }

    private long get(RelayCounter counter) {
        return values[counter.ordinal()];
    }

    /** @return datagrams read from the socket */
    public long datagramsReceived() {
        return get(RelayCounter.DATAGRAMS_RECEIVED);
    }

    /** @return bytes read from the socket */
    public long bytesReceived() {
        return get(RelayCounter.BYTES_RECEIVED);
    }

    /**
     * Datagrams dropped because they could not be understood: garbage, truncated or malformed
     * RTP, RTCP and control messages, oversized datagrams, and STUN/DTLS (not served yet).
     *
     * @return the sum of the malformed, oversized and unknown counters
     */
    public long malformedDropped() {
        return get(RelayCounter.OVERSIZED_DROPPED) + get(RelayCounter.UNKNOWN_DROPPED)
                + get(RelayCounter.MALFORMED_CONTROL_DROPPED) + get(RelayCounter.MALFORMED_RTP_DROPPED)
                + get(RelayCounter.MALFORMED_RTCP_DROPPED);
    }

    /** @return datagrams that filled the whole receive buffer and were dropped as oversized */
    public long oversizedDropped() {
        return get(RelayCounter.OVERSIZED_DROPPED);
    }

    /**
     * @return PUBLISH and SUBSCRIBE requests whose token verified (0 without a token verifier);
     *     a client's retransmission of the same request counts once
     */
    public long tokensAccepted() {
        return get(RelayCounter.TOKENS_ACCEPTED);
    }

    /**
     * @return PUBLISH and SUBSCRIBE requests refused for a missing, forged, expired or unfitting
     *     token; a client's retransmission of the same request counts once
     */
    public long tokensRejected() {
        return get(RelayCounter.TOKENS_REJECTED);
    }

    /**
     * @return repeated PUBLISH and SUBSCRIBE requests of a session that already held that role on
     *     that stream, accepted although their otherwise valid token had expired (also in
     *     {@link #tokensAccepted})
     */
    public long tokensExpiredRoleKept() {
        return get(RelayCounter.TOKENS_EXPIRED_ROLE_KEPT);
    }

    /** @return PUBLISH, SUBSCRIBE, LEAVE and KEEPALIVE requests without this node's return-routability cookie (a KEEPALIVE only from a session whose keepalives echoed it before) */
    public long routabilityFailures() {
        return get(RelayCounter.ROUTABILITY_FAILED);
    }

    /**
     * @return HELLOs from a session's address with another session id, held pending instead of
     *     replacing the session's id (return routability on): a blind spoofer's HELLO stays there,
     *     harmless; each pending id counted once, not its copies
     */
    public long sessionTakeoversHeld() {
        return get(RelayCounter.SESSION_TAKEOVERS_HELD);
    }

    /**
     * @return sessions taken over by another session id from the same address (a client restarted
     *     on that address and port): with return routability on once a PUBLISH or SUBSCRIBE echoed
     *     the cookie of that id, without at its HELLO
     */
    public long sessionTakeovers() {
        return get(RelayCounter.SESSION_TAKEOVERS);
    }

    /**
     * @return datagrams of any kind (control, RTP, RTCP) from sources without an accepted PUBLISH or
     *     SUBSCRIBE dropped by the per-source rate limit, before any other work was done for them
     */
    public long rateLimitedDropped() {
        return get(RelayCounter.RATE_LIMITED_DROPPED);
    }

    /**
     * @return NACKed sequence numbers not answered because one NACK asked for more than 256
     *     packets, or because the retransmissions sent to its subscriber over the last second had
     *     reached what that subscriber's downlink carries (its congestion controller's estimate,
     *     at most 10 Mbit/s; 5 Mbit/s before its first transport-cc feedback), or its RTX
     *     packets had reached the budget's packet cap (those bytes over 600, at least 50 a
     *     second); a packet the node does not have is counted as a miss, never here. Tail loss
     *     probes the budget refused are {@link #tailProbesLimited()}, not here (until session 11
     *     they were counted here too)
     */
    public long nackRetransmissionsLimited() {
        return get(RelayCounter.NACK_RETRANSMISSIONS_LIMITED);
    }

    /** @return RTP packets dropped because their publisher exceeded its packet or bit rate cap */
    public long publisherRateLimited() {
        return get(RelayCounter.PUBLISHER_RATE_LIMITED);
    }

    /** @return RTCP and control messages of authenticated sessions dropped over their per-session cap */
    public long peerControlRateLimited() {
        return get(RelayCounter.PEER_CONTROL_RATE_LIMITED);
    }

    /** @return half-open sessions (HELLO without an accepted PUBLISH or SUBSCRIBE) evicted by newer ones */
    public long halfOpenEvicted() {
        return get(RelayCounter.HALF_OPEN_EVICTED);
    }

    /** @return gauge: half-open sessions now */
    public long halfOpenSessions() {
        return get(RelayCounter.HALF_OPEN_SESSIONS);
    }

    /**
     * @return well-formed media from addresses that publish nothing, or with unannounced SSRCs;
     *     control messages a node does not expect from a client (acks, stream info, a PUBLISH or
     *     SUBSCRIBE sent before the session's LEAVE of that stream)
     */
    public long unsolicitedDropped() {
        return get(RelayCounter.UNSOLICITED_MEDIA_DROPPED) + get(RelayCounter.UNKNOWN_SSRC_DROPPED)
                + get(RelayCounter.UNEXPECTED_CONTROL_DROPPED);
    }

    /** @return RTP packets accepted from publishers */
    public long rtpReceived() {
        return get(RelayCounter.RTP_RECEIVED);
    }

    /**
     * @return copies of sources' packets (RTP and RTCP) handed to the sockets for subscribers,
     *     one per subscriber each goes to; the RTX the node builds (NACK answers, tail probes,
     *     probe padding) not included
     */
    public long packetsForwarded() {
        return get(RelayCounter.PACKETS_FORWARDED);
    }

    /** @return bytes sent to subscribers, RTX not included */
    public long bytesForwarded() {
        return get(RelayCounter.BYTES_FORWARDED);
    }

    /** @return sequence numbers requested by generic NACKs */
    public long nackedPackets() {
        return get(RelayCounter.NACKED_PACKETS);
    }

    /**
     * @return RTX packets sent in answer to NACKs; those dropped because the subscriber's fan-out
     *     thread was behind are counted in {@link #fanOutLaneDropped()} instead
     */
    public long retransmissionsSent() {
        return get(RelayCounter.RTX_SENT);
    }

    /**
     * @return tail loss probes sent: a track's newest packet resent as RTX to each subscriber
     *     whose transport-cc feedback had not reported it, once the track had been quiet for
     *     250 ms, so that a subscriber that lost the end of a
     *     burst NACKs it (not in {@link #retransmissionsSent()})
     */
    public long tailProbesSent() {
        return get(RelayCounter.TAIL_PROBES_SENT);
    }

    /**
     * @return STREAM_INFO messages sent again to subscribers, 0.2, 0.6 and 1.4 s after the change
     *     of a stream's tracks they announce (the publisher arrived, changed its tracks or left;
     *     STREAM_INFO is not acknowledged, so each change is told three more times)
     */
    public long streamInfoRepeated() {
        return get(RelayCounter.STREAM_INFO_REPEATED);
    }

    /**
     * @return tail loss probes not sent to a subscriber because its retransmission budget (shared
     *     with the NACK answers, see {@link #nackRetransmissionsLimited()}) was used up
     */
    public long tailProbesLimited() {
        return get(RelayCounter.TAIL_PROBES_LIMITED);
    }

    /**
     * @return NACKed packets that were not in the retransmission cache (a cached packet that
     *     could not be made RTX is {@link #retransmissionBuildFailures()}, not here; until session
     *     11 it was counted here)
     */
    public long retransmissionMisses() {
        return get(RelayCounter.RTX_MISSES);
    }

    /**
     * @return cached packets (NACK answers and tail loss probes) that could not be made RTX
     *     because their RTP header or padding was malformed; the node checks both before caching,
     *     so anything but 0 is a defect
     */
    public long retransmissionBuildFailures() {
        return get(RelayCounter.RTX_BUILD_FAILED);
    }

    /** @return NACKed packets this node was itself still waiting for from its source */
    public long retransmissionsPendingFromSource() {
        return get(RelayCounter.RTX_PENDING_FROM_SOURCE);
    }

    /** @return packets this node asked its source (publisher or upstream node) to retransmit */
    public long sourceNackedPackets() {
        return get(RelayCounter.SOURCE_NACKED_PACKETS);
    }

    /**
     * @return retransmissions received from the source; forwarded as originals unless counted in
     *     {@link #sourceRetransmissionsAlreadyHeld()} or {@link #sourceProbesAlreadyHeld()}
     */
    public long sourceRetransmissionsReceived() {
        return get(RelayCounter.SOURCE_RTX_RECEIVED);
    }

    /**
     * @return retransmissions from the source of a packet this node already held and had asked
     *     for (a repair that came twice, or after the packet itself), or had forwarded once
     *     already more than a cache length late (too late to be kept), not forwarded again
     */
    public long sourceRetransmissionsAlreadyHeld() {
        return get(RelayCounter.SOURCE_RTX_ALREADY_HELD);
    }

    /**
     * @return retransmissions from the source of a packet this node already held and never asked
     *     for (the source's tail loss probes of packets that had arrived), not forwarded again
     */
    public long sourceProbesAlreadyHeld() {
        return get(RelayCounter.SOURCE_PROBES_ALREADY_HELD);
    }

    /**
     * @return times a track's source was seen numbering its packets from scratch again, behind
     *     its old numbers (a publisher that restarted with the same SSRCs, seen by an original
     *     packet under a cached number with other media, by two consecutive ones further behind
     *     than the cache, or by two consecutive ones within the cache on empty slots with a far
     *     RTP timestamp: PROTOCOL.md, "Source restarts"); each time the node forgot that track's
     *     cached packets (but the new numbering's), its gaps to ask for and its tail probe. One
     *     per track. Behind means less than half the 16-bit number space behind in serial order:
     *     a restart further back is as far ahead, looks like a jump ahead, needs nothing
     *     forgotten and is not counted (neither is one ahead): this counts the restarts the node
     *     had to act on, not every publisher restart
     */
    public long sourceRestarts() {
        return get(RelayCounter.SOURCE_RESTARTS);
    }

    /** @return keyframe requests (PLI) received from subscribers */
    public long keyframeRequestsReceived() {
        return get(RelayCounter.PLI_RECEIVED);
    }

    /** @return keyframe requests sent to publishers */
    public long keyframeRequestsForwarded() {
        return get(RelayCounter.PLI_FORWARDED);
    }

    /** @return keyframe requests dropped by the rate limit */
    public long keyframeRequestsSuppressed() {
        return get(RelayCounter.PLI_SUPPRESSED);
    }

    /** @return replies and errors not sent because they would have been larger than the request */
    public long amplificationSuppressed() {
        return get(RelayCounter.AMPLIFICATION_SUPPRESSED);
    }

    /** @return sessions dropped after the session timeout */
    public long sessionsExpired() {
        return get(RelayCounter.SESSIONS_EXPIRED);
    }

    /** @return failures of the node's own handling code; anything but 0 is a defect */
    public long handlerFailures() {
        return get(RelayCounter.HANDLER_FAILURES);
    }

    /** @return sessions open now */
    public long sessions() {
        return get(RelayCounter.SESSIONS);
    }

    /** @return publishers now */
    public long publishers() {
        return get(RelayCounter.PUBLISHERS);
    }

    /** @return subscriptions now */
    public long subscribers() {
        return get(RelayCounter.SUBSCRIBERS);
    }

    /** @return streams with a publisher or a subscriber now */
    public long streams() {
        return get(RelayCounter.STREAMS);
    }

    /** @return packets forwarded per second over the last full one-second window */
    public long packetsPerSecond() {
        return get(RelayCounter.PACKETS_PER_SECOND);
    }

    /** @return bits forwarded per second over the last full one-second window */
    public long bitsPerSecond() {
        return get(RelayCounter.BITS_PER_SECOND);
    }

    /**
     * @return probe clusters sent to subscribers held below a layer their cap allows, to see
     *     whether their downlink now carries the layer above
     */
    public long downlinkProbes() {
        return get(RelayCounter.DOWNLINK_PROBES);
    }

    /** @return downlink probes whose result moved their subscriber up a layer */
    public long downlinkProbeClimbs() {
        return get(RelayCounter.DOWNLINK_PROBE_CLIMBS);
    }

    /** @return padding packets (RTX copies of forwarded packets) sent inside downlink probes */
    public long downlinkProbePaddingPackets() {
        return get(RelayCounter.DOWNLINK_PROBE_PADDING_PACKETS);
    }

    /**
     * @return NACKed packets not retransmitted because they come before the subscriber's switch
     *     to their simulcast layer (a layer re-entered looks like loss to the subscriber)
     */
    public long nacksBeforeLayerStart() {
        return get(RelayCounter.NACKS_BEFORE_LAYER_START);
    }

    /**
     * @return times the node's I/O thread went more than 40 ms without running its 20 ms timer or
     *     reading a datagram (off the CPU: GC, a busy host). Subscribers' congestion control
     *     leaves out the delays such a stall distorted, and publishers are told which of their
     *     packets were read late ({@link #untimedArrivalReportsSent()}); a count that keeps rising
     *     says the node needs more CPU.
     */
    public long ioThreadStalls() {
        return get(RelayCounter.IO_THREAD_STALLS);
    }

    /**
     * @return stall reports ({@code SCUT}, PROTOCOL.md section 4, "Receiver stalls") received from
     *     subscribers whose own reader stalled; the arrivals they name are left out of their
     *     downlink's delay-based estimate
     */
    public long untimedArrivalReportsReceived() {
        return get(RelayCounter.UNTIMED_ARRIVAL_REPORTS_RECEIVED);
    }

    /**
     * @return stall reports ({@code SCUT}) sent to publishers with their transport-cc feedback,
     *     naming the packets this node read late after a stall of its own I/O thread
     */
    public long untimedArrivalReportsSent() {
        return get(RelayCounter.UNTIMED_ARRIVAL_REPORTS_SENT);
    }

    @Override
    public String toString() {
        return "RelayStats[sessions=" + sessions() + ", publishers=" + publishers() + ", subscribers=" + subscribers()
                + ", received=" + datagramsReceived() + ", forwarded=" + packetsForwarded()
                + ", malformedDropped=" + malformedDropped() + ", unsolicitedDropped=" + unsolicitedDropped()
                + ", tokensAccepted=" + tokensAccepted() + ", tokensRejected=" + tokensRejected()
                + ", tokensExpiredRoleKept=" + tokensExpiredRoleKept()
                + ", rtxSent=" + retransmissionsSent() + ", tailProbesSent=" + tailProbesSent()
                + ", tailProbesLimited=" + tailProbesLimited() + ", streamInfoRepeated=" + streamInfoRepeated()
                + ", rtxMisses=" + retransmissionMisses() + ", rtxLimited=" + nackRetransmissionsLimited()
                + ", rtxBuildFailures=" + retransmissionBuildFailures()
                + ", rtxPendingFromSource=" + retransmissionsPendingFromSource()
                + ", sourceRtxReceived=" + sourceRetransmissionsReceived()
                + ", sourceRtxAlreadyHeld=" + sourceRetransmissionsAlreadyHeld()
                + ", sourceProbesAlreadyHeld=" + sourceProbesAlreadyHeld()
                + ", pliForwarded=" + keyframeRequestsForwarded() + ", downlinkProbes=" + downlinkProbes()
                + ", downlinkProbeClimbs=" + downlinkProbeClimbs() + ", nacksBeforeLayerStart=" + nacksBeforeLayerStart()
                + ", fanOutLaneDropped=" + fanOutLaneDropped() + ", handOffDropped=" + handOffDropped()
                + ", nativeCopiesRefused=" + nativeCopiesRefused()
                + ", ioThreadStalls=" + ioThreadStalls() + ", untimedArrivalReportsReceived="
                + untimedArrivalReportsReceived() + ", untimedArrivalReportsSent=" + untimedArrivalReportsSent() + "]";
    }

    /**
     * Copies of forwarded packets, and RTX for the same subscribers (NACK answers, tail probes,
     * probe padding: then not counted as sent in {@link #retransmissionsSent()},
     * {@link #tailProbesSent()} or {@link #downlinkProbePaddingPackets()}), dropped because the fan-out
     * thread of their subscriber had fallen 64 packets behind (see
     * {@link RelayNode.Builder#fanOutThreads}); 0 with one fan-out thread. They are dropped rather than sent by another thread so that no subscriber's packets
     * are reordered; the subscriber gets them back by NACK, as after any loss.
     *
     * @return copies dropped since the node started
     */
    public long fanOutLaneDropped() {
        return get(RelayCounter.FAN_OUT_LANE_BEHIND);
    }

    /**
     * Datagrams an extra fan-out socket read (the kernel spreads what arrives at the node's port
     * over all its sockets) but dropped because the node's protocol thread was 1,024 datagrams
     * behind, as a full socket buffer would drop them; 0 with one fan-out thread.
     *
     * @return datagrams dropped since the node started
     */
    public long handOffDropped() {
        return handOffDropped;
    }

    /**
     * Copies of forwarded packets the kernel refused when the node sent a packet's copies in one
     * {@code sendmmsg} (the native fan-out path, on epoll), for a reason other than a full send
     * buffer: for example a subscriber address the host may not send to (a broadcast address,
     * {@code EACCES}). Each such copy is dropped on its own, as Netty drops a failed datagram
     * write; the other copies of the packet go out. Always 0 on Netty's ordinary write path.
     *
     * @return those copies since the node started, summed over its fan-out threads
     */
    public long nativeCopiesRefused() {
        return nativeCopiesRefused;
    }
}
