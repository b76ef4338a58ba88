package io.smoothcast.jitter;

import static io.smoothcast.jitter.Packets.MS;
import static io.smoothcast.jitter.Packets.offer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** NACK requests exposed for the transport: schedule, RTT awareness, limits, deadlines. */
class NackAndKeyframeTest {

    private static final long T0 = 5_000 * MS;

    private static SpscJitterBuffer buffer(int maxRetries) {
        return Packets.fixed(300).clockRateHz(1000).nackReorderWaitMs(5).nackMinRetryIntervalMs(20)
                .nackMaxRetries(maxRetries).build();
    }

    private static int[] due(SpscJitterBuffer buffer, long nowNs) {
        int[] out = new int[32];
        int n = buffer.pollNacks(nowNs, out);
        return Arrays.copyOf(out, n);
    }

    @Test
    void gap_requestedAfterReorderWait_thenEveryOneAndAHalfRtt() {
        SpscJitterBuffer buffer = buffer(10);
        buffer.rttNs(40 * MS);
        offer(buffer, 10, 0, true, T0);
        offer(buffer, 13, 120, true, T0 + 10 * MS);
        assertArrayEquals(new int[0], due(buffer, T0 + 14 * MS), "reordering grace");
        assertArrayEquals(new int[] {11, 12}, due(buffer, T0 + 15 * MS));
        assertArrayEquals(new int[0], due(buffer, T0 + 74 * MS), "retry after 1.5 x 40 ms");
        assertArrayEquals(new int[] {11, 12}, due(buffer, T0 + 75 * MS));
        offer(buffer, 12, 80, true, T0 + 80 * MS);
        assertArrayEquals(new int[] {11}, due(buffer, T0 + 135 * MS), "12 arrived");
        JitterBufferStats s = buffer.readStats(new JitterBufferStats());
        assertEquals(3, s.nackCount());
        assertEquals(5, s.nackedPackets());
    }

    @Test
    void packetOlderThanTheStreamsFirst_gapBetweenThemIsRequested() {
        // Redundant paths at a join: the faster path's first packet is 13, the slower one then
        // brings 10; 11 and 12 were never seen as a gap above the highest, yet are missing.
        SpscJitterBuffer buffer = buffer(10);
        offer(buffer, 13, 120, true, T0);
        offer(buffer, 10, 0, true, T0 + 2 * MS);
        assertArrayEquals(new int[0], due(buffer, T0 + 6 * MS), "reordering grace");
        assertArrayEquals(new int[] {11, 12}, due(buffer, T0 + 7 * MS));
        offer(buffer, 12, 80, true, T0 + 8 * MS);
        offer(buffer, 11, 40, true, T0 + 8 * MS);
        assertArrayEquals(new int[0], due(buffer, T0 + 100 * MS), "both arrived: nothing more to ask");
        offer(buffer, 9, 0, true, T0 + 101 * MS); // right below the lowest: no gap
        assertArrayEquals(new int[0], due(buffer, T0 + 200 * MS));
    }

    @Test
    void shortRtt_retriesNoFasterThanMinimumInterval() {
        SpscJitterBuffer buffer = buffer(10);
        buffer.rttNs(2 * MS);
        offer(buffer, 0, 0, true, T0);
        offer(buffer, 2, 80, true, T0);
        assertArrayEquals(new int[] {1}, due(buffer, T0 + 5 * MS));
        assertArrayEquals(new int[0], due(buffer, T0 + 24 * MS));
        assertArrayEquals(new int[] {1}, due(buffer, T0 + 25 * MS));
    }

    @Test
    void retryLimit_stopsRequests() {
        SpscJitterBuffer buffer = buffer(2);
        offer(buffer, 0, 0, true, T0);
        offer(buffer, 2, 80, true, T0);
        long now = T0;
        int requests = 0;
        for (int i = 0; i < 200; i++, now += 5 * MS) {
            requests += due(buffer, now).length;
        }
        assertEquals(2, requests);
    }

    @Test
    void deadlinePassed_noMoreRequests() {
        SpscJitterBuffer buffer = buffer(100);
        offer(buffer, 0, 0, true, T0);
        offer(buffer, 2, 80, true, T0 + 80 * MS);
        offer(buffer, 3, 120, true, T0 + 120 * MS);
        assertArrayEquals(new int[] {1}, due(buffer, T0 + 100 * MS));
        buffer.poll(T0 + 420 * MS, f -> { });  // frame 3 is due: 1 and 2 are given up
        assertArrayEquals(new int[0], due(buffer, T0 + 1_000 * MS));
    }

    @Test
    void gapAcrossSequenceWrap_reportsWireNumbers() {
        SpscJitterBuffer buffer = buffer(10);
        offer(buffer, 65534, 0, true, T0);
        offer(buffer, 1, 120, true, T0);
        assertArrayEquals(new int[] {65535, 0}, due(buffer, T0 + 5 * MS));
    }

    @Test
    void outArrayTooSmall_restStaysDueForNextCall() {
        SpscJitterBuffer buffer = buffer(10);
        offer(buffer, 0, 0, true, T0);
        offer(buffer, 5, 200, true, T0);
        int[] two = new int[2];
        assertEquals(2, buffer.pollNacks(T0 + 5 * MS, two));
        assertArrayEquals(new int[] {1, 2}, two);
        assertArrayEquals(new int[] {3, 4}, due(buffer, T0 + 5 * MS));
    }

    @Test
    void nackDisabled_nothingRequested() {
        SpscJitterBuffer buffer = Packets.fixed(100).clockRateHz(1000).nackEnabled(false).build();
        offer(buffer, 0, 0, true, T0);
        offer(buffer, 3, 120, true, T0);
        assertArrayEquals(new int[0], due(buffer, T0 + 100 * MS));
    }

    @Test
    void keyframeRequestCount_visibleFromAnyThreadAndPolledOncePerRaise() {
        SpscJitterBuffer buffer = Packets.fixed(0).clockRateHz(1000)
                .completenessCheck((frame, startConfirmed, closed) -> closed).build();
        offer(buffer, 0, 0, true, T0);
        offer(buffer, 2, 80, true, T0);
        offer(buffer, 4, 160, true, T0);
        buffer.poll(T0 + 1_000 * MS, f -> { });
        assertEquals(2, buffer.keyframeRequestCount());
        assertEquals(true, buffer.pollKeyframeRequest());
        assertEquals(false, buffer.pollKeyframeRequest());
    }
}
