package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.AlertListener;
import io.smoothcast.alert.Severity;
import io.smoothcast.alert.Subject;
import io.smoothcast.quality.QualityLevel;
import io.smoothcast.quality.QualityListener;
import io.smoothcast.stats.Direction;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The monitor's duty cycle in virtual time, over a viewer that is built but never started (it
 * opens no socket and reports zeros): statistics every call, quality and alerts on the 2 s cadence.
 */
class OpsMonitorTest {

    private static final long SECOND_NS = 1_000_000_000L;

    private static Viewer idleViewer() {
        return Viewer.builder().node(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)).streamId("quiet")
                .build();
    }

    @Test
    void aViewerThatNeverGetsMedia_turnsDown_onTheTwoSecondCadence_andRaisesP0() {
        List<Long> downAtNs = new ArrayList<>();
        List<AlertEvent> raised = new ArrayList<>();
        QualityListener quality = new QualityListener() {
            @Override
            public void onQualityChanged(String streamId, String endpointId, Direction direction,
                    QualityLevel previous, QualityLevel current, long timeNs) {
                if (current == QualityLevel.DOWN) {
                    downAtNs.add(timeNs);
                }
            }
        };
        try (OpsMonitor ops = OpsMonitor.builder().qualityListener(quality).alertListener(new AlertListener() {
            @Override
            public void onRaised(AlertEvent event) {
                raised.add(event);
            }
        }).build()) {
            Viewer viewer = idleViewer();
            ops.watch(viewer, new Subject("quiet", "v1", "n1", "eu"));
            for (long t = 0; t <= 9 * SECOND_NS; t += SECOND_NS / 2) {
                OpsSnapshot s = ops.sample(t);
                assertEquals(1, s.receive().size());
                assertEquals(t, s.receive().get(0).timestampNs(), "statistics are taken on every call");
            }
            assertEquals(List.of(4 * SECOND_NS), downAtNs, "graded at 0, 2, 4 s: DOWN once 4 s without media");
            assertEquals(1, raised.size(), raised.toString());
            assertEquals(Severity.P0, raised.get(0).severity());
            assertEquals(0, raised.get(0).timeNs() % (2 * SECOND_NS), "alerts run on the 2 s cadence");
            assertSame(ops.latest(), ops.latest());
            assertEquals(QualityLevel.DOWN, ops.latest().qualities().get(0).level());
        }
    }

    @Test
    void recentEventsAreBounded() {
        try (OpsMonitor ops = OpsMonitor.builder().recentEvents(1).build()) {
            ops.watch(idleViewer(), new Subject("a", "v1", "", ""));
            ops.watch(idleViewer(), new Subject("b", "v1", "", ""));
            for (long t = 0; t <= 10 * SECOND_NS; t += 2 * SECOND_NS) {
                ops.sample(t);
            }
            assertEquals(2, ops.latest().activeAlerts().size(), "both streams are down");
            assertEquals(1, ops.latest().recentEvents().size());
        }
    }

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);

    @Test
    void movesBetweenNodes_areLoggedOnce_withFromToReasonAndDetail_withoutAnApplicationListener() {
        try (OpsMonitor ops = OpsMonitor.builder().build()) {
            Viewer viewer = idleViewer();
            Broadcaster broadcaster = Broadcaster.builder().node(A).streamId("quiet").build();
            ops.watch(viewer, new Subject("quiet", "v1", "n1", "eu"));
            ops.watch(broadcaster, new Subject("quiet", "cam", "n1", "eu"));
            assertEquals(List.of(), ops.sample(0).recentNodeSwitches());
            // what the clients' I/O threads append as the engines report the moves
            viewer.switchLog.append(A, B, NodeSwitchReason.NO_PUBLISHER, "no tracks on A for 3000 ms");
            broadcaster.switchLog.append(A, B, NodeSwitchReason.DEGRADED_PATH, "loss 0.20 on A");
            viewer.switchLog.append(B, A, NodeSwitchReason.DEGRADED_PATH, "rtt 300 ms on B");
            List<NodeSwitchEvent> seen = ops.sample(SECOND_NS).recentNodeSwitches();
            assertEquals(List.of(
                    new NodeSwitchEvent(SECOND_NS, Direction.RECEIVE, "quiet", "v1", "127.0.0.1:7001",
                            "127.0.0.1:7002", NodeSwitchReason.NO_PUBLISHER, "no tracks on A for 3000 ms"),
                    new NodeSwitchEvent(SECOND_NS, Direction.RECEIVE, "quiet", "v1", "127.0.0.1:7002",
                            "127.0.0.1:7001", NodeSwitchReason.DEGRADED_PATH, "rtt 300 ms on B"),
                    new NodeSwitchEvent(SECOND_NS, Direction.SEND, "quiet", "cam", "127.0.0.1:7001",
                            "127.0.0.1:7002", NodeSwitchReason.DEGRADED_PATH, "loss 0.20 on A")), seen);
            assertEquals(seen, ops.sample(2 * SECOND_NS).recentNodeSwitches(), "each move is logged once");
            assertTrue(seen.get(0).summary().contains("127.0.0.1:7001 -> 127.0.0.1:7002 (no_publisher)"),
                    seen.get(0).summary());
        }
    }

    @Test
    void movesBeforeTheClientWasWatched_areNotLoggedAsIfTheyHadJustHappened() {
        try (OpsMonitor ops = OpsMonitor.builder().build()) {
            Viewer viewer = idleViewer();
            Broadcaster broadcaster = Broadcaster.builder().node(A).streamId("quiet").build();
            viewer.switchLog.append(A, B, NodeSwitchReason.NO_PUBLISHER, "before the watch");
            broadcaster.switchLog.append(A, B, NodeSwitchReason.DEGRADED_PATH, "before the watch");
            ops.watch(viewer, new Subject("quiet", "v1", "", ""));
            ops.watch(broadcaster, new Subject("quiet", "cam", "", ""));
            // an event's time says the move happened within the sampling interval before it
            assertEquals(List.of(), ops.sample(10 * SECOND_NS).recentNodeSwitches());
            viewer.switchLog.append(B, A, NodeSwitchReason.DEGRADED_PATH, "after the watch");
            assertEquals(List.of("after the watch"),
                    ops.sample(11 * SECOND_NS).recentNodeSwitches().stream().map(NodeSwitchEvent::detail).toList());
        }
    }

    @Test
    void movesBetweenNodes_keepTheLatest_whenTheMonitorFallsBehindOrItsListIsFull() {
        try (OpsMonitor ops = OpsMonitor.builder().recentEvents(5).build()) {
            Viewer viewer = idleViewer();
            ops.watch(viewer, new Subject("quiet", "v1", "", ""));
            int moves = NodeSwitchLog.CAPACITY + 10;
            for (int i = 0; i < moves; i++) {
                viewer.switchLog.append(A, B, NodeSwitchReason.DEGRADED_PATH, "move " + i);
            }
            List<NodeSwitchEvent> seen = ops.sample(0).recentNodeSwitches();
            assertEquals(List.of("move 37", "move 38", "move 39", "move 40", "move 41"),
                    seen.stream().map(NodeSwitchEvent::detail).toList());
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheirName() {
        OpsMonitor.Builder b = OpsMonitor.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.statsIntervalNs(1)).getMessage()
                .contains("statsIntervalNs"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.recentEvents(0)).getMessage()
                .contains("recentEvents"));
        try (OpsMonitor ops = b.build()) {
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> ops.watch(idleViewer(), new Subject("", "v", "", ""))).getMessage().contains("streamId"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> ops.watch((RelayNode) null, "n", "")).getMessage().contains("node"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> ops.watch(RelayNode.builder().build(), "", "")).getMessage().contains("nodeId"));
            ops.start();
            assertThrows(IllegalStateException.class, ops::start);
        }
    }
}
