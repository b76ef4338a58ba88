package io.smoothcast.netsim;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One direction of a network link, as a pure model: it is told when a packet is offered and
 * answers whether the packet is dropped and, if not, when it arrives. It never reads a clock and
 * schedules nothing, so the discrete-event {@link NetworkSimulator} and a real-time emulator can
 * both drive it.
 *
 * <p>What it models, in the order a packet meets it:
 * <ol>
 *   <li>loss at the entrance: independent random loss, then (if configured) Gilbert-Elliott
 *       bursty loss with a two-state Markov chain; a lost packet uses no capacity (like netem);
 *   <li>a drop-tail FIFO queue limited in bytes or in queueing time (a packet that would wait
 *       longer than the limit is dropped);
 *   <li>serialization at the rate of a {@link CapacitySchedule} (0 bit/s steps are outages);
 *   <li>a one-way propagation delay plus a uniformly distributed extra delay in
 *       {@code [0, jitterNs]}; unless reordering is allowed, a packet never arrives before the
 *       one offered before it.
 * </ol>
 *
 * <p>Offers must come in non-decreasing {@code nowNs}. Randomness comes from a
 * {@link SplittableRandom} seeded by the builder: the same seed and the same offers give the same
 * answers. {@link #offer(int, long)} allocates nothing except when the byte-limited queue needs a
 * larger bookkeeping ring than it has seen so far.
 *
 * <p>Thread-safety: not thread-safe; one thread drives a link.
 */
public final class LinkModel {

    /** {@link #offer} result: the packet will arrive at {@link #lastArrivalTimeNs()}. */
    public static final int DELIVERED = 0;
    /** {@link #offer} result: dropped because the queue was full. */
    public static final int DROPPED_QUEUE_FULL = 1;
    /** {@link #offer} result: dropped by random or bursty loss. */
    public static final int DROPPED_LOSS = 2;
    /** {@link #offer} result: dropped because the link carries nothing any more (a held outage). */
    public static final int DROPPED_NO_CAPACITY = 3;

    /** Largest packet a link accepts, in bytes. */
    public static final int MAX_PACKET_BYTES = 65_535;

    private final CapacitySchedule capacity;
    private final long originNs;
    private final long propagationDelayNs;
    private final long jitterNs;
    private final boolean reorderingAllowed;
    private final double randomLossProbability;
    private final boolean gilbertElliottEnabled;
    private final double goodToBadProbability;
    private final double badToGoodProbability;
    private final double lossInGoodProbability;
    private final double lossInBadProbability;
    private final long queueLimitBytes;
    private final long queueLimitNs;
    private final SplittableRandom random;

    private boolean inBadState;
    private boolean anyOffered;
    private long lastOfferNs;
    /** When the last accepted packet has been fully serialized. */
    private long busyUntilNs;
    private boolean busy;
    private long lastArrivalNs;
    private boolean anyDelivered;

    // Ring of (serialization end, size) of packets still in the queue; only for a byte limit.
    private long[] queuedEndNs = new long[64];
    private int[] queuedSizes = new int[64];
    private int queueHead;
    private int queueCount;
    private long queuedBytes;

    private long lastArrivalTimeNs;
    private long lastQueueDelayNs;
    private long offeredPackets;
    private long deliveredPackets;
    private long queueDrops;
    private long lossDrops;

    private LinkModel(Builder builder) {
        this.capacity = builder.capacity;
        this.originNs = builder.originNs;
        this.propagationDelayNs = builder.propagationDelayNs;
        this.jitterNs = builder.jitterNs;
        this.reorderingAllowed = builder.reorderingAllowed;
        this.randomLossProbability = builder.randomLossProbability;
        this.gilbertElliottEnabled = builder.gilbertElliottEnabled;
        this.goodToBadProbability = builder.goodToBadProbability;
        this.badToGoodProbability = builder.badToGoodProbability;
        this.lossInGoodProbability = builder.lossInGoodProbability;
        this.lossInBadProbability = builder.lossInBadProbability;
        this.queueLimitBytes = builder.queueLimitBytes;
        this.queueLimitNs = builder.queueLimitNs;
        this.random = new SplittableRandom(builder.seed);
    }

    /** @return a builder with a constant 1 Mbit/s capacity, no delay, no loss and a 300 ms queue */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Offers a packet to the link at {@code nowNs}.
     *
     * @param sizeBytes size on the wire in bytes, 1 to {@link #MAX_PACKET_BYTES}
     * @param nowNs the time of the offer; must not be before the previous offer's
     * @return {@link #DELIVERED}, {@link #DROPPED_QUEUE_FULL}, {@link #DROPPED_LOSS} or
     *     {@link #DROPPED_NO_CAPACITY}; when delivered, {@link #lastArrivalTimeNs()} and
     *     {@link #lastQueueDelayNs()} describe the packet
     */
    public int offer(int sizeBytes, long nowNs) {
        if (sizeBytes <= 0 || sizeBytes > MAX_PACKET_BYTES) {
            throw new IllegalArgumentException("sizeBytes must be in [1, " + MAX_PACKET_BYTES + "]: " + sizeBytes);
        }
        if (anyOffered && nowNs - lastOfferNs < 0) {
            throw new IllegalArgumentException("nowNs must not go backwards: " + nowNs + " < " + lastOfferNs);
        }
        anyOffered = true;
        lastOfferNs = nowNs;
        offeredPackets++;
        // Draw the same number of random values per packet whatever happens, so one change in
        // the configuration does not shift every later draw.
        double lossDraw = random.nextDouble();
        double burstTransitionDraw = random.nextDouble();
        double burstLossDraw = random.nextDouble();
        double jitterDraw = random.nextDouble();

        if (gilbertElliottEnabled) {
            inBadState = inBadState ? burstTransitionDraw >= badToGoodProbability : burstTransitionDraw < goodToBadProbability;
        }
        boolean lost = lossDraw < randomLossProbability
                || (gilbertElliottEnabled && burstLossDraw < (inBadState ? lossInBadProbability : lossInGoodProbability));
        if (lost) {
            lossDrops++;
            return DROPPED_LOSS;
        }

        releaseSerialized(nowNs);
        long serviceStartNs = busy && busyUntilNs - nowNs > 0 ? busyUntilNs : nowNs;
        long waitNs = serviceStartNs - nowNs;
        if (queueLimitNs >= 0 && waitNs > queueLimitNs) {
            queueDrops++;
            return DROPPED_QUEUE_FULL;
        }
        if (queueLimitBytes >= 0 && queuedBytes + sizeBytes > queueLimitBytes) {
            queueDrops++;
            return DROPPED_QUEUE_FULL;
        }
        long endOffsetNs = capacity.transmissionEndNs(serviceStartNs - originNs, sizeBytes * 8L);
        if (endOffsetNs == Long.MAX_VALUE) {
            queueDrops++;
            return DROPPED_NO_CAPACITY;
        }
        long serializedNs = originNs + endOffsetNs;
        busyUntilNs = serializedNs;
        busy = true;
        if (queueLimitBytes >= 0) {
            remember(serializedNs, sizeBytes);
        }
        long arrivalNs = serializedNs + propagationDelayNs;
        if (jitterNs > 0) {
            arrivalNs += (long) (jitterDraw * (jitterNs + 1));
        }
        if (!reorderingAllowed && anyDelivered && arrivalNs - lastArrivalNs < 0) {
            arrivalNs = lastArrivalNs;
        }
        lastArrivalNs = arrivalNs;
        anyDelivered = true;
        lastArrivalTimeNs = arrivalNs;
        lastQueueDelayNs = waitNs;
        deliveredPackets++;
        return DELIVERED;
    }

    private void releaseSerialized(long nowNs) {
        while (queueCount > 0 && queuedEndNs[queueHead] - nowNs <= 0) {
            queuedBytes -= queuedSizes[queueHead];
            queueHead = (queueHead + 1) & (queuedEndNs.length - 1);
            queueCount--;
        }
    }

    private void remember(long serializedNs, int sizeBytes) {
        if (queueCount == queuedEndNs.length) {
            int length = queuedEndNs.length;
            long[] ends = new long[length * 2];
            int[] sizes = new int[length * 2];
            for (int i = 0; i < queueCount; i++) {
                int from = (queueHead + i) & (length - 1);
                ends[i] = queuedEndNs[from];
                sizes[i] = queuedSizes[from];
            }
            queuedEndNs = ends;
            queuedSizes = sizes;
            queueHead = 0;
        }
        int tail = (queueHead + queueCount) & (queuedEndNs.length - 1);
        queuedEndNs[tail] = serializedNs;
        queuedSizes[tail] = sizeBytes;
        queueCount++;
        queuedBytes += sizeBytes;
    }

    /** @return arrival time of the last delivered packet, in ns */
    public long lastArrivalTimeNs() {
        return lastArrivalTimeNs;
    }

    /** @return how long the last delivered packet waited in the queue before serialization, ns */
    public long lastQueueDelayNs() {
        return lastQueueDelayNs;
    }

    /**
     * How long a packet offered now would wait before its serialization starts.
     *
     * @param nowNs the current time
     * @return the backlog in ns (0 when idle)
     */
    public long backlogNs(long nowNs) {
        return busy && busyUntilNs - nowNs > 0 ? busyUntilNs - nowNs : 0;
    }

    /**
     * The capacity at a given time.
     *
     * @param nowNs the time, on the same axis as offers
     * @return the capacity in bit/s
     */
    public long capacityBpsAt(long nowNs) {
        return capacity.bitrateBpsAt(nowNs - originNs);
    }

    /** @return the capacity schedule */
    public CapacitySchedule capacity() {
        return capacity;
    }

    /** @return the fixed one-way propagation delay in ns */
    public long propagationDelayNs() {
        return propagationDelayNs;
    }

    /** @return packets offered so far */
    public long offeredPackets() {
        return offeredPackets;
    }

    /** @return packets accepted for delivery so far */
    public long deliveredPackets() {
        return deliveredPackets;
    }

    /** @return packets dropped by the queue (full, or no capacity left) so far */
    public long queueDrops() {
        return queueDrops;
    }

    /** @return packets dropped by random or bursty loss so far */
    public long lossDrops() {
        return lossDrops;
    }

    /**
     * Builds a {@link LinkModel}. Not thread-safe. Exactly one queue limit applies: the last of
     * {@link #queueLimitBytes(long)} and {@link #queueLimitNs(long)} called.
     */
    public static final class Builder {
        private CapacitySchedule capacity = CapacitySchedule.constant(1_000_000L);
        private long originNs;
        private long propagationDelayNs;
        private long jitterNs;
        private boolean reorderingAllowed;
        private double randomLossProbability;
        private boolean gilbertElliottEnabled;
        private double goodToBadProbability;
        private double badToGoodProbability;
        private double lossInGoodProbability;
        private double lossInBadProbability;
        private long queueLimitBytes = -1;
        private long queueLimitNs = 300_000_000L;
        private long seed = 1;

        private Builder() {
        }

        /**
         * @param schedule the capacity over time (default a constant 1 Mbit/s)
         * @return this builder
         */
        public Builder capacity(CapacitySchedule schedule) {
            this.capacity = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * @param bitrateBps a constant capacity in bit/s, &gt;= 0 (default 1 Mbit/s)
         * @return this builder
         */
        public Builder constantCapacityBps(long bitrateBps) {
            return capacity(CapacitySchedule.constant(bitrateBps));
        }

        /**
         * @param originNs the time (on the offers' axis) at which the schedule starts; default 0
         * @return this builder
         */
        public Builder scheduleOriginNs(long originNs) {
            this.originNs = originNs;
            return this;
        }

        /**
         * @param delayNs fixed one-way propagation delay in ns, &gt;= 0 (default 0)
         * @return this builder
         */
        public Builder propagationDelayNs(long delayNs) {
            this.propagationDelayNs = requireNonNegative(delayNs, "propagationDelayNs");
            return this;
        }

        /**
         * @param jitterNs the largest extra delay in ns (uniform in {@code [0, jitterNs]}), &gt;= 0
         *     (default 0)
         * @return this builder
         */
        public Builder jitterNs(long jitterNs) {
            this.jitterNs = requireNonNegative(jitterNs, "jitterNs");
            return this;
        }

        /**
         * @param allowed whether jitter may reorder packets (default false: arrivals are FIFO)
         * @return this builder
         */
        public Builder reorderingAllowed(boolean allowed) {
            this.reorderingAllowed = allowed;
            return this;
        }

        /**
         * @param probability independent loss probability per packet, in [0, 1] (default 0)
         * @return this builder
         */
        public Builder randomLoss(double probability) {
            this.randomLossProbability = requireProbability(probability, "randomLoss");
            return this;
        }

        /**
         * Enables Gilbert-Elliott bursty loss (applied after random loss). Default: off.
         *
         * @param goodToBad probability per packet of moving from the good to the bad state
         * @param badToGood probability per packet of moving from the bad to the good state
         * @param lossInGood loss probability in the good state
         * @param lossInBad loss probability in the bad state
         * @return this builder
         */
        public Builder gilbertElliottLoss(double goodToBad, double badToGood, double lossInGood, double lossInBad) {
            this.goodToBadProbability = requireProbability(goodToBad, "goodToBad");
            this.badToGoodProbability = requireProbability(badToGood, "badToGood");
            this.lossInGoodProbability = requireProbability(lossInGood, "lossInGood");
            this.lossInBadProbability = requireProbability(lossInBad, "lossInBad");
            this.gilbertElliottEnabled = true;
            return this;
        }

        /**
         * @param limitBytes drop-tail limit on the bytes waiting or in serialization, &gt; 0 (replaces
         *     the default limit of 300 ms, {@link #queueLimitNs})
         * @return this builder
         */
        public Builder queueLimitBytes(long limitBytes) {
            if (limitBytes <= 0) {
                throw new IllegalArgumentException("queueLimitBytes must be > 0: " + limitBytes);
            }
            this.queueLimitBytes = limitBytes;
            this.queueLimitNs = -1;
            return this;
        }

        /**
         * @param limitNs drop-tail limit on the time a packet would wait before serialization,
         *     &gt;= 0 (default 300 ms)
         * @return this builder
         */
        public Builder queueLimitNs(long limitNs) {
            this.queueLimitNs = requireNonNegative(limitNs, "queueLimitNs");
            this.queueLimitBytes = -1;
            return this;
        }

        /**
         * @param seed seed of the link's random numbers (default 1: runs repeat exactly)
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @return a new link in its initial state */
        public LinkModel build() {
            return new LinkModel(this);
        }

        private static long requireNonNegative(long value, String name) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must be >= 0: " + value);
            }
            return value;
        }

        private static double requireProbability(double value, String name) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException(name + " must be in [0, 1]: " + value);
            }
            return value;
        }
    }
}
