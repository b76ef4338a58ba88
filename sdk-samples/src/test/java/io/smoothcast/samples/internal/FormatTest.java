package io.smoothcast.samples.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.stats.NodeSwitchCounts;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void nodeSwitches_nameOnlyTheReasonsThatOccurred() {
        assertEquals("0", Format.nodeSwitches(NodeSwitchCounts.NONE));
        assertEquals("degraded_path 1", Format.nodeSwitches(new NodeSwitchCounts(1, 0, 0)));
        assertEquals("no_publisher 2, media_silence 1", Format.nodeSwitches(new NodeSwitchCounts(0, 2, 1)));
    }

    @Test
    void nodes_primaryFirst_legsJoinedByPlus_dashWhileNone() {
        assertEquals("-", Format.nodes(List.of()));
        assertEquals("127.0.0.1:7001", Format.nodes(List.of(new InetSocketAddress("127.0.0.1", 7001))));
        assertEquals("127.0.0.1:7001+127.0.0.1:7002", Format.nodes(List.of(new InetSocketAddress("127.0.0.1", 7001),
                new InetSocketAddress("127.0.0.1", 7002))));
    }

    @Test
    void whenAnyNonZero_emptyWhileAllAreZero_elseEveryCountNamed() {
        assertEquals("", Format.whenAnyNonZero("ABUSE", List.of("a", "b"), 0, 0));
        assertEquals(", ABUSE a 0, b 2", Format.whenAnyNonZero("ABUSE", List.of("a", "b"), 0, 2));
    }

    @Test
    void moves_failoversThenMovesByReason_thenTokenRefusals() {
        assertEquals("failovers 0  moves 0  token refusals 0", Format.moves(0, NodeSwitchCounts.NONE, 0));
        assertEquals("failovers 1  moves no_publisher 2  token refusals 3",
                Format.moves(1, new NodeSwitchCounts(0, 2, 0), 3));
    }
}
