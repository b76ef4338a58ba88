package io.smoothcast.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.history.BackgroundHistoryWriter;
import io.smoothcast.history.HistoryReader;
import io.smoothcast.history.HistoryRecord;
import io.smoothcast.history.HistoryWriter;
import io.smoothcast.quality.QualityGrader;
import io.smoothcast.quality.QualityLevel;
import io.smoothcast.quality.QualityListener;
import io.smoothcast.quality.QualityMonitor;
import io.smoothcast.stats.Direction;
import io.smoothcast.stats.ReceiveStatsSampler;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.time.ManualNanoClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operability pieces used together, in virtual time, the way a relay or the demo wires them:
 * counters, sampler, quality monitor, alert evaluator with the default rules, history files, and
 * incidents computed back from the files. Six viewers (three in "ap", three in "eu") watch one
 * stream through four phases: healthy, an ap outage (heavy loss and stalls), healthy again, and
 * ten seconds with no media at all.
 */
class OperabilityPipelineTest {

    private static final long TICK_NS = ReceiveStatsSampler.DEFAULT_INTERVAL_NS;
    private static final long SECOND_NS = 1_000_000_000L;

    @TempDir
    Path dir;

    /** One viewer's cumulative counters, as its receive pipeline would keep them. */
    private static final class Viewer {
        final String region;
        final ReceiveStreamStats.Builder counters;
        final ReceiveStatsSampler sampler = new ReceiveStatsSampler();
        long received;
        long lost;
        long lostAfterRecovery;
        long bytes;
        long frames;
        long frozenMs;
        long freezes;

        Viewer(String id, String region) {
            this.region = region;
            this.counters = ReceiveStreamStats.builder("live").endpointId(id).nodeId("relay-" + region)
                    .region(region).jitterMs(8).roundTripTimeMs(120);
        }

        /** Two seconds of media at 100 packets/s with the given loss and stall. */
        void play(long nowNs, double lossBefore, double lossAfter, long frozenMsThisTick) {
            long expected = 200;
            long lostNow = Math.round(expected * lossBefore);
            received += expected - lostNow;
            lost += lostNow;
            lostAfterRecovery += Math.round(expected * lossAfter);
            bytes += (expected - lostNow) * 1_000;
            frames += 60;
            if (frozenMsThisTick > 0) {
                frozenMs += frozenMsThisTick;
                freezes++;
            }
            counters.packetsReceived(received).packetsLost(lost).packetsLostAfterRecovery(lostAfterRecovery)
                    .bytesReceived(bytes).framesDecoded(frames).totalFreezesDurationMs(frozenMs)
                    .freezeCount(freezes).lastPacketReceivedNs(nowNs);
        }
    }

    @Test
    void regionOutageAndStreamDown_areGradedRecordedAndMeasured() throws Exception {
        ManualNanoClock clock = new ManualNanoClock(0);
        AtomicLong wallMs = new AtomicLong(1_795_000_000_000L);
        List<Viewer> viewers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            viewers.add(new Viewer("ap" + i, "ap"));
            viewers.add(new Viewer("eu" + i, "eu"));
        }

        List<String> apQuality = new ArrayList<>();
        QualityMonitor quality = new QualityMonitor(QualityGrader.defaults(), new QualityListener() {
            @Override
            public void onQualityChanged(String streamId, String endpointId, Direction direction,
                    QualityLevel previous, QualityLevel current, long timeNs) {
                if (endpointId.equals("ap0")) {
                    apQuality.add(current + "@" + timeNs / SECOND_NS);
                }
            }
        });
        BackgroundHistoryWriter history = new BackgroundHistoryWriter(
                HistoryWriter.builder(dir).wallClockMs(wallMs::get).build(), 10_000, wallMs::get);
        RecordingListener seen = new RecordingListener();
        AlertListener historyListener = history.alertListener();
        AlertEvaluator alerts = AlertEvaluator.builder().rules(DefaultAlertRules.create())
                .listener(new AlertListener() {
                    @Override
                    public void onRaised(AlertEvent event) {
                        seen.onRaised(event);
                        historyListener.onRaised(event);
                    }

                    @Override
                    public void onCleared(AlertEvent event) {
                        seen.onCleared(event);
                        historyListener.onCleared(event);
                    }
                }).build();

        int snapshots = 0;
        for (long t = 0; t <= 130 * SECOND_NS; t += TICK_NS) {
            clock.setNs(t);
            wallMs.set(1_795_000_000_000L + t / 1_000_000);
            long now = clock.nanoTime();
            boolean apOutage = t >= 20 * SECOND_NS && t < 60 * SECOND_NS;
            boolean noMedia = t >= 90 * SECOND_NS && t < 100 * SECOND_NS;
            for (Viewer v : viewers) {
                if (!noMedia) {
                    boolean hit = apOutage && v.region.equals("ap");
                    v.play(now, hit ? 0.25 : 0.02, hit ? 0.20 : 0.0, hit ? 300 : 0);
                }
                ReceiveStreamStats s = v.sampler.sample(v.counters, now);
                quality.update(s);
                alerts.onStats(s);
                assertTrue(history.offer(s));
                snapshots++;
            }
            alerts.tick(now);
        }
        history.close();

        List<String> raised = seen.of(AlertEvent.Type.RAISED).stream()
                .map(e -> e.severity() + " " + e.ruleId() + " " + e.streamId() + e.region()
                        + " @" + e.timeNs() / SECOND_NS)
                .toList();
        assertTrue(raised.contains("P1 region-all-degraded ap @22"), raised.toString());
        assertTrue(raised.contains("P1 stall-rate-high live @24"), raised.toString());
        // the P0 names where media was last seen: ap0 reported it first among equals
        assertTrue(raised.contains("P0 stream-down liveap @94"), raised.toString());
        assertTrue(raised.stream().noneMatch(r -> r.contains(" eu @2") || r.contains(" eu @4")),
                "eu stayed healthy during the ap outage: " + raised);
        // DOWN 4 s after the last media (88 s); P0 follows 5 s after it
        assertEquals(List.of("EXCELLENT@0", "VERY_BAD@20", "EXCELLENT@60", "DOWN@92", "EXCELLENT@100"), apQuality);

        // Everything is in the history files, and the incidents can be measured from them alone.
        List<HistoryRecord> records;
        try (Stream<HistoryRecord> s = HistoryReader.of(dir, HistoryWriter.DEFAULT_PREFIX).records()) {
            records = s.toList();
        }
        List<AlertEvent> storedEvents = records.stream().filter(r -> r.kind() == HistoryRecord.Kind.ALERT)
                .map(r -> r.as(AlertEvent.class)).toList();
        assertEquals(seen.events, storedEvents);
        assertEquals(snapshots, records.size() - storedEvents.size());

        List<Incident> incidents = IncidentTracker.pair(storedEvents);
        assertTrue(incidents.stream().noneMatch(Incident::isOpen), incidents.toString());
        assertTrue(incidents.stream().allMatch(Incident::metRestoreTarget));
        Incident down = incidents.stream().filter(i -> i.raised().ruleId().equals("stream-down")).findFirst()
                .orElseThrow();
        assertEquals(6 * SECOND_NS, down.timeToRecoverNs(), "raised at 94 s, media back at 100 s");
        assertEquals(TimeUnit.MINUTES.toNanos(15) + 94 * SECOND_NS, down.responseDeadlineNs());
    }
}
