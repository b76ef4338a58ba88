package io.smoothcast.netsim;

import java.util.Arrays;

/**
 * A receiver endpoint that reports arrivals to its sender the way transport-wide congestion
 * control feedback does: every {@code intervalNs} (when something new arrived) it sends one
 * reverse packet whose payload is an {@link ArrivalReport} covering every sequence number from
 * the first one not yet reported up to the highest one received; the ones in between that did
 * not arrive are reported as lost. Packets arriving after their range was reported are ignored
 * (they count as lost, as a real sender would see them).
 *
 * <p>The feedback packet's size is modelled as 20 bytes plus 2 bytes per covered packet, and a
 * report covers at most {@link #MAX_PACKETS_PER_REPORT} packets (more go in the next report).
 *
 * <p>Thread-safety: not thread-safe; used on the simulator's thread.
 */
public final class ArrivalFeedbackReceiver implements SimEndpoint {

    /** Upper bound on the packets one report covers. */
    public static final int MAX_PACKETS_PER_REPORT = 8192;

    private final long intervalNs;
    private FlowContext context;
    private long nextUnreported = -1;
    private long highestReceived = -1;
    private long[] arrivals = new long[256];
    private boolean[] received = new boolean[256];
    private long feedbackSequence;
    private long receivedPackets;
    private long receivedBytes;

    /**
     * @param intervalNs time between feedback packets in ns, &gt; 0 (transport-cc senders use
     *     about 50 to 100 ms)
     */
    public ArrivalFeedbackReceiver(long intervalNs) {
        if (intervalNs <= 0) {
            throw new IllegalArgumentException("intervalNs must be > 0: " + intervalNs);
        }
        this.intervalNs = intervalNs;
    }

    @Override
    public void onStart(FlowContext context, long nowNs) {
        this.context = context;
        context.setTimerNs(nowNs + intervalNs);
    }

    @Override
    public void onPacket(SimPacket packet, long nowNs) {
        receivedPackets++;
        receivedBytes += packet.sizeBytes();
        long sequence = packet.sequence();
        if (sequence < 0) {
            return;
        }
        if (nextUnreported < 0) {
            nextUnreported = sequence;
        }
        if (sequence < nextUnreported || sequence - nextUnreported >= MAX_PACKETS_PER_REPORT * 4L) {
            return; // already reported as lost, or absurdly far ahead
        }
        int offset = (int) (sequence - nextUnreported);
        ensureCapacity(offset + 1);
        if (sequence > highestReceived) {
            for (long s = Math.max(highestReceived + 1, nextUnreported); s < sequence; s++) {
                received[(int) (s - nextUnreported)] = false;
            }
            highestReceived = sequence;
        }
        received[offset] = true;
        arrivals[offset] = nowNs;
    }

    @Override
    public void onTimer(long nowNs) {
        if (nextUnreported >= 0 && highestReceived >= nextUnreported) {
            int count = (int) Math.min(highestReceived - nextUnreported + 1, MAX_PACKETS_PER_REPORT);
            ArrivalReport report = new ArrivalReport(feedbackSequence++, nextUnreported,
                    Arrays.copyOf(arrivals, count), Arrays.copyOf(received, count));
            context.send(report.feedbackSequence(), 20 + 2 * count, report);
            int remaining = (int) (highestReceived - nextUnreported + 1) - count;
            System.arraycopy(arrivals, count, arrivals, 0, remaining);
            System.arraycopy(received, count, received, 0, remaining);
            nextUnreported += count;
        }
        context.setTimerNs(nowNs + intervalNs);
    }

    private void ensureCapacity(int size) {
        if (size > received.length) {
            int length = Math.max(size, received.length * 2);
            arrivals = Arrays.copyOf(arrivals, length);
            received = Arrays.copyOf(received, length);
        }
    }

    /** @return data packets received so far */
    public long receivedPackets() {
        return receivedPackets;
    }

    /** @return data bytes received so far */
    public long receivedBytes() {
        return receivedBytes;
    }
}
