package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.Metric;
import io.smoothcast.alert.Subject;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.transport.metrics.OpsMetrics;
import io.smoothcast.transport.metrics.PrometheusText;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A viewer's failover reaches the operator: its edge node is closed mid-stream, the viewer resumes
 * on the other edge, and the monitor's next sample, the Prometheus counter and the alert metric
 * {@code failover_count} all count one node change. End-to-end latency is measured throughout:
 * the capture-time stamps cross the origin-edge cascade.
 */
class OpsFailoverIT {

    private static final int FRAMES = 300;
    private static final int KILL_AT_FRAME = 100;
    private static final long SECOND_NS = 1_000_000_000L;

    @Test
    @Timeout(60)
    void viewerFailover_isCountedInStatsAndMetrics() throws Exception {
        try (RelayNode origin = RelayNode.builder().build().start();
                RelayNode edgeA = RelayNode.builder().upstream(origin.localAddress()).build().start();
                RelayNode edgeB = RelayNode.builder().upstream(origin.localAddress()).build().start();
                OpsMonitor ops = OpsMonitor.builder().build()) {
            StateLog log = new StateLog(new FrameCollector(FRAMES - 1));
            try (Viewer viewer = Viewer.builder().nodes(List.of(edgeA.localAddress(), edgeB.localAddress()))
                    .streamId("it-show").listener(log).build().start()) {
                FrameCollector.await(log.frames.connected, 5, "viewer connected");
                ops.watch(viewer, new Subject("it-show", "viewer-1", "edge", "eu-west"));
                try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(origin, new AtomicInteger())) {
                    ReceiveStreamStats before = ops.sample(0).receive().get(0);
                    assertEquals(0, before.failoverCount(), before.toString());
                    CountDownLatch resumed = log.expect(ConnectionState.CONNECTED);
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, i -> {
                        if (i == KILL_AT_FRAME) {
                            // the viewer's node: the roster may have ranked edge B first
                            RelayNode serving = edgeA.stats().subscribers() > 0 ? edgeA : edgeB;
                            new Thread(serving::close).start();
                        }
                    });
                    FrameCollector.await(resumed, 10, "resumed on the other edge");
                    OpsSnapshot after = ops.sample(SECOND_NS);
                    ReceiveStreamStats rx = after.receive().get(0);
                    assertEquals(1, viewer.failoverCount(), log.changes().toString());
                    assertEquals(1, rx.failoverCount(), rx.toString());
                    assertEquals(1.0, Metric.FAILOVER_COUNT.read(rx), rx.toString());
                    // Capture times cross the origin-edge cascade and the failover.
                    ViewerStats totals = viewer.stats();
                    assertTrue(totals.endToEndLatencyCount() > 0, totals.toString());
                    assertTrue(rx.endToEndLatencyMs() > 0, rx.toString());
                    String scrape = PrometheusText.write(OpsMetrics.of(after));
                    assertTrue(scrape.lines().anyMatch(l -> l.startsWith("smoothcast_stream_failovers_total{")
                            && l.contains("direction=\"receive\"") && l.endsWith(" 1")), scrape);
                }
            }
        }
    }
}
