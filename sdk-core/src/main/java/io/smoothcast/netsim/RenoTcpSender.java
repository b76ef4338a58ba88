package io.smoothcast.netsim;


/**
 * A Reno-like TCP sender for competing traffic: slow start, then additive increase of one
 * segment per round trip, multiplicative decrease (halving) once per round trip with loss, and a
 * retransmission timeout that falls back to one segment. It is a model, not a TCP stack: every
 * packet carries a fresh sequence number (a lost segment's data is simply sent again as new
 * data), losses are inferred when a packet three or more sequence numbers later is acknowledged,
 * and the receiver window is {@code maxWindowPackets}.
 *
 * <p>A long flow sends forever ({@link #UNLIMITED_BYTES}); a short flow stops once its bytes are
 * acknowledged and records its completion time.
 *
 * <p>Thread-safety: not thread-safe; used on the simulator's thread.
 */
public final class RenoTcpSender implements SimEndpoint {

    /** Flow size of a long-running flow. */
    public static final long UNLIMITED_BYTES = Long.MAX_VALUE;

    private static final int DUPLICATE_THRESHOLD = 3;
    private static final long MIN_RTO_NS = 200_000_000L;
    private static final long MAX_RTO_NS = 60_000_000_000L;
    private static final long INITIAL_RTO_NS = 1_000_000_000L;

    private final long flowBytes;
    private final int segmentBytes;
    private final int maxWindowPackets;

    private FlowContext context;
    private double congestionWindow = 10;
    private double slowStartThreshold = Double.MAX_VALUE;
    private long nextSequence;
    private long lowestOutstanding;
    private long recoveryEndSequence = -1;
    private int inFlight;
    private long[] sendTimeNs = new long[1024];
    private byte[] state = new byte[1024]; // 0 none, 1 outstanding, 2 done (acked or declared lost)
    private long smoothedRttNs = -1;
    private long rttVariationNs;
    private long rtoNs = INITIAL_RTO_NS;
    private long ackedBytes;
    private long startTimeNs;
    private long completionTimeNs = -1;

    /**
     * A sender with 1200-byte segments and a 10 000-segment receive window.
     *
     * @param flowBytes bytes to deliver, or {@link #UNLIMITED_BYTES}
     */
    public RenoTcpSender(long flowBytes) {
        this(flowBytes, 1200, 10_000);
    }

    /**
     * @param flowBytes bytes to deliver (&gt; 0), or {@link #UNLIMITED_BYTES}
     * @param segmentBytes bytes per packet on the wire, 64 to {@link LinkModel#MAX_PACKET_BYTES}
     * @param maxWindowPackets the receive window in segments, &gt;= 2
     */
    public RenoTcpSender(long flowBytes, int segmentBytes, int maxWindowPackets) {
        if (flowBytes <= 0) {
            throw new IllegalArgumentException("flowBytes must be > 0: " + flowBytes);
        }
        if (segmentBytes < 64 || segmentBytes > LinkModel.MAX_PACKET_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be in [64, 65535]: " + segmentBytes);
        }
        if (maxWindowPackets < 2) {
            throw new IllegalArgumentException("maxWindowPackets must be >= 2: " + maxWindowPackets);
        }
        this.flowBytes = flowBytes;
        this.segmentBytes = segmentBytes;
        this.maxWindowPackets = maxWindowPackets;
    }

    @Override
    public void onStart(FlowContext context, long nowNs) {
        this.context = context;
        this.startTimeNs = nowNs;
        sendWhatTheWindowAllows(nowNs);
    }

    @Override
    public void onPacket(SimPacket packet, long nowNs) {
        long sequence = packet.sequence();
        if (sequence < lowestOutstanding || sequence >= nextSequence || stateOf(sequence) != 1) {
            return;
        }
        setState(sequence, (byte) 2);
        inFlight--;
        ackedBytes += segmentBytes;
        updateRtt(nowNs - sendTimeNs[slot(sequence)]);
        if (congestionWindow < slowStartThreshold) {
            congestionWindow += 1;
        } else {
            congestionWindow += 1 / congestionWindow;
        }
        congestionWindow = Math.min(congestionWindow, maxWindowPackets);
        detectLosses(sequence);
        while (lowestOutstanding < nextSequence && stateOf(lowestOutstanding) == 2) {
            setState(lowestOutstanding, (byte) 0);
            lowestOutstanding++;
        }
        if (completionTimeNs < 0 && ackedBytes >= flowBytes) {
            completionTimeNs = nowNs;
            context.cancelTimer();
            return;
        }
        sendWhatTheWindowAllows(nowNs);
    }

    private void detectLosses(long ackedSequence) {
        boolean lossSeen = false;
        for (long s = lowestOutstanding; s <= ackedSequence - DUPLICATE_THRESHOLD; s++) {
            if (stateOf(s) == 1) {
                setState(s, (byte) 2);
                inFlight--;
                if (s > recoveryEndSequence) {
                    lossSeen = true;
                }
            }
        }
        if (lossSeen) {
            congestionWindow = Math.max(2, congestionWindow / 2);
            slowStartThreshold = congestionWindow;
            recoveryEndSequence = nextSequence - 1;
        }
    }

    @Override
    public void onTimer(long nowNs) {
        if (completionTimeNs >= 0 || inFlight == 0) {
            return;
        }
        // Retransmission timeout: everything outstanding is lost, restart from one segment.
        for (long s = lowestOutstanding; s < nextSequence; s++) {
            if (stateOf(s) == 1) {
                setState(s, (byte) 2);
            }
        }
        inFlight = 0;
        slowStartThreshold = Math.max(2, congestionWindow / 2);
        congestionWindow = 1;
        recoveryEndSequence = nextSequence - 1;
        rtoNs = Math.min(MAX_RTO_NS, rtoNs * 2);
        sendWhatTheWindowAllows(nowNs);
    }

    private void sendWhatTheWindowAllows(long nowNs) {
        boolean sentAny = false;
        while (inFlight < (int) congestionWindow && completionTimeNs < 0 && sentBytesWithinFlow()) {
            long sequence = nextSequence++;
            ensureCapacity(sequence);
            setState(sequence, (byte) 1);
            sendTimeNs[slot(sequence)] = nowNs;
            inFlight++;
            context.send(sequence, segmentBytes, null);
            sentAny = true;
        }
        if (sentAny || inFlight > 0) {
            context.setTimerNs(nowNs + rtoNs);
        }
    }

    private boolean sentBytesWithinFlow() {
        // A short flow never has more outstanding than it still needs delivered.
        return flowBytes == UNLIMITED_BYTES || ackedBytes + (long) inFlight * segmentBytes < flowBytes;
    }

    private void updateRtt(long sampleNs) {
        if (smoothedRttNs < 0) {
            smoothedRttNs = sampleNs;
            rttVariationNs = sampleNs / 2;
        } else {
            rttVariationNs = (3 * rttVariationNs + Math.abs(smoothedRttNs - sampleNs)) / 4;
            smoothedRttNs = (7 * smoothedRttNs + sampleNs) / 8;
        }
        rtoNs = Math.max(MIN_RTO_NS, Math.min(MAX_RTO_NS, smoothedRttNs + 4 * rttVariationNs));
    }

    private void ensureCapacity(long sequence) {
        long span = sequence - lowestOutstanding + 1;
        if (span > state.length) {
            int length = state.length;
            int newLength = length * 2;
            while (newLength < span) {
                newLength *= 2;
            }
            long[] times = new long[newLength];
            byte[] states = new byte[newLength];
            for (long s = lowestOutstanding; s < nextSequence; s++) {
                times[(int) (s & (newLength - 1))] = sendTimeNs[(int) (s & (length - 1))];
                states[(int) (s & (newLength - 1))] = state[(int) (s & (length - 1))];
            }
            sendTimeNs = times;
            state = states;
        }
    }

    private int slot(long sequence) {
        return (int) (sequence & (state.length - 1));
    }

    private byte stateOf(long sequence) {
        return state[slot(sequence)];
    }

    private void setState(long sequence, byte value) {
        state[slot(sequence)] = value;
    }

    /** @return bytes acknowledged so far */
    public long ackedBytes() {
        return ackedBytes;
    }

    /** @return the congestion window in segments */
    public double congestionWindowPackets() {
        return congestionWindow;
    }

    /** @return the smoothed RTT in ns, or -1 before the first sample */
    public long smoothedRttNs() {
        return smoothedRttNs;
    }

    /** @return when a short flow finished (all bytes acknowledged), or -1 if not (yet) */
    public long completionTimeNs() {
        return completionTimeNs;
    }

    /** @return the flow completion time in ns, or -1 if not finished */
    public long flowCompletionNs() {
        return completionTimeNs < 0 ? -1 : completionTimeNs - startTimeNs;
    }
}
