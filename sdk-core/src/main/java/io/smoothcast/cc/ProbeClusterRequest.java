package io.smoothcast.cc;

/**
 * A probe cluster the {@link CongestionController} asks the {@link Pacer} to send: a short burst
 * of packets at {@link #bitrateBps()} (media if queued, padding otherwise), each tagged with
 * {@link #clusterId()} so the controller can measure what got through. A mutable holder that the
 * caller reuses; filled by {@link CongestionController#pollProbeCluster(ProbeClusterRequest)}.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class ProbeClusterRequest {

    int clusterId = -1;
    long bitrateBps;
    int minPackets;
    long minBytes;

    /** @return the cluster id, &gt;= 0 once filled */
    public int clusterId() {
        return clusterId;
    }

    /** @return the rate to send the cluster at, in bit/s */
    public long bitrateBps() {
        return bitrateBps;
    }

    /** @return at least this many packets belong to the cluster */
    public int minPackets() {
        return minPackets;
    }

    /** @return at least this many bytes belong to the cluster */
    public long minBytes() {
        return minBytes;
    }

    /**
     * Fills the request by hand (for tests and for callers that drive the pacer directly).
     *
     * @param clusterId the id, &gt;= 0
     * @param bitrateBps the rate, &gt; 0
     * @param minPackets packets, &gt; 0
     * @param minBytes bytes, &gt; 0
     * @return this request
     */
    public ProbeClusterRequest set(int clusterId, long bitrateBps, int minPackets, long minBytes) {
        if (clusterId < 0 || bitrateBps <= 0 || minPackets <= 0 || minBytes <= 0) {
            throw new IllegalArgumentException("clusterId, bitrateBps, minPackets, minBytes must be positive: "
                    + clusterId + ", " + bitrateBps + ", " + minPackets + ", " + minBytes);
        }
        this.clusterId = clusterId;
        this.bitrateBps = bitrateBps;
        this.minPackets = minPackets;
        this.minBytes = minBytes;
        return this;
    }
}
