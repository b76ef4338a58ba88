package io.smoothcast.transport.internal.failover;

import java.util.Arrays;

/**
 * The last {@value #CAPACITY} round-trip samples of one path, and the two figures a switch
 * decision compares paths by: a low percentile of the round trip and the median change between
 * consecutive samples. Both sides of the comparison (the current node's keepalives and each
 * alternative's pings) go through one of these, so whatever inflates samples on this host (a
 * loaded CPU delays the client's reading of every answer alike) inflates both sides alike, and a
 * few late answers move neither figure: a mean would let one 200 ms stall of the client's thread
 * add 4 ms to fifty samples' mean, and more to their mean jitter.
 *
 * <p>Not thread-safe: the client's I/O thread only. Allocates nothing after construction.
 */
public final class RttWindow {

    /** Samples kept. */
    public static final int CAPACITY = 50;
    /** The percentile of the samples taken as the path's round trip. */
    static final int RTT_PERCENTILE = 20;
    /** The newest samples {@link #recentMinNs} takes its minimum over. */
    public static final int RECENT = 10;

    private final long[] samplesNs = new long[CAPACITY];
    private final long[] sortScratch = new long[CAPACITY];
    private int count;
    private int next;

    /** A round-trip sample in ns; a negative one is ignored. */
    public void add(long rttNs) {
        if (rttNs < 0) {
            return;
        }
        samplesNs[next] = rttNs;
        next = (next + 1) % CAPACITY;
        count = Math.min(count + 1, CAPACITY);
    }

    /** Samples held, 0 to {@value #CAPACITY}. */
    public int size() {
        return count;
    }

    /** Forgets every sample. */
    public void clear() {
        count = 0;
        next = 0;
    }

    /** The {@value #RTT_PERCENTILE}th percentile of the samples, in ms; 0 when there are none. */
    public double lowRttMs() {
        if (count == 0) {
            return 0;
        }
        System.arraycopy(samplesNs, 0, sortScratch, 0, count);
        Arrays.sort(sortScratch, 0, count);
        return sortScratch[(count - 1) * RTT_PERCENTILE / 100] / 1e6;
    }

    /**
     * The smallest of the newest {@value #RECENT} samples, in ns; 0 when there are none. This is
     * the path's round trip as timers that follow it should see it (NACK retries, tail-loss
     * probes, the playout headroom for one retransmission): a stall of this host delays the
     * reading of an answer but cannot make one early, so the minimum over a short window ignores
     * every sample a stall inflated as long as one in {@value #RECENT} was read on time (as QUIC's
     * min_rtt, RFC 9002, and BBR's windowed minimum separate path delay from the host's jitter),
     * yet a path that really got slower moves it within {@value #RECENT} samples (one second at the
     * 100 ms heartbeat). A smoothed mean moves by an eighth of each late sample's excess instead,
     * and a loaded host produces them every few samples.
     */
    public long recentMinNs() {
        if (count == 0) {
            return 0;
        }
        long min = Long.MAX_VALUE;
        for (int k = 1; k <= Math.min(count, RECENT); k++) {
            min = Math.min(min, samplesNs[(next - k + CAPACITY) % CAPACITY]);
        }
        return min;
    }

    /** The median absolute change between consecutive samples, in ms; 0 with fewer than two. */
    public double jitterMs() {
        if (count < 2) {
            return 0;
        }
        int oldest = count < CAPACITY ? 0 : next;
        long previous = samplesNs[oldest];
        for (int k = 1; k < count; k++) {
            long sample = samplesNs[(oldest + k) % CAPACITY];
            sortScratch[k - 1] = Math.abs(sample - previous);
            previous = sample;
        }
        int changes = count - 1;
        Arrays.sort(sortScratch, 0, changes);
        long medianNs = changes % 2 == 1 ? sortScratch[changes / 2]
                : (sortScratch[changes / 2 - 1] + sortScratch[changes / 2]) / 2;
        return medianNs / 1e6;
    }
}
