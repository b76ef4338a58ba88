package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Broadcaster → origin node → edge node → viewer: the edge fetches the stream upstream. */
class CascadeIT {

    private static final int FRAMES = 200;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void viewerOnTheEdgeNode_watchesABroadcasterOnTheOriginNode() throws Exception {
        try (RelayNode origin = RelayNode.builder().build().start();
                RelayNode edge = RelayNode.builder().upstream(origin.localAddress()).build().start()) {
            FrameCollector collector = new FrameCollector(FRAMES - 1);
            try (Viewer viewer = Viewer.builder().node(edge.localAddress()).streamId("it-show")
                    .listener(collector).failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(collector.connected, 5, "viewer connected to the edge");
                try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(origin, new AtomicInteger(),
                        StallTolerantFailover.POLICY)) {
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, null);
                    FrameCollector.await(collector.lastFrame, 10, "last frame through two nodes");
                    assertEquals(0, collector.corrupted());
                    assertEquals(IntStream.range(0, FRAMES).boxed().toList(), collector.indices());
                    RelayStats originStats = origin.stats();
                    RelayStats edgeStats = edge.stats();
                    assertEquals(1, originStats.subscribers(), "the edge is one subscriber of the origin: " + originStats);
                    assertEquals(originStats.rtpReceived(), edgeStats.rtpReceived(), edgeStats.toString());
                    assertEquals(0, originStats.malformedDropped() + edgeStats.malformedDropped());
                }
            }
            // Leaving the upstream stream when the last viewer goes is checked in RelayEngineTest,
            // in virtual time (here it would race with the asynchronous LEAVE).
            assertEquals(0, origin.stats().handlerFailures() + edge.stats().handlerFailures());
        }
        NettyLeaks.assertNoLeaks();
    }
}
