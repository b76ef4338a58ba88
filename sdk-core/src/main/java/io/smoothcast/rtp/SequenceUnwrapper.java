package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.SequenceJumpConfirmation;

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
 *   <li>{@link #PREVIOUS_NUMBERING}: the packet belongs to the numbering the last restart left
 *       (where that numbering would have taken it: less than {@code maxMisorder} behind its
 *       highest number or less than {@code maxDropout} ahead); it should be treated as
 *       late.</li>
 * </ul>
 *
 * <p>Beyond A.1: a numbering just left does not win back by two stray packets. After a
 * restart, retransmissions and late copies of the old numbering can arrive in sequence; A.1
 * would take two of them as a second restart, back to the old numbering, and the new
 * numbering's next packets as a third. A real second restart (the sender restarted again) picks
 * a new numbering, far from both, and is confirmed by the next packet as A.1 says. Returning to
 * the numbering just left needs {@value #RETURN_PROBATION} packets of it going on beyond its
 * highest number with no packet of the current numbering in between: a sender that really went
 * back to it, not a few stragglers among the current stream. (A change of SSRC is a new source
 * and needs a new unwrapper; its stragglers are the caller's to recognise.)
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
    /** The packet belongs to the numbering the last restart left: late, to be ignored. */
    public static final int PREVIOUS_NUMBERING = 4;

    /**
     * Packets of the numbering just left, going on beyond its highest number with none of the
     * current numbering in between, that take the stream back to it.
     */
    public static final int RETURN_PROBATION = 16;

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
    /** A.1's {@code bad_seq}: a jump's packet waits for the very next number to confirm it. */
    private final SequenceJumpConfirmation jump = new SequenceJumpConfirmation(0, 1);
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long lastExtended = -1;
    private long highestIssued = -1;
    /** The next packet restarts the numbering at once ({@link #restartOnNextPacket()}). */
    private boolean restartOnNext;
    /** Kept apart so that the fields read for every packet stay together. */
    private final LeftNumbering left = new LeftNumbering();

    /** What is known of the numbering the last restart left. */
    private static final class LeftNumbering {
        /** Whether a numbering was left by a restart; its highest 16-bit number then. */
        boolean known;
        int highest;
        /** The run of packets of it going on beyond its highest: length, last number. */
        int run;
        int runLast;
        /** The unwrapper's {@code received} when the run's last packet came: a packet of the current numbering since breaks the run. */
        long runReceived;
    }

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
     * @return {@link #VALID}, {@link #PROBATION}, {@link #BAD_JUMP}, {@link #RESYNCHRONISED} or
     *     {@link #PREVIOUS_NUMBERING}
     */
    public int update(int sequence) {
        // The rare cases are separate methods: this one stays small enough for the JIT to
        // inline it into the jitter buffer's per-packet path.
        final int seq = sequence & 0xFFFF;
        if (!initialised) {
            return onFirst(seq);
        }
        final int udelta = (seq - maxSeq) & 0xFFFF;
        if (probation > 0) {
            return onProbation(seq);
        }
        if (udelta < maxDropout) {
            if (seq < maxSeq) {
                cycles += SequenceNumbers.SEQ_MOD;
            }
            maxSeq = seq;
            issue(epochBase + cycles + seq);
        } else if (udelta <= SequenceNumbers.SEQ_MOD - maxMisorder) {
            return onJump(seq);
        } else {
            // Duplicate or reordered: behind the highest sequence number by 1..maxMisorder (or equal).
            long highest = epochBase + cycles + maxSeq;
            issue(highest - ((maxSeq - seq) & 0xFFFF));
        }
        received++;
        return VALID;
    }

    /** The first packet, or the first after {@link #restartOnNextPacket()}. */
    private int onFirst(int seq) {
        initialised = true;
        if (restartOnNext) {
            restartOnNext = false;
            restart(seq, firstExtendedFor(seq));
            return RESYNCHRONISED;
        }
        maxSeq = seq;
        probation = minSequential - 1;
        jump.clear();
        if (probation == 0) {
            restart(seq, firstExtendedFor(seq));
            return VALID;
        }
        return PROBATION;
    }

    /** A packet while a new source is on probation (A.1): it must follow the last one. */
    private int onProbation(int seq) {
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

    /**
     * A jump too large to be loss or misordering: a packet of the numbering the last restart
     * left, or the start of a new numbering, which the very next number confirms (A.1).
     */
    private int onJump(int seq) {
        if (left.known) {
            int fromPrevious = SequenceNumbers.distance(left.highest, seq);
            if (fromPrevious > -maxMisorder && fromPrevious < maxDropout) {
                return onPreviousNumbering(seq, fromPrevious);
            }
        }
        if (jump.confirms(seq)) {
            restart(seq, firstExtendedFor(seq));
            return RESYNCHRONISED;
        }
        jump.pend(seq);
        return BAD_JUMP;
    }

    /**
     * Tells the unwrapper that the source restarted its numbering (the caller knows it, e.g. a
     * stream resumed after a pause): the next packet starts a new numbering at once, without
     * probation, and is classified {@link #RESYNCHRONISED}. The numbering left is remembered
     * as after a confirmed jump.
     */
    public void restartOnNextPacket() {
        if (initialised) {
            initialised = false;
            restartOnNext = true;
        }
    }

    /**
     * A packet the numbering the last restart left would have taken: late (at or behind its
     * highest), or that numbering going on, which takes the stream back to it after
     * {@value #RETURN_PROBATION} such packets in a row. A new numbering that happens to start
     * there costs up to that many packets (or, behind the highest, until it passes it): the price
     * of stragglers never restarting the stream.
     */
    private int onPreviousNumbering(int seq, int fromPrevious) {
        if (fromPrevious > 0) {
            LeftNumbering left = this.left;
            boolean continues = left.run > 0 && left.runReceived == received
                    && SequenceNumbers.distance(left.runLast, seq) > 0;
            left.run = continues ? left.run + 1 : 1;
            left.runLast = seq;
            left.runReceived = received;
            if (left.run >= RETURN_PROBATION) {
                restart(seq, firstExtendedFor(seq));
                return RESYNCHRONISED;
            }
        }
        return PREVIOUS_NUMBERING;
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
        // A numbering that was valid is the one left now; one still on probation never started.
        left.known = probation == 0 && highestIssued >= 0;
        left.highest = maxSeq;
        left.run = 0;
        epochBase = firstExtended - seq;
        cycles = 0;
        maxSeq = seq;
        jump.clear();
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
