package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.AlertListener;
import io.smoothcast.alert.Severity;
import io.smoothcast.alert.Subject;
import io.smoothcast.history.BackgroundHistoryWriter;
import io.smoothcast.history.HistoryReader;
import io.smoothcast.history.HistoryRecord;
import io.smoothcast.history.HistoryWriter;
import io.smoothcast.quality.QualityLevel;
import io.smoothcast.stats.Direction;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link OpsMonitor} over a real relay, broadcaster and viewer on 127.0.0.1. The media runs in real
 * time; the monitor's duty cycle is driven by hand with virtual instants, so the interval values
 * and the alert timing are deterministic.
 */
class OpsMonitorIT {

    private static final long SECOND_NS = 1_000_000_000L;
    private static final int FRAMES = 120;

    @Test
    @Timeout(60)
    void snapshotsQualityAlertsAndHistory_fromALiveStream() throws Exception {
        List<AlertEvent> events = new CopyOnWriteArrayList<>();
        Path dir = java.nio.file.Files.createTempDirectory("ops-history");
        BackgroundHistoryWriter history = new BackgroundHistoryWriter(
                HistoryWriter.builder(dir).build(), 1024, () -> 1_700_000_000_000L);
        try (RelayNode relay = RelayNode.builder().build().start();
                OpsMonitor ops = OpsMonitor.builder().history(history).alertListener(new AlertListener() {
                    @Override
                    public void onRaised(AlertEvent event) {
                        events.add(event);
                    }

                    @Override
                    public void onCleared(AlertEvent event) {
                        events.add(event);
                    }
                }).build()) {
            FrameCollector collector = new FrameCollector(FRAMES - 1);
            try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("it-show")
                    .listener(collector).failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(collector.connected, 5, "viewer connected");
                ops.watch(relay, "node-a", "eu-west");
                ops.watch(viewer, new Subject("it-show", "viewer-1", "node-a", "eu-west"));
                long t = 0;
                try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(relay, new AtomicInteger(),
                        StallTolerantFailover.POLICY)) {
                    ops.watch(broadcaster, new Subject("it-show", "broadcaster", "node-a", "eu-west"));
                    ops.sample(t); // baselines
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, null);
                    FrameCollector.await(collector.lastFrame, 10, "last frame at viewer");
                    t += SECOND_NS;
                    OpsSnapshot live = ops.sample(t);

                    NodeStats node = live.nodes().get(0);
                    assertEquals("node-a", node.nodeId());
                    assertEquals(1, node.viewers("it-show"), node.toString());
                    assertTrue(node.bitrateOutBps() > 0, node.toString());

                    ReceiveStreamStats rx = live.receive().get(0);
                    assertEquals(FRAMES, rx.framesDecoded(), rx.toString());
                    assertTrue(rx.packetsReceived() > 0 && rx.bytesReceived() > 0, rx.toString());
                    assertEquals(t, rx.lastPacketReceivedNs(), "media moved in this interval");
                    // the interval is 1 virtual second, so the bitrate is the bytes of the interval x 8
                    assertTrue(rx.bitrateInBps() > 0, rx.toString());
                    assertEquals(0.0, rx.lossFractionAfterRecovery(), rx.toString());
                    assertEquals("eu-west", rx.region());

                    SendStreamStats tx = live.send().get(0);
                    assertEquals(broadcaster.stats().packetsSent(), tx.packetsSent());
                    assertEquals(FRAMES, tx.framesEncoded());
                    assertTrue(tx.targetBitrateBps() > 0, tx.toString());

                    Map<Direction, QualityLevel> levels = live.qualities().stream().collect(
                            Collectors.toMap(OpsSnapshot.StreamQuality::direction, OpsSnapshot.StreamQuality::level));
                    assertEquals(2, levels.size(), live.qualities().toString());
                    assertTrue(live.activeAlerts().isEmpty(), live.activeAlerts().toString());
                    ops.unwatch(broadcaster);
                }
                // The broadcaster left: no media for more than 5 s raises the P0 "stream down".
                for (int i = 0; i < 4; i++) {
                    t += 2 * SECOND_NS;
                    ops.sample(t);
                }
                OpsSnapshot down = ops.latest();
                AlertEvent p0 = events.stream().filter(e -> e.severity() == Severity.P0).findFirst()
                        .orElseThrow(() -> new AssertionError("no P0 in " + events));
                assertEquals(AlertEvent.Type.RAISED, p0.type());
                assertEquals("it-show", p0.streamId());
                assertFalse(down.activeAlerts().isEmpty());
                assertTrue(down.recentEvents().contains(p0));
                assertEquals(QualityLevel.DOWN, down.qualities().stream()
                        .filter(q -> q.direction() == Direction.RECEIVE).findFirst().orElseThrow().level());
            }
        }
        // The monitor closed the history: every sample and the alert are on disk.
        Map<HistoryRecord.Kind, Long> kinds = HistoryReader.of(dir, HistoryWriter.DEFAULT_PREFIX).records()
                .collect(Collectors.groupingBy(HistoryRecord::kind, Collectors.counting()));
        assertEquals(6L, kinds.get(HistoryRecord.Kind.RECEIVE_STATS), kinds.toString());
        assertEquals(6L, kinds.get(HistoryRecord.Kind.NODE_STATS), kinds.toString());
        assertEquals(2L, kinds.get(HistoryRecord.Kind.SEND_STATS), "unwatched after 2 samples: " + kinds);
        assertTrue(kinds.getOrDefault(HistoryRecord.Kind.ALERT, 0L) >= 1, kinds.toString());
    }
}
