package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.netsim.FlowContext;
import io.smoothcast.netsim.SimEndpoint;
import io.smoothcast.netsim.SimPacket;

/**
 * Adds NACK-based loss repair to any receiving endpoint, the same for every controller: the
 * wrapped receiver sees every packet and produces its own feedback unchanged; beside it, a gap in
 * the sequence numbers is reported at once to the sender in one {@link NackMessage} on the
 * reverse path (as a real receiver sends an RTCP NACK when a later packet reveals the gap).
 *
 * <p>One NACK per gap, no timer-driven retries: a retransmission that is lost again shows up as a
 * gap of its own (it carries a new transport-wide sequence number), which is NACKed in turn.
 * The sender decides whether the frame can still make its playout deadline. The forward links of
 * the scenarios deliver in order, so a gap always means a drop.
 *
 * <p>Single-threaded (the simulator's thread).
 */
final class NackingReceiver implements SimEndpoint {

    /** The most sequence numbers one NACK carries; a longer gap is an outage, not a loss. */
    static final int MAX_NACKED = 64;
    /** IP/UDP 28 + RTCP header and sender/media SSRC 12; each FCI (PID + BLP) is 4 bytes. */
    static final int NACK_BASE_BYTES = 40;
    /** Reverse-path sequence numbers of NACKs, far from the wrapped receiver's own. */
    private static final long NACK_SEQUENCE_BASE = 1L << 40;

    private final SimEndpoint inner;
    private FlowContext context;
    private long highestSequence = -1;
    private long nackSequence = NACK_SEQUENCE_BASE;
    private long nacksSent;

    NackingReceiver(SimEndpoint inner) {
        this.inner = inner;
    }

    @Override
    public void onStart(FlowContext context, long nowNs) {
        this.context = context;
        inner.onStart(context, nowNs);
    }

    @Override
    public void onPacket(SimPacket packet, long nowNs) {
        long sequence = packet.sequence();
        inner.onPacket(packet, nowNs);
        if (sequence < 0) {
            return;
        }
        if (highestSequence >= 0 && sequence > highestSequence + 1) {
            long first = Math.max(highestSequence + 1, sequence - MAX_NACKED);
            long[] missing = new long[(int) (sequence - first)];
            for (int i = 0; i < missing.length; i++) {
                missing[i] = first + i;
            }
            context.send(nackSequence++, NACK_BASE_BYTES + 4 * ((missing.length + 16) / 17),
                    new NackMessage(missing));
            nacksSent++;
        }
        highestSequence = Math.max(highestSequence, sequence);
    }

    @Override
    public void onTimer(long nowNs) {
        inner.onTimer(nowNs);
    }

    /** Returns how many NACK messages were sent. */
    long nacksSent() {
        return nacksSent;
    }
}
