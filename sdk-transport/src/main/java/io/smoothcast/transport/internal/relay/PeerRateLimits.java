package io.smoothcast.transport.internal.relay;

/**
 * Caps on what one authenticated session may send (SECURITY.md, "Rate limits"): a publisher's
 * RTP packet rate and bit rate, each with a burst allowance, and the rate of RTCP and control
 * messages of any session with an accepted role (a subscriber's NACKs, PLIs, reports and
 * transport-cc feedback; a publisher's reports; keepalives). Whatever goes over is dropped and
 * counted, so one misbehaving peer cannot take the node's CPU or its subscribers' bandwidth.
 *
 * @param publisherPacketsPerSecond sustained RTP packets per second per publisher, at least 1
 * @param publisherBitsPerSecond sustained RTP bits per second per publisher (UDP payload), at least 1
 * @param publisherBurstMs how far ahead of the sustained rates a publisher may be (keyframes,
 *     pacer bursts), in milliseconds, at least 1
 * @param controlPerSecond sustained RTCP and control messages per second per session, at least 1
 * @param controlBurst messages a session may send at once, at least 1
 */
public record PeerRateLimits(long publisherPacketsPerSecond, long publisherBitsPerSecond, int publisherBurstMs,
        int controlPerSecond, int controlBurst) {

    /**
     * Room for a 3-layer simulcast publisher at well over its top rate (8 Mbps default maximum
     * plus retransmissions and probes) and for a viewer's feedback every 10 ms on several
     * tracks: 10,000 packets/s, 50 Mbps, 250 ms bursts; 1,000 messages/s, bursts of 500.
     */
    public static final PeerRateLimits DEFAULTS = new PeerRateLimits(10_000, 50_000_000L, 250, 1_000, 500);

    /** Validates the limits. */
    public PeerRateLimits {
        if (publisherPacketsPerSecond < 1 || publisherPacketsPerSecond > 1_000_000_000L) {
            throw new IllegalArgumentException("publisherPacketsPerSecond must be 1-1e9: " + publisherPacketsPerSecond);
        }
        if (publisherBitsPerSecond < 1) {
            throw new IllegalArgumentException("publisherBitsPerSecond must be >= 1: " + publisherBitsPerSecond);
        }
        if (publisherBurstMs < 1) {
            throw new IllegalArgumentException("publisherBurstMs must be >= 1: " + publisherBurstMs);
        }
        if (controlPerSecond < 1 || controlPerSecond > 1_000_000_000) {
            throw new IllegalArgumentException("controlPerSecond must be 1-1e9: " + controlPerSecond);
        }
        if (controlBurst < 1) {
            throw new IllegalArgumentException("controlBurst must be >= 1: " + controlBurst);
        }
    }
}
