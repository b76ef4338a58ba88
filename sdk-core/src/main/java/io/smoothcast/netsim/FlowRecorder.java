package io.smoothcast.netsim;

import java.util.Arrays;

/**
 * A {@link PacketObserver} that keeps what congestion-control metrics need: bytes delivered per
 * flow in fixed time bins (by arrival time) and the queueing delay of every packet on the forward
 * link (by send time). Afterwards it answers throughput and queue-delay percentiles over any time
 * range. Memory grows with the run (a few longs per forward packet); it is a measuring tool for
 * simulations, not for production paths.
 *
 * <p>Thread-safety: not thread-safe; fed by the simulator's thread.
 */
public final class FlowRecorder implements PacketObserver {

    private final long binNs;
    private long[][] bytesPerBin = new long[4][1024];
    private long[] queueDelaysNs = new long[4096];
    private long[] queueSendTimesNs = new long[4096];
    private int queueSamples;
    private long forwardDrops;

    /** @param binNs width of the throughput bins in ns, &gt; 0 (100 ms is a good default) */
    public FlowRecorder(long binNs) {
        if (binNs <= 0) {
            throw new IllegalArgumentException("binNs must be > 0: " + binNs);
        }
        this.binNs = binNs;
    }

    @Override
    public void onDelivered(int flowId, Direction direction, long sequence, int sizeBytes, long sendTimeNs,
            long arrivalTimeNs, long queueDelayNs) {
        if (direction != Direction.FORWARD || arrivalTimeNs < 0) {
            return;
        }
        long bin = arrivalTimeNs / binNs;
        if (bin > Integer.MAX_VALUE - 8) {
            return;
        }
        ensureBin(flowId, (int) bin);
        bytesPerBin[flowId][(int) bin] += sizeBytes;
        if (queueSamples == queueDelaysNs.length) {
            queueDelaysNs = Arrays.copyOf(queueDelaysNs, queueSamples * 2);
            queueSendTimesNs = Arrays.copyOf(queueSendTimesNs, queueSamples * 2);
        }
        queueDelaysNs[queueSamples] = queueDelayNs;
        queueSendTimesNs[queueSamples] = sendTimeNs;
        queueSamples++;
    }

    @Override
    public void onDropped(int flowId, Direction direction, long sequence, int sizeBytes, long timeNs, int reason) {
        if (direction == Direction.FORWARD) {
            forwardDrops++;
        }
    }

    private void ensureBin(int flowId, int bin) {
        if (flowId >= bytesPerBin.length) {
            bytesPerBin = Arrays.copyOf(bytesPerBin, Math.max(flowId + 1, bytesPerBin.length * 2));
        }
        if (bytesPerBin[flowId] == null) {
            bytesPerBin[flowId] = new long[1024];
        }
        if (bin >= bytesPerBin[flowId].length) {
            bytesPerBin[flowId] = Arrays.copyOf(bytesPerBin[flowId], Math.max(bin + 1, bytesPerBin[flowId].length * 2));
        }
    }

    /**
     * Delivered bitrate of a flow over whole bins in {@code [fromNs, toNs)}.
     *
     * @param flowId the flow
     * @param fromNs start (rounded down to a bin)
     * @param toNs end (rounded down to a bin), after {@code fromNs}
     * @return bit/s
     */
    public double throughputBps(int flowId, long fromNs, long toNs) {
        if (toNs <= fromNs) {
            throw new IllegalArgumentException("toNs must be after fromNs: " + fromNs + ", " + toNs);
        }
        long bytes = 0;
        if (flowId < bytesPerBin.length && bytesPerBin[flowId] != null) {
            long[] bins = bytesPerBin[flowId];
            for (long bin = fromNs / binNs; bin < toNs / binNs && bin < bins.length; bin++) {
                bytes += bins[(int) bin];
            }
        }
        return bytes * 8.0 * 1e9 / (toNs - fromNs);
    }

    /**
     * A percentile of the forward queueing delay of packets sent in {@code [fromNs, toNs)} that
     * were delivered.
     *
     * @param fromNs start of the send-time range
     * @param toNs end of the send-time range
     * @param percentile 0 to 100 (100 = the largest)
     * @return the delay in ns, or 0 if no packet qualifies
     */
    public long queueDelayPercentileNs(long fromNs, long toNs, double percentile) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100]: " + percentile);
        }
        long[] window = new long[queueSamples];
        int n = 0;
        for (int i = 0; i < queueSamples; i++) {
            if (queueSendTimesNs[i] >= fromNs && queueSendTimesNs[i] < toNs) {
                window[n++] = queueDelaysNs[i];
            }
        }
        if (n == 0) {
            return 0;
        }
        Arrays.sort(window, 0, n);
        int index = (int) Math.ceil(percentile / 100.0 * n) - 1;
        return window[Math.max(0, Math.min(n - 1, index))];
    }

    /** @return packets dropped on the forward link so far */
    public long forwardDrops() {
        return forwardDrops;
    }
}
