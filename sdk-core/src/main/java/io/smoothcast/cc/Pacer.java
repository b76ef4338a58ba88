package io.smoothcast.cc;

import java.util.Objects;

/**
 * Decides when and which queued packet goes on the wire: strict priority between
 * {@link PacketPriority} classes (FIFO within a class), a token bucket at
 * {@code pacingFactor x target bitrate} that allows bursts of up to {@code burstNs} worth of
 * bytes, and probe clusters sent at their own rate with padding when no media is queued.
 *
 * <p>The pacer never touches packet bytes: the caller enqueues a handle (an index into its own
 * packet pool, say) and a size, then calls {@link #poll(long)} when {@link #nextSendTimeNs(long)}
 * says so and sends what it returns. {@link #PADDING} asks the caller to make a padding packet of
 * {@link #lastSizeBytes()} bytes. Every packet returned during a probe cluster has
 * {@link #lastProbeClusterId()} set; pass it to
 * {@link CongestionController#onPacketSent(long, int, long, int)}.
 *
 * <p>If the queue would not drain before its oldest packet has waited {@code maxQueueTimeNs} at
 * the pacing rate, the rate is raised so it does (a huge key frame must not sit for seconds).
 *
 * <p>Enqueue and poll allocate nothing: each class has a pre-allocated ring; a full ring refuses
 * the packet ({@link #enqueue} returns false), it never grows.
 *
 * <p>Thread-safety: not thread-safe; one pacing thread owns it.
 */
public final class Pacer {

    /** {@link #poll(long)} result: nothing to send now. */
    public static final long NO_PACKET = -1L;
    /** {@link #poll(long)} result: send a padding packet of {@link #lastSizeBytes()} bytes. */
    public static final long PADDING = -2L;

    private static final int CLASSES = PacketPriority.values().length;
    private static final int MAX_PENDING_CLUSTERS = 4;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Floor of the time left to drain the queue, so the rate stays finite. */
    private static final long MIN_DRAIN_TIME_NS = 10_000_000L;

    private final double pacingFactor;
    private final long burstNs;
    private final long maxQueueTimeNs;
    private final int paddingPacketBytes;
    private final int mask;
    private final long[][] handles;
    private final int[][] sizes;
    private final long[][] enqueueTimesNs;
    private final int[] heads = new int[CLASSES];
    private final int[] counts = new int[CLASSES];
    private long queuedBytes;
    private int queuedPackets;

    /** Whether the rate is raised to drain the queue within {@link #maxQueueTimeNs}. */
    private boolean queueDrainSpeedUp = true;
    private long pacingRateBps;
    /** The rate in force since the last refill: the pacing rate, or more to drain a long queue. */
    private long currentRateBps;
    private double tokensBits;
    private long lastRefillNs;
    private boolean haveRefill;

    // Probe clusters: the running one, then a small queue of pending ones.
    private final int[] clusterIds = new int[MAX_PENDING_CLUSTERS];
    private final long[] clusterRatesBps = new long[MAX_PENDING_CLUSTERS];
    private final int[] clusterMinPackets = new int[MAX_PENDING_CLUSTERS];
    private final long[] clusterMinBytes = new long[MAX_PENDING_CLUSTERS];
    private int clusterHead;
    private int clusterCount;
    private int clusterSentPackets;
    private long clusterSentBytes;
    private long clusterNextSendNs;
    private boolean clusterTimingStarted;
    /**
     * The probe state before the last {@link #poll(long)}, if that poll sent a packet of a
     * cluster: {@link #refundLast()} puts it back, so a dropped packet neither counts towards the
     * cluster nor uses its slot in the cluster's timing.
     */
    private boolean lastPollProbed;
    private int undoClusterHead;
    private int undoClusterCount;
    private int undoClusterSentPackets;
    private long undoClusterSentBytes;
    private long undoClusterNextSendNs;
    private boolean undoClusterTimingStarted;

    private int lastSizeBytes;
    private int lastProbeClusterId = -1;
    private PacketPriority lastPriority;
    private long lastEnqueueTimeNs;
    private long rejectedPackets;

    private Pacer(Builder builder) {
        this.pacingFactor = builder.pacingFactor;
        this.burstNs = builder.burstNs;
        this.maxQueueTimeNs = builder.maxQueueTimeNs;
        this.paddingPacketBytes = builder.paddingPacketBytes;
        this.mask = builder.queueCapacityPerClass - 1;
        this.handles = new long[CLASSES][builder.queueCapacityPerClass];
        this.sizes = new int[CLASSES][builder.queueCapacityPerClass];
        this.enqueueTimesNs = new long[CLASSES][builder.queueCapacityPerClass];
        setTargetBitrateBps(builder.initialTargetBitrateBps);
    }

    /** @return a builder: factor 2.5, 10 ms bursts, 2 s queue limit, 1024 packets per class */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sets the target the pacing rate is derived from.
     *
     * @param bitrateBps the congestion controller's target in bit/s, &gt; 0
     */
    public void setTargetBitrateBps(long bitrateBps) {
        if (bitrateBps <= 0) {
            throw new IllegalArgumentException("bitrateBps must be > 0: " + bitrateBps);
        }
        this.pacingRateBps = Math.max(1, (long) (bitrateBps * pacingFactor));
        this.currentRateBps = pacingRateBps;
    }

    /**
     * Turns the queue-time speed-up (the rate raised so that the queue drains before its oldest
     * packet has waited {@code maxQueueTimeNs}) on or off; on by default. A caller that drops
     * packets too old to be worth sending ({@link #refundLast()}) turns it off: the speed-up would
     * count them and send the queue, whatever the source hands in, up to the source's rate, above
     * the target the path was measured to carry, instead of letting them age out.
     *
     * @param enabled whether the rate may be raised above the pacing rate to drain the queue
     */
    public void setQueueDrainSpeedUp(boolean enabled) {
        this.queueDrainSpeedUp = enabled;
    }

    /** @return the pacing rate in bit/s before any queue-time boost */
    public long pacingRateBps() {
        return pacingRateBps;
    }

    /**
     * Queues a packet.
     *
     * @param priority its class
     * @param handle the caller's id for it, &gt;= 0
     * @param sizeBytes its size on the wire, &gt; 0
     * @param nowNs the current time
     * @return false if that class's ring is full (the packet is not queued)
     */
    public boolean enqueue(PacketPriority priority, long handle, int sizeBytes, long nowNs) {
        Objects.requireNonNull(priority, "priority");
        if (handle < 0) {
            throw new IllegalArgumentException("handle must be >= 0: " + handle);
        }
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("sizeBytes must be > 0: " + sizeBytes);
        }
        int c = priority.ordinal();
        if (counts[c] == mask + 1) {
            rejectedPackets++;
            return false;
        }
        int tail = (heads[c] + counts[c]) & mask;
        handles[c][tail] = handle;
        sizes[c][tail] = sizeBytes;
        enqueueTimesNs[c][tail] = nowNs;
        counts[c]++;
        queuedBytes += sizeBytes;
        queuedPackets++;
        return true;
    }

    /**
     * Starts (or queues behind the running one) a probe cluster.
     *
     * @param cluster the cluster from {@link CongestionController#pollProbeCluster}
     * @param nowNs the current time
     * @return false if too many clusters are already pending (the cluster is dropped)
     */
    public boolean startProbeCluster(ProbeClusterRequest cluster, long nowNs) {
        Objects.requireNonNull(cluster, "cluster");
        if (cluster.clusterId() < 0) {
            throw new IllegalArgumentException("cluster is not filled");
        }
        if (clusterCount == MAX_PENDING_CLUSTERS) {
            return false;
        }
        int slot = (clusterHead + clusterCount) % MAX_PENDING_CLUSTERS;
        clusterIds[slot] = cluster.clusterId();
        clusterRatesBps[slot] = cluster.bitrateBps();
        clusterMinPackets[slot] = cluster.minPackets();
        clusterMinBytes[slot] = cluster.minBytes();
        if (clusterCount == 0) {
            beginCluster(nowNs);
        }
        clusterCount++;
        return true;
    }

    private void beginCluster(long nowNs) {
        clusterSentPackets = 0;
        clusterSentBytes = 0;
        clusterNextSendNs = nowNs;
        clusterTimingStarted = false;
    }

    /**
     * Returns the packet to send now, if any, and removes it from the queue.
     *
     * @param nowNs the current time
     * @return a handle, {@link #PADDING} (make a padding packet of {@link #lastSizeBytes()}),
     *     or {@link #NO_PACKET}
     */
    public long poll(long nowNs) {
        refill(nowNs);
        lastPollProbed = false;
        if (clusterCount > 0) {
            return pollProbe(nowNs);
        }
        if (queuedPackets == 0 || tokensBits <= 0) {
            return NO_PACKET;
        }
        long handle = dequeueHighest();
        tokensBits -= lastSizeBytes * 8.0;
        lastProbeClusterId = -1;
        return handle;
    }

    /**
     * Gives back the budget of the packet {@link #poll(long)} last returned, which the caller
     * dropped instead of sending (a frame too old to be worth sending): the next packet may leave
     * in its place, so dropping frees the path for the newer ones. A packet of a probe cluster is
     * taken back from the cluster too (its count, and its slot in the cluster's timing: the next
     * packet is the probe's in its place), so the probe is made of sent packets only, as the
     * congestion controller, told of sent packets only, expects. Call it right after that poll,
     * at most once.
     */
    public void refundLast() {
        tokensBits += lastSizeBytes * 8.0;
        if (lastPollProbed) {
            lastPollProbed = false;
            clusterHead = undoClusterHead;
            clusterCount = undoClusterCount;
            clusterSentPackets = undoClusterSentPackets;
            clusterSentBytes = undoClusterSentBytes;
            clusterNextSendNs = undoClusterNextSendNs;
            clusterTimingStarted = undoClusterTimingStarted;
        }
    }

    private long pollProbe(long nowNs) {
        if (clusterTimingStarted && clusterNextSendNs - nowNs > 0) {
            return NO_PACKET;
        }
        int slot = clusterHead;
        lastPollProbed = true;
        undoClusterHead = clusterHead;
        undoClusterCount = clusterCount;
        undoClusterSentPackets = clusterSentPackets;
        undoClusterSentBytes = clusterSentBytes;
        undoClusterNextSendNs = clusterNextSendNs;
        undoClusterTimingStarted = clusterTimingStarted;
        long handle;
        if (queuedPackets > 0) {
            handle = dequeueHighest();
        } else {
            // Full-size padding: fewer, larger packets make the probe's timing more accurate.
            lastSizeBytes = paddingPacketBytes;
            lastPriority = PacketPriority.PADDING;
            lastEnqueueTimeNs = nowNs;
            handle = PADDING;
        }
        lastProbeClusterId = clusterIds[slot];
        clusterSentPackets++;
        clusterSentBytes += lastSizeBytes;
        // Probe bytes also use the media budget, so media does not burst right after the probe.
        tokensBits -= lastSizeBytes * 8.0;
        long base = clusterTimingStarted ? clusterNextSendNs : nowNs;
        clusterTimingStarted = true;
        clusterNextSendNs = base + lastSizeBytes * 8L * NANOS_PER_SECOND / clusterRatesBps[slot];
        if (clusterSentPackets >= clusterMinPackets[slot] && clusterSentBytes >= clusterMinBytes[slot]) {
            clusterHead = (clusterHead + 1) % MAX_PENDING_CLUSTERS;
            clusterCount--;
            if (clusterCount > 0) {
                beginCluster(nowNs);
            }
        }
        return handle;
    }

    private long dequeueHighest() {
        for (int c = 0; c < CLASSES; c++) {
            if (counts[c] > 0) {
                int head = heads[c];
                long handle = handles[c][head];
                lastSizeBytes = sizes[c][head];
                lastEnqueueTimeNs = enqueueTimesNs[c][head];
                lastPriority = PacketPriority.of(c);
                heads[c] = (head + 1) & mask;
                counts[c]--;
                queuedBytes -= lastSizeBytes;
                queuedPackets--;
                return handle;
            }
        }
        throw new IllegalStateException("queue accounting broken: " + queuedPackets + " packets counted");
    }

    private void refill(long nowNs) {
        if (!haveRefill) {
            haveRefill = true;
            lastRefillNs = nowNs;
            tokensBits = bucketBits(pacingRateBps);
            return;
        }
        long elapsedNs = nowNs - lastRefillNs;
        if (elapsedNs <= 0) {
            return;
        }
        lastRefillNs = nowNs;
        currentRateBps = effectiveRateBps(nowNs);
        tokensBits = Math.min(bucketBits(currentRateBps),
                tokensBits + currentRateBps * (double) elapsedNs / NANOS_PER_SECOND);
    }

    private double bucketBits(long rateBps) {
        // At least one full packet, so a burst limit below one packet still lets packets out.
        return Math.max(rateBps * (double) burstNs / NANOS_PER_SECOND, 1500 * 8.0);
    }

    private long effectiveRateBps(long nowNs) {
        if (queuedPackets == 0 || !queueDrainSpeedUp) {
            return pacingRateBps;
        }
        // What is queued must be out before the oldest packet has waited maxQueueTimeNs.
        long remainingNs = Math.max(MIN_DRAIN_TIME_NS, maxQueueTimeNs - (nowNs - oldestEnqueueTimeNs()));
        long drainRateBps = queuedBytes * 8L * NANOS_PER_SECOND / remainingNs;
        return Math.max(pacingRateBps, drainRateBps);
    }

    private long oldestEnqueueTimeNs() {
        long oldest = 0;
        boolean found = false;
        for (int c = 0; c < CLASSES; c++) {
            if (counts[c] > 0) {
                long t = enqueueTimesNs[c][heads[c]];
                if (!found || t - oldest < 0) {
                    oldest = t;
                    found = true;
                }
            }
        }
        return oldest;
    }

    /**
     * When to call {@link #poll(long)} next.
     *
     * @param nowNs the current time
     * @return a time &gt;= {@code nowNs} when something may be sent, or {@link Long#MAX_VALUE}
     *     if nothing is queued and no probe is running
     */
    public long nextSendTimeNs(long nowNs) {
        if (clusterCount > 0) {
            return clusterTimingStarted && clusterNextSendNs - nowNs > 0 ? clusterNextSendNs : nowNs;
        }
        if (queuedPackets == 0) {
            return Long.MAX_VALUE;
        }
        refill(nowNs);
        if (tokensBits > 0) {
            return nowNs;
        }
        // The rate of the last refill: recomputing it here would cost a queue scan per packet.
        long waitNs = (long) Math.ceil((-tokensBits + 1) * NANOS_PER_SECOND / currentRateBps);
        return nowNs + Math.max(1, waitNs);
    }

    /** @return the size in bytes of what {@link #poll(long)} last returned */
    public int lastSizeBytes() {
        return lastSizeBytes;
    }

    /** @return the probe cluster of what {@link #poll(long)} last returned, or -1 */
    public int lastProbeClusterId() {
        return lastProbeClusterId;
    }

    /** @return the class of what {@link #poll(long)} last returned */
    public PacketPriority lastPriority() {
        return lastPriority;
    }

    /** @return when what {@link #poll(long)} last returned was enqueued (queueing delay = now - this) */
    public long lastEnqueueTimeNs() {
        return lastEnqueueTimeNs;
    }

    /** @return packets waiting */
    public int queuedPackets() {
        return queuedPackets;
    }

    /** @return bytes waiting */
    public long queuedBytes() {
        return queuedBytes;
    }

    /**
     * @param priority a class
     * @return packets of that class waiting
     */
    public int queuedPackets(PacketPriority priority) {
        return counts[priority.ordinal()];
    }

    /**
     * @param priority a class
     * @return packets that class's ring still takes: a caller that queues a frame's packets
     *     together checks this first, so a frame is queued whole or not at all
     */
    public int room(PacketPriority priority) {
        return mask + 1 - counts[priority.ordinal()];
    }

    /** @return packets refused because their class's ring was full */
    public long rejectedPackets() {
        return rejectedPackets;
    }

    /** @return whether a probe cluster is running or pending */
    public boolean isProbing() {
        return clusterCount > 0;
    }

    /** Builds a {@link Pacer}. Not thread-safe. */
    public static final class Builder {
        private double pacingFactor = 2.5;
        private long burstNs = 10_000_000L;
        private long maxQueueTimeNs = 2_000_000_000L;
        private int queueCapacityPerClass = 1024;
        private int paddingPacketBytes = 1200;
        private long initialTargetBitrateBps = 300_000L;

        private Builder() {
        }

        /**
         * @param factor pacing rate over target bitrate, 1 to 100 (default 2.5: a frame leaves
         *     well before the next one)
         * @return this builder
         */
        public Builder pacingFactor(double factor) {
            if (!(factor >= 1 && factor <= 100)) {
                throw new IllegalArgumentException("pacingFactor must be in [1, 100]: " + factor);
            }
            this.pacingFactor = factor;
            return this;
        }

        /**
         * @param burstNs how much sending time may be saved up and spent at once, in ns, &gt;= 0
         *     (default 10 ms; at least one packet is always allowed)
         * @return this builder
         */
        public Builder burstNs(long burstNs) {
            if (burstNs < 0) {
                throw new IllegalArgumentException("burstNs must be >= 0: " + burstNs);
            }
            this.burstNs = burstNs;
            return this;
        }

        /**
         * @param timeNs longest the queue may take to drain before the rate is raised, in ns, &gt; 0
         *     (default 2 s)
         * @return this builder
         */
        public Builder maxQueueTimeNs(long timeNs) {
            if (timeNs <= 0) {
                throw new IllegalArgumentException("maxQueueTimeNs must be > 0: " + timeNs);
            }
            this.maxQueueTimeNs = timeNs;
            return this;
        }

        /**
         * @param packets ring capacity of each priority class; a power of two &gt;= 2 (default 1024)
         * @return this builder
         */
        public Builder queueCapacityPerClass(int packets) {
            if (packets < 2 || Integer.bitCount(packets) != 1) {
                throw new IllegalArgumentException("queueCapacityPerClass must be a power of two >= 2: " + packets);
            }
            this.queueCapacityPerClass = packets;
            return this;
        }

        /**
         * @param bytes largest padding packet the pacer asks for, 16 to 1500 (default 1200)
         * @return this builder
         */
        public Builder paddingPacketBytes(int bytes) {
            if (bytes < 16 || bytes > 1500) {
                throw new IllegalArgumentException("paddingPacketBytes must be in [16, 1500]: " + bytes);
            }
            this.paddingPacketBytes = bytes;
            return this;
        }

        /**
         * @param bitrateBps the target until {@link Pacer#setTargetBitrateBps(long)}, in bit/s, &gt; 0
         *     (default 300 kbit/s)
         * @return this builder
         */
        public Builder initialTargetBitrateBps(long bitrateBps) {
            if (bitrateBps <= 0) {
                throw new IllegalArgumentException("initialTargetBitrateBps must be > 0: " + bitrateBps);
            }
            this.initialTargetBitrateBps = bitrateBps;
            return this;
        }

        /** @return a new pacer */
        public Pacer build() {
            return new Pacer(this);
        }
    }
}
