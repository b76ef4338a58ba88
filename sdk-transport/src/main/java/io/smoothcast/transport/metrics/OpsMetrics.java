package io.smoothcast.transport.metrics;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.Severity;
import io.smoothcast.stats.Direction;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.transport.NodeSwitchReason;
import io.smoothcast.transport.OpsSnapshot;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The metrics of an {@link OpsSnapshot}, as exported to Prometheus and Micrometer. Per-viewer
 * values are aggregated per stream, node and region (counters summed, gauges averaged over the
 * viewers that measured them, quality as the worst level), so no label identifies a user.
 *
 * <table>
 *   <caption>Metrics (labels: stream, node, region unless noted)</caption>
 *   <tr><td>smoothcast_stream_viewers</td><td>gauge</td><td>viewers measuring the stream</td></tr>
 *   <tr><td>smoothcast_stream_received_bytes_total</td><td>counter</td><td>payload bytes received by viewers</td></tr>
 *   <tr><td>smoothcast_stream_received_packets_total</td><td>counter</td><td>media packets received by viewers</td></tr>
 *   <tr><td>smoothcast_stream_lost_packets_total{recovery}</td><td>counter</td><td>lost before / after recovery</td></tr>
 *   <tr><td>smoothcast_stream_loss_ratio{recovery}</td><td>gauge</td><td>loss over the last interval, 0-1</td></tr>
 *   <tr><td>smoothcast_stream_decoded_frames_total</td><td>counter</td><td>frames played out</td></tr>
 *   <tr><td>smoothcast_stream_freezes_total</td><td>counter</td><td>video freezes</td></tr>
 *   <tr><td>smoothcast_stream_freeze_seconds_total</td><td>counter</td><td>time frozen</td></tr>
 *   <tr><td>smoothcast_stream_stall_ratio</td><td>gauge</td><td>share of the last interval frozen</td></tr>
 *   <tr><td>smoothcast_stream_jitter_seconds</td><td>gauge</td><td>interarrival jitter</td></tr>
 *   <tr><td>smoothcast_stream_round_trip_time_seconds{direction}</td><td>gauge</td><td>RTT to the node</td></tr>
 *   <tr><td>smoothcast_stream_end_to_end_latency_seconds</td><td>gauge</td><td>capture to playout</td></tr>
 *   <tr><td>smoothcast_stream_capture_to_receipt_latency_seconds</td><td>gauge</td><td>capture to arrival</td></tr>
 *   <tr><td>smoothcast_stream_jitter_buffer_delay_seconds</td><td>gauge</td><td>mean time in the jitter buffer</td></tr>
 *   <tr><td>smoothcast_stream_receive_bytes_per_second</td><td>gauge</td><td>mean received rate per viewer</td></tr>
 *   <tr><td>smoothcast_stream_quality_level{direction}</td><td>gauge</td><td>worst level, 0-6</td></tr>
 *   <tr><td>smoothcast_stream_failovers_total{direction}</td><td>counter</td><td>resumes on another node
 *       after losing the node</td></tr>
 *   <tr><td>smoothcast_stream_token_refusals_total{direction}</td><td>counter</td><td>refusals of the
 *       endpoints' current token by a node (unauthorized, expired, forbidden): a rise over many
 *       endpoints is mass token expiry or a key mix-up</td></tr>
 *   <tr><td>smoothcast_stream_malformed_datagrams_dropped_total{direction}</td><td>counter</td><td>datagrams
 *       the endpoints dropped as not understood (viewers also: from an address they do not talk to,
 *       or strays numbered far ahead of their track): a rise is an attack on clients or a broken node</td></tr>
 *   <tr><td>smoothcast_stream_stale_control_messages_ignored_total{direction}</td><td>counter</td><td>well-formed
 *       control messages from a node the endpoints no longer talk to (late answers), ignored</td></tr>
 *   <tr><td>smoothcast_stream_node_switches_total{direction, reason}</td><td>counter</td><td>moves to another node
 *       while the node still answered; reason degraded_path, no_publisher or media_silence for
 *       direction receive, degraded_path only for send (labels stream, node, region as watched:
 *       node is where the endpoint was put, not the node left)</td></tr>
 *   <tr><td>smoothcast_stream_jitter_buffer_frames_dropped_total</td><td>counter</td><td>frames the
 *       viewers' jitter buffers gave up on (incomplete at their playout deadline, or dropped to make room)</td></tr>
 *   <tr><td>smoothcast_stream_nacks_sent_total, _keyframe_requests_sent_total</td><td>counter</td><td>NACK
 *       packets and keyframe requests (PLI) the viewers sent</td></tr>
 *   <tr><td>smoothcast_stream_early_packets_recovered_total, _unknown_track_packets_dropped_total</td>
 *       <td>counter</td><td>media packets that came before the track list naming their track, held and
 *       played; media for no announced track (or that waited too long for the list), dropped</td></tr>
 *   <tr><td>smoothcast_stream_sent_bytes_total, _sent_packets_total, _retransmitted_packets_total</td>
 *       <td>counter</td><td>broadcaster side</td></tr>
 *   <tr><td>smoothcast_stream_send_bytes_per_second, _target_bytes_per_second</td><td>gauge</td><td>broadcaster side</td></tr>
 *   <tr><td>smoothcast_stream_send_delay_max_seconds</td><td>gauge</td><td>the broadcaster's own send
 *       backlog (longest over the stream's broadcasters)</td></tr>
 *   <tr><td>smoothcast_stream_backlog_frames_dropped_total</td><td>counter</td><td>frames the broadcaster
 *       dropped because it could not send them in time (older than its send-delay limit, or no
 *       room in its pacer), and video frames behind them</td></tr>
 *   <tr><td>smoothcast_stream_not_connected_frames_dropped_total</td><td>counter</td><td>frames the
 *       broadcaster dropped because it was not connected (yet, or during an outage)</td></tr>
 *   <tr><td>smoothcast_stream_queue_full_frames_rejected_total</td><td>counter</td><td>frames the
 *       broadcaster refused at {@code send} because its send queue was full</td></tr>
 *   <tr><td>smoothcast_stream_keyframe_requests_received_total</td><td>counter</td><td>keyframe requests the
 *       broadcaster received from its node</td></tr>
 *   <tr><td>smoothcast_stream_keyframe_requests_ignored_total</td><td>counter</td><td>keyframe requests from
 *       the node that named no video track of the broadcaster, not passed on to the application</td></tr>
 *   <tr><td>smoothcast_stream_pacer_dropped_packets_total</td><td>counter</td><td>packets the broadcaster dropped
 *       because its pacer's queue was full (retransmissions, and the packets of whole frames dropped)</td></tr>
 *   <tr><td>smoothcast_stream_retransmissions_over_budget_total, _tail_probes_sent_total</td><td>counter</td>
 *       <td>repairs the broadcaster did not send because its retransmission budget was used up; tail loss
 *       probes it sent</td></tr>
 *   <tr><td>smoothcast_node_viewers (node, region, stream)</td><td>gauge</td><td>concurrent viewers</td></tr>
 *   <tr><td>smoothcast_node_received_packets_total, _sent_packets_total, _dropped_packets_total (node, region)</td>
 *       <td>counter</td><td>relay traffic</td></tr>
 *   <tr><td>smoothcast_node_tokens_accepted_total, _tokens_rejected_total (node, region)</td>
 *       <td>counter</td><td>PUBLISH and SUBSCRIBE requests whose token the node accepted / refused</td></tr>
 *   <tr><td>smoothcast_node_tokens_expired_role_kept_total (node, region)</td><td>counter</td><td>repeats
 *       of a role a session already held, accepted with an expired token (also in _tokens_accepted_total)</td></tr>
 *   <tr><td>smoothcast_node_source_retransmissions_already_held_total,
 *       _source_probes_already_held_total (node, region)</td><td>counter</td><td>retransmissions from
 *       the source of packets the node already held, dropped: repairs it had asked for and got twice /
 *       the source's tail loss probes it never asked for</td></tr>
 *   <tr><td>smoothcast_node_rate_limited_dropped_packets_total (node, region)</td><td>counter</td><td>datagrams
 *       of sources without an accepted PUBLISH or SUBSCRIBE dropped by the per-source rate limit (a flood)</td></tr>
 *   <tr><td>smoothcast_node_publisher_rate_limited_packets_total (node, region)</td><td>counter</td><td>RTP
 *       packets dropped over their publisher's packet or bit rate cap (its viewers lose them)</td></tr>
 *   <tr><td>smoothcast_node_handler_failures_total (node, region)</td><td>counter</td><td>failures of the
 *       node's own handling code: anything but 0 is a defect</td></tr>
 *   <tr><td>smoothcast_node_routability_failures_total (node, region)</td><td>counter</td><td>PUBLISH,
 *       SUBSCRIBE, LEAVE and KEEPALIVE requests without the node's return-routability cookie (spoofed sources)</td></tr>
 *   <tr><td>smoothcast_node_half_open_sessions_evicted_total (node, region)</td><td>counter</td><td>half-open
 *       sessions (HELLO without an accepted PUBLISH or SUBSCRIBE) evicted by newer ones: a HELLO flood</td></tr>
 *   <tr><td>smoothcast_node_half_open_sessions (node, region)</td><td>gauge</td><td>half-open sessions now</td></tr>
 *   <tr><td>smoothcast_node_amplification_suppressed_replies_total (node, region)</td><td>counter</td><td>replies
 *       and errors not sent because they would have been larger than the request</td></tr>
 *   <tr><td>smoothcast_node_peer_control_rate_limited_messages_total (node, region)</td><td>counter</td><td>RTCP
 *       and control messages of accepted sessions dropped over their per-session cap</td></tr>
 *   <tr><td>smoothcast_node_sessions_expired_total (node, region)</td><td>counter</td><td>sessions dropped after
 *       the session timeout</td></tr>
 *   <tr><td>smoothcast_node_fan_out_lane_dropped_packets_total (node, region)</td><td>counter</td><td>copies
 *       dropped because their subscriber's fan-out thread was 64 packets behind (overload)</td></tr>
 *   <tr><td>smoothcast_node_hand_off_dropped_datagrams_total (node, region)</td><td>counter</td><td>datagrams an
 *       extra fan-out socket dropped because the protocol thread was 1,024 behind (overload)</td></tr>
 *   <tr><td>smoothcast_node_received_rtp_packets_total, _nacked_packets_total, _retransmission_misses_total,
 *       _retransmissions_limited_total, _retransmission_build_failures_total, _tail_probes_sent_total,
 *       _tail_probes_limited_total (node, region)</td><td>counter</td><td>RTP accepted from publishers, and
 *       the repairs of the node's subscribers: sequence numbers NACKed, those not in the cache, those over
 *       the subscriber's retransmission budget, cached packets that could not be made RTX (a defect), tail
 *       loss probes sent and refused by the budget</td></tr>
 *   <tr><td>smoothcast_node_source_nacked_packets_total, _source_retransmissions_received_total (node, region)</td>
 *       <td>counter</td><td>repairs the node asked of its source (publisher or upstream node), and got</td></tr>
 *   <tr><td>smoothcast_node_keyframe_requests_received_total, _forwarded_total, _suppressed_total (node, region)</td>
 *       <td>counter</td><td>PLIs from subscribers, sent on to publishers, dropped by the rate limit</td></tr>
 *   <tr><td>smoothcast_node_probe_padding_packets_total (node, region)</td><td>counter</td><td>padding packets sent
 *       inside downlink probes</td></tr>
 *   <tr><td>smoothcast_node_io_thread_stalls_total (node, region)</td><td>counter</td><td>stalls of the I/O thread
 *       before a read: a count that keeps rising says the node needs more CPU</td></tr>
 *   <tr><td>smoothcast_node_native_copies_refused_total (node, region)</td><td>counter</td><td>copies the kernel
 *       refused on the native fan-out path (not a full buffer)</td></tr>
 *   <tr><td>smoothcast_node_retransmissions_pending_from_source_total, _nacks_before_layer_start_total (node, region)</td>
 *       <td>counter</td><td>NACKed packets the node still waited for from its source; NACKed packets from
 *       before the subscriber's switch to its simulcast layer, not resent</td></tr>
 *   <tr><td>smoothcast_node_stream_info_repeated_total, _downlink_probes_total, _downlink_probe_climbs_total,
 *       _stall_reports_received_total, _stall_reports_sent_total (node, region)</td><td>counter</td>
 *       <td>STREAM_INFO repeats; downlink probes and those that moved a subscriber up a layer; stall reports
 *       (SCUT) from subscribers and to publishers</td></tr>
 *   <tr><td>smoothcast_node_source_restarts_total (node, region)</td><td>counter</td><td>tracks whose source
 *       restarted its numbering behind its old numbers (a publisher restarted with the same SSRCs)</td></tr>
 *   <tr><td>smoothcast_node_session_takeovers_held_total, _session_takeovers_total (node, region)</td>
 *       <td>counter</td><td>HELLOs from a joined session's address with another session id, held pending
 *       until that id's cookie is echoed (rising alone: someone spoofs clients' addresses); sessions taken
 *       over by another session id from the same address (a client restarted there)</td></tr>
 *   <tr><td>smoothcast_node_sessions, _publishers, _subscribers, _streams (node, region)</td><td>gauge</td>
 *       <td>sessions, publishers, subscriptions and streams now</td></tr>
 *   <tr><td>smoothcast_node_receive_bytes_per_second, _send_bytes_per_second (node, region)</td><td>gauge</td><td>relay rates</td></tr>
 *   <tr><td>smoothcast_alerts_active (severity)</td><td>gauge</td><td>alerts raised and not cleared</td></tr>
 * </table>
 *
 * <p>A stream counter sums its endpoints' cumulative counts. Read through one {@code OpsMetrics}
 * instance ({@link #families(OpsSnapshot)}), every stream series also keeps what the endpoints that
 * left it had counted, so it never goes down when a viewer or broadcaster leaves (a fall would read
 * as a counter reset and make {@code rate()} count the whole remaining sum again). A series none of
 * whose endpoints is present (they all moved to other nodes or left) stays exported at its last
 * value for 10 minutes (monitor time) after it was last seen, then is dropped: a series that
 * vanished and came back would make a raw {@code sum} over nodes fall and {@code increase()}
 * across the gap wrong. An endpoint moving to another node carries its cumulative count into that
 * node's series: there it adds only what it counts after the move (its old node's series keeps
 * what it counted before), so a sum over nodes does not jump by its whole count; the same holds for
 * one coming back to a node it left. An endpoint has left a node only if the snapshot no longer has
 * its id there: one whose id is still on the other node is another client under that id (two
 * clients watched under one id on two nodes at once, or one rejoining a node while the other
 * stays), which moved nowhere. An endpoint's last count at a node is forgotten 10 minutes after it
 * was last seen there, and one not seen before counts in full. The node
 * counters are the relay's own counts: they go down only when the relay restarts, a true reset.
 *
 * <p>Thread-safe: {@link #of(OpsSnapshot)} is stateless; {@link #families(OpsSnapshot)} is
 * synchronized.
 */
public final class OpsMetrics {

    private static final List<String> STREAM_LABELS = List.of("stream", "node", "region");
    private static final List<String> DIRECTION_LABELS = List.of("stream", "node", "region", "direction");
    private static final StreamCounterTotals.Side<ReceiveStreamStats> RX =
            new StreamCounterTotals.Side<>("receive", ReceiveStreamStats::endpointId);
    private static final StreamCounterTotals.Side<SendStreamStats> TX =
            new StreamCounterTotals.Side<>("send", SendStreamStats::endpointId);

    /** A relay node's own cumulative count, exported as one counter family labelled node and region. */
    private record NodeCounter(String name, String help, ToDoubleFunction<NodeStats> value) {
    }

    private static final List<NodeCounter> NODE_COUNTERS = List.of(
            new NodeCounter("smoothcast_node_received_packets_total", "Datagrams received by the node.",
                    NodeStats::packetsReceived),
            new NodeCounter("smoothcast_node_sent_packets_total", "Packets sent to viewers and peer nodes.",
                    NodeStats::packetsSent),
            new NodeCounter("smoothcast_node_dropped_packets_total", "Malformed or unsolicited datagrams dropped.",
                    NodeStats::packetsDropped),
            new NodeCounter("smoothcast_node_tokens_accepted_total",
                    "PUBLISH and SUBSCRIBE requests whose token the node accepted.", NodeStats::tokensAccepted),
            new NodeCounter("smoothcast_node_tokens_rejected_total",
                    "PUBLISH and SUBSCRIBE requests refused for a missing, forged, expired or unfitting token.",
                    NodeStats::tokensRejected),
            new NodeCounter("smoothcast_node_tokens_expired_role_kept_total",
                    "Repeats of a role a session already held, accepted with an expired token (also counted as accepted).",
                    NodeStats::tokensExpiredRoleKept),
            new NodeCounter("smoothcast_node_source_retransmissions_already_held_total",
                    "Retransmissions from the source of packets the node already held and had asked for, dropped.",
                    NodeStats::sourceRetransmissionsAlreadyHeld),
            new NodeCounter("smoothcast_node_source_probes_already_held_total",
                    "Tail loss probes from the source of packets the node already held, dropped.",
                    NodeStats::sourceProbesAlreadyHeld),
            new NodeCounter("smoothcast_node_rate_limited_dropped_packets_total",
                    "Datagrams of sources without an accepted PUBLISH or SUBSCRIBE dropped by the per-source rate limit.",
                    NodeStats::rateLimitedDropped),
            new NodeCounter("smoothcast_node_publisher_rate_limited_packets_total",
                    "RTP packets dropped because their publisher exceeded its packet or bit rate cap.",
                    NodeStats::publisherRateLimited),
            new NodeCounter("smoothcast_node_handler_failures_total",
                    "Failures of the node's own handling code; anything but 0 is a defect.", NodeStats::handlerFailures),
            new NodeCounter("smoothcast_node_routability_failures_total",
                    "PUBLISH, SUBSCRIBE, LEAVE and KEEPALIVE requests without the node's return-routability cookie.",
                    NodeStats::routabilityFailures),
            new NodeCounter("smoothcast_node_half_open_sessions_evicted_total",
                    "Half-open sessions (HELLO without an accepted PUBLISH or SUBSCRIBE) evicted by newer ones.",
                    NodeStats::halfOpenEvicted),
            new NodeCounter("smoothcast_node_amplification_suppressed_replies_total",
                    "Replies and errors not sent because they would have been larger than the request.",
                    NodeStats::amplificationSuppressed),
            new NodeCounter("smoothcast_node_peer_control_rate_limited_messages_total",
                    "RTCP and control messages of accepted sessions dropped over their per-session cap.",
                    NodeStats::peerControlRateLimited),
            new NodeCounter("smoothcast_node_sessions_expired_total", "Sessions dropped after the session timeout.",
                    NodeStats::sessionsExpired),
            new NodeCounter("smoothcast_node_fan_out_lane_dropped_packets_total",
                    "Copies dropped because their subscriber's fan-out thread was 64 packets behind.",
                    NodeStats::fanOutLaneDropped),
            new NodeCounter("smoothcast_node_hand_off_dropped_datagrams_total",
                    "Datagrams an extra fan-out socket dropped because the protocol thread was 1,024 behind.",
                    NodeStats::handOffDropped),
            new NodeCounter("smoothcast_node_received_rtp_packets_total", "RTP packets accepted from publishers.",
                    NodeStats::rtpReceived),
            new NodeCounter("smoothcast_node_nacked_packets_total", "Sequence numbers subscribers asked for by NACK.",
                    NodeStats::nackedPackets),
            new NodeCounter("smoothcast_node_retransmission_misses_total",
                    "NACKed packets that were not in the node's retransmission cache.", NodeStats::retransmissionMisses),
            new NodeCounter("smoothcast_node_retransmissions_limited_total",
                    "NACKed packets not resent because the subscriber's retransmission budget was used up.",
                    NodeStats::nackRetransmissionsLimited),
            new NodeCounter("smoothcast_node_retransmission_build_failures_total",
                    "Cached packets that could not be made RTX; anything but 0 is a defect.",
                    NodeStats::retransmissionBuildFailures),
            new NodeCounter("smoothcast_node_tail_probes_sent_total", "Tail loss probes sent to subscribers.",
                    NodeStats::tailProbesSent),
            new NodeCounter("smoothcast_node_tail_probes_limited_total",
                    "Tail loss probes not sent because the subscriber's retransmission budget was used up.",
                    NodeStats::tailProbesLimited),
            new NodeCounter("smoothcast_node_source_nacked_packets_total",
                    "Packets the node asked its source (publisher or upstream node) to retransmit.",
                    NodeStats::sourceNackedPackets),
            new NodeCounter("smoothcast_node_source_retransmissions_received_total",
                    "Retransmissions the node received from its source.", NodeStats::sourceRetransmissionsReceived),
            new NodeCounter("smoothcast_node_keyframe_requests_received_total",
                    "Keyframe requests (PLI) received from subscribers.", NodeStats::keyframeRequestsReceived),
            new NodeCounter("smoothcast_node_keyframe_requests_forwarded_total", "Keyframe requests sent to publishers.",
                    NodeStats::keyframeRequestsForwarded),
            new NodeCounter("smoothcast_node_keyframe_requests_suppressed_total",
                    "Keyframe requests dropped by the node's rate limit instead of sent to the publisher.",
                    NodeStats::keyframeRequestsSuppressed),
            new NodeCounter("smoothcast_node_probe_padding_packets_total",
                    "Padding packets (RTX copies of forwarded packets) sent inside downlink probes.",
                    NodeStats::downlinkProbePaddingPackets),
            new NodeCounter("smoothcast_node_io_thread_stalls_total",
                    "Stalls of the node's I/O thread before reading a datagram (GC, a busy host).",
                    NodeStats::ioThreadStalls),
            new NodeCounter("smoothcast_node_native_copies_refused_total",
                    "Copies of forwarded packets the kernel refused on the native fan-out path.",
                    NodeStats::nativeCopiesRefused),
            new NodeCounter("smoothcast_node_retransmissions_pending_from_source_total",
                    "NACKed packets the node was itself still waiting for from its source.",
                    NodeStats::retransmissionsPendingFromSource),
            new NodeCounter("smoothcast_node_nacks_before_layer_start_total",
                    "NACKed packets not resent: they came before the subscriber's switch to its simulcast layer.",
                    NodeStats::nacksBeforeLayerStart),
            new NodeCounter("smoothcast_node_stream_info_repeated_total",
                    "STREAM_INFO messages sent again to subscribers after a change of a stream's tracks.",
                    NodeStats::streamInfoRepeated),
            new NodeCounter("smoothcast_node_downlink_probes_total",
                    "Probe clusters sent to subscribers held below a layer their cap allows.", NodeStats::downlinkProbes),
            new NodeCounter("smoothcast_node_downlink_probe_climbs_total",
                    "Downlink probes whose result moved their subscriber up a layer.", NodeStats::downlinkProbeClimbs),
            new NodeCounter("smoothcast_node_stall_reports_received_total",
                    "Stall reports received from subscribers whose own reader stalled.",
                    NodeStats::untimedArrivalReportsReceived),
            new NodeCounter("smoothcast_node_stall_reports_sent_total",
                    "Stall reports sent to publishers after a stall of the node's own I/O thread.",
                    NodeStats::untimedArrivalReportsSent),
            new NodeCounter("smoothcast_node_source_restarts_total",
                    "Tracks whose source restarted its numbering behind its old numbers (a publisher restarted "
                            + "with the same SSRCs): their cached packets, gaps and tail probe forgotten.",
                    NodeStats::sourceRestarts),
            new NodeCounter("smoothcast_node_session_takeovers_held_total",
                    "HELLOs from a joined session's address with another session id, held until that id's cookie "
                            + "is echoed; rising without session takeovers: someone spoofs clients' addresses.",
                    NodeStats::sessionTakeoversHeld),
            new NodeCounter("smoothcast_node_session_takeovers_total",
                    "Sessions taken over by another session id from the same address (a client restarted there).",
                    NodeStats::sessionTakeovers));

    private final StreamCounterTotals totals = new StreamCounterTotals();
    private OpsSnapshot lastSnapshot;
    private List<MetricFamily> lastFamilies;

    /** An exporter whose stream counters never go down; scrape every snapshot through the same one. */
    public OpsMetrics() {
    }

    /**
     * The metrics of one snapshot alone: its stream counters are sums over the endpoints in it, so
     * they go down when an endpoint leaves. For a one-off reading; an exporter that is scraped again
     * and again uses {@link #families(OpsSnapshot)} of one instance.
     *
     * @param snapshot a monitor snapshot; not null
     * @return the metric families, in a stable order
     */
    public static List<MetricFamily> of(OpsSnapshot snapshot) {
        return new OpsMetrics().families(snapshot);
    }

    /**
     * The metrics of {@code snapshot}, stream counters including what endpoints gone since earlier
     * snapshots had counted. A snapshot older than the one before (two scrapes racing) is answered
     * with the previous families, so the counters never go down.
     *
     * @param snapshot a monitor snapshot, normally {@link io.smoothcast.transport.OpsMonitor#latest()}; not null
     * @return the metric families, in a stable order
     */
    public synchronized List<MetricFamily> families(OpsSnapshot snapshot) {
        if (snapshot == null) {
            throw new IllegalArgumentException("snapshot must not be null");
        }
        if (lastSnapshot != null && snapshot.timestampNs() < lastSnapshot.timestampNs()) {
            return lastFamilies;
        }
        Set<List<String>> placed = new HashSet<>();
        snapshot.receive().forEach(r -> placed.add(StreamCounterTotals.placement(RX.name(), r.streamId(),
                r.endpointId(), r.nodeId(), r.region())));
        snapshot.send().forEach(t -> placed.add(StreamCounterTotals.placement(TX.name(), t.streamId(),
                t.endpointId(), t.nodeId(), t.region())));
        totals.begin(snapshot.timestampNs(), placed);
        List<MetricFamily> out = withAbsentSeries(render(snapshot));
        lastSnapshot = snapshot;
        lastFamilies = out;
        return out;
    }

    /**
     * @param family a family's name
     * @param type its type
     * @return whether {@link #families(OpsSnapshot)} keeps the family's series itself while none of
     *     their endpoints is present, and drops them when they are gone for good: the stream counters
     */
    static boolean keepsItself(String family, MetricFamily.Type type) {
        return type == MetricFamily.Type.COUNTER && family.startsWith("smoothcast_stream_");
    }

    /**
     * Adds to the stream counter families the series kept although none of their endpoints is in
     * the snapshot (they moved or left), at their last value, once those absent too long are released.
     */
    private List<MetricFamily> withAbsentSeries(List<MetricFamily> families) {
        totals.releaseAbsent();
        Map<String, List<MetricFamily.Sample>> absent = totals.absentSeries();
        if (absent.isEmpty()) {
            return families;
        }
        List<MetricFamily> out = new ArrayList<>(families.size());
        for (MetricFamily f : families) {
            List<MetricFamily.Sample> kept = absent.get(f.name());
            if (kept == null) {
                out.add(f);
                continue;
            }
            List<MetricFamily.Sample> samples = new ArrayList<>(f.samples());
            kept.sort((a, b) -> compareLists(a.labelValues(), b.labelValues()));
            samples.addAll(kept);
            out.add(new MetricFamily(f.name(), f.type(), f.help(), samples));
        }
        return out;
    }

    private List<MetricFamily> render(OpsSnapshot snapshot) {
        List<MetricFamily> out = new ArrayList<>();
        Map<List<String>, List<ReceiveStreamStats>> rx = group(snapshot.receive(),
                r -> List.of(r.streamId(), r.nodeId(), r.region()));
        Map<List<String>, List<SendStreamStats>> tx = group(snapshot.send(),
                s -> List.of(s.streamId(), s.nodeId(), s.region()));

        out.add(gauge("smoothcast_stream_viewers", "Viewers measuring the stream.", rx, l -> l.size()));
        out.add(counter("smoothcast_stream_received_bytes_total", "Payload bytes received by the viewers.",
                rx, RX, ReceiveStreamStats::bytesReceived));
        out.add(counter("smoothcast_stream_received_packets_total", "Media packets received by the viewers.",
                rx, RX, ReceiveStreamStats::packetsReceived));
        List<String> recovery = List.of("stream", "node", "region", "recovery");
        List<MetricFamily.Sample> lost = new ArrayList<>();
        rx.forEach((k, l) -> {
            lost.add(counterSample("smoothcast_stream_lost_packets_total", recovery, append(k, "before"), l, RX,
                    ReceiveStreamStats::packetsLost));
            lost.add(counterSample("smoothcast_stream_lost_packets_total", recovery, append(k, "after"), l, RX,
                    ReceiveStreamStats::packetsLostAfterRecovery));
        });
        out.add(new MetricFamily("smoothcast_stream_lost_packets_total", MetricFamily.Type.COUNTER,
                "Packets lost on the network (before) and still missing at playout (after recovery).", lost));
        List<MetricFamily.Sample> lossRatio = new ArrayList<>();
        rx.forEach((k, l) -> {
            lossRatio.add(new MetricFamily.Sample(recovery, append(k, "before"),
                    mean(ReceiveStreamStats::lossFractionBeforeRecovery).applyAsDouble(l)));
            lossRatio.add(new MetricFamily.Sample(recovery, append(k, "after"),
                    mean(ReceiveStreamStats::lossFractionAfterRecovery).applyAsDouble(l)));
        });
        out.add(new MetricFamily("smoothcast_stream_loss_ratio", MetricFamily.Type.GAUGE,
                "Share of expected packets lost over the last interval, 0-1.", lossRatio));
        out.add(counter("smoothcast_stream_decoded_frames_total", "Frames played out by the viewers.",
                rx, RX, ReceiveStreamStats::framesDecoded));
        out.add(counter("smoothcast_stream_freezes_total", "Video freezes at the viewers.",
                rx, RX, ReceiveStreamStats::freezeCount));
        out.add(counter("smoothcast_stream_freeze_seconds_total", "Time the viewers' video was frozen.",
                rx, RX, r -> r.totalFreezesDurationMs() / 1000.0));
        out.add(gauge("smoothcast_stream_stall_ratio", "Share of the last interval frozen, 0-1, mean over viewers.",
                rx, mean(ReceiveStreamStats::stallRate)));
        out.add(gauge("smoothcast_stream_jitter_seconds", "Interarrival jitter, mean over viewers.",
                rx, l -> mean(ReceiveStreamStats::jitterMs).applyAsDouble(l) / 1000));
        out.add(gauge("smoothcast_stream_end_to_end_latency_seconds", "Capture-to-playout latency, mean over viewers.",
                rx, l -> mean(ReceiveStreamStats::endToEndLatencyMs).applyAsDouble(l) / 1000));
        out.add(gauge("smoothcast_stream_capture_to_receipt_latency_seconds",
                "Capture-to-arrival latency (before the jitter buffer), mean over viewers.",
                rx, l -> mean(ReceiveStreamStats::captureToReceiptLatencyMs).applyAsDouble(l) / 1000));
        out.add(gauge("smoothcast_stream_jitter_buffer_delay_seconds", "Mean time a frame spent in the jitter buffer.",
                rx, l -> mean(ReceiveStreamStats::jitterBufferDelayMs).applyAsDouble(l) / 1000));
        out.add(gauge("smoothcast_stream_receive_bytes_per_second", "Received rate over the last interval, mean over viewers.",
                rx, l -> mean(ReceiveStreamStats::bitrateInBps).applyAsDouble(l) / 8));
        out.add(roundTripTimes(rx, tx));
        out.add(counterByDirection("smoothcast_stream_failovers_total",
                "Resumes of the stream's endpoints on a node after losing their node.", rx, tx,
                ReceiveStreamStats::failoverCount, SendStreamStats::failoverCount));
        out.add(counterByDirection("smoothcast_stream_token_refusals_total",
                "Refusals of the current token of the stream's endpoints by a node (unauthorized, expired, forbidden).",
                rx, tx, ReceiveStreamStats::tokenRefusals, SendStreamStats::tokenRefusals));
        out.add(counterByDirection("smoothcast_stream_malformed_datagrams_dropped_total",
                "Datagrams the stream's endpoints dropped as not understood (viewers: also from elsewhere, or strays).",
                rx, tx, ReceiveStreamStats::malformedDropped, SendStreamStats::malformedDropped));
        out.add(counterByDirection("smoothcast_stream_stale_control_messages_ignored_total",
                "Well-formed control messages from a node the endpoints no longer talk to (late answers), ignored.",
                rx, tx, ReceiveStreamStats::staleControlIgnored, SendStreamStats::staleControlIgnored));
        out.add(nodeSwitches(rx, tx));
        out.add(qualityLevels(snapshot, rx, tx));
        out.add(counter("smoothcast_stream_jitter_buffer_frames_dropped_total",
                "Frames the viewers' jitter buffers gave up on (incomplete at their playout deadline, or dropped to make room).",
                rx, RX, ReceiveStreamStats::framesDropped));
        out.add(counter("smoothcast_stream_nacks_sent_total", "NACK packets the viewers sent to ask for retransmissions.",
                rx, RX, ReceiveStreamStats::nacksSent));
        out.add(counter("smoothcast_stream_keyframe_requests_sent_total", "Keyframe requests (PLI) the viewers sent.",
                rx, RX, ReceiveStreamStats::keyframeRequestsSent));
        out.add(counter("smoothcast_stream_early_packets_recovered_total",
                "Media packets that came before the track list naming their track, held and played once it came.",
                rx, RX, ReceiveStreamStats::earlyPacketsRecovered));
        out.add(counter("smoothcast_stream_unknown_track_packets_dropped_total",
                "Media packets for no announced track, or that waited too long for the track list, dropped by the viewers.",
                rx, RX, ReceiveStreamStats::unknownTrackDropped));
        out.add(counter("smoothcast_stream_sent_bytes_total", "Bytes sent by the broadcaster.",
                tx, TX, SendStreamStats::bytesSent));
        out.add(counter("smoothcast_stream_sent_packets_total", "RTP packets sent by the broadcaster.",
                tx, TX, SendStreamStats::packetsSent));
        out.add(counter("smoothcast_stream_retransmitted_packets_total", "Retransmissions sent by the broadcaster.",
                tx, TX, SendStreamStats::retransmittedPacketsSent));
        out.add(gauge("smoothcast_stream_send_bytes_per_second", "Sent rate over the last interval.",
                tx, l -> sum(SendStreamStats::bitrateOutBps).applyAsDouble(l) / 8));
        out.add(gauge("smoothcast_stream_target_bytes_per_second", "Congestion controller's target rate.",
                tx, l -> sum(SendStreamStats::targetBitrateBps).applyAsDouble(l) / 8));
        out.add(gauge("smoothcast_stream_send_delay_max_seconds",
                "Longest wait of a frame in the broadcaster (send queue and pacer) over the last 1-2 s.",
                tx, l -> max(SendStreamStats::sendDelayMaxMs).applyAsDouble(l) / 1000));
        out.add(counter("smoothcast_stream_backlog_frames_dropped_total",
                "Frames the broadcaster dropped as too old for its send-delay limit or for a full pacer, and video behind them.",
                tx, TX, SendStreamStats::framesDroppedBacklog));
        out.add(counter("smoothcast_stream_not_connected_frames_dropped_total",
                "Frames the broadcaster dropped because it was not connected (yet, or during an outage).",
                tx, TX, SendStreamStats::framesDroppedNotConnected));
        out.add(counter("smoothcast_stream_queue_full_frames_rejected_total",
                "Frames the broadcaster refused at send because its send queue was full.",
                tx, TX, SendStreamStats::framesRejected));
        out.add(counter("smoothcast_stream_keyframe_requests_received_total",
                "Keyframe requests the broadcaster received from its node.",
                tx, TX, SendStreamStats::keyframeRequestsReceived));
        out.add(counter("smoothcast_stream_keyframe_requests_ignored_total",
                "Keyframe requests from the node naming no video track of the broadcaster, not passed on.",
                tx, TX, SendStreamStats::keyframeRequestsIgnored));
        out.add(counter("smoothcast_stream_pacer_dropped_packets_total",
                "Packets the broadcaster dropped because its pacer's queue was full (retransmissions, whole frames).",
                tx, TX, SendStreamStats::packetsDroppedByPacer));
        out.add(counter("smoothcast_stream_retransmissions_over_budget_total",
                "NACKed packets and tail loss probes the broadcaster did not resend: its retransmission budget was used up.",
                tx, TX, SendStreamStats::retransmissionsOverBudget));
        out.add(counter("smoothcast_stream_tail_probes_sent_total", "Tail loss probes the broadcaster sent.",
                tx, TX, SendStreamStats::tailProbesSent));
        nodeFamilies(snapshot.nodes(), out);
        out.add(alerts(snapshot.activeAlerts()));
        return out;
    }

    private static void nodeFamilies(List<NodeStats> nodes, List<MetricFamily> out) {
        List<MetricFamily.Sample> viewers = new ArrayList<>();
        List<String> names = List.of("node", "region", "stream");
        for (NodeStats n : nodes) {
            for (Map.Entry<String, Integer> e : n.viewersByStream().entrySet()) {
                viewers.add(new MetricFamily.Sample(names, List.of(n.nodeId(), n.region(), e.getKey()), e.getValue()));
            }
        }
        out.add(new MetricFamily("smoothcast_node_viewers", MetricFamily.Type.GAUGE,
                "Concurrent viewers of a stream on a node.", viewers));
        for (NodeCounter c : NODE_COUNTERS) {
            out.add(nodeFamily(c.name(), MetricFamily.Type.COUNTER, c.help(), nodes, c.value()));
        }
        out.add(nodeFamily("smoothcast_node_sessions", MetricFamily.Type.GAUGE, "Sessions open now.", nodes,
                NodeStats::sessions));
        out.add(nodeFamily("smoothcast_node_publishers", MetricFamily.Type.GAUGE, "Publishers now.", nodes,
                NodeStats::publishers));
        out.add(nodeFamily("smoothcast_node_subscribers", MetricFamily.Type.GAUGE, "Subscriptions now.", nodes,
                NodeStats::subscribers));
        out.add(nodeFamily("smoothcast_node_streams", MetricFamily.Type.GAUGE,
                "Streams with a publisher or a subscriber now.", nodes, NodeStats::streams));
        out.add(nodeFamily("smoothcast_node_half_open_sessions", MetricFamily.Type.GAUGE,
                "Half-open sessions (HELLO without an accepted PUBLISH or SUBSCRIBE) now.", nodes,
                NodeStats::halfOpenSessions));
        out.add(nodeFamily("smoothcast_node_receive_bytes_per_second", MetricFamily.Type.GAUGE,
                "Ingress rate over the last interval.", nodes, n -> n.bitrateInBps() / 8));
        out.add(nodeFamily("smoothcast_node_send_bytes_per_second", MetricFamily.Type.GAUGE,
                "Egress rate over the last interval.", nodes, n -> n.bitrateOutBps() / 8));
    }

    private static MetricFamily nodeFamily(String name, MetricFamily.Type type, String help, List<NodeStats> nodes,
            ToDoubleFunction<NodeStats> value) {
        List<MetricFamily.Sample> samples = new ArrayList<>();
        for (NodeStats n : nodes) {
            samples.add(new MetricFamily.Sample(List.of("node", "region"), List.of(n.nodeId(), n.region()),
                    value.applyAsDouble(n)));
        }
        return new MetricFamily(name, type, help, samples);
    }

    private static MetricFamily alerts(List<AlertEvent> active) {
        EnumMap<Severity, Integer> counts = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            counts.put(s, 0);
        }
        for (AlertEvent e : active) {
            counts.merge(e.severity(), 1, Integer::sum);
        }
        List<MetricFamily.Sample> samples = new ArrayList<>();
        counts.forEach((s, n) -> samples.add(new MetricFamily.Sample(List.of("severity"), List.of(s.name()), n)));
        return new MetricFamily("smoothcast_alerts_active", MetricFamily.Type.GAUGE,
                "Alerts raised and not yet cleared, by grade.", samples);
    }

    private static MetricFamily qualityLevels(OpsSnapshot snapshot, Map<List<String>, List<ReceiveStreamStats>> rx,
            Map<List<String>, List<SendStreamStats>> tx) {
        // levels are kept per stream and endpoint; find each endpoint's node and region from its stats
        Map<List<String>, Integer> worst = new TreeMap<>(OpsMetrics::compareLists);
        for (OpsSnapshot.StreamQuality q : snapshot.qualities()) {
            List<String> where = locate(q, snapshot);
            if (where != null) {
                List<String> key = new ArrayList<>(where);
                key.add(q.direction() == Direction.SEND ? "send" : "receive");
                worst.merge(key, q.level().value(), Math::max);
            }
        }
        List<String> names = List.of("stream", "node", "region", "direction");
        List<MetricFamily.Sample> samples = new ArrayList<>();
        worst.forEach((k, v) -> samples.add(new MetricFamily.Sample(names, k, v)));
        return new MetricFamily("smoothcast_stream_quality_level", MetricFamily.Type.GAUGE,
                "Worst quality level of the stream's endpoints: 0 unknown, 1 excellent ... 5 very bad, 6 down.",
                samples);
    }

    private static List<String> locate(OpsSnapshot.StreamQuality q, OpsSnapshot snapshot) {
        if (q.direction() == Direction.RECEIVE) {
            for (ReceiveStreamStats r : snapshot.receive()) {
                if (r.streamId().equals(q.streamId()) && r.endpointId().equals(q.endpointId())) {
                    return List.of(r.streamId(), r.nodeId(), r.region());
                }
            }
        } else {
            for (SendStreamStats s : snapshot.send()) {
                if (s.streamId().equals(q.streamId()) && s.endpointId().equals(q.endpointId())) {
                    return List.of(s.streamId(), s.nodeId(), s.region());
                }
            }
        }
        return null;
    }

    private static MetricFamily roundTripTimes(Map<List<String>, List<ReceiveStreamStats>> rx,
            Map<List<String>, List<SendStreamStats>> tx) {
        List<MetricFamily.Sample> samples = new ArrayList<>();
        rx.forEach((k, l) -> samples.add(new MetricFamily.Sample(DIRECTION_LABELS, append(k, "receive"),
                mean(ReceiveStreamStats::roundTripTimeMs).applyAsDouble(l) / 1000)));
        tx.forEach((k, l) -> samples.add(new MetricFamily.Sample(DIRECTION_LABELS, append(k, "send"),
                mean(SendStreamStats::roundTripTimeMs).applyAsDouble(l) / 1000)));
        return new MetricFamily("smoothcast_stream_round_trip_time_seconds", MetricFamily.Type.GAUGE,
                "Round-trip time to the serving node, mean over endpoints.", samples);
    }

    private MetricFamily counterByDirection(String name, String help,
            Map<List<String>, List<ReceiveStreamStats>> rx, Map<List<String>, List<SendStreamStats>> tx,
            ToDoubleFunction<ReceiveStreamStats> rxCount, ToDoubleFunction<SendStreamStats> txCount) {
        List<MetricFamily.Sample> samples = new ArrayList<>();
        rx.forEach((k, l) -> samples.add(counterSample(name, DIRECTION_LABELS, append(k, "receive"), l, RX, rxCount)));
        tx.forEach((k, l) -> samples.add(counterSample(name, DIRECTION_LABELS, append(k, "send"), l, TX, txCount)));
        return new MetricFamily(name, MetricFamily.Type.COUNTER, help, samples);
    }

    private MetricFamily nodeSwitches(Map<List<String>, List<ReceiveStreamStats>> rx,
            Map<List<String>, List<SendStreamStats>> tx) {
        String name = "smoothcast_stream_node_switches_total";
        List<String> names = List.of("stream", "node", "region", "direction", "reason");
        List<MetricFamily.Sample> samples = new ArrayList<>();
        for (NodeSwitchReason reason : NodeSwitchReason.values()) {
            rx.forEach((k, l) -> samples.add(counterSample(name, names, append(append(k, "receive"), reason.label()),
                    l, RX, r -> reason.countIn(r.nodeSwitches()))));
            if (reason.viewersOnly()) {
                continue; // a broadcaster never moves for it: a series always 0 would only cost storage
            }
            tx.forEach((k, l) -> samples.add(counterSample(name, names, append(append(k, "send"), reason.label()),
                    l, TX, s -> reason.countIn(s.nodeSwitches()))));
        }
        return new MetricFamily(name, MetricFamily.Type.COUNTER,
                "Moves of the stream's endpoints to another node while their node still answered, by reason.", samples);
    }

    private static List<String> append(List<String> list, String value) {
        List<String> out = new ArrayList<>(list);
        out.add(value);
        return out;
    }

    private <T> MetricFamily counter(String name, String help, Map<List<String>, List<T>> groups,
            StreamCounterTotals.Side<T> id, ToDoubleFunction<T> count) {
        List<MetricFamily.Sample> samples = new ArrayList<>();
        groups.forEach((k, l) -> samples.add(counterSample(name, STREAM_LABELS, k, l, id, count)));
        return new MetricFamily(name, MetricFamily.Type.COUNTER, help, samples);
    }

    /** One stream series of a counter: its endpoints' counts plus what departed endpoints counted. */
    private <T> MetricFamily.Sample counterSample(String name, List<String> labelNames, List<String> labelValues,
            List<T> endpoints, StreamCounterTotals.Side<T> id, ToDoubleFunction<T> count) {
        return new MetricFamily.Sample(labelNames, labelValues, totals.total(name, labelNames, labelValues, endpoints, id, count));
    }

    private static <T> MetricFamily gauge(String name, String help, Map<List<String>, List<T>> groups,
            ToDoubleFunction<List<T>> value) {
        List<MetricFamily.Sample> samples = new ArrayList<>();
        groups.forEach((k, l) -> samples.add(new MetricFamily.Sample(STREAM_LABELS, k, value.applyAsDouble(l))));
        return new MetricFamily(name, MetricFamily.Type.GAUGE, help, samples);
    }

    private static <T> Map<List<String>, List<T>> group(List<T> items, Function<T, List<String>> key) {
        Map<List<String>, List<T>> groups = new TreeMap<>(OpsMetrics::compareLists);
        for (T item : items) {
            groups.computeIfAbsent(key.apply(item), k -> new ArrayList<>()).add(item);
        }
        return groups;
    }

    private static int compareLists(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static <T> ToDoubleFunction<List<T>> sum(ToDoubleFunction<T> field) {
        return list -> {
            double total = 0;
            for (T item : list) {
                total += field.applyAsDouble(item);
            }
            return total;
        };
    }

    /** Largest value of the items that measured it; NaN if none did. */
    private static <T> ToDoubleFunction<List<T>> max(ToDoubleFunction<T> field) {
        return list -> {
            double largest = Double.NaN;
            for (T item : list) {
                double v = field.applyAsDouble(item);
                if (!Double.isNaN(v) && (Double.isNaN(largest) || v > largest)) {
                    largest = v;
                }
            }
            return largest;
        };
    }

    /** Mean over the items that measured the value; NaN if none did. */
    private static <T> ToDoubleFunction<List<T>> mean(ToDoubleFunction<T> field) {
        return list -> {
            double total = 0;
            int n = 0;
            for (T item : list) {
                double v = field.applyAsDouble(item);
                if (!Double.isNaN(v)) {
                    total += v;
                    n++;
                }
            }
            return n == 0 ? Double.NaN : total / n;
        };
    }
}
