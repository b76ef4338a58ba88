package io.smoothcast.cc.internal;

/**
 * Measures what a probe cluster got through: once enough of a registered cluster has been
 * acknowledged, the send rate (bytes without the last sent packet over the send span) and the
 * receive rate (bytes without the first arrival over the arrival span) are compared. If the
 * receiver saw clearly less than was sent, the path is saturated and the result is 95 % of the
 * receive rate; otherwise it is the smaller of the two. Each cluster yields one result.
 *
 * <p>Thread-safety: not thread-safe. Allocation-free after construction.
 */
public final class ProbeBitrateEstimator {

    private static final int SLOTS = 8;
    private static final double MIN_RECEIVED_SHARE = 0.8;
    private static final double UNSATURATED_RATIO = 0.9;
    private static final double SATURATED_UTILIZATION = 0.95;
    private static final long MAX_SPAN_NS = 1_000_000_000L;

    private final int[] ids = new int[SLOTS];
    private final long[] targetsBps = new long[SLOTS];
    private final int[] minPackets = new int[SLOTS];
    private final long[] minBytes = new long[SLOTS];
    private final int[] packets = new int[SLOTS];
    private final long[] bytes = new long[SLOTS];
    private final long[] firstSendNs = new long[SLOTS];
    private final long[] lastSendNs = new long[SLOTS];
    private final int[] lastSendSize = new int[SLOTS];
    private final long[] firstArrivalNs = new long[SLOTS];
    private final long[] lastArrivalNs = new long[SLOTS];
    private final int[] firstArrivalSize = new int[SLOTS];
    private final boolean[] done = new boolean[SLOTS];
    private int nextSlot;
    private long lastResultTargetBps;
    private int lastResultClusterId = -1;

    public ProbeBitrateEstimator() {
        java.util.Arrays.fill(ids, -1);
    }

    /**
     * Registers a cluster before its packets are sent (the oldest of {@value #SLOTS} is forgotten).
     *
     * @param clusterId the id the pacer tags its packets with
     * @param targetBps the rate the cluster is sent at
     * @param clusterMinPackets packets in the cluster
     * @param clusterMinBytes bytes in the cluster
     */
    public void register(int clusterId, long targetBps, int clusterMinPackets, long clusterMinBytes) {
        int slot = nextSlot;
        nextSlot = (nextSlot + 1) % SLOTS;
        ids[slot] = clusterId;
        targetsBps[slot] = targetBps;
        minPackets[slot] = clusterMinPackets;
        minBytes[slot] = clusterMinBytes;
        packets[slot] = 0;
        bytes[slot] = 0;
        done[slot] = false;
    }

    /**
     * Adds an acknowledged probe packet.
     *
     * @return the cluster's result in bit/s when this packet completes it, else -1
     */
    public long add(int clusterId, long sendTimeNs, long arrivalTimeNs, int sizeBytes) {
        int slot = -1;
        for (int i = 0; i < SLOTS; i++) {
            if (ids[i] == clusterId) {
                slot = i;
                break;
            }
        }
        if (slot < 0 || done[slot]) {
            return -1;
        }
        if (packets[slot] == 0) {
            firstSendNs[slot] = sendTimeNs;
            lastSendNs[slot] = sendTimeNs;
            lastSendSize[slot] = sizeBytes;
            firstArrivalNs[slot] = arrivalTimeNs;
            lastArrivalNs[slot] = arrivalTimeNs;
            firstArrivalSize[slot] = sizeBytes;
        } else {
            if (sendTimeNs - firstSendNs[slot] < 0) {
                firstSendNs[slot] = sendTimeNs;
            }
            if (sendTimeNs - lastSendNs[slot] >= 0) {
                lastSendNs[slot] = sendTimeNs;
                lastSendSize[slot] = sizeBytes;
            }
            if (arrivalTimeNs - firstArrivalNs[slot] < 0) {
                firstArrivalNs[slot] = arrivalTimeNs;
                firstArrivalSize[slot] = sizeBytes;
            }
            if (arrivalTimeNs - lastArrivalNs[slot] > 0) {
                lastArrivalNs[slot] = arrivalTimeNs;
            }
        }
        packets[slot]++;
        bytes[slot] += sizeBytes;
        if (packets[slot] < MIN_RECEIVED_SHARE * minPackets[slot] || bytes[slot] < MIN_RECEIVED_SHARE * minBytes[slot]) {
            return -1;
        }
        long sendSpanNs = lastSendNs[slot] - firstSendNs[slot];
        long receiveSpanNs = lastArrivalNs[slot] - firstArrivalNs[slot];
        if (sendSpanNs <= 0 || receiveSpanNs <= 0 || sendSpanNs > MAX_SPAN_NS || receiveSpanNs > MAX_SPAN_NS) {
            done[slot] = true;
            return -1; // unusable timing: no result rather than a wrong one
        }
        done[slot] = true;
        lastResultTargetBps = targetsBps[slot];
        lastResultClusterId = clusterId;
        double sendBps = (bytes[slot] - lastSendSize[slot]) * 8e9 / sendSpanNs;
        double receiveBps = (bytes[slot] - firstArrivalSize[slot]) * 8e9 / receiveSpanNs;
        if (receiveBps < UNSATURATED_RATIO * sendBps) {
            return (long) (SATURATED_UTILIZATION * receiveBps);
        }
        return (long) Math.min(sendBps, receiveBps);
    }

    /** @return the rate the cluster of the last result was sent at, in bit/s */
    public long lastResultTargetBps() {
        return lastResultTargetBps;
    }

    /** @return the id of the cluster of the last result, or -1 */
    public int lastResultClusterId() {
        return lastResultClusterId;
    }
}
