package io.smoothcast.samples.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.samples.internal.SyntheticFrames;
import io.smoothcast.transport.NodeSwitchReason;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameAuditTest {

    private final SyntheticFrames frames = new SyntheticFrames();
    private final byte[] buffer = new byte[500];

    private void deliver(FrameAudit audit, long sequence, long nowNs) {
        frames.write(buffer, sequence, 0, 200);
        audit.record(buffer, 200, nowNs);
    }

    @Test
    void inOrderStream_isClean_andGapsAreLosses() {
        FrameAudit audit = new FrameAudit();
        for (int s = 5; s < 20; s++) {
            if (s != 9 && s != 10) {
                deliver(audit, s, s * 40_000_000L);
            }
        }
        assertEquals(13, audit.delivered());
        assertEquals(0, audit.corrupted() + audit.duplicated() + audit.outOfOrder());
        assertEquals(2, audit.lost(19), "9 and 10 never came");
        assertEquals(4, audit.lost(21), "nor did 20 and 21");
        assertEquals(120_000_000L, audit.worstGapNs(), "8 to 11");
        assertEquals(19, audit.highestSequence());
        assertEquals(List.of(9L, 10L), audit.missing(19, 10));
        assertEquals(List.of(9L, 10L, 20L), audit.missing(21, 3), "at most 3 listed");
    }

    @Test
    void switches_areCountedByReason() {
        FrameAudit audit = new FrameAudit();
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 1);
        InetSocketAddress b = new InetSocketAddress("127.0.0.1", 2);
        audit.onNodeSwitched(a, b, NodeSwitchReason.NO_PUBLISHER, "");
        audit.onNodeSwitched(b, a, NodeSwitchReason.NO_PUBLISHER, "");
        assertEquals(2, audit.switches(NodeSwitchReason.NO_PUBLISHER));
        assertEquals(0, audit.switches(NodeSwitchReason.DEGRADED_PATH));
    }

    @Test
    void duplicates_reordering_andCorruption_areCounted() {
        FrameAudit audit = new FrameAudit();
        deliver(audit, 1, 0);
        deliver(audit, 3, 1);
        deliver(audit, 3, 2);
        deliver(audit, 2, 3);
        frames.write(buffer, 4, 0, 200);
        buffer[150] ^= 1;
        audit.record(buffer, 200, 4);
        audit.record(buffer, 10, 5);
        assertEquals(1, audit.duplicated());
        assertEquals(1, audit.outOfOrder());
        assertEquals(2, audit.corrupted());
        assertEquals(1, audit.lost(4), "4 never came intact");
    }

    @Test
    void watch_recoversOnTheFirstFrameSentAfterTheFault() {
        FrameAudit audit = new FrameAudit();
        deliver(audit, 0, 0);
        int watch = audit.watch(10, 1_000);
        deliver(audit, 9, 2_000); // sent before the fault: still playing out, not a recovery
        assertEquals(-1, audit.recoveryNs(watch));
        deliver(audit, 11, 5_000);
        deliver(audit, 12, 6_000);
        assertEquals(4_000, audit.recoveryNs(watch));
    }

    @Test
    void noFrames_noLosses() {
        assertEquals(0, new FrameAudit().lost(100));
    }
}
