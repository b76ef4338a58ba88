package io.smoothcast.rtp;

/**
 * Turns 16-bit RTP sequence numbers into 64-bit extended sequence numbers and validates the
 * source, following the algorithm of RFC 3550 appendix A.1 ({@code MAX_DROPOUT},
 * {@code MAX_MISORDER}, probation), and keeps the counters of appendix A.3 that receiver reports
 * need.
 *
 * <p>{@link #update(int)} classifies every packet:
 * <ul>
 *   <li>{@link #PROBATION}: the source is not yet validated (fewer than {@code minSequential}
 *       packets in sequence); the packet should not be used.</li>
 *   <li>{@link #VALID}: in order, a forward gap smaller than {@code MAX_DROPOUT}, or a packet at
 *       most {@code MAX_MISORDER} behind the highest one (late, reordered or duplicated);
 *       {@link #extendedSequence()} gives its position.</li>
 *   <li>{@link #BAD_JUMP}: a jump too large to be loss or misordering; ignored until the packet
 *       after it arrives.</li>
 *   <li>{@link #RESYNCHRONISED}: the packet following a {@link #BAD_JUMP} arrived, so the sender
 *       restarted (or the stream moved to another node): state starts again from this packet,
 *       whose extended sequence continues beyond every number used before so that extended
 *       numbers never go backwards. Consumers should flush what they hold for the old
 *       numbering.</li>
 * </ul>
 *
 * <p>Not thread-safe: one instance per stream, used by the thread that receives it. Allocates
 * nothing.
 */
public final class SequenceUnwrapper {

    /** RFC 3550 A.1: the largest forward jump still treated as loss. */
    public static final int DEFAULT_MAX_DROPOUT = 3000;
    /** RFC 3550 A.1: how far behind the highest sequence a packet may be and still be accepted. */
    public static final int DEFAULT_MAX_MISORDER = 100;
    /** RFC 3550 A.1: packets in sequence needed before a new source is valid. */
    public static final int DEFAULT_MIN_SEQUENTIAL = 2;

    /** The packet is valid; read its position from {@link #extendedSequence()}. */
    public static final int VALID = 0;
    /** The source is on probation; the packet should be ignored. */
    public static final int PROBATION = 1;
    /** A very large jump; the packet is ignored unless the next one confirms it. */
    public static final int BAD_JUMP = 2;
    /** The jump was confirmed: numbering restarted at this packet, which is valid. */
    public static final int RESYNCHRONISED = 3;

    private final int maxDropout;
    private final int maxMisorder;
    private final int minSequential;

    private boolean initialised;
    private int probation;
    private int maxSeq;
    private long cycles;
    /** Added to cycles + seq; raised at each resynchronisation so numbers never go backwards. */
    private long epochBase;
    private long baseExtended;
    private int badSeq;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long lastExtended = -1;
    private long highestIssued = -1;

    /** Creates an unwrapper with the RFC 3550 defaults. */
    public SequenceUnwrapper() {
        this(DEFAULT_MAX_DROPOUT, DEFAULT_MAX_MISORDER, DEFAULT_MIN_SEQUENTIAL);
    }

    /**
     * Creates an unwrapper with custom limits.
     *
     * @param maxDropout largest forward gap (in packets) still treated as loss; 1 to 32767
     * @param maxMisorder how many packets behind the highest one a packet may be; 1 to 32767
     * @param minSequential packets in sequence needed to validate a source; 1 or more (1
     *     accepts the first packet at once)
     */
    public SequenceUnwrapper(int maxDropout, int maxMisorder, int minSequential) {
        if (maxDropout < 1 || maxDropout > 0x7FFF) {
            throw new IllegalArgumentException("maxDropout must be in [1, 32767]: " + maxDropout);
        }
        if (maxMisorder < 1 || maxMisorder > 0x7FFF) {
            throw new IllegalArgumentException("maxMisorder must be in [1, 32767]: " + maxMisorder);
        }
        if (minSequential < 1) {
            throw new IllegalArgumentException("minSequential must be >= 1: " + minSequential);
        }
        this.maxDropout = maxDropout;
        this.maxMisorder = maxMisorder;
        this.minSequential = minSequential;
    }

    /**
     * Accounts for one received packet.
     *
     * @param sequence the packet's 16-bit sequence number (only the low 16 bits are used)
     * @return {@link #VALID}, {@link #PROBATION}, {@link #BAD_JUMP} or {@link #RESYNCHRONISED}
     */
    public int update(int sequence) {
        final int seq = sequence & 0xFFFF;
        if (!initialised) {
            initialised = true;
            maxSeq = seq;
            probation = minSequential - 1;
            badSeq = SequenceNumbers.SEQ_MOD + 1;
            if (probation == 0) {
                restart(seq, firstExtendedFor(seq));
                return VALID;
            }
            return PROBATION;
        }
        final int udelta = (seq - maxSeq) & 0xFFFF;
        if (probation > 0) {
            if (seq == ((maxSeq + 1) & 0xFFFF)) {
                probation--;
                maxSeq = seq;
                if (probation == 0) {
                    restart(seq, firstExtendedFor(seq));
                    return VALID;
                }
            } else {
                probation = minSequential - 1;
                maxSeq = seq;
            }
            return PROBATION;
        }
        if (udelta < maxDropout) {
            if (seq < maxSeq) {
                cycles += SequenceNumbers.SEQ_MOD;
            }
            maxSeq = seq;
            issue(epochBase + cycles + seq);
        } else if (udelta <= SequenceNumbers.SEQ_MOD - maxMisorder) {
            if (seq == badSeq) {
                restart(seq, firstExtendedFor(seq));
                return RESYNCHRONISED;
            }
            badSeq = (seq + 1) & 0xFFFF;
            return BAD_JUMP;
        } else {
            // Duplicate or reordered: behind the highest sequence number by 1..maxMisorder (or equal).
            long highest = epochBase + cycles + maxSeq;
            issue(highest - ((maxSeq - seq) & 0xFFFF));
        }
        received++;
        return VALID;
    }

    /** Where a new numbering starts for a first packet carrying {@code seq}. */
    private long firstExtendedFor(int seq) {
        if (highestIssued < 0) {
            // One cycle of head room, so packets that arrive late from before the first one
            // (even across a wrap) still get a non-negative number.
            return SequenceNumbers.SEQ_MOD + seq;
        }
        // Continue strictly above anything handed out before, leaving room for late packets of
        // the new numbering that arrive behind its first one.
        return highestIssued + maxMisorder + 1;
    }

    private void restart(int seq, long firstExtended) {
        epochBase = firstExtended - seq;
        cycles = 0;
        maxSeq = seq;
        badSeq = SequenceNumbers.SEQ_MOD + 1;
        baseExtended = firstExtended;
        issue(firstExtended);
        received = 1;
        expectedPrior = 0;
        receivedPrior = 0;
        probation = 0;
    }

    private void issue(long extended) {
        lastExtended = extended;
        if (extended > highestIssued) {
            highestIssued = extended;
        }
    }

    /**
     * The extended sequence number of the last packet classified {@link #VALID} or
     * {@link #RESYNCHRONISED}.
     *
     * @return a non-negative extended sequence number, or -1 before the first valid packet
     */
    public long extendedSequence() {
        return lastExtended;
    }

    /**
     * The highest extended sequence number received.
     *
     * @return the highest extended sequence number, or -1 before the first valid packet
     */
    public long highestExtendedSequence() {
        return probation > 0 || lastExtended < 0 ? -1 : epochBase + cycles + maxSeq;
    }

    /** @return the number of wrap-arounds of the 16-bit sequence, counted since the last restart */
    public long cycles() {
        return cycles >>> 16;
    }

    /** @return packets accepted as valid since the last restart, duplicates included (RFC 3550 A.3) */
    public long received() {
        return received;
    }

    /** @return packets expected since the last restart: highest - base + 1 (RFC 3550 A.3) */
    public long expected() {
        long highest = highestExtendedSequence();
        return highest < 0 ? 0 : highest - baseExtended + 1;
    }

    /**
     * Cumulative number of packets lost (RFC 3550 A.3), clamped to the 24-bit signed range a
     * report block carries. Negative when duplicates outnumber losses.
     *
     * @return expected - received, clamped to [-8388608, 8388607]
     */
    public int cumulativeLost() {
        long lost = expected() - received;
        return (int) Math.max(-0x800000L, Math.min(0x7FFFFFL, lost));
    }

    /**
     * The fraction of packets lost since the previous call, as the 8-bit fixed-point value of an
     * RTCP report block (RFC 3550 A.3), and starts a new interval.
     *
     * @return loss fraction times 256, in [0, 255]; 0 when nothing was lost or more was received
     *     than expected
     */
    public int fractionLostAndReset() {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        if (expectedInterval == 0 || lostInterval <= 0) {
            return 0;
        }
        return (int) Math.min(255, (lostInterval << 8) / expectedInterval);
    }
}
