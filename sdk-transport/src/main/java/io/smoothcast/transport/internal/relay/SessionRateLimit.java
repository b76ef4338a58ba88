package io.smoothcast.transport.internal.relay;

/**
 * One session's position against its {@link PeerRateLimits}, kept as theoretical arrival times
 * (generic cell rate algorithm, as {@link SourceRateLimiter}): for packets, for bits and for
 * control messages. A message is allowed while its theoretical arrival time is no further ahead
 * of now than the burst allowance; an allowed message pushes it on by its cost (one interval, or
 * its size in bits at the sustained rate). Refused messages cost nothing.
 *
 * <p>Not thread-safe: the relay's I/O thread only. Time comes from the caller. Allocates nothing.
 */
final class SessionRateLimit {

    private static final long NS_PER_SECOND = 1_000_000_000L;

    private final long packetIntervalNs;
    private final long bitsPerSecond;
    private final long mediaBurstNs;
    private final long controlIntervalNs;
    private final long controlBurstNs;
    private long packetTatNs;
    private long bitTatNs;
    private long controlTatNs;
    private boolean started;

    SessionRateLimit(PeerRateLimits limits, long nowNs) {
        this.packetIntervalNs = Math.max(1, NS_PER_SECOND / limits.publisherPacketsPerSecond());
        this.bitsPerSecond = limits.publisherBitsPerSecond();
        this.mediaBurstNs = limits.publisherBurstMs() * 1_000_000L;
        this.controlIntervalNs = Math.max(1, NS_PER_SECOND / limits.controlPerSecond());
        this.controlBurstNs = controlIntervalNs * (limits.controlBurst() - 1L);
        this.packetTatNs = nowNs;
        this.bitTatNs = nowNs;
        this.controlTatNs = nowNs;
    }

    /**
     * @param bytes the RTP datagram's size
     * @param nowNs the current time
     * @return true if within the publisher caps (and now counted), false to drop it
     */
    boolean allowMedia(int bytes, long nowNs) {
        long packetBase = packetTatNs - nowNs > 0 ? packetTatNs : nowNs;
        long bitBase = bitTatNs - nowNs > 0 ? bitTatNs : nowNs;
        if (packetBase - nowNs > mediaBurstNs || bitBase - nowNs > mediaBurstNs) {
            return false;
        }
        packetTatNs = packetBase + packetIntervalNs;
        // bytes < 2^16, so bytes * 8e9 < 2^53: no overflow
        bitTatNs = bitBase + Math.max(1, (long) bytes * 8 * NS_PER_SECOND / bitsPerSecond);
        return true;
    }

    /**
     * @param nowNs the current time
     * @return true if within the control message cap (and now counted), false to drop it
     */
    boolean allowControl(long nowNs) {
        long base = controlTatNs - nowNs > 0 ? controlTatNs : nowNs;
        if (base - nowNs > controlBurstNs) {
            return false;
        }
        controlTatNs = base + controlIntervalNs;
        return true;
    }
}
