package io.smoothcast.samples.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.stats.NodeSwitchCounts;
import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void nodeSwitches_nameOnlyTheReasonsThatOccurred() {
        assertEquals("0", Format.nodeSwitches(NodeSwitchCounts.NONE));
        assertEquals("degraded_path 1", Format.nodeSwitches(new NodeSwitchCounts(1, 0, 0)));
        assertEquals("no_publisher 2, media_silence 1", Format.nodeSwitches(new NodeSwitchCounts(0, 2, 1)));
    }
}
