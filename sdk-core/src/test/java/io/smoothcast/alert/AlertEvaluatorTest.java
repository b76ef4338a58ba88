package io.smoothcast.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.time.ManualNanoClock;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AlertEvaluatorTest {

    private static final long INTERVAL_NS = 2_000_000_000L;

    private final ManualNanoClock clock = new ManualNanoClock(1_000_000_000_000L);
    private final RecordingListener listener = new RecordingListener();

    private ReceiveStreamStats.Builder viewer(String stream, String endpoint, String region) {
        long now = clock.nanoTime();
        return ReceiveStreamStats.builder(stream).endpointId(endpoint).nodeId("node-" + region).region(region)
                .timestampNs(now).lastPacketReceivedNs(now);
    }

    private static AlertCondition rttAbove400(int k, int n) {
        return AlertCondition.when(Metric.RTT_MS, Comparison.ABOVE, 400).clearThreshold(300).kOfN(k, n).build();
    }

    @Test
    void thresholdRule_raisesOnKOfN_andClearsWithTheSameIncident() {
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(ThresholdRule.of("rtt", Severity.P3, rttAbove400(2, 3), "RTT high")).listener(listener).build();
        ev.onStats(viewer("live", "v1", "eu").roundTripTimeMs(450).build());
        assertEquals(0, listener.events.size());
        clock.advanceNs(INTERVAL_NS);
        ev.onStats(viewer("live", "v1", "eu").roundTripTimeMs(500).build());

        AlertEvent raised = listener.events.get(0);
        assertEquals(AlertEvent.Type.RAISED, raised.type());
        assertEquals("rtt", raised.ruleId());
        assertEquals(Severity.P3, raised.severity());
        assertEquals("rtt_ms", raised.metric());
        assertEquals(500, raised.value());
        assertEquals(400, raised.threshold());
        assertEquals("live", raised.streamId());
        assertEquals("v1", raised.endpointId());
        assertEquals("node-eu", raised.nodeId());
        assertEquals("eu", raised.region());
        assertEquals(clock.nanoTime(), raised.timeNs());
        assertEquals(List.of(raised), ev.activeAlerts());

        for (int i = 0; i < 3; i++) {
            clock.advanceNs(INTERVAL_NS);
            ev.onStats(viewer("live", "v1", "eu").roundTripTimeMs(250).build());
        }
        assertEquals(2, listener.events.size());
        AlertEvent cleared = listener.events.get(1);
        assertEquals(AlertEvent.Type.CLEARED, cleared.type());
        assertEquals(raised.incidentId(), cleared.incidentId());
        assertEquals(300, cleared.threshold());
        assertEquals(raised.timeNs(), cleared.raisedTimeNs());
        assertEquals(3 * INTERVAL_NS, cleared.durationNs());
        assertTrue(ev.activeAlerts().isEmpty());
    }

    @Test
    void hysteresis_valueWobblingBetweenClearAndRaiseThresholds_doesNotFlap() {
        long seed = 42L;
        SplittableRandom random = new SplittableRandom(seed);
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(ThresholdRule.of("rtt", Severity.P3, rttAbove400(3, 5), "RTT high")).listener(listener).build();
        for (int i = 0; i < 3; i++) {
            ev.onStats(viewer("live", "v1", "eu").roundTripTimeMs(450).build());
            clock.advanceNs(INTERVAL_NS);
        }
        for (int i = 0; i < 500; i++) {
            // around the raise threshold, but never down to the clear threshold
            ev.onStats(viewer("live", "v1", "eu").roundTripTimeMs(random.nextDouble(300.5, 480)).build());
            clock.advanceNs(INTERVAL_NS);
        }
        assertEquals(1, listener.of(AlertEvent.Type.RAISED).size(), "seed " + seed);
        assertEquals(0, listener.of(AlertEvent.Type.CLEARED).size(), "seed " + seed);
    }

    @Test
    void withoutHysteresis_theSameWobbleFlaps() {
        long seed = 42L;
        SplittableRandom random = new SplittableRandom(seed);
        AlertCondition noHysteresis = AlertCondition.when(Metric.RTT_MS, Comparison.ABOVE, 400).build();
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(ThresholdRule.of("rtt", Severity.P3, noHysteresis, "RTT high")).listener(listener).build();
        for (int i = 0; i < 500; i++) {
            ev.onStats(viewer("live", "v1", "eu").roundTripTimeMs(random.nextDouble(300.5, 480)).build());
            clock.advanceNs(INTERVAL_NS);
        }
        assertTrue(listener.of(AlertEvent.Type.RAISED).size() > 50, "seed " + seed);
    }

    @Test
    void noMedia_raisesP0FromTickAlone_andClearsWhenMediaReturns() {
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(NoMediaRule.of("down", Severity.P0, 5_000_000_000L)).listener(listener).build();
        long start = clock.nanoTime();
        ev.onStats(viewer("live", "ingest", "eu").build());
        clock.advance(4_999, TimeUnit.MILLISECONDS);
        ev.tick(clock.nanoTime());
        assertTrue(listener.events.isEmpty());
        clock.advance(1, TimeUnit.MILLISECONDS);
        ev.tick(clock.nanoTime());

        AlertEvent down = listener.events.get(0);
        assertEquals(AlertEvent.Type.RAISED, down.type());
        assertEquals(Severity.P0, down.severity());
        assertEquals("media_age_ms", down.metric());
        assertEquals(5_000.0, down.value());
        assertEquals(5_000.0, down.threshold());
        assertEquals("live", down.streamId());
        assertEquals("node-eu", down.nodeId());
        assertEquals("eu", down.region());

        clock.advance(3, TimeUnit.SECONDS);
        ev.onStats(viewer("live", "ingest", "eu").timestampNs(clock.nanoTime()).lastPacketReceivedNs(start).build());
        assertEquals(1, listener.events.size(), "a snapshot still showing old media does not clear");
        ev.onStats(viewer("live", "ingest", "eu").build());
        assertEquals(AlertEvent.Type.CLEARED, listener.events.get(1).type());
        assertEquals(down.incidentId(), listener.events.get(1).incidentId());
    }

    @Test
    void noMedia_streamIsUpWhileAnyEndpointReceives() {
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(NoMediaRule.of("down", Severity.P0, 5_000_000_000L)).listener(listener).build();
        long start = clock.nanoTime();
        for (int i = 0; i < 10; i++) {
            ev.onStats(viewer("live", "stuck", "ap").lastPacketReceivedNs(start).build());
            ev.onStats(viewer("live", "fine", "eu").build());
            clock.advanceNs(INTERVAL_NS);
            ev.tick(clock.nanoTime());
        }
        assertTrue(listener.events.isEmpty(), listener.summaries().toString());
    }

    @Test
    void noMedia_streamThatNeverDeliveredMedia_isDownFromFirstSight() {
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(NoMediaRule.of("down", Severity.P0, 5_000_000_000L)).listener(listener).build();
        ev.onStats(ReceiveStreamStats.builder("live").timestampNs(clock.nanoTime()).build());
        clock.advance(5, TimeUnit.SECONDS);
        ev.tick(clock.nanoTime());
        assertEquals(1, listener.events.size());
        assertTrue(listener.events.get(0).detail().contains("first seen"));
    }

    @Test
    void groupRules_distinguishAllViewersOfARegionFromSome() {
        AlertCondition degraded = AlertCondition.when(Metric.LOSS_AFTER_RECOVERY, Comparison.ABOVE, 0.05).build();
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(GroupRule.builder("all", Severity.P1, degraded).groupBy(GroupBy.REGION).raiseFraction(1.0)
                        .clearFraction(0.75).minMembers(3).build())
                .rule(GroupRule.builder("some", Severity.P2, degraded).groupBy(GroupBy.REGION).raiseFraction(0.25)
                        .clearFraction(0.1).build())
                .listener(listener).build();
        double[][] lossPerRound = {
            {0, 0, 0, 0},          // healthy
            {0.2, 0, 0, 0},        // one of four: "some"
            {0.2, 0.2, 0.2, 0.2},  // all four: "all"
            {0.2, 0.2, 0.0, 0.0},  // half: "all" clears (below 75 %), "some" stays
            {0, 0, 0, 0},          // healthy: "some" clears
        };
        for (double[] round : lossPerRound) {
            for (int v = 0; v < round.length; v++) {
                ev.onStats(viewer("live", "v" + v, "ap").lossFractionAfterRecovery(round[v]).build());
            }
            clock.advanceNs(INTERVAL_NS);
        }
        assertEquals(List.of("RAISED some ap", "RAISED all ap", "CLEARED all ap", "CLEARED some ap"),
                listener.summaries());
        AlertEvent all = listener.ofRule("all").get(0);
        assertEquals(4, all.affected());
        assertEquals(4, all.members());
        assertEquals(1.0, all.value());
        assertEquals("degraded_fraction", all.metric());
        assertEquals("ap", all.region());
        assertEquals("", all.streamId());
        AlertEvent some = listener.ofRule("some").get(0);
        assertEquals(1, some.affected());
        assertEquals(0.25, some.value());
    }

    @Test
    void groupRule_memberMovingRegion_leavesItsOldGroup() {
        AlertCondition degraded = AlertCondition.when(Metric.LOSS_AFTER_RECOVERY, Comparison.ABOVE, 0.05).build();
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(GroupRule.builder("all", Severity.P1, degraded).groupBy(GroupBy.REGION).build())
                .listener(listener).build();
        ev.onStats(viewer("live", "v1", "ap").lossFractionAfterRecovery(0.3).build());
        assertEquals(List.of("RAISED all ap"), listener.summaries());
        clock.advanceNs(INTERVAL_NS);
        // failover to eu: healthy there
        ev.onStats(viewer("live", "v1", "eu").lossFractionAfterRecovery(0.0).build());
        assertEquals(List.of("RAISED all ap", "CLEARED all ap"), listener.summaries());
        assertTrue(listener.events.get(1).detail().contains("member moved"));
    }

    @Test
    void subjectThatStopsReporting_isExpiredAndItsAlertsClear() {
        AlertCondition degraded = AlertCondition.when(Metric.LOSS_AFTER_RECOVERY, Comparison.ABOVE, 0.05).build();
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(ThresholdRule.of("viewer", Severity.P3, rttAbove400(1, 1), "RTT"))
                .rule(GroupRule.builder("region", Severity.P2, degraded).groupBy(GroupBy.REGION).raiseFraction(0.5)
                        .build())
                .subjectTimeoutNs(10_000_000_000L).listener(listener).build();
        ev.onStats(viewer("live", "v1", "eu").roundTripTimeMs(900).lossFractionAfterRecovery(0.5).build());
        ev.onStats(viewer("live", "v2", "eu").roundTripTimeMs(100).lossFractionAfterRecovery(0.0).build());
        assertEquals(2, ev.activeAlerts().size());
        for (int i = 0; i < 5; i++) {
            clock.advanceNs(INTERVAL_NS);
            ev.onStats(viewer("live", "v2", "eu").roundTripTimeMs(100).lossFractionAfterRecovery(0.0).build());
            ev.tick(clock.nanoTime());
        }
        assertEquals(List.of("RAISED viewer liveeu", "RAISED region eu", "CLEARED viewer liveeu", "CLEARED region eu"),
                listener.summaries());
        AlertEvent cleared = listener.events.get(2);
        assertTrue(Double.isNaN(cleared.value()));
        assertTrue(cleared.detail().startsWith("no samples for"), cleared.detail());
        assertEquals(1, ev.subjectCount());
    }

    @Test
    void groupRule_healthyMembersLeaving_canRaiseForTheOnesLeft() {
        AlertCondition degraded = AlertCondition.when(Metric.LOSS_AFTER_RECOVERY, Comparison.ABOVE, 0.05).build();
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(GroupRule.builder("all", Severity.P1, degraded).groupBy(GroupBy.STREAM).build())
                .subjectTimeoutNs(3 * INTERVAL_NS).listener(listener).build();
        ev.onStats(viewer("live", "v2", "eu").lossFractionAfterRecovery(0.0).build());
        ev.onStats(viewer("live", "v1", "eu").lossFractionAfterRecovery(0.5).build());
        assertTrue(listener.events.isEmpty());
        for (int i = 0; i < 3; i++) {
            clock.advanceNs(INTERVAL_NS);
            ev.onStats(viewer("live", "v1", "eu").lossFractionAfterRecovery(0.5).build());
            ev.tick(clock.nanoTime());
        }
        assertEquals(List.of("RAISED all live"), listener.summaries());
    }

    @Test
    void removeStream_clearsEveryAlertOfThatStreamOnly() {
        AlertEvaluator ev = AlertEvaluator.builder().rules(DefaultAlertRules.create())
                .rule(ThresholdRule.of("rtt", Severity.P3, rttAbove400(1, 1), "RTT")).listener(listener).build();
        ev.onStats(viewer("gone", "v1", "eu").roundTripTimeMs(900).build());
        ev.onStats(viewer("stays", "v1", "eu").roundTripTimeMs(900).build());
        clock.advance(6, TimeUnit.SECONDS);
        ev.tick(clock.nanoTime());
        assertEquals(4, ev.activeAlerts().size(), listener.summaries().toString());
        ev.removeStream("gone", clock.nanoTime());
        assertEquals(2, ev.activeAlerts().size());
        assertTrue(ev.activeAlerts().stream().allMatch(e -> e.streamId().equals("stays")));
        assertTrue(listener.of(AlertEvent.Type.CLEARED).stream().allMatch(e -> e.streamId().equals("gone")));
        assertEquals(2, listener.of(AlertEvent.Type.CLEARED).size());
    }

    @Test
    void subjectBound_dropsAndCountsSamplesFromNewSubjects() {
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(ThresholdRule.of("rtt", Severity.P3, rttAbove400(1, 1), "RTT")).maxSubjects(2)
                .listener(listener).build();
        for (int v = 0; v < 5; v++) {
            ev.onStats(viewer("live", "v" + v, "eu").roundTripTimeMs(900).build());
        }
        assertEquals(2, ev.subjectCount());
        assertEquals(3, ev.droppedSamples());
        assertEquals(2, listener.events.size());
    }

    @Test
    void outOfOrderSnapshot_isIgnoredAndCounted() {
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(ThresholdRule.of("rtt", Severity.P3, rttAbove400(1, 1), "RTT")).listener(listener).build();
        ev.onStats(viewer("live", "v1", "eu").roundTripTimeMs(100).build());
        ev.onStats(viewer("live", "v1", "eu").timestampNs(clock.nanoTime() - 1).roundTripTimeMs(900).build());
        assertTrue(listener.events.isEmpty());
        assertEquals(1, ev.outOfOrderSamples());
    }

    @Test
    void throwingListener_isCountedAndStateStaysConsistent() {
        AlertListener bad = new AlertListener() {
            @Override
            public void onRaised(AlertEvent event) {
                throw new IllegalStateException("listener bug");
            }
        };
        AlertEvaluator ev = AlertEvaluator.builder()
                .rule(ThresholdRule.of("rtt", Severity.P3, rttAbove400(1, 1), "RTT")).listener(bad).build();
        ev.onStats(viewer("live", "v1", "eu").roundTripTimeMs(900).build());
        assertEquals(1, ev.listenerFailures());
        assertEquals(1, ev.activeAlerts().size());
    }

    @Test
    void customMetric_isFedThroughOnSample() {
        Metric cpu = Metric.custom("cpu_load", "ratio");
        AlertCondition busy = AlertCondition.when(cpu, Comparison.AT_OR_ABOVE, 0.9).clearThreshold(0.7)
                .sources(SampleSource.CUSTOM).build();
        AlertEvaluator ev = AlertEvaluator.builder().rule(ThresholdRule.of("cpu", Severity.P2, busy, "CPU busy"))
                .listener(listener).build();
        Subject node = new Subject("", "", "relay-1", "eu");
        ev.onSample(cpu, 0.95, node, clock.nanoTime());
        ev.onSample(Metric.RTT_MS, 0.1, node, clock.nanoTime() + 1);
        ev.onSample(cpu, 0.8, node, clock.nanoTime() + 2);
        ev.onSample(cpu, 0.7, node, clock.nanoTime() + 3);
        assertEquals(List.of("RAISED cpu eu"), listener.summaries(), "AT_OR_ABOVE clears strictly below 0.7");
        ev.onSample(cpu, 0.69, node, clock.nanoTime() + 4);
        assertEquals(List.of("RAISED cpu eu", "CLEARED cpu eu"), listener.summaries());
        assertEquals("relay-1", listener.events.get(0).nodeId());
    }

    @Test
    void nodeSnapshots_feedNodeMetrics() {
        AlertCondition crowded = AlertCondition.when(Metric.CONCURRENT_VIEWERS, Comparison.ABOVE, 1_000)
                .sources(SampleSource.NODE).build();
        AlertEvaluator ev = AlertEvaluator.builder().rule(ThresholdRule.of("crowded", Severity.P3, crowded, "busy"))
                .listener(listener).build();
        ev.onStats(NodeStats.builder("relay-1").region("eu").timestampNs(clock.nanoTime()).viewers("a", 600)
                .viewers("b", 600).build());
        assertEquals(1_200.0, listener.events.get(0).value());
        assertEquals("relay-1", listener.events.get(0).nodeId());
    }

    @Test
    void defaultRules_gradeARegionOutage() {
        AlertEvaluator ev = AlertEvaluator.builder().rules(DefaultAlertRules.create()).listener(listener).build();
        for (int round = 0; round < 5; round++) {
            for (int v = 0; v < 4; v++) {
                // ap: all viewers VERY_BAD (20 % loss); eu: fine
                ev.onStats(viewer("live", "ap" + v, "ap").lossFractionAfterRecovery(0.2).stallRate(0.0).build());
                ev.onStats(viewer("live", "eu" + v, "eu").lossFractionAfterRecovery(0.0).stallRate(0.0).build());
            }
            clock.advanceNs(INTERVAL_NS);
            ev.tick(clock.nanoTime());
        }
        List<String> raised = listener.of(AlertEvent.Type.RAISED).stream()
                .map(e -> e.severity() + " " + e.ruleId() + " " + e.streamId() + e.region()).toList();
        assertEquals(List.of("P2 region-some-degraded ap", "P2 stream-some-degraded live", "P1 region-all-degraded ap"),
                raised);
    }

    @Test
    void defaultRules_gradeABroadcastersSendBacklogP2_clearedOnceItCatchesUp() {
        AlertEvaluator ev = AlertEvaluator.builder().rules(DefaultAlertRules.create()).listener(listener).build();
        double[] backlogMs = {300, 900, 1000, 450, 1000, 600, 150, 100, 300, 150, 100, 50};
        for (double ms : backlogMs) {
            ev.onStats(SendStreamStats.builder("live").endpointId("cam").nodeId("node-eu").region("eu")
                    .timestampNs(clock.nanoTime()).sendDelayMaxMs(ms).build());
            clock.advanceNs(INTERVAL_NS);
            ev.tick(clock.nanoTime());
        }
        // raised at the third sample over 500 ms (the fifth), cleared after three in a row at or below 200 ms
        assertEquals(List.of("RAISED send-backlog liveeu", "CLEARED send-backlog liveeu"), listener.summaries());
        assertEquals(listener.events.get(0).incidentId(), listener.events.get(1).incidentId());
        assertEquals(Severity.P2, listener.events.get(0).severity());
    }

    @Test
    void everyRaisedEvent_isClearedExactlyOnce_randomWorkload() {
        long seed = 7L;
        SplittableRandom random = new SplittableRandom(seed);
        AlertEvaluator ev = AlertEvaluator.builder().rules(DefaultAlertRules.create())
                .rule(ThresholdRule.of("rtt", Severity.P3, rttAbove400(2, 4), "RTT")).listener(listener).build();
        String[] regions = {"eu", "ap", "us"};
        for (int round = 0; round < 400; round++) {
            for (int v = 0; v < 12; v++) {
                if (random.nextInt(10) == 0) {
                    continue; // a missing report
                }
                String stream = "s" + (v % 3);
                boolean media = random.nextInt(20) != 0;
                ev.onStats(viewer(stream, "v" + v, regions[random.nextInt(regions.length)])
                        .lastPacketReceivedNs(media ? clock.nanoTime() : clock.nanoTime() - 6_000_000_000L)
                        .lossFractionAfterRecovery(random.nextDouble(0, 0.25)).jitterMs(random.nextDouble(0, 60))
                        .roundTripTimeMs(random.nextDouble(50, 600)).stallRate(random.nextDouble(0, 0.12)).build());
            }
            clock.advanceNs(INTERVAL_NS);
            ev.tick(clock.nanoTime());
        }
        for (int s = 0; s < 3; s++) {
            ev.removeStream("s" + s, clock.nanoTime());
        }
        assertTrue(ev.activeAlerts().isEmpty(), "seed " + seed);
        assertTrue(listener.events.size() > 20, "seed " + seed + ": the workload should raise alerts");
        java.util.Map<Long, Integer> state = new java.util.HashMap<>();
        for (AlertEvent e : listener.events) {
            if (e.type() == AlertEvent.Type.RAISED) {
                assertEquals(null, state.put(e.incidentId(), 1), "seed " + seed + ": raised twice " + e);
            } else {
                assertEquals(1, state.put(e.incidentId(), 2), "seed " + seed + ": cleared without raise " + e);
            }
        }
        assertTrue(state.values().stream().allMatch(v -> v == 2), "seed " + seed + ": every incident cleared");
    }

    @Test
    void builder_rejectsDuplicateIdsAndBadBounds() {
        ThresholdRule r = ThresholdRule.of("x", Severity.P3, rttAbove400(1, 1), "d");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AlertEvaluator.builder().rule(r).rule(r));
        assertTrue(e.getMessage().contains("unique"));
        assertThrows(IllegalArgumentException.class, () -> AlertEvaluator.builder().maxSubjects(0));
        assertThrows(IllegalArgumentException.class, () -> AlertEvaluator.builder().subjectTimeoutNs(0));
        assertThrows(IllegalArgumentException.class, () -> AlertEvaluator.builder().listener(null));
    }
}
