package io.smoothcast.stats;

import static io.smoothcast.stats.StatsChecks.requireCount;
import static io.smoothcast.stats.StatsChecks.requireId;
import static io.smoothcast.stats.StatsChecks.requireMeasure;
import static io.smoothcast.stats.StatsChecks.requireText;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Snapshot of one relay node: its audience (concurrent viewers per stream and in total) and its
 * traffic.
 *
 * <p>Immutable record (the viewer map is an unmodifiable copy, sorted by stream id so output is
 * stable); thread-safe. Build with {@link #builder(String)}.
 *
 * @param timestampNs when the snapshot was taken, monotonic nanoseconds
 * @param nodeId the node's identifier; not empty
 * @param region the node's region; "" when unknown
 * @param viewersByStream concurrent viewers (subscribers) per stream id; counts >= 0
 * @param packetsReceived packets received from broadcasters and peer nodes, cumulative
 * @param packetsSent packets sent to viewers and peer nodes, cumulative
 * @param packetsDropped malformed or unauthenticated packets dropped, cumulative
 * @param bitrateInBps ingress bitrate over the interval, bits per second
 * @param bitrateOutBps egress bitrate over the interval, bits per second
 * @param tokensAccepted PUBLISH and SUBSCRIBE requests whose token the node accepted, cumulative
 * @param tokensRejected PUBLISH and SUBSCRIBE requests the node refused for a missing, forged, expired or unfitting token, cumulative
 * @param tokensExpiredRoleKept repeats of a role the session already held, accepted with an expired token (also in tokensAccepted), cumulative
 * @param sourceRetransmissionsAlreadyHeld retransmissions from the source of packets the node already held and had asked for (a repair that came twice, or after the packet itself), dropped, cumulative
 * @param sourceProbesAlreadyHeld retransmissions from the source of packets the node already held and never asked for (the source's tail loss probes), dropped, cumulative
 * @param rateLimitedDropped datagrams from sources without an accepted PUBLISH or SUBSCRIBE dropped by the per-source rate limit, cumulative
 * @param publisherRateLimited RTP packets dropped because their publisher exceeded its packet or bit rate cap, cumulative
 * @param handlerFailures failures of the node's own handling code (anything but 0 is a defect), cumulative
 * @param routabilityFailures PUBLISH, SUBSCRIBE, LEAVE and KEEPALIVE requests without the node's return-routability cookie (spoofed sources, or clients that lost the cookie), cumulative
 * @param halfOpenEvicted half-open sessions (a HELLO without an accepted PUBLISH or SUBSCRIBE) evicted by newer ones when the table was full, cumulative
 * @param halfOpenSessions half-open sessions now (a gauge, not cumulative)
 * @param amplificationSuppressed replies and errors not sent because they would have been larger than the request, cumulative
 * @param peerControlRateLimited RTCP and control messages of accepted sessions dropped over their per-session cap, cumulative
 * @param sessionsExpired sessions dropped after the session timeout, cumulative
 * @param fanOutLaneDropped copies of forwarded packets (and RTX for the same subscribers) dropped because the subscriber's fan-out thread was 64 packets behind, cumulative
 * @param handOffDropped datagrams an extra fan-out socket read but dropped because the node's protocol thread was 1,024 datagrams behind, cumulative
 * @param rtpReceived RTP packets accepted from publishers, cumulative
 * @param nackedPackets sequence numbers subscribers requested by generic NACKs, cumulative
 * @param retransmissionMisses NACKed packets that were not in the node's retransmission cache, cumulative
 * @param nackRetransmissionsLimited NACKed packets not resent because the subscriber's retransmission budget was used up, cumulative
 * @param retransmissionBuildFailures cached packets that could not be made RTX because their header or padding was malformed (anything but 0 is a defect), cumulative
 * @param tailProbesSent tail loss probes sent to subscribers, cumulative
 * @param tailProbesLimited tail loss probes not sent because the subscriber's retransmission budget was used up, cumulative
 * @param sourceNackedPackets packets the node asked its source (publisher or upstream node) for by NACK, cumulative
 * @param sourceRetransmissionsReceived retransmissions received from the source, cumulative
 * @param keyframeRequestsReceived keyframe requests (PLI) received from subscribers, cumulative
 * @param keyframeRequestsForwarded keyframe requests sent to publishers, cumulative
 * @param keyframeRequestsSuppressed keyframe requests dropped by the node's rate limit instead of sent to the publisher, cumulative
 * @param downlinkProbePaddingPackets padding packets (RTX copies of forwarded packets) sent inside downlink probes, cumulative
 * @param ioThreadStalls stalls of the node's I/O thread before reading a datagram (off the CPU: GC, a busy host), cumulative
 * @param nativeCopiesRefused copies of forwarded packets the kernel refused on the native fan-out path (not a full buffer), cumulative
 * @param retransmissionsPendingFromSource NACKed packets the node was itself still waiting for from its source, cumulative
 * @param nacksBeforeLayerStart NACKed packets not resent because they came before the subscriber's switch to its simulcast layer, cumulative
 * @param streamInfoRepeated STREAM_INFO messages sent again to subscribers after a change of a stream's tracks (each change is told three more times), cumulative
 * @param downlinkProbes probe clusters sent to subscribers held below a layer their cap allows, cumulative
 * @param downlinkProbeClimbs downlink probes whose result moved their subscriber up a layer, cumulative
 * @param untimedArrivalReportsReceived stall reports (SCUT) received from subscribers whose own reader stalled, cumulative
 * @param untimedArrivalReportsSent stall reports (SCUT) sent to publishers after a stall of the node's own I/O thread, cumulative
 * @param sessions sessions open now (a gauge, not cumulative)
 * @param publishers publishers now (a gauge, not cumulative)
 * @param subscribers subscriptions now (a gauge, not cumulative)
 * @param streams streams with a publisher or a subscriber now (a gauge, not cumulative)
 * @param sourceRestarts tracks whose source was seen numbering its packets from scratch again, behind its old numbers (a publisher restarted with the same SSRCs): the node forgot that track's cached packets, gaps and tail probe, cumulative
 * @param sessionTakeoversHeld HELLOs from a joined session's address with another session id, held pending until a PUBLISH or SUBSCRIBE echoes that id's cookie (return routability on; each pending id once): rising without {@code sessionTakeovers} means someone spoofs clients' addresses, cumulative
 * @param sessionTakeovers sessions taken over by another session id from the same address (a client restarted on that address and port): with return routability on once a PUBLISH or SUBSCRIBE echoed that id's cookie, without at its HELLO, cumulative
 */
public record NodeStats(
        long timestampNs,
        String nodeId,
        String region,
        Map<String, Integer> viewersByStream,
        long packetsReceived,
        long packetsSent,
        long packetsDropped,
        double bitrateInBps,
        double bitrateOutBps,
        long tokensAccepted,
        long tokensRejected,
        long tokensExpiredRoleKept,
        long sourceRetransmissionsAlreadyHeld,
        long sourceProbesAlreadyHeld,
        long rateLimitedDropped,
        long publisherRateLimited,
        long handlerFailures,
        long routabilityFailures,
        long halfOpenEvicted,
        long halfOpenSessions,
        long amplificationSuppressed,
        long peerControlRateLimited,
        long sessionsExpired,
        long fanOutLaneDropped,
        long handOffDropped,
        long rtpReceived,
        long nackedPackets,
        long retransmissionMisses,
        long nackRetransmissionsLimited,
        long retransmissionBuildFailures,
        long tailProbesSent,
        long tailProbesLimited,
        long sourceNackedPackets,
        long sourceRetransmissionsReceived,
        long keyframeRequestsReceived,
        long keyframeRequestsForwarded,
        long keyframeRequestsSuppressed,
        long downlinkProbePaddingPackets,
        long ioThreadStalls,
        long nativeCopiesRefused,
        long retransmissionsPendingFromSource,
        long nacksBeforeLayerStart,
        long streamInfoRepeated,
        long downlinkProbes,
        long downlinkProbeClimbs,
        long untimedArrivalReportsReceived,
        long untimedArrivalReportsSent,
        long sessions,
        long publishers,
        long subscribers,
        long streams,
        long sourceRestarts,
        long sessionTakeoversHeld,
        long sessionTakeovers) {

    /**
     * Validates and copies; see the class description for the ranges.
     *
     * @param timestampNs when the snapshot was taken, monotonic nanoseconds
     * @param nodeId the node's identifier; not empty
     * @param region the node's region; "" when unknown
     * @param viewersByStream concurrent viewers (subscribers) per stream id; counts >= 0
     * @param packetsReceived packets received from broadcasters and peer nodes, cumulative
     * @param packetsSent packets sent to viewers and peer nodes, cumulative
     * @param packetsDropped malformed or unauthenticated packets dropped, cumulative
     * @param bitrateInBps ingress bitrate over the interval, bits per second
     * @param bitrateOutBps egress bitrate over the interval, bits per second
     * @param tokensAccepted PUBLISH and SUBSCRIBE requests whose token the node accepted, cumulative
     * @param tokensRejected PUBLISH and SUBSCRIBE requests the node refused for a missing, forged, expired or unfitting token, cumulative
     * @param tokensExpiredRoleKept repeats of a role the session already held, accepted with an expired token (also in tokensAccepted), cumulative
     * @param sourceRetransmissionsAlreadyHeld retransmissions from the source of packets the node already held and had asked for (a repair that came twice, or after the packet itself), dropped, cumulative
     * @param sourceProbesAlreadyHeld retransmissions from the source of packets the node already held and never asked for (the source's tail loss probes), dropped, cumulative
     * @param rateLimitedDropped datagrams from sources without an accepted PUBLISH or SUBSCRIBE dropped by the per-source rate limit, cumulative
     * @param publisherRateLimited RTP packets dropped because their publisher exceeded its packet or bit rate cap, cumulative
     * @param handlerFailures failures of the node's own handling code (anything but 0 is a defect), cumulative
     * @param routabilityFailures PUBLISH, SUBSCRIBE, LEAVE and KEEPALIVE requests without the node's return-routability cookie (spoofed sources, or clients that lost the cookie), cumulative
     * @param halfOpenEvicted half-open sessions (a HELLO without an accepted PUBLISH or SUBSCRIBE) evicted by newer ones when the table was full, cumulative
     * @param halfOpenSessions half-open sessions now (a gauge, not cumulative)
     * @param amplificationSuppressed replies and errors not sent because they would have been larger than the request, cumulative
     * @param peerControlRateLimited RTCP and control messages of accepted sessions dropped over their per-session cap, cumulative
     * @param sessionsExpired sessions dropped after the session timeout, cumulative
     * @param fanOutLaneDropped copies of forwarded packets (and RTX for the same subscribers) dropped because the subscriber's fan-out thread was 64 packets behind, cumulative
     * @param handOffDropped datagrams an extra fan-out socket read but dropped because the node's protocol thread was 1,024 datagrams behind, cumulative
     * @param rtpReceived RTP packets accepted from publishers, cumulative
     * @param nackedPackets sequence numbers subscribers requested by generic NACKs, cumulative
     * @param retransmissionMisses NACKed packets that were not in the node's retransmission cache, cumulative
     * @param nackRetransmissionsLimited NACKed packets not resent because the subscriber's retransmission budget was used up, cumulative
     * @param retransmissionBuildFailures cached packets that could not be made RTX because their header or padding was malformed (anything but 0 is a defect), cumulative
     * @param tailProbesSent tail loss probes sent to subscribers, cumulative
     * @param tailProbesLimited tail loss probes not sent because the subscriber's retransmission budget was used up, cumulative
     * @param sourceNackedPackets packets the node asked its source (publisher or upstream node) for by NACK, cumulative
     * @param sourceRetransmissionsReceived retransmissions received from the source, cumulative
     * @param keyframeRequestsReceived keyframe requests (PLI) received from subscribers, cumulative
     * @param keyframeRequestsForwarded keyframe requests sent to publishers, cumulative
     * @param keyframeRequestsSuppressed keyframe requests dropped by the node's rate limit instead of sent to the publisher, cumulative
     * @param downlinkProbePaddingPackets padding packets (RTX copies of forwarded packets) sent inside downlink probes, cumulative
     * @param ioThreadStalls stalls of the node's I/O thread before reading a datagram (off the CPU: GC, a busy host), cumulative
     * @param nativeCopiesRefused copies of forwarded packets the kernel refused on the native fan-out path (not a full buffer), cumulative
     * @param retransmissionsPendingFromSource NACKed packets the node was itself still waiting for from its source, cumulative
     * @param nacksBeforeLayerStart NACKed packets not resent because they came before the subscriber's switch to its simulcast layer, cumulative
     * @param streamInfoRepeated STREAM_INFO messages sent again to subscribers after a change of a stream's tracks (each change is told three more times), cumulative
     * @param downlinkProbes probe clusters sent to subscribers held below a layer their cap allows, cumulative
     * @param downlinkProbeClimbs downlink probes whose result moved their subscriber up a layer, cumulative
     * @param untimedArrivalReportsReceived stall reports (SCUT) received from subscribers whose own reader stalled, cumulative
     * @param untimedArrivalReportsSent stall reports (SCUT) sent to publishers after a stall of the node's own I/O thread, cumulative
     * @param sessions sessions open now (a gauge, not cumulative)
     * @param publishers publishers now (a gauge, not cumulative)
     * @param subscribers subscriptions now (a gauge, not cumulative)
     * @param streams streams with a publisher or a subscriber now (a gauge, not cumulative)
     * @param sourceRestarts tracks whose source was seen numbering its packets from scratch again, behind its old numbers (a publisher restarted with the same SSRCs): the node forgot that track's cached packets, gaps and tail probe, cumulative
     * @param sessionTakeoversHeld HELLOs from a joined session's address with another session id, held pending until a PUBLISH or SUBSCRIBE echoes that id's cookie (return routability on; each pending id once): rising without {@code sessionTakeovers} means someone spoofs clients' addresses, cumulative
     * @param sessionTakeovers sessions taken over by another session id from the same address (a client restarted on that address and port): with return routability on once a PUBLISH or SUBSCRIBE echoed that id's cookie, without at its HELLO, cumulative
     */
    public NodeStats {
        requireId(nodeId, "nodeId");
        requireText(region, "region");
        if (viewersByStream == null) {
            throw new IllegalArgumentException("viewersByStream must not be null");
        }
        TreeMap<String, Integer> copy = new TreeMap<>();
        for (Map.Entry<String, Integer> e : viewersByStream.entrySet()) {
            requireId(e.getKey(), "viewersByStream key");
            if (e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException(
                        "viewersByStream[" + e.getKey() + "] must be >= 0: " + e.getValue());
            }
            copy.put(e.getKey(), e.getValue());
        }
        viewersByStream = Collections.unmodifiableMap(copy);
        requireCount(packetsReceived, "packetsReceived");
        requireCount(packetsSent, "packetsSent");
        requireCount(packetsDropped, "packetsDropped");
        requireMeasure(bitrateInBps, "bitrateInBps");
        requireMeasure(bitrateOutBps, "bitrateOutBps");
        requireCount(tokensAccepted, "tokensAccepted");
        requireCount(tokensRejected, "tokensRejected");
        requireCount(tokensExpiredRoleKept, "tokensExpiredRoleKept");
        requireCount(sourceRetransmissionsAlreadyHeld, "sourceRetransmissionsAlreadyHeld");
        requireCount(sourceProbesAlreadyHeld, "sourceProbesAlreadyHeld");
        requireCount(rateLimitedDropped, "rateLimitedDropped");
        requireCount(publisherRateLimited, "publisherRateLimited");
        requireCount(handlerFailures, "handlerFailures");
        requireCount(routabilityFailures, "routabilityFailures");
        requireCount(halfOpenEvicted, "halfOpenEvicted");
        requireCount(halfOpenSessions, "halfOpenSessions");
        requireCount(amplificationSuppressed, "amplificationSuppressed");
        requireCount(peerControlRateLimited, "peerControlRateLimited");
        requireCount(sessionsExpired, "sessionsExpired");
        requireCount(fanOutLaneDropped, "fanOutLaneDropped");
        requireCount(handOffDropped, "handOffDropped");
        requireCount(rtpReceived, "rtpReceived");
        requireCount(nackedPackets, "nackedPackets");
        requireCount(retransmissionMisses, "retransmissionMisses");
        requireCount(nackRetransmissionsLimited, "nackRetransmissionsLimited");
        requireCount(retransmissionBuildFailures, "retransmissionBuildFailures");
        requireCount(tailProbesSent, "tailProbesSent");
        requireCount(tailProbesLimited, "tailProbesLimited");
        requireCount(sourceNackedPackets, "sourceNackedPackets");
        requireCount(sourceRetransmissionsReceived, "sourceRetransmissionsReceived");
        requireCount(keyframeRequestsReceived, "keyframeRequestsReceived");
        requireCount(keyframeRequestsForwarded, "keyframeRequestsForwarded");
        requireCount(keyframeRequestsSuppressed, "keyframeRequestsSuppressed");
        requireCount(downlinkProbePaddingPackets, "downlinkProbePaddingPackets");
        requireCount(ioThreadStalls, "ioThreadStalls");
        requireCount(nativeCopiesRefused, "nativeCopiesRefused");
        requireCount(retransmissionsPendingFromSource, "retransmissionsPendingFromSource");
        requireCount(nacksBeforeLayerStart, "nacksBeforeLayerStart");
        requireCount(streamInfoRepeated, "streamInfoRepeated");
        requireCount(downlinkProbes, "downlinkProbes");
        requireCount(downlinkProbeClimbs, "downlinkProbeClimbs");
        requireCount(untimedArrivalReportsReceived, "untimedArrivalReportsReceived");
        requireCount(untimedArrivalReportsSent, "untimedArrivalReportsSent");
        requireCount(sessions, "sessions");
        requireCount(publishers, "publishers");
        requireCount(subscribers, "subscribers");
        requireCount(streams, "streams");
        requireCount(sourceRestarts, "sourceRestarts");
        requireCount(sessionTakeoversHeld, "sessionTakeoversHeld");
        requireCount(sessionTakeovers, "sessionTakeovers");
    }

    /** @return concurrent viewers over all streams of this node */
    public long concurrentViewers() {
        long sum = 0;
        for (int v : viewersByStream.values()) {
            sum += v;
        }
        return sum;
    }

    /**
     * @param streamId a stream id
     * @return concurrent viewers of that stream on this node, 0 if the node does not carry it
     */
    public int viewers(String streamId) {
        return viewersByStream.getOrDefault(streamId, 0);
    }

    /**
     * Adds up the viewers of each stream over several nodes: the concurrent viewers per stream
     * of a whole deployment.
     *
     * @param nodes one snapshot per node; not null
     * @return viewers per stream id, sorted by stream id; unmodifiable
     */
    public static Map<String, Long> totalViewersByStream(Iterable<NodeStats> nodes) {
        if (nodes == null) {
            throw new IllegalArgumentException("nodes must not be null");
        }
        TreeMap<String, Long> totals = new TreeMap<>();
        for (NodeStats n : nodes) {
            for (Map.Entry<String, Integer> e : n.viewersByStream().entrySet()) {
                totals.merge(e.getKey(), (long) e.getValue(), Long::sum);
            }
        }
        return Collections.unmodifiableMap(totals);
    }

    /**
     * Starts a node snapshot: no viewers, counters at 0, bitrates unknown (NaN).
     *
     * @param nodeId the node's identifier; not empty
     * @return a new builder
     */
    public static Builder builder(String nodeId) {
        return new Builder(requireId(nodeId, "nodeId"));
    }

    /**
     * Collects the values of a {@link NodeStats}; {@link #build()} validates.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final String nodeId;
        private long timestampNs;
        private String region = "";
        private final TreeMap<String, Integer> viewersByStream = new TreeMap<>();
        private long packetsReceived;
        private long packetsSent;
        private long packetsDropped;
        private double bitrateInBps = Double.NaN;
        private double bitrateOutBps = Double.NaN;
        private long tokensAccepted;
        private long tokensRejected;
        private long tokensExpiredRoleKept;
        private long sourceRetransmissionsAlreadyHeld;
        private long sourceProbesAlreadyHeld;
        private long rateLimitedDropped;
        private long publisherRateLimited;
        private long handlerFailures;
        private long routabilityFailures;
        private long halfOpenEvicted;
        private long halfOpenSessions;
        private long amplificationSuppressed;
        private long peerControlRateLimited;
        private long sessionsExpired;
        private long fanOutLaneDropped;
        private long handOffDropped;
        private long rtpReceived;
        private long nackedPackets;
        private long retransmissionMisses;
        private long nackRetransmissionsLimited;
        private long retransmissionBuildFailures;
        private long tailProbesSent;
        private long tailProbesLimited;
        private long sourceNackedPackets;
        private long sourceRetransmissionsReceived;
        private long keyframeRequestsReceived;
        private long keyframeRequestsForwarded;
        private long keyframeRequestsSuppressed;
        private long downlinkProbePaddingPackets;
        private long ioThreadStalls;
        private long nativeCopiesRefused;
        private long retransmissionsPendingFromSource;
        private long nacksBeforeLayerStart;
        private long streamInfoRepeated;
        private long downlinkProbes;
        private long downlinkProbeClimbs;
        private long untimedArrivalReportsReceived;
        private long untimedArrivalReportsSent;
        private long sessions;
        private long publishers;
        private long subscribers;
        private long streams;
        private long sourceRestarts;
        private long sessionTakeoversHeld;
        private long sessionTakeovers;

        private Builder(String nodeId) {
            this.nodeId = nodeId;
        }

        /**
         * @param v snapshot instant, monotonic ns
         * @return this builder
         */
        public Builder timestampNs(long v) { timestampNs = v; return this; }
        /**
         * @param v the node's region
         * @return this builder
         */
        public Builder region(String v) { region = v; return this; }

        /**
         * @param streamId a stream carried by the node
         * @param viewers its concurrent viewers on this node, >= 0
         * @return this builder
         */
        public Builder viewers(String streamId, int viewers) {
            viewersByStream.put(requireId(streamId, "streamId"), viewers);
            return this;
        }

        /**
         * @param v cumulative packets received
         * @return this builder
         */
        public Builder packetsReceived(long v) { packetsReceived = v; return this; }
        /**
         * @param v cumulative packets sent
         * @return this builder
         */
        public Builder packetsSent(long v) { packetsSent = v; return this; }
        /**
         * @param v cumulative packets dropped
         * @return this builder
         */
        public Builder packetsDropped(long v) { packetsDropped = v; return this; }
        /**
         * @param v ingress bitrate, bits per second
         * @return this builder
         */
        public Builder bitrateInBps(double v) { bitrateInBps = v; return this; }
        /**
         * @param v egress bitrate, bits per second
         * @return this builder
         */
        public Builder bitrateOutBps(double v) { bitrateOutBps = v; return this; }
        /**
         * @param v PUBLISH and SUBSCRIBE requests whose token the node accepted, cumulative
         * @return this builder
         */
        public Builder tokensAccepted(long v) { tokensAccepted = v; return this; }
        /**
         * @param v PUBLISH and SUBSCRIBE requests the node refused for a missing, forged, expired or unfitting token, cumulative
         * @return this builder
         */
        public Builder tokensRejected(long v) { tokensRejected = v; return this; }
        /**
         * @param v repeats of a role the session already held, accepted with an expired token (also in tokensAccepted), cumulative
         * @return this builder
         */
        public Builder tokensExpiredRoleKept(long v) { tokensExpiredRoleKept = v; return this; }
        /**
         * @param v retransmissions from the source of packets the node already held and had asked for (a repair that came twice, or after the packet itself), dropped, cumulative
         * @return this builder
         */
        public Builder sourceRetransmissionsAlreadyHeld(long v) { sourceRetransmissionsAlreadyHeld = v; return this; }
        /**
         * @param v retransmissions from the source of packets the node already held and never asked for (the source's tail loss probes), dropped, cumulative
         * @return this builder
         */
        public Builder sourceProbesAlreadyHeld(long v) { sourceProbesAlreadyHeld = v; return this; }
        /**
         * @param v datagrams from sources without an accepted PUBLISH or SUBSCRIBE dropped by the per-source rate limit, cumulative
         * @return this builder
         */
        public Builder rateLimitedDropped(long v) { rateLimitedDropped = v; return this; }
        /**
         * @param v RTP packets dropped because their publisher exceeded its packet or bit rate cap, cumulative
         * @return this builder
         */
        public Builder publisherRateLimited(long v) { publisherRateLimited = v; return this; }
        /**
         * @param v failures of the node's own handling code (anything but 0 is a defect), cumulative
         * @return this builder
         */
        public Builder handlerFailures(long v) { handlerFailures = v; return this; }
        /**
         * @param v PUBLISH, SUBSCRIBE, LEAVE and KEEPALIVE requests without the node's return-routability cookie (spoofed sources, or clients that lost the cookie), cumulative
         * @return this builder
         */
        public Builder routabilityFailures(long v) { routabilityFailures = v; return this; }
        /**
         * @param v half-open sessions (a HELLO without an accepted PUBLISH or SUBSCRIBE) evicted by newer ones when the table was full, cumulative
         * @return this builder
         */
        public Builder halfOpenEvicted(long v) { halfOpenEvicted = v; return this; }
        /**
         * @param v half-open sessions now (a gauge, not cumulative)
         * @return this builder
         */
        public Builder halfOpenSessions(long v) { halfOpenSessions = v; return this; }
        /**
         * @param v replies and errors not sent because they would have been larger than the request, cumulative
         * @return this builder
         */
        public Builder amplificationSuppressed(long v) { amplificationSuppressed = v; return this; }
        /**
         * @param v RTCP and control messages of accepted sessions dropped over their per-session cap, cumulative
         * @return this builder
         */
        public Builder peerControlRateLimited(long v) { peerControlRateLimited = v; return this; }
        /**
         * @param v sessions dropped after the session timeout, cumulative
         * @return this builder
         */
        public Builder sessionsExpired(long v) { sessionsExpired = v; return this; }
        /**
         * @param v copies of forwarded packets (and RTX for the same subscribers) dropped because the subscriber's fan-out thread was 64 packets behind, cumulative
         * @return this builder
         */
        public Builder fanOutLaneDropped(long v) { fanOutLaneDropped = v; return this; }
        /**
         * @param v datagrams an extra fan-out socket read but dropped because the node's protocol thread was 1,024 datagrams behind, cumulative
         * @return this builder
         */
        public Builder handOffDropped(long v) { handOffDropped = v; return this; }
        /**
         * @param v RTP packets accepted from publishers, cumulative
         * @return this builder
         */
        public Builder rtpReceived(long v) { rtpReceived = v; return this; }
        /**
         * @param v sequence numbers subscribers requested by generic NACKs, cumulative
         * @return this builder
         */
        public Builder nackedPackets(long v) { nackedPackets = v; return this; }
        /**
         * @param v NACKed packets that were not in the node's retransmission cache, cumulative
         * @return this builder
         */
        public Builder retransmissionMisses(long v) { retransmissionMisses = v; return this; }
        /**
         * @param v NACKed packets not resent because the subscriber's retransmission budget was used up, cumulative
         * @return this builder
         */
        public Builder nackRetransmissionsLimited(long v) { nackRetransmissionsLimited = v; return this; }
        /**
         * @param v cached packets that could not be made RTX because their header or padding was malformed (anything but 0 is a defect), cumulative
         * @return this builder
         */
        public Builder retransmissionBuildFailures(long v) { retransmissionBuildFailures = v; return this; }
        /**
         * @param v tail loss probes sent to subscribers, cumulative
         * @return this builder
         */
        public Builder tailProbesSent(long v) { tailProbesSent = v; return this; }
        /**
         * @param v tail loss probes not sent because the subscriber's retransmission budget was used up, cumulative
         * @return this builder
         */
        public Builder tailProbesLimited(long v) { tailProbesLimited = v; return this; }
        /**
         * @param v packets the node asked its source (publisher or upstream node) for by NACK, cumulative
         * @return this builder
         */
        public Builder sourceNackedPackets(long v) { sourceNackedPackets = v; return this; }
        /**
         * @param v retransmissions received from the source, cumulative
         * @return this builder
         */
        public Builder sourceRetransmissionsReceived(long v) { sourceRetransmissionsReceived = v; return this; }
        /**
         * @param v keyframe requests (PLI) received from subscribers, cumulative
         * @return this builder
         */
        public Builder keyframeRequestsReceived(long v) { keyframeRequestsReceived = v; return this; }
        /**
         * @param v keyframe requests sent to publishers, cumulative
         * @return this builder
         */
        public Builder keyframeRequestsForwarded(long v) { keyframeRequestsForwarded = v; return this; }
        /**
         * @param v keyframe requests dropped by the node's rate limit instead of sent to the publisher, cumulative
         * @return this builder
         */
        public Builder keyframeRequestsSuppressed(long v) { keyframeRequestsSuppressed = v; return this; }
        /**
         * @param v padding packets (RTX copies of forwarded packets) sent inside downlink probes, cumulative
         * @return this builder
         */
        public Builder downlinkProbePaddingPackets(long v) { downlinkProbePaddingPackets = v; return this; }
        /**
         * @param v stalls of the node's I/O thread before reading a datagram (off the CPU: GC, a busy host), cumulative
         * @return this builder
         */
        public Builder ioThreadStalls(long v) { ioThreadStalls = v; return this; }
        /**
         * @param v copies of forwarded packets the kernel refused on the native fan-out path (not a full buffer), cumulative
         * @return this builder
         */
        public Builder nativeCopiesRefused(long v) { nativeCopiesRefused = v; return this; }
        /**
         * @param v NACKed packets the node was itself still waiting for from its source, cumulative
         * @return this builder
         */
        public Builder retransmissionsPendingFromSource(long v) { retransmissionsPendingFromSource = v; return this; }
        /**
         * @param v NACKed packets not resent because they came before the subscriber's switch to its simulcast layer, cumulative
         * @return this builder
         */
        public Builder nacksBeforeLayerStart(long v) { nacksBeforeLayerStart = v; return this; }
        /**
         * @param v STREAM_INFO messages sent again to subscribers after a change of a stream's tracks (each change is told three more times), cumulative
         * @return this builder
         */
        public Builder streamInfoRepeated(long v) { streamInfoRepeated = v; return this; }
        /**
         * @param v probe clusters sent to subscribers held below a layer their cap allows, cumulative
         * @return this builder
         */
        public Builder downlinkProbes(long v) { downlinkProbes = v; return this; }
        /**
         * @param v downlink probes whose result moved their subscriber up a layer, cumulative
         * @return this builder
         */
        public Builder downlinkProbeClimbs(long v) { downlinkProbeClimbs = v; return this; }
        /**
         * @param v stall reports (SCUT) received from subscribers whose own reader stalled, cumulative
         * @return this builder
         */
        public Builder untimedArrivalReportsReceived(long v) { untimedArrivalReportsReceived = v; return this; }
        /**
         * @param v stall reports (SCUT) sent to publishers after a stall of the node's own I/O thread, cumulative
         * @return this builder
         */
        public Builder untimedArrivalReportsSent(long v) { untimedArrivalReportsSent = v; return this; }
        /**
         * @param v sessions open now (a gauge, not cumulative)
         * @return this builder
         */
        public Builder sessions(long v) { sessions = v; return this; }
        /**
         * @param v publishers now (a gauge, not cumulative)
         * @return this builder
         */
        public Builder publishers(long v) { publishers = v; return this; }
        /**
         * @param v subscriptions now (a gauge, not cumulative)
         * @return this builder
         */
        public Builder subscribers(long v) { subscribers = v; return this; }
        /**
         * @param v streams with a publisher or a subscriber now (a gauge, not cumulative)
         * @return this builder
         */
        public Builder streams(long v) { streams = v; return this; }
        /**
         * @param v tracks whose source was seen numbering its packets from scratch again, behind its old numbers (a publisher restarted with the same SSRCs): the node forgot that track's cached packets, gaps and tail probe, cumulative
         * @return this builder
         */
        public Builder sourceRestarts(long v) { sourceRestarts = v; return this; }
        /**
         * @param v HELLOs from a joined session's address with another session id, held pending until a PUBLISH or SUBSCRIBE echoes that id's cookie (return routability on; each pending id once): rising without {@code sessionTakeovers} means someone spoofs clients' addresses, cumulative
         * @return this builder
         */
        public Builder sessionTakeoversHeld(long v) { sessionTakeoversHeld = v; return this; }
        /**
         * @param v sessions taken over by another session id from the same address (a client restarted on that address and port): with return routability on once a PUBLISH or SUBSCRIBE echoed that id's cookie, without at its HELLO, cumulative
         * @return this builder
         */
        public Builder sessionTakeovers(long v) { sessionTakeovers = v; return this; }

        /**
         * @return the snapshot
         * @throws IllegalArgumentException if a value is out of range (the message names it)
         */
        public NodeStats build() {
            return new NodeStats(timestampNs, nodeId, region, viewersByStream, packetsReceived,
                    packetsSent, packetsDropped, bitrateInBps, bitrateOutBps, tokensAccepted, tokensRejected,
                    tokensExpiredRoleKept, sourceRetransmissionsAlreadyHeld, sourceProbesAlreadyHeld,
                    rateLimitedDropped, publisherRateLimited, handlerFailures,
                    routabilityFailures, halfOpenEvicted, halfOpenSessions, amplificationSuppressed, peerControlRateLimited, sessionsExpired, fanOutLaneDropped, handOffDropped, rtpReceived, nackedPackets, retransmissionMisses, nackRetransmissionsLimited, retransmissionBuildFailures, tailProbesSent, tailProbesLimited, sourceNackedPackets, sourceRetransmissionsReceived, keyframeRequestsReceived, keyframeRequestsForwarded, keyframeRequestsSuppressed, downlinkProbePaddingPackets, ioThreadStalls, nativeCopiesRefused, retransmissionsPendingFromSource, nacksBeforeLayerStart, streamInfoRepeated, downlinkProbes, downlinkProbeClimbs, untimedArrivalReportsReceived, untimedArrivalReportsSent, sessions, publishers, subscribers, streams,
                    sourceRestarts, sessionTakeoversHeld, sessionTakeovers);
        }
    }
}
