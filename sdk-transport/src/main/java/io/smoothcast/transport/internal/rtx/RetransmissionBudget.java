package io.smoothcast.transport.internal.rtx;

import java.util.Arrays;

/**
 * Bounds a sender's retransmissions: the RTX bytes queued (or sent) over a sliding window of
 * about one second may not exceed what the congestion controller's current target for that path
 * allows in that window, and neither may the RTX packets exceed {@link #maxPackets}: the bytes
 * allowed over {@value #PACKET_CAP_BYTES} bytes a packet, at least {@value #MIN_PACKETS_PER_SECOND}
 * a second. One instance per path: the broadcaster's to its node, the direct RTP
 * sender's to its peer, and the relay's to each subscriber session (bounded by that
 * subscriber's downlink estimate, {@link #MAX_SHARE} of it).
 *
 * <p>Why: retransmissions answer losses, and many losses mean the path is full. Without a bound,
 * a capacity drop makes the receiver NACK every packet the full bottleneck buffer dropped, the
 * answers queue up behind one another at far more than the new target, the pacer drains them,
 * and most are lost again. libwebrtc bounds its retransmissions the same way (RTX rate over
 * 1 s at most the target bitrate).
 *
 * <p>Why packets too: a byte budget alone lets small packets through at the packet rate of their
 * size. A 5 Mbit/s budget is 520 full-size (1 200-byte) retransmissions a second, but 4 800 of
 * 130-byte audio packets, and the cost of a retransmission (the NACK walk, a cache look-up, a
 * buffer, a send call, and 28 bytes of IP and UDP the budget does not see) is per packet. The
 * cap lets RTX through at most at twice the packet rate of full-size packets, so a flow of video
 * packets averaging {@value #PACKET_CAP_BYTES} bytes or more is bounded by bytes alone; the floor
 * keeps one 20 ms audio track repairable even at 100 % loss on a path whose target is tiny.
 * libwebrtc bounds retransmissions by bytes only; the packet cap is this project's addition.
 *
 * <p>Only bytes that actually go out are {@linkplain #record recorded}: a NACKed packet that is
 * no longer cached costs nothing, so a burst of unanswerable NACKs (a viewer asking its new node
 * for what only the old one had) leaves the budget whole for real repairs.
 *
 * <p>The window is kept as {@value #BUCKETS} buckets of {@code windowNs / BUCKETS}: a byte
 * leaves the window between {@code windowNs - bucket} and {@code windowNs} after it was counted.
 * Nothing is allocated after construction.
 *
 * <p>Not thread-safe: used by the one thread that answers its path's NACKs.
 */
public final class RetransmissionBudget {

    /** The window every sender uses: one second, as libwebrtc's retransmission rate limiter. */
    public static final long WINDOW_NS = 1_000_000_000L;

    /**
     * Largest share of a path's target that its retransmissions may use, so media plus
     * retransmissions stay within the target: the sender gives RTX at most this share
     * ({@link #allowedBitrateBps}) and its media the rest, less what RTX used over the last
     * window ({@link #mediaTargetBps}). libwebrtc's encoder gets the target less the measured
     * protection rate (NACK and FEC), that share capped at one half.
     */
    public static final double MAX_SHARE = 0.5;

    /** Buckets the window is split into. */
    static final int BUCKETS = 20;
    /**
     * Bytes of budget per retransmitted packet the packet cap assumes: half a full-size packet
     * (the packetizers' default payload bound is 1 200 bytes), so RTX packets go out at most at
     * twice the rate full-size ones could.
     */
    public static final int PACKET_CAP_BYTES = 600;
    /** Floor of the packet cap, per second of window: one audio track of 20 ms packets. */
    public static final int MIN_PACKETS_PER_SECOND = 50;

    private final long windowNs;
    private final long bucketNs;
    private final long[] bucketBytes = new long[BUCKETS];
    private final int[] bucketPackets = new int[BUCKETS];
    private long bytesInWindow;
    private int packetsInWindow;
    /** Index in time ({@code nowNs / bucketNs}) of the newest bucket; valid once {@link #started}. */
    private long newestBucket;
    private boolean started;

    /**
     * @param windowNs the sliding window's length in ns, at least {@value #BUCKETS} ns
     */
    public RetransmissionBudget(long windowNs) {
        if (windowNs < BUCKETS) {
            throw new IllegalArgumentException("windowNs must be >= " + BUCKETS + ": " + windowNs);
        }
        this.windowNs = windowNs;
        this.bucketNs = windowNs / BUCKETS;
    }

    /**
     * Whether {@code sizeBytes} more would stay within the budget; counts nothing.
     *
     * @param sizeBytes the retransmission's size in bytes
     * @param targetBitrateBps the rate the retransmissions may use in bit/s: the congestion
     *     controller's current target, or the share of it the sender gives them
     * @param nowNs the current time
     * @return true if the bytes of the window plus {@code sizeBytes} fit {@code targetBitrateBps}
     *     over the window, and one more packet fits {@link #maxPackets}
     */
    public boolean hasRoomFor(int sizeBytes, long targetBitrateBps, long nowNs) {
        advance(nowNs);
        return bytesInWindow + sizeBytes <= allowedBytes(targetBitrateBps)
                && packetsInWindow < maxPackets(targetBitrateBps);
    }

    /**
     * The packet cap: RTX packets allowed over the window at this target.
     *
     * @param targetBitrateBps the congestion controller's current target in bit/s
     * @return the allowed bytes over {@value #PACKET_CAP_BYTES}, at least
     *     {@value #MIN_PACKETS_PER_SECOND} per second of window
     */
    public long maxPackets(long targetBitrateBps) {
        long floor = (long) (MIN_PACKETS_PER_SECOND * (windowNs / 1e9));
        return Math.max(floor, (long) (allowedBytes(targetBitrateBps) / PACKET_CAP_BYTES));
    }

    private double allowedBytes(long targetBitrateBps) {
        return targetBitrateBps / 8.0 * windowNs / 1e9;
    }

    /**
     * Counts a queued retransmission in the window.
     *
     * @param sizeBytes its size in bytes
     * @param nowNs the current time
     */
    public void record(int sizeBytes, long nowNs) {
        advance(nowNs);
        int slot = (int) Math.floorMod(newestBucket, (long) BUCKETS);
        bucketBytes[slot] += sizeBytes;
        bucketPackets[slot]++;
        bytesInWindow += sizeBytes;
        packetsInWindow++;
    }

    /** @return the retransmitted bytes counted in the current window */
    public long bytesInWindow() {
        return bytesInWindow;
    }

    /**
     * The rate of the retransmissions counted in the window, as of now.
     *
     * @param nowNs the current time
     * @return their bytes over the window, in bit/s
     */
    public long bitrateBps(long nowNs) {
        advance(nowNs);
        return (long) (bytesInWindow * 8 * 1e9 / windowNs);
    }

    /**
     * The rate a path's retransmissions may use: {@link #MAX_SHARE} of its target.
     *
     * @param targetBitrateBps the path's target (the congestion controller's, or its estimate of
     *     the path) in bit/s
     * @return the rate to pass to {@link #hasRoomFor}, in bit/s
     */
    public static long allowedBitrateBps(long targetBitrateBps) {
        return (long) (targetBitrateBps * MAX_SHARE);
    }

    /**
     * The media target of a path: its target less the rate of the retransmissions counted over
     * the window, that rate taken at most {@link #allowedBitrateBps} of the target, so media
     * plus retransmissions stay within the target and media keeps at least half of it.
     *
     * @param targetBitrateBps the path's target in bit/s
     * @param nowNs the current time
     * @return the rate left to media, in bit/s
     */
    public long mediaTargetBps(long targetBitrateBps, long nowNs) {
        return targetBitrateBps - Math.min(bitrateBps(nowNs), allowedBitrateBps(targetBitrateBps));
    }

    /** @return the retransmitted packets counted in the current window */
    public int packetsInWindow() {
        return packetsInWindow;
    }

    private void advance(long nowNs) {
        long bucket = Math.floorDiv(nowNs, bucketNs);
        if (!started) {
            started = true;
            newestBucket = bucket;
            return;
        }
        long steps = bucket - newestBucket;
        if (steps <= 0) {
            return; // same bucket (or a clock read out of order: keep counting in the newest)
        }
        if (steps >= BUCKETS) {
            Arrays.fill(bucketBytes, 0);
            Arrays.fill(bucketPackets, 0);
            bytesInWindow = 0;
            packetsInWindow = 0;
            newestBucket = bucket;
            return;
        }
        for (long s = 0; s < steps; s++) {
            newestBucket++;
            int slot = (int) Math.floorMod(newestBucket, (long) BUCKETS);
            bytesInWindow -= bucketBytes[slot];
            packetsInWindow -= bucketPackets[slot];
            bucketBytes[slot] = 0;
            bucketPackets[slot] = 0;
        }
    }
}
