package io.smoothcast.transport.internal.client;

import io.smoothcast.rtp.SequenceNumbers;
import io.smoothcast.rtp.internal.SequenceJumpConfirmation;

/**
 * Holds back the first packet of a track whose numbering jumped far (ahead, or behind: a new
 * numbering in the half of the 16-bit circle behind the old one) until a second packet confirms
 * the jump, as RFC 3550 appendix A.1 keeps a source on probation after a large jump.
 *
 * <p>A real jump (the stream came back after a long silence, e.g. a publisher slow to reach the
 * node the viewer followed it to) goes on with packets numbered right after the first one; the
 * viewer then restarts the track's jitter buffer and offers the held packet and the new one, so
 * nothing is lost. A single stray packet far ahead (corrupted, forged or misrouted) is followed by
 * packets of the old numbering instead; the held packet is then dropped and the buffer keeps
 * everything it holds.
 *
 * <p>After a confirmed jump it remembers the numbering the jump left, as the jitter buffer's
 * sequence unwrapper does: late copies and retransmissions of that numbering lie far from the new
 * one, and must not be held as the start of yet another jump (two of them in sequence would
 * confirm it and take the track back); they go to the buffer, which counts them late.
 *
 * <p>Which packet confirms the held one is decided by sdk-core's {@link SequenceJumpConfirmation},
 * the same probation the jitter buffer's sequence unwrapper runs with RFC 3550's window of one
 * number; here the window is wider (see {@link #CONFIRM_BEHIND}, {@link #CONFIRM_AHEAD}), since
 * the held packet is replayed whichever of the two came first.
 *
 * <p>Not thread-safe: the receiving I/O thread only. Allocates its one datagram-sized array on
 * the first hold, nothing afterwards.
 */
final class SequenceJumpProbation {

    /**
     * How far before the held packet a confirming packet may lie: the two packets after a jump can
     * arrive swapped.
     */
    static final int CONFIRM_BEHIND = 16;
    /** How far after the held packet a confirming packet may lie (a few lost in between). */
    static final int CONFIRM_AHEAD = 64;

    private final int maxDatagramBytes;
    private final SequenceJumpConfirmation jump = new SequenceJumpConfirmation(CONFIRM_BEHIND, CONFIRM_AHEAD);
    private byte[] held;
    private int heldLength;
    private boolean leftKnown;
    private int leftHighest;

    /** @param maxDatagramBytes the longest datagram the viewer reads, in bytes */
    SequenceJumpProbation(int maxDatagramBytes) {
        this.maxDatagramBytes = maxDatagramBytes;
    }

    /** Whether a packet is held. */
    boolean holding() {
        return jump.pending();
    }

    /**
     * Whether a packet far ahead of the track's numbering confirms the held one: it lies near it
     * (from {@value #CONFIRM_BEHIND} before to {@value #CONFIRM_AHEAD} after) and is not the held
     * packet again.
     */
    boolean confirms(int sequenceNumber) {
        return jump.confirms(sequenceNumber);
    }

    /** Whether the packet is the held one again (a duplicate of it). */
    boolean isHeld(int sequenceNumber) {
        return jump.isPending(sequenceNumber);
    }

    /** Whether the held packet is numbered before the given one. */
    boolean isBefore(int sequenceNumber) {
        return SequenceNumbers.distance(jump.pendingSequence(), sequenceNumber & 0xFFFF) > 0;
    }

    /**
     * Holds a copy of a datagram (replacing any packet held before).
     *
     * @param datagram the datagram's bytes, from index 0
     * @param length its length in bytes, at most the size given at construction
     * @param sequenceNumber its RTP sequence number
     */
    void hold(byte[] datagram, int length, int sequenceNumber) {
        if (held == null) {
            held = new byte[maxDatagramBytes];
        }
        System.arraycopy(datagram, 0, held, 0, length);
        heldLength = length;
        jump.pend(sequenceNumber);
    }

    /** The held datagram's bytes, from index 0 ({@link #heldLength()} of them); valid until the next hold. */
    byte[] heldDatagram() {
        return held;
    }

    /** The held datagram's length in bytes. */
    int heldLength() {
        return heldLength;
    }

    /**
     * A jump was confirmed (or the buffer went back to the numbering left before): remembers the
     * numbering the track leaves.
     *
     * @param highestSequence the highest sequence number of the numbering left
     */
    void rememberNumberingLeft(int highestSequence) {
        leftKnown = true;
        leftHighest = highestSequence & 0xFFFF;
    }

    /**
     * Whether a packet lies where the numbering the last confirmed jump left would have taken it:
     * less than {@code maxMisorder} behind its highest, less than {@code maxDropout} ahead (the
     * window of the jitter buffer's unwrapper, which judges these packets).
     */
    boolean isOfNumberingLeft(int sequenceNumber, int maxMisorder, int maxDropout) {
        if (!leftKnown) {
            return false;
        }
        int distance = SequenceNumbers.distance(leftHighest, sequenceNumber & 0xFFFF);
        return distance > -maxMisorder && distance < maxDropout;
    }

    /** Forgets the held packet (after it was offered, or when it proved a stray). */
    void release() {
        jump.clear();
    }
}
