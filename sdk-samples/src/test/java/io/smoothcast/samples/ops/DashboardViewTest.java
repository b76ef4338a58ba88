package io.smoothcast.samples.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.stats.Direction;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.transport.NodeSwitchEvent;
import io.smoothcast.transport.NodeSwitchReason;
import io.smoothcast.transport.OpsSnapshot;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DashboardViewTest {

    private static ReceiveStreamStats viewer(String stream, String endpoint, long failovers, long refusals,
            long dropped) {
        return ReceiveStreamStats.builder(stream).endpointId(endpoint).nodeId("fra").region("eu")
                .failoverCount(failovers).tokenRefusals(refusals).framesDropped(dropped).build();
    }

    /**
     * Each count has its own value, so a count dropped or taken from the wrong field fails; a
     * stream's viewers and broadcaster add up, and a stream with viewers only carries 0 for what
     * only a broadcaster counts; a node carries its restart and takeover counts.
     */
    @Test
    void failoversRefusalsAndDroppedFrames_perStream_viewersAndBroadcasterSummed_andRestartsPerNode() {
        SendStreamStats cam = SendStreamStats.builder("match").endpointId("cam").nodeId("fra").region("eu")
                .failoverCount(100).tokenRefusals(200).framesDroppedNotConnected(300).framesDroppedBacklog(400)
                .keyframeRequestsIgnored(500).build();
        NodeSwitchEvent move = new NodeSwitchEvent(5, Direction.RECEIVE, "match", "v1", "fra", "ams",
                NodeSwitchReason.DEGRADED_PATH, "loss 12 %");
        OpsSnapshot snapshot = new OpsSnapshot(5, 1_700_000_000_000L,
                List.of(viewer("match", "v1", 1, 10, 1_000), viewer("match", "v2", 2, 20, 2_000),
                        viewer("quiz", "v3", 4, 40, 4_000)),
                List.of(cam), List.of(NodeStats.builder("fra").region("eu").sourceRestarts(7).sessionTakeovers(8)
                        .sessionTakeoversHeld(9).build()), List.of(), List.of(), List.of(), List.of(move));

        Map<String, Object> view = DashboardView.of(snapshot);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> streams = (List<Map<String, Object>>) view.get("streams");
        List<String> keys = List.of("stream", "failovers", "tokenRefusals", "framesDroppedNotConnected",
                "framesDroppedLate", "framesDroppedAtPlayout", "keyframeRequestsIgnored");
        assertEquals(List.of(List.of("match", 103L, 230L, 300L, 400L, 3_000L, 500L),
                List.of("quiz", 4L, 40L, 0L, 0L, 4_000L, 0L)),
                streams.stream().map(s -> keys.stream().map(s::get).toList()).toList());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) view.get("nodes");
        assertEquals(List.of(7L, 8L, 9L), Stream.of("sourceRestarts", "sessionTakeovers", "sessionTakeoversHeld")
                .map(nodes.get(0)::get).toList());
        assertEquals(List.of(move.summary()), view.get("recentNodeSwitches"));
    }
}
