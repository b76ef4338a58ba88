package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the client builders take from a {@link NodeProbe}'s report: the ranking and each node's round trip. */
class ProbedNodeRttsTest {

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.1", 7003);

    private static final ProbeReport REPORT = new ProbeReport(List.of(
            new ProbeResult(new NodeInfo(B, "eu"), true, 4.5, 0.2, 0, 50_000_000L, 3, 10),
            new ProbeResult(new NodeInfo(A, "us"), true, 480, 3, 0.01, 20_000_000L, 7, 500),
            new ProbeResult(new NodeInfo(C, "ap"), false, Double.NaN, 0, 1, -1, -1, Double.POSITIVE_INFINITY)),
            2_000_000L, 500);

    @Test
    void reachableNodes_giveTheirRoundTripInNanoseconds_unreachableOnesNone() {
        assertEquals(Map.of(B, 4_500_000L, A, 480_000_000L), REPORT.roundTripsNs());
    }

    @Test
    void buildersTakeTheReport_notNull() {
        Viewer.builder().nodes(REPORT).streamId("show").build();
        Broadcaster.builder().nodes(REPORT).streamId("show").build();
        assertThrows(NullPointerException.class, () -> Viewer.builder().nodes((ProbeReport) null));
    }
}
