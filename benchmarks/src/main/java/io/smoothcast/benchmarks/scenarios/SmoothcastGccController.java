package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.ProbeClusterRequest;
import io.smoothcast.cc.TransportFeedback;
import io.smoothcast.netsim.ArrivalFeedbackReceiver;
import io.smoothcast.netsim.ArrivalReport;

/**
 * Our controller under test: {@link CongestionController} (io.smoothcast.cc) with its default
 * settings, fed transport-wide feedback. Its probe clusters are sent by the harness pacer
 * ({@link MediaSender}): a cluster runs at its bitrate until it has carried its minimum packets
 * and bytes, every packet tagged with the cluster id. The cc module's own {@code Pacer} is not
 * used here, so that every controller in the comparison goes through the same pacer.
 */
final class SmoothcastGccController implements RateController {

    /** The controller's documented tick period is 25 to 100 ms. */
    static final long TICK_INTERVAL_NS = 25_000_000L;

    private final CongestionController controller = CongestionController.builder().build();
    private final TransportFeedback feedback =
            new TransportFeedback(ArrivalFeedbackReceiver.MAX_PACKETS_PER_REPORT);
    private final ProbeClusterRequest probe = new ProbeClusterRequest();
    private boolean probing;
    private int probePacketsLeft;
    private long probeBytesLeft;
    private long nextTickNs = Long.MIN_VALUE;

    @Override
    public void onPacketSent(long sequence, int sizeBytes, boolean isProbe, long nowNs) {
        boolean inCluster = isProbe && probing;
        controller.onPacketSent(sequence, sizeBytes, nowNs, inCluster ? probe.clusterId() : -1);
        if (inCluster) {
            probePacketsLeft--;
            probeBytesLeft -= sizeBytes;
            if (probePacketsLeft <= 0 && probeBytesLeft <= 0) {
                probing = false;
            }
        }
    }

    @Override
    public void onFeedback(Object payload, long nowNs) {
        if (!(payload instanceof ArrivalReport report)) {
            return;
        }
        report.copyTo(feedback);
        controller.onFeedback(feedback, nowNs);
        ControllerStateLog log = ControllerStateLog.CURRENT.get();
        if (log != null) {
            log.add(nowNs, controller);
        }
    }

    @Override
    public void onTick(long nowNs) {
        if (nextTickNs == Long.MIN_VALUE || nowNs - nextTickNs >= 0) {
            controller.onTick(nowNs);
            ControllerStateLog log = ControllerStateLog.CURRENT.get();
            if (log != null && controller.isFeedbackTimedOut()) {
                log.add(nowNs, controller);
            }
            nextTickNs = nowNs + TICK_INTERVAL_NS;
        }
    }

    @Override
    public long targetBitrateBps() {
        return controller.targetBitrateBps();
    }

    /** Starts the next due probe cluster when none runs; returns the running cluster's rate. */
    @Override
    public long probeBitrateBps(long nowNs) {
        if (!probing && controller.pollProbeCluster(probe)) {
            probing = true;
            probePacketsLeft = probe.minPackets();
            probeBytesLeft = probe.minBytes();
        }
        return probing ? probe.bitrateBps() : 0;
    }
}
