package io.smoothcast.cc;

import io.smoothcast.netsim.ArrivalFeedbackReceiver;
import io.smoothcast.netsim.CapacitySchedule;
import io.smoothcast.netsim.FlowRecorder;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.netsim.NetworkSimulator;
import io.smoothcast.netsim.PacedMediaSender;

/**
 * Test fixture: a bottleneck path in the simulator (10 Mbit/s reverse path with the same delay)
 * and a {@link FlowRecorder} for the congestion-control goal tests.
 */
final class SimulatedPath {

    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    final NetworkSimulator simulator;
    private final FlowRecorder recorder = new FlowRecorder(100 * MS);

    SimulatedPath(CapacitySchedule capacity, long oneWayDelayNs, long queueLimitNs, long durationNs, long seed) {
        LinkModel forward = LinkModel.builder().capacity(capacity).propagationDelayNs(oneWayDelayNs)
                .queueLimitNs(queueLimitNs).seed(seed).build();
        LinkModel reverse = LinkModel.builder().constantCapacityBps(10_000_000).propagationDelayNs(oneWayDelayNs)
                .seed(seed + 1).build();
        simulator = NetworkSimulator.builder().forwardLink(forward).reverseLink(reverse).observer(recorder).seed(seed)
                .build();
    }

    int addOurs(String name, PacedMediaSender sender, long startNs) {
        return simulator.addFlow(name, sender, new ArrivalFeedbackReceiver(50 * MS), startNs);
    }

    double throughputBps(int flowId, long fromNs, long toNs) {
        return recorder.throughputBps(flowId, fromNs, toNs);
    }

    long queueDelayPercentileNs(long fromNs, long toNs, double percentile) {
        return recorder.queueDelayPercentileNs(fromNs, toNs, percentile);
    }

    long maxQueueDelayNs(long fromNs, long toNs) {
        return recorder.queueDelayPercentileNs(fromNs, toNs, 100);
    }
}
