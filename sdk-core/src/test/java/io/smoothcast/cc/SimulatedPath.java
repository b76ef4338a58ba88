package io.smoothcast.cc;

import io.smoothcast.netsim.ArrivalFeedbackReceiver;
import io.smoothcast.netsim.CapacitySchedule;
import io.smoothcast.netsim.Direction;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.netsim.NetworkSimulator;
import io.smoothcast.netsim.PacedMediaSender;
import io.smoothcast.netsim.PacketObserver;
import java.util.Arrays;

/**
 * Test fixture: a bottleneck path in the simulator with per-flow delivered-byte counts in 100 ms
 * bins and per-packet queue delays of the forward link, for the congestion-control goal tests.
 */
final class SimulatedPath implements PacketObserver {

    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;
    static final long BIN_NS = 100 * MS;

    final NetworkSimulator simulator;
    private final long[][] deliveredBytesPerBin;
    private final long[] queueDelayNs;
    private final long[] queueDelayTimeNs;
    private int queueSamples;
    private final int maxBins;

    SimulatedPath(CapacitySchedule capacity, long oneWayDelayNs, long queueLimitNs, long durationNs, long seed) {
        LinkModel forward = LinkModel.builder().capacity(capacity).propagationDelayNs(oneWayDelayNs)
                .queueLimitNs(queueLimitNs).seed(seed).build();
        LinkModel reverse = LinkModel.builder().constantCapacityBps(10_000_000).propagationDelayNs(oneWayDelayNs)
                .seed(seed + 1).build();
        simulator = NetworkSimulator.builder().forwardLink(forward).reverseLink(reverse).observer(this).seed(seed)
                .build();
        maxBins = (int) (durationNs / BIN_NS) + 2;
        deliveredBytesPerBin = new long[8][maxBins];
        queueDelayNs = new long[4_000_000];
        queueDelayTimeNs = new long[4_000_000];
    }

    int addOurs(String name, PacedMediaSender sender, long startNs) {
        return simulator.addFlow(name, sender, new ArrivalFeedbackReceiver(50 * MS), startNs);
    }

    @Override
    public void onDelivered(int flowId, Direction direction, long sequence, int sizeBytes, long sendTimeNs,
            long arrivalTimeNs, long queueDelay) {
        if (direction != Direction.FORWARD) {
            return;
        }
        int bin = (int) (arrivalTimeNs / BIN_NS);
        if (bin < maxBins) {
            deliveredBytesPerBin[flowId][bin] += sizeBytes;
        }
        if (queueSamples < queueDelayNs.length) {
            queueDelayNs[queueSamples] = queueDelay;
            queueDelayTimeNs[queueSamples] = sendTimeNs;
            queueSamples++;
        }
    }

    /** Delivered bit/s of a flow between two times (bins of 100 ms). */
    double throughputBps(int flowId, long fromNs, long toNs) {
        long bytes = 0;
        for (int bin = (int) (fromNs / BIN_NS); bin < toNs / BIN_NS; bin++) {
            bytes += deliveredBytesPerBin[flowId][bin];
        }
        return bytes * 8.0 * S / (toNs - fromNs);
    }

    /** Percentile (0-100) of the forward queue delay of packets sent in [fromNs, toNs), in ns. */
    long queueDelayPercentileNs(long fromNs, long toNs, double percentile) {
        long[] window = new long[queueSamples];
        int n = 0;
        for (int i = 0; i < queueSamples; i++) {
            if (queueDelayTimeNs[i] >= fromNs && queueDelayTimeNs[i] < toNs) {
                window[n++] = queueDelayNs[i];
            }
        }
        if (n == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(window, n);
        Arrays.sort(sorted);
        return sorted[(int) Math.min(n - 1, Math.ceil(percentile / 100.0 * n) - 1)];
    }

    /** Largest queue delay of packets sent in [fromNs, toNs), in ns. */
    long maxQueueDelayNs(long fromNs, long toNs) {
        return queueDelayPercentileNs(fromNs, toNs, 100);
    }
}
