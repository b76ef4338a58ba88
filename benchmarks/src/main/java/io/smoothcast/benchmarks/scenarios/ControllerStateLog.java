package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.cc.CongestionController;
import java.util.Arrays;

/**
 * Records our controller's state after every feedback (and every tick in a feedback timeout) of
 * one run, for {@link QoeBreakdown}: the target, the delay-based estimate, the loss-based limit,
 * the acknowledged bitrate, the known link capacity and the competing and timeout flags. Installed
 * per thread through {@link #CURRENT}; nothing is recorded when it is not set.
 */
final class ControllerStateLog {

    static final ThreadLocal<ControllerStateLog> CURRENT = new ThreadLocal<>();

    int size;
    long[] timeNs = new long[4096];
    long[] targetBps = new long[4096];
    long[] delayBps = new long[4096];
    long[] lossLimitBps = new long[4096];
    long[] ackedBps = new long[4096];
    long[] linkCapacityBps = new long[4096];
    boolean[] competing = new boolean[4096];
    boolean[] timedOut = new boolean[4096];

    void add(long nowNs, CongestionController c) {
        if (size == timeNs.length) {
            int n = size * 2;
            timeNs = Arrays.copyOf(timeNs, n);
            targetBps = Arrays.copyOf(targetBps, n);
            delayBps = Arrays.copyOf(delayBps, n);
            lossLimitBps = Arrays.copyOf(lossLimitBps, n);
            ackedBps = Arrays.copyOf(ackedBps, n);
            linkCapacityBps = Arrays.copyOf(linkCapacityBps, n);
            competing = Arrays.copyOf(competing, n);
            timedOut = Arrays.copyOf(timedOut, n);
        }
        timeNs[size] = nowNs;
        targetBps[size] = c.targetBitrateBps();
        delayBps[size] = c.delayBasedEstimateBps();
        lossLimitBps[size] = c.lossBasedLimitBps();
        ackedBps[size] = c.ackedBitrateBps();
        linkCapacityBps[size] = c.linkCapacityEstimateBps();
        competing[size] = c.isCompetingWithLossBasedTraffic();
        timedOut[size] = c.isFeedbackTimedOut();
        size++;
    }
}
