package io.smoothcast.transport.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.Severity;
import io.smoothcast.quality.QualityLevel;
import io.smoothcast.stats.Direction;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.NodeSwitchCounts;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.transport.OpsSnapshot;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OpsMetricsTest {

    /** One exposition line: name, optional labels, value. */
    private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static OpsSnapshot sampleSnapshot() {
        ReceiveStreamStats a = ReceiveStreamStats.builder("match").endpointId("v1").nodeId("fra").region("eu")
                .timestampNs(5).packetsReceived(1000).bytesReceived(1_000_000).packetsLost(30)
                .packetsLostAfterRecovery(2).framesDecoded(300).lossFractionBeforeRecovery(0.03)
                .lossFractionAfterRecovery(0.002).bitrateInBps(2_000_000).jitterMs(10).roundTripTimeMs(80)
                .jitterBufferDelayMs(60).freezeCount(1).totalFreezesDurationMs(500).stallRate(0.1)
                .lastPacketReceivedNs(5).nodeSwitches(new NodeSwitchCounts(1, 2, 0)).tokenRefusals(2).malformedDropped(4)
                .framesDropped(6).nacksSent(51).keyframeRequestsSent(53).staleControlIgnored(57)
                .earlyPacketsRecovered(59).unknownTrackDropped(61).build();
        ReceiveStreamStats b = a.toBuilder().endpointId("v2").bytesReceived(500_000).jitterMs(30)
                .nodeSwitches(new NodeSwitchCounts(0, 1, 4)).tokenRefusals(3).malformedDropped(5).framesDropped(7)
                .roundTripTimeMs(Double.NaN).stallRate(0.0).totalFreezesDurationMs(0).freezeCount(0).build();
        SendStreamStats tx = SendStreamStats.builder("match").endpointId("cam").nodeId("fra").region("eu")
                .packetsSent(2000).bytesSent(2_400_000).targetBitrateBps(2_500_000).bitrateOutBps(2_400_000)
                .roundTripTimeMs(40).sendDelayMaxMs(450).framesDroppedBacklog(12)
                .nodeSwitches(new NodeSwitchCounts(3, 0, 0)).tokenRefusals(1).malformedDropped(8)
                .framesDroppedNotConnected(14).framesRejected(15).keyframeRequestsReceived(67).packetsDroppedByPacer(71)
                .retransmissionsOverBudget(73).tailProbesSent(79).staleControlIgnored(83).keyframeRequestsIgnored(89)
                .build();
        NodeStats node = NodeStats.builder("fra").region("eu").viewers("match", 2).viewers("quiz \"2\"", 0)
                .packetsReceived(2100).packetsSent(4000).packetsDropped(3).bitrateInBps(2_400_000)
                .bitrateOutBps(4_800_000).tokensAccepted(40).tokensRejected(7).tokensExpiredRoleKept(5)
                .sourceRetransmissionsAlreadyHeld(9).sourceProbesAlreadyHeld(11).rateLimitedDropped(13)
                .publisherRateLimited(17).handlerFailures(1).routabilityFailures(19).halfOpenEvicted(23)
                .halfOpenSessions(29).amplificationSuppressed(31).peerControlRateLimited(37).sessionsExpired(41)
                .fanOutLaneDropped(43).handOffDropped(47).rtpReceived(101).nackedPackets(102).retransmissionMisses(103)
                .nackRetransmissionsLimited(104).retransmissionBuildFailures(105).tailProbesSent(106)
                .tailProbesLimited(107).sourceNackedPackets(108).sourceRetransmissionsReceived(109)
                .keyframeRequestsReceived(110).keyframeRequestsForwarded(111).keyframeRequestsSuppressed(112)
                .downlinkProbePaddingPackets(113).ioThreadStalls(114).nativeCopiesRefused(115)
                .retransmissionsPendingFromSource(116).nacksBeforeLayerStart(117).streamInfoRepeated(118)
                .downlinkProbes(119).downlinkProbeClimbs(120).untimedArrivalReportsReceived(121)
                .untimedArrivalReportsSent(122).sessions(123).publishers(124).subscribers(125).streams(126)
                .sourceRestarts(127).sessionTakeoversHeld(128).sessionTakeovers(129).build();
        AlertEvent p3 = new AlertEvent(AlertEvent.Type.RAISED, 1, "jitter-elevated", Severity.P3, "jitter_ms", 30,
                30, "", "", "", "eu", 5, 5, 1, 2, "jitter high");
        return new OpsSnapshot(5, 1_700_000_000_000L, List.of(a, b), List.of(tx), List.of(node),
                List.of(new OpsSnapshot.StreamQuality("match", "v1", Direction.RECEIVE, QualityLevel.GOOD),
                        new OpsSnapshot.StreamQuality("match", "v2", Direction.RECEIVE, QualityLevel.POOR),
                        new OpsSnapshot.StreamQuality("match", "cam", Direction.SEND, QualityLevel.EXCELLENT)),
                List.of(p3), List.of(p3), List.of());
    }

    /** Parses exposition text into "name{sorted labels}" -> value, checking HELP/TYPE come first. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        Set<String> typed = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertTrue(Set.of("counter", "gauge").contains(parts[3]), line);
                if (parts[3].equals("counter")) {
                    assertTrue(parts[2].endsWith("_total"), line);
                }
                typed.add(parts[2]);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), "not an exposition line: " + line);
            assertTrue(typed.contains(m.group(1)), "sample before its TYPE: " + line);
            StringBuilder key = new StringBuilder(m.group(1)).append('{');
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                List<String> labels = new java.util.ArrayList<>();
                while (l.find()) {
                    labels.add(l.group(1) + "=" + l.group(2));
                }
                labels.stream().sorted().forEach(s -> key.append(s).append(','));
            }
            out.put(key.append('}').toString(), Double.parseDouble(m.group(4)));
        }
        return out;
    }

    @Test
    void viewersAreAggregatedPerStreamNodeAndRegion_inBaseUnits() {
        String text = PrometheusText.write(OpsMetrics.of(sampleSnapshot()));
        Map<String, Double> m = parse(text);
        String where = "node=fra,region=eu,stream=match,";
        assertEquals(2.0, m.get("smoothcast_stream_viewers{" + where + "}"));
        assertEquals(1_500_000.0, m.get("smoothcast_stream_received_bytes_total{" + where + "}"));
        assertEquals(60.0, m.get("smoothcast_stream_lost_packets_total{node=fra,recovery=before,region=eu,stream=match,}"));
        assertEquals(4.0, m.get("smoothcast_stream_lost_packets_total{node=fra,recovery=after,region=eu,stream=match,}"));
        assertEquals(0.05, m.get("smoothcast_stream_stall_ratio{" + where + "}"), 1e-12);
        assertEquals(0.020, m.get("smoothcast_stream_jitter_seconds{" + where + "}"), 1e-12);
        // RTT is averaged over the viewers that measured it
        assertEquals(0.080, m.get("smoothcast_stream_round_trip_time_seconds{direction=receive," + where + "}"), 1e-12);
        assertEquals(0.040, m.get("smoothcast_stream_round_trip_time_seconds{direction=send," + where + "}"), 1e-12);
        assertEquals(0.5, m.get("smoothcast_stream_freeze_seconds_total{" + where + "}"), 1e-12);
        assertTrue(Double.isNaN(m.get("smoothcast_stream_end_to_end_latency_seconds{" + where + "}")));
        assertEquals(250_000.0, m.get("smoothcast_stream_receive_bytes_per_second{" + where + "}"), 1e-6);
        assertEquals(312_500.0, m.get("smoothcast_stream_target_bytes_per_second{" + where + "}"), 1e-6);
        assertEquals(0.45, m.get("smoothcast_stream_send_delay_max_seconds{" + where + "}"), 1e-9);
        assertEquals(12.0, m.get("smoothcast_stream_backlog_frames_dropped_total{" + where + "}"));
        assertEquals(3.0, m.get("smoothcast_stream_quality_level{direction=receive," + where + "}"));
        assertEquals(1.0, m.get("smoothcast_stream_quality_level{direction=send," + where + "}"));
        assertEquals(2.0, m.get("smoothcast_node_viewers{node=fra,region=eu,stream=match,}"));
        assertEquals(600_000.0, m.get("smoothcast_node_send_bytes_per_second{node=fra,region=eu,}"));
        assertEquals(1.0, m.get("smoothcast_alerts_active{severity=P3,}"));
        // moves per reason, summed over the stream's viewers, per direction
        String switches = "smoothcast_stream_node_switches_total{direction=";
        assertEquals(1.0, m.get(switches + "receive,node=fra,reason=degraded_path,region=eu,stream=match,}"));
        assertEquals(3.0, m.get(switches + "receive,node=fra,reason=no_publisher,region=eu,stream=match,}"));
        assertEquals(4.0, m.get(switches + "receive,node=fra,reason=media_silence,region=eu,stream=match,}"));
        assertEquals(3.0, m.get(switches + "send,node=fra,reason=degraded_path,region=eu,stream=match,}"));
        // a broadcaster moves only for a degraded path: no series for the viewer-only reasons
        assertFalse(m.containsKey(switches + "send,node=fra,reason=no_publisher,region=eu,stream=match,}"));
        assertFalse(m.containsKey(switches + "send,node=fra,reason=media_silence,region=eu,stream=match,}"));
        assertEquals(0.0, m.get("smoothcast_alerts_active{severity=P0,}"));
        // token refusals beside the failovers: summed over the stream's endpoints, per direction
        assertEquals(5.0, m.get("smoothcast_stream_token_refusals_total{direction=receive," + where + "}"));
        assertEquals(1.0, m.get("smoothcast_stream_token_refusals_total{direction=send," + where + "}"));
        String node = "{node=fra,region=eu,}";
        assertEquals(40.0, m.get("smoothcast_node_tokens_accepted_total" + node));
        assertEquals(7.0, m.get("smoothcast_node_tokens_rejected_total" + node));
        assertEquals(5.0, m.get("smoothcast_node_tokens_expired_role_kept_total" + node));
        assertEquals(9.0, m.get("smoothcast_node_source_retransmissions_already_held_total" + node));
        assertEquals(11.0, m.get("smoothcast_node_source_probes_already_held_total" + node));
        assertEquals(13.0, m.get("smoothcast_node_rate_limited_dropped_packets_total" + node));
        assertEquals(17.0, m.get("smoothcast_node_publisher_rate_limited_packets_total" + node));
        assertEquals(1.0, m.get("smoothcast_node_handler_failures_total" + node));
        // signs of attack or overload
        assertEquals(19.0, m.get("smoothcast_node_routability_failures_total" + node));
        assertEquals(23.0, m.get("smoothcast_node_half_open_sessions_evicted_total" + node));
        assertEquals(29.0, m.get("smoothcast_node_half_open_sessions" + node));
        assertEquals(31.0, m.get("smoothcast_node_amplification_suppressed_replies_total" + node));
        assertEquals(37.0, m.get("smoothcast_node_peer_control_rate_limited_messages_total" + node));
        assertEquals(41.0, m.get("smoothcast_node_sessions_expired_total" + node));
        assertEquals(43.0, m.get("smoothcast_node_fan_out_lane_dropped_packets_total" + node));
        assertEquals(47.0, m.get("smoothcast_node_hand_off_dropped_datagrams_total" + node));
        assertTrue(text.contains("# TYPE smoothcast_node_half_open_sessions gauge\n"), text);
        // the endpoints' own drops: summed over the stream's endpoints
        assertEquals(9.0, m.get("smoothcast_stream_malformed_datagrams_dropped_total{direction=receive," + where + "}"));
        assertEquals(8.0, m.get("smoothcast_stream_malformed_datagrams_dropped_total{direction=send," + where + "}"));
        assertEquals(13.0, m.get("smoothcast_stream_jitter_buffer_frames_dropped_total{" + where + "}"));
        assertEquals(14.0, m.get("smoothcast_stream_not_connected_frames_dropped_total{" + where + "}"));
        assertEquals(15.0, m.get("smoothcast_stream_queue_full_frames_rejected_total{" + where + "}"));
        // diagnostic counters: the endpoints' summed over the stream's endpoints (both viewers have the same)
        assertEquals(102.0, m.get("smoothcast_stream_nacks_sent_total{" + where + "}"));
        assertEquals(106.0, m.get("smoothcast_stream_keyframe_requests_sent_total{" + where + "}"));
        assertEquals(114.0, m.get("smoothcast_stream_stale_control_messages_ignored_total{direction=receive," + where + "}"));
        assertEquals(83.0, m.get("smoothcast_stream_stale_control_messages_ignored_total{direction=send," + where + "}"));
        assertEquals(118.0, m.get("smoothcast_stream_early_packets_recovered_total{" + where + "}"));
        assertEquals(122.0, m.get("smoothcast_stream_unknown_track_packets_dropped_total{" + where + "}"));
        assertEquals(67.0, m.get("smoothcast_stream_keyframe_requests_received_total{" + where + "}"));
        assertEquals(89.0, m.get("smoothcast_stream_keyframe_requests_ignored_total{" + where + "}"));
        assertEquals(71.0, m.get("smoothcast_stream_pacer_dropped_packets_total{" + where + "}"));
        assertEquals(73.0, m.get("smoothcast_stream_retransmissions_over_budget_total{" + where + "}"));
        assertEquals(79.0, m.get("smoothcast_stream_tail_probes_sent_total{" + where + "}"));
        assertEquals(101.0, m.get("smoothcast_node_received_rtp_packets_total" + node));
        assertEquals(102.0, m.get("smoothcast_node_nacked_packets_total" + node));
        assertEquals(103.0, m.get("smoothcast_node_retransmission_misses_total" + node));
        assertEquals(104.0, m.get("smoothcast_node_retransmissions_limited_total" + node));
        assertEquals(105.0, m.get("smoothcast_node_retransmission_build_failures_total" + node));
        assertEquals(106.0, m.get("smoothcast_node_tail_probes_sent_total" + node));
        assertEquals(107.0, m.get("smoothcast_node_tail_probes_limited_total" + node));
        assertEquals(108.0, m.get("smoothcast_node_source_nacked_packets_total" + node));
        assertEquals(109.0, m.get("smoothcast_node_source_retransmissions_received_total" + node));
        assertEquals(110.0, m.get("smoothcast_node_keyframe_requests_received_total" + node));
        assertEquals(111.0, m.get("smoothcast_node_keyframe_requests_forwarded_total" + node));
        assertEquals(112.0, m.get("smoothcast_node_keyframe_requests_suppressed_total" + node));
        assertEquals(113.0, m.get("smoothcast_node_probe_padding_packets_total" + node));
        assertEquals(114.0, m.get("smoothcast_node_io_thread_stalls_total" + node));
        assertEquals(115.0, m.get("smoothcast_node_native_copies_refused_total" + node));
        assertEquals(116.0, m.get("smoothcast_node_retransmissions_pending_from_source_total" + node));
        assertEquals(117.0, m.get("smoothcast_node_nacks_before_layer_start_total" + node));
        assertEquals(118.0, m.get("smoothcast_node_stream_info_repeated_total" + node));
        assertEquals(119.0, m.get("smoothcast_node_downlink_probes_total" + node));
        assertEquals(120.0, m.get("smoothcast_node_downlink_probe_climbs_total" + node));
        assertEquals(121.0, m.get("smoothcast_node_stall_reports_received_total" + node));
        assertEquals(122.0, m.get("smoothcast_node_stall_reports_sent_total" + node));
        assertEquals(127.0, m.get("smoothcast_node_source_restarts_total" + node));
        assertEquals(128.0, m.get("smoothcast_node_session_takeovers_held_total" + node));
        assertEquals(129.0, m.get("smoothcast_node_session_takeovers_total" + node));
        assertEquals(123.0, m.get("smoothcast_node_sessions" + node));
        assertEquals(124.0, m.get("smoothcast_node_publishers" + node));
        assertEquals(125.0, m.get("smoothcast_node_subscribers" + node));
        assertEquals(126.0, m.get("smoothcast_node_streams" + node));
        assertTrue(text.contains("# TYPE smoothcast_node_streams gauge\n"), text);
        // no label carries an endpoint (user) id
        assertTrue(m.keySet().stream().noneMatch(k -> k.contains("v1") || k.contains("cam")), m.keySet().toString());
    }

    @Test
    void familiesOfTheEndpointsStatsAreNamedStream_andNodeFamiliesAreTheRelaysOwn() {
        // smoothcast_node_* are what relay nodes count (NodeStats); whatever viewers and
        // broadcasters count, per direction, is a smoothcast_stream_* family
        for (MetricFamily f : OpsMetrics.of(sampleSnapshot())) {
            boolean perDirection = f.samples().stream().anyMatch(s -> s.labelNames().contains("direction"));
            if (perDirection) {
                assertTrue(f.name().startsWith("smoothcast_stream_"), f.name());
            }
        }
    }

    @Test
    void labelValuesAreEscaped() {
        String text = PrometheusText.write(OpsMetrics.of(sampleSnapshot()));
        assertTrue(text.contains("stream=\"quiz \\\"2\\\"\""), text);
        Map<String, Double> m = parse(text);
        assertEquals(0.0, m.get("smoothcast_node_viewers{node=fra,region=eu,stream=quiz \\\"2\\\",}"));
    }

    @Test
    void valuesAreWrittenAsPrometheusNumbers() {
        MetricFamily f = new MetricFamily("x", MetricFamily.Type.GAUGE, "a\\b\nc", List.of(
                new MetricFamily.Sample(List.of("k"), List.of("a\nb"), Double.POSITIVE_INFINITY),
                new MetricFamily.Sample(List.of("k"), List.of("c"), 0.25),
                new MetricFamily.Sample(List.of(), List.of(), 3)));
        assertEquals("# HELP x a\\\\b\\nc\n# TYPE x gauge\nx{k=\"a\\nb\"} +Inf\nx{k=\"c\"} 0.25\nx 3\n",
                PrometheusText.write(List.of(f)));
    }

    @Test
    void badFamiliesAreRejectedWithTheirName() {
        assertThrows(IllegalArgumentException.class,
                () -> new MetricFamily("bytes", MetricFamily.Type.COUNTER, "", List.of()), "counter without _total");
        assertThrows(IllegalArgumentException.class,
                () -> new MetricFamily("1x", MetricFamily.Type.GAUGE, "", List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new MetricFamily.Sample(List.of("a"), List.of(), 1));
    }

    /** Counter samples of {@code families}, "name[label values]" -> value. */
    static Map<String, Double> counters(List<MetricFamily> families) {
        Map<String, Double> out = new HashMap<>();
        for (MetricFamily f : families) {
            if (f.type() == MetricFamily.Type.COUNTER) {
                f.samples().forEach(s -> out.put(f.name() + s.labelValues(), s.value()));
            }
        }
        return out;
    }

    private static OpsSnapshot withEndpoints(OpsSnapshot base, long timestampNs, List<ReceiveStreamStats> receive,
            List<SendStreamStats> send) {
        return new OpsSnapshot(timestampNs, base.wallTimeMs(), receive, send, base.nodes(), List.of(), List.of(),
                List.of(), List.of());
    }

    /**
     * A viewer and a broadcaster leave between two scrapes while the others count on: no counter
     * series goes down (Prometheus would read a reset and count the whole remaining sum again), and
     * a stream total is what the departed endpoints had counted plus the present ones' counts.
     */
    @Test
    void endpointLeavesBetweenScrapes_noCounterGoesDown() {
        OpsSnapshot base = sampleSnapshot();
        ReceiveStreamStats v1 = base.receive().get(0);
        SendStreamStats cam = base.send().get(0);
        SendStreamStats cam2 = cam.toBuilder().endpointId("cam2").bytesSent(100_000).build();
        OpsSnapshot before = withEndpoints(base, 5, base.receive(), List.of(cam, cam2));
        OpsSnapshot after = withEndpoints(base, 1_000_000_005, List.of(v1.toBuilder().bytesReceived(1_000_100).build()),
                List.of(cam.toBuilder().bytesSent(2_400_200).build()));

        OpsMetrics metrics = new OpsMetrics();
        Map<String, Double> first = counters(metrics.families(before));
        Map<String, Double> second = counters(metrics.families(after));

        assertEquals(first.keySet(), second.keySet());
        int nonZero = 0;
        for (Map.Entry<String, Double> e : first.entrySet()) {
            assertTrue(second.get(e.getKey()) >= e.getValue(), e.getKey() + ": " + e.getValue() + " -> "
                    + second.get(e.getKey()));
            nonZero += e.getValue() > 0 ? 1 : 0;
        }
        assertTrue(nonZero > first.size() * 0.9, nonZero + " of " + first.size() + " not 0");
        assertEquals(1_500_100.0, second.get("smoothcast_stream_received_bytes_total[match, fra, eu]"));
        assertEquals(2_500_200.0, second.get("smoothcast_stream_sent_bytes_total[match, fra, eu]"));
        assertEquals(4.0 + 5 + 8 + 8, second.get("smoothcast_stream_malformed_datagrams_dropped_total[match, fra, eu, "
                + "receive]") + second.get("smoothcast_stream_malformed_datagrams_dropped_total[match, fra, eu, send]"));
        // the one-snapshot view is the plain sum over the endpoints present
        assertEquals(1_000_100.0, counters(OpsMetrics.of(after)).get("smoothcast_stream_received_bytes_total[match, fra, eu]"));
    }

    /** A viewer that restarts its count under the same id keeps what it had counted in the stream total. */
    @Test
    void endpointRestartingItsCount_keepsWhatItHadCounted() {
        OpsSnapshot base = sampleSnapshot();
        ReceiveStreamStats v1 = base.receive().get(0);
        OpsMetrics metrics = new OpsMetrics();
        metrics.families(withEndpoints(base, 5, List.of(v1), List.of()));
        Map<String, Double> restarted = counters(metrics.families(withEndpoints(base, 10,
                List.of(v1.toBuilder().bytesReceived(300).build()), List.of())));
        assertEquals(1_000_300.0, restarted.get("smoothcast_stream_received_bytes_total[match, fra, eu]"));
    }

    /**
     * A stream whose endpoints all left keeps its totals, exported, while it is away for up to 10 minutes of
     * monitor time (a viewer coming back continues from them), and is forgotten after that: a new
     * viewer then starts the series again from its own count, a true reset.
     */
    @Test
    void streamGoneForGood_isForgottenAfterTenMinutes() {
        OpsSnapshot base = sampleSnapshot();
        ReceiveStreamStats v1 = base.receive().get(0);
        ReceiveStreamStats newcomer = v1.toBuilder().endpointId("v9").bytesReceived(700).build();
        String bytes = "smoothcast_stream_received_bytes_total[match, fra, eu]";
        long tenMinutes = 600_000_000_000L;

        OpsMetrics metrics = new OpsMetrics();
        metrics.families(withEndpoints(base, 0, List.of(v1), List.of()));
        assertEquals(1_000_000.0, counters(metrics.families(withEndpoints(base, 1, List.of(), List.of()))).get(bytes));
        assertEquals(1_000_700.0, counters(metrics.families(withEndpoints(base, tenMinutes,
                List.of(newcomer), List.of()))).get(bytes));

        metrics.families(withEndpoints(base, 2 * tenMinutes, List.of(), List.of()));
        metrics.families(withEndpoints(base, 3 * tenMinutes + 1, List.of(), List.of()));
        assertEquals(700.0, counters(metrics.families(withEndpoints(base, 3 * tenMinutes + 2,
                List.of(newcomer), List.of()))).get(bytes));
    }

    /**
     * A viewer and the broadcaster move from node fra to node ams: each family's sum over nodes
     * grows by what they counted in between only (the new series takes them in at the count they
     * brought, which fra's series keeps), not by their whole counts again; a viewer new to the stream
     * counts in full, and the one left on fra counts on there.
     */
    @Test
    void endpointMovingToAnotherNode_addsOnlyItsGrowthToTheSumOverNodes() {
        OpsSnapshot base = sampleSnapshot();
        ReceiveStreamStats v1 = base.receive().get(0);
        ReceiveStreamStats v2 = base.receive().get(1);
        SendStreamStats cam = base.send().get(0);
        ReceiveStreamStats v1Moved = v1.toBuilder().nodeId("ams").bytesReceived(1_000_400).nacksSent(60)
                .packetsLost(33).nodeSwitches(new NodeSwitchCounts(2, 2, 0)).build();
        ReceiveStreamStats newcomer = v1.toBuilder().endpointId("v3").nodeId("ams").bytesReceived(700).nacksSent(5)
                .packetsLost(1).packetsLostAfterRecovery(0).nodeSwitches(new NodeSwitchCounts(0, 0, 0)).build();
        SendStreamStats camMoved = cam.toBuilder().nodeId("ams").bytesSent(2_400_900).keyframeRequestsIgnored(90)
                .failoverCount(4).build();

        OpsMetrics metrics = new OpsMetrics();
        Map<String, Double> before = overNodes(metrics.families(withEndpoints(base, 5, List.of(v1, v2), List.of(cam))));
        ReceiveStreamStats v2Later = v2.toBuilder().bytesReceived(500_050).build();
        Map<String, Double> after = overNodes(metrics.families(withEndpoints(base, 1_000_000_005,
                List.of(v1Moved, v2Later, newcomer), List.of(camMoved))));

        assertEquals(1_500_000.0, before.get("smoothcast_stream_received_bytes_total[match]"));
        assertEquals(1_500_000.0 + 400 + 50 + 700, after.get("smoothcast_stream_received_bytes_total[match]"));
        assertEquals(51.0 + 51 + 9 + 5, after.get("smoothcast_stream_nacks_sent_total[match]"));
        assertEquals(30.0 + 30 + 3 + 1, after.get("smoothcast_stream_lost_packets_total[match, before]"));
        assertEquals(1.0 + 0 + 1, after.get("smoothcast_stream_node_switches_total[match, receive, degraded_path]"));
        assertEquals(2.0 + 1, after.get("smoothcast_stream_node_switches_total[match, receive, no_publisher]"));
        // no broadcaster is left on fra: its send series stay at what it sent there, ams's hold the growth
        assertEquals(2_400_000.0 + 900, after.get("smoothcast_stream_sent_bytes_total[match]"));
        assertEquals(89.0 + 1, after.get("smoothcast_stream_keyframe_requests_ignored_total[match]"));
        assertEquals(4.0, after.get("smoothcast_stream_failovers_total[match, send]"));
        // the moved viewer's new series holds its growth only, its old one what it counted there
        Map<String, Double> series = counters(metrics.families(withEndpoints(base, 2_000_000_005,
                List.of(v1Moved, v2Later, newcomer), List.of(camMoved))));
        assertEquals(400.0 + 700, series.get("smoothcast_stream_received_bytes_total[match, ams, eu]"));
        assertEquals(1_500_050.0, series.get("smoothcast_stream_received_bytes_total[match, fra, eu]"));
    }

    /**
     * The last counts of endpoints that left are kept for 10 minutes after they were last seen (one
     * coming back on another node brings what it counted) and forgotten with their series after
     * that: one coming back then counts in full, as a new one would.
     */
    @Test
    void endpointGoneForGood_isForgottenAfterTenMinutes() {
        OpsSnapshot base = sampleSnapshot();
        ReceiveStreamStats v1 = base.receive().get(0);
        List<ReceiveStreamStats> onAms = List.of(v1.toBuilder().nodeId("ams").build());
        String ams = "smoothcast_stream_received_bytes_total[match, ams, eu]";
        long tenMinutes = 600_000_000_000L;
        for (long away : new long[] {tenMinutes, tenMinutes + 2}) {
            OpsMetrics metrics = new OpsMetrics();
            metrics.families(withEndpoints(base, 0, List.of(v1), List.of()));
            metrics.families(withEndpoints(base, away - 1, List.of(), List.of()));
            double expected = away == tenMinutes ? 0 : 1_000_000;
            assertEquals(expected, counters(metrics.families(withEndpoints(base, away, onAms, List.of()))).get(ams),
                    "back after " + away + " ns");
        }
    }

    /** Counter families summed over the node and region labels: "name[other label values]". */
    private static Map<String, Double> overNodes(List<MetricFamily> families) {
        Map<String, Double> out = new HashMap<>();
        for (MetricFamily f : families) {
            if (f.type() != MetricFamily.Type.COUNTER || !f.name().startsWith("smoothcast_stream_")) {
                continue;
            }
            for (MetricFamily.Sample s : f.samples()) {
                List<String> rest = new java.util.ArrayList<>();
                for (int i = 0; i < s.labelNames().size(); i++) {
                    if (!List.of("node", "region").contains(s.labelNames().get(i))) {
                        rest.add(s.labelValues().get(i));
                    }
                }
                out.merge(f.name() + rest, s.value(), Double::sum);
            }
        }
        return out;
    }

    /**
     * Two watched viewers of a stream under one endpoint id on two nodes at once (each node's only
     * viewer, both with the default id ""): neither moved, each counts in full in its node's
     * series. The old rule took the count the other node's viewer had just shown in the same
     * snapshot for one it brought along, and left it out of the sum over nodes.
     */
    @Test
    void sameEndpointIdOnTwoNodesAtOnce_eachCountsInFull() {
        OpsSnapshot base = sampleSnapshot();
        ReceiveStreamStats onFra = base.receive().get(0).toBuilder().endpointId("").build();
        ReceiveStreamStats onAms = onFra.toBuilder().nodeId("ams").bytesReceived(700).build();
        OpsMetrics metrics = new OpsMetrics();

        Map<String, Double> first = overNodes(metrics.families(withEndpoints(base, 5, List.of(onFra, onAms), List.of())));
        Map<String, Double> next = overNodes(metrics.families(withEndpoints(base, 1_000_000_005,
                List.of(onFra.toBuilder().bytesReceived(1_000_100).build(), onAms.toBuilder().bytesReceived(800).build()),
                List.of())));

        assertEquals(1_000_000.0 + 700, first.get("smoothcast_stream_received_bytes_total[match]"));
        assertEquals(1_000_100.0 + 800, next.get("smoothcast_stream_received_bytes_total[match]"));
    }

    /** Two scrapes racing: the one holding the older snapshot gets the newer families, not lower counts. */
    @Test
    void olderSnapshotAfterANewerOne_answersTheNewerFamilies() {
        OpsSnapshot base = sampleSnapshot();
        ReceiveStreamStats v1 = base.receive().get(0);
        OpsMetrics metrics = new OpsMetrics();
        List<MetricFamily> newer = metrics.families(withEndpoints(base, 10,
                List.of(v1.toBuilder().bytesReceived(2_000_000).build()), List.of()));
        assertEquals(newer, metrics.families(withEndpoints(base, 5, List.of(v1), List.of())));
        assertEquals(2_000_000.0, counters(metrics.families(withEndpoints(base, 10,
                List.of(v1.toBuilder().bytesReceived(2_000_000).build()), List.of())))
                .get("smoothcast_stream_received_bytes_total[match, fra, eu]"));
    }

    /**
     * The only viewer of a node moves to another: the node's series stay exported at what it
     * counted there, so a raw sum over nodes never falls and the series does not vanish and come
     * back (which breaks {@code increase()} across the gap), until 10 minutes of monitor time after
     * the series was last seen; then they are dropped, as the viewer's count there is forgotten.
     */
    @Test
    void nodeAllOfWhoseEndpointsLeft_keepsItsSeriesAtTheLastValue_untilForgotten() {
        OpsSnapshot base = sampleSnapshot();
        ReceiveStreamStats v1 = base.receive().get(0);
        String fra = "smoothcast_stream_received_bytes_total[match, fra, eu]";
        String lost = "smoothcast_stream_lost_packets_total[match, fra, eu, before]";
        long tenMinutes = 600_000_000_000L;
        OpsMetrics metrics = new OpsMetrics();
        metrics.families(withEndpoints(base, 0, List.of(v1), List.of()));
        double lastSum = 0;
        for (long t : new long[] {1_000_000_000L, 60_000_000_000L, tenMinutes}) {
            ReceiveStreamStats moved = v1.toBuilder().nodeId("ams").bytesReceived(1_000_000 + t / 1_000_000).build();
            List<MetricFamily> families = metrics.families(withEndpoints(base, t, List.of(moved), List.of()));
            Map<String, Double> series = counters(families);
            assertEquals(1_000_000.0, series.get(fra), "at " + t);
            assertEquals(30.0, series.get(lost), "at " + t);
            double sum = overNodes(families).get("smoothcast_stream_received_bytes_total[match]");
            assertEquals(1_000_000.0 + t / 1_000_000, sum, "at " + t);
            assertTrue(sum >= lastSum);
            lastSum = sum;
            assertTrue(PrometheusText.write(families).contains(
                    "smoothcast_stream_received_bytes_total{stream=\"match\",node=\"fra\",region=\"eu\"} 1000000\n"));
        }
        Map<String, Double> later = counters(metrics.families(withEndpoints(base, tenMinutes + 1,
                List.of(v1.toBuilder().nodeId("ams").build()), List.of())));
        assertFalse(later.containsKey(fra), later.toString());
        assertFalse(later.containsKey(lost));
    }

    /**
     * Two viewers under one id, one on fra and one on ams beside another viewer; the one on ams
     * leaves and rejoins ams while the one on fra stays. It came back to ams, where it enters at the
     * count it had left with, not at the fra viewer's (the old rule took the fra viewer's latest
     * count, seen after the ams one left, for one it brought along: a move).
     */
    @Test
    void clientRejoiningANodeWhileAnotherWithTheSameIdStaysElsewhere_isNoMove() {
        OpsSnapshot base = sampleSnapshot();
        ReceiveStreamStats onFra = base.receive().get(0).toBuilder().endpointId("").bytesReceived(1_000).build();
        ReceiveStreamStats onAms = onFra.toBuilder().nodeId("ams").bytesReceived(700).build();
        ReceiveStreamStats other = onAms.toBuilder().endpointId("v7").bytesReceived(10).build();
        String ams = "smoothcast_stream_received_bytes_total[match, ams, eu]";
        OpsMetrics metrics = new OpsMetrics();
        metrics.families(withEndpoints(base, 1_000_000_000L, List.of(onFra, onAms, other), List.of()));
        metrics.families(withEndpoints(base, 2_000_000_000L, List.of(onFra.toBuilder().bytesReceived(1_100).build(),
                other.toBuilder().bytesReceived(20).build()), List.of()));
        List<MetricFamily> back = metrics.families(withEndpoints(base, 3_000_000_000L,
                List.of(onFra.toBuilder().bytesReceived(1_200).build(), onAms.toBuilder().bytesReceived(1_150).build(),
                        other.toBuilder().bytesReceived(30).build()), List.of()));

        assertEquals(1_150.0 + 30, counters(back).get(ams));
        assertEquals(1_200.0 + 1_150 + 30, overNodes(back).get("smoothcast_stream_received_bytes_total[match]"));
    }
    /**
     * A node's only viewer moves away (the node's series are kept, none of their endpoints
     * present) and comes back: the sum over nodes is the viewer's count, not that plus what it
     * counted on the other node once more. The kept series must know the viewer left it, or it
     * takes the viewer back at the entry it had before it left.
     */
    @Test
    void onlyViewerOfANodeMovingAwayAndBack_sumOverNodesIsItsCount() {
        OpsSnapshot base = sampleSnapshot();
        ReceiveStreamStats v1 = base.receive().get(0);
        String total = "smoothcast_stream_received_bytes_total[match]";
        OpsMetrics metrics = new OpsMetrics();
        metrics.families(withEndpoints(base, 1_000_000_000L, List.of(v1), List.of()));
        Map<String, Double> away = overNodes(metrics.families(withEndpoints(base, 2_000_000_000L,
                List.of(v1.toBuilder().nodeId("ams").bytesReceived(1_000_100).build()), List.of())));
        List<MetricFamily> back = metrics.families(withEndpoints(base, 3_000_000_000L,
                List.of(v1.toBuilder().bytesReceived(1_000_300).build()), List.of()));

        assertEquals(1_000_100.0, away.get(total));
        assertEquals(1_000_300.0, overNodes(back).get(total));
        assertEquals(1_000_200.0, counters(back).get("smoothcast_stream_received_bytes_total[match, fra, eu]"));
        assertEquals(100.0, counters(back).get("smoothcast_stream_received_bytes_total[match, ams, eu]"));
    }
}
