package io.smoothcast.rtp.internal;

import io.smoothcast.rtp.SequenceNumbers;

/**
 * The probation of RFC 3550 appendix A.1 after a sequence number jump too large to be loss or
 * misordering: the jump's packet is pending until a second packet near it confirms that the
 * numbering really moved there. A.1 accepts only the very next number ({@code confirmBehind} 0,
 * {@code confirmAhead} 1); a wider window also accepts the two packets after a jump arriving
 * swapped, or with a few lost in between.
 *
 * <p>Used by {@link io.smoothcast.rtp.SequenceUnwrapper} (A.1's window, the packet itself is
 * dropped) and by the viewer, which keeps the pending packet and replays it once confirmed.
 * Numbers only: what to do with the packets is the caller's.
 *
 * <p>Not thread-safe: one instance per stream, used by the thread that receives it. Allocates
 * nothing.
 */
public final class SequenceJumpConfirmation {

    private final int confirmBehind;
    private final int confirmAhead;
    private boolean pending;
    private int pendingSequence;

    /**
     * @param confirmBehind how many numbers before the pending packet a confirming packet may
     *     lie; 0 to 32767
     * @param confirmAhead how many numbers after the pending packet a confirming packet may lie;
     *     1 to 32767
     */
    public SequenceJumpConfirmation(int confirmBehind, int confirmAhead) {
        if (confirmBehind < 0 || confirmBehind > 0x7FFF) {
            throw new IllegalArgumentException("confirmBehind must be in [0, 32767]: " + confirmBehind);
        }
        if (confirmAhead < 1 || confirmAhead > 0x7FFF) {
            throw new IllegalArgumentException("confirmAhead must be in [1, 32767]: " + confirmAhead);
        }
        this.confirmBehind = confirmBehind;
        this.confirmAhead = confirmAhead;
    }

    /** Whether a jump's packet is pending. */
    public boolean pending() {
        return pending;
    }

    /** The pending packet's 16-bit sequence number (meaningful while {@link #pending()}). */
    public int pendingSequence() {
        return pendingSequence;
    }

    /**
     * Makes a jump's packet the pending one, replacing any pending before (that one was not
     * confirmed: a stray).
     *
     * @param sequence its sequence number (only the low 16 bits are used)
     */
    public void pend(int sequence) {
        pendingSequence = sequence & 0xFFFF;
        pending = true;
    }

    /**
     * Whether a packet confirms the pending one: it lies within the window around it and is not
     * the pending packet again (a duplicate confirms nothing).
     *
     * @param sequence its sequence number (only the low 16 bits are used)
     */
    public boolean confirms(int sequence) {
        if (!pending) {
            return false;
        }
        int distance = SequenceNumbers.distance(pendingSequence, sequence & 0xFFFF);
        return distance != 0 && distance >= -confirmBehind && distance <= confirmAhead;
    }

    /** Whether the packet is the pending one again. */
    public boolean isPending(int sequence) {
        return pending && pendingSequence == (sequence & 0xFFFF);
    }

    /** Forgets the pending packet (confirmed, or proved a stray). */
    public void clear() {
        pending = false;
    }
}
