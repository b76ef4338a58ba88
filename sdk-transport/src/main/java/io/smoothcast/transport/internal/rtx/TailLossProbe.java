package io.smoothcast.transport.internal.rtx;

import io.smoothcast.rtp.SequenceNumbers;

/**
 * When to resend the newest packet of one track as RTX because the track went quiet: the tail
 * loss probe of TCP (RFC 8985 section 7) for RTP.
 *
 * <p>Why: a receiver finds a lost packet only from the gap a later packet shows. When the last
 * packets before a pause (a frame before the stream goes quiet while its publisher stays
 * connected, a period without audio) are lost, no later packet comes, nobody NACKs them, and
 * their frame never arrives. (Not the end of a broadcast: the publisher's LEAVE comes first,
 * and its node drops the stream.) A copy of the newest packet, sent when the track has been quiet for
 * {@link #timeoutNs} and nothing says it arrived, shows the receiver the gap in front of it; the
 * receiver then NACKs the rest through its normal path. If the newest packet itself was lost,
 * the probe is the repair.
 *
 * <p>Bounded: at most {@code maxProbes} per quiet period (the gap after a track's newest
 * packet), the n-th at {@code n * (n + 1) / 2 * timeoutNs} after that packet (backed off: the
 * second waits twice as long as the first); never while the track sends, since each packet ends
 * the quiet period; none once the sender learns that the newest packet arrived
 * ({@link #onNewestAcknowledged}).
 *
 * <p>Not thread-safe: the sending I/O thread only. Allocates nothing.
 */
public final class TailLossProbe {

    /**
     * Shortest quiet time before a probe, in ns: longer than the gap between two frames of a
     * 5 fps video or two 20 ms audio packets with jitter, so a flowing track is never probed,
     * and short enough that the repaired frame is usually still in time for a viewer's playout.
     */
    public static final long MIN_TIMEOUT_NS = 250_000_000L;

    private final int maxProbes;
    private long newestSentNs;
    private int newestSequence;
    /** Whether a packet was sent, so {@link #newestSequence} is one. */
    private boolean started;
    /** Whether a quiet period is open and not yet acknowledged or probed to the limit. */
    private boolean armed;
    private int probesSent;

    /**
     * @param maxProbes probes per quiet period, at least 1
     */
    public TailLossProbe(int maxProbes) {
        if (maxProbes < 1) {
            throw new IllegalArgumentException("maxProbes must be >= 1: " + maxProbes);
        }
        this.maxProbes = maxProbes;
    }

    /**
     * A packet of the track left. If it is the newest (the first, ahead of the kept one in 16-bit
     * serial order, or the kept one again) the quiet period starts again; an older one (a repair
     * of a gap, a reordered packet), however far behind, changes nothing: its receiver saw the
     * gap in front of the newest packet and asks for it through its NACKs, so it needs no probe,
     * and a probe must repeat the newest packet, the one whose loss nothing else would show. A
     * source that restarts its numbering behind the kept one needs a new instance (the relay
     * replaces it when it sees the restart).
     *
     * @param sequenceNumber its 16-bit RTP sequence number
     * @param nowNs when it was sent
     * @return whether it is the track's newest packet now, the one a probe would resend
     */
    public boolean onSent(int sequenceNumber, long nowNs) {
        int seq = sequenceNumber & 0xFFFF;
        if (started && SequenceNumbers.distance(newestSequence, seq) < 0) {
            return false;
        }
        started = true;
        newestSequence = seq;
        newestSentNs = nowNs;
        armed = true;
        probesSent = 0;
        return true;
    }

    /** The receiver reported the newest packet as received: this quiet period needs no probe. */
    public void onNewestAcknowledged() {
        armed = false;
    }

    /**
     * Whether a probe is due now.
     *
     * @param nowNs the current time
     * @param rttNs the round-trip time to the receiver in ns, 0 if unknown
     * @return true if {@link #newestSequence()} should be sent as RTX now (then call
     *     {@link #onProbed})
     */
    public boolean isDue(long nowNs, long rttNs) {
        if (!armed) {
            return false;
        }
        long waits = (long) (probesSent + 1) * (probesSent + 2) / 2; // 1, 3, 6, ... timeouts
        return nowNs - newestSentNs - waits * timeoutNs(rttNs) >= 0;
    }

    /**
     * A probe was sent (or could not be: over the retransmission budget, or no longer cached);
     * either way it counts against this quiet period's probes.
     */
    public void onProbed() {
        probesSent++;
        if (probesSent >= maxProbes) {
            armed = false;
        }
    }

    /** @return the 16-bit sequence number of the newest packet sent, the one a probe resends */
    public int newestSequence() {
        return newestSequence;
    }

    /**
     * The quiet time before the first probe: twice the RTT (the receiver's feedback on the newest
     * packet had time to come back), at least {@link #MIN_TIMEOUT_NS}.
     *
     * @param rttNs the round-trip time in ns, 0 if unknown
     * @return the timeout in ns
     */
    public static long timeoutNs(long rttNs) {
        return Math.max(MIN_TIMEOUT_NS, 2 * rttNs);
    }
}
