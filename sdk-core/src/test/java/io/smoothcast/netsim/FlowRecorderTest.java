package io.smoothcast.netsim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FlowRecorderTest {

    private static final long MS = 1_000_000L;

    @Test
    void throughputAndQueuePercentiles_overARange() {
        FlowRecorder recorder = new FlowRecorder(100 * MS);
        for (int i = 0; i < 100; i++) {
            // Flow 1: 1250 bytes every 10 ms = 1 Mbit/s; queue delay i ms.
            recorder.onDelivered(1, Direction.FORWARD, i, 1250, i * 10 * MS, i * 10 * MS + 30 * MS, i * MS);
            recorder.onDelivered(1, Direction.REVERSE, i, 40, 0, i * 10 * MS, 0);
        }
        recorder.onDropped(1, Direction.FORWARD, 100, 1250, 0, LinkModel.DROPPED_QUEUE_FULL);
        assertEquals(1_000_000, recorder.throughputBps(1, 100 * MS, 900 * MS), 1e-6);
        assertEquals(0, recorder.throughputBps(7, 0, 900 * MS), 1e-6, "unknown flow");
        assertEquals(99 * MS, recorder.queueDelayPercentileNs(0, 1000 * MS, 100));
        assertEquals(94 * MS, recorder.queueDelayPercentileNs(0, 1000 * MS, 95));
        assertEquals(49 * MS, recorder.queueDelayPercentileNs(0, 1000 * MS, 50));
        assertEquals(0, recorder.queueDelayPercentileNs(5000 * MS, 6000 * MS, 50));
        assertEquals(1, recorder.forwardDrops());
    }
}
