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
