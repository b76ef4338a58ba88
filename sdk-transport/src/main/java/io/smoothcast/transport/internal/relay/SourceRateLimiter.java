package io.smoothcast.transport.internal.relay;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rate limit per source address for every datagram from peers that are not yet authenticated
 * (no accepted PUBLISH or SUBSCRIBE), checked before any other work is done for the datagram,
 * with bounded state: at most {@code maxSources} addresses are tracked, least recently heard
 * first out (LRU). Each address may send a burst of {@code burst} datagrams, then one every
 * {@code 1 / perSecond} seconds (generic cell rate algorithm: one theoretical arrival time per
 * address).
 *
 * <p>An evicted address starts again with a full burst, so eviction gives a flood from many
 * addresses no more than the burst per new address; the cap on half-open sessions bounds what
 * those datagrams can create. A source that keeps sending stays tracked (and limited) unless
 * {@code maxSources} other addresses are heard between two of its datagrams.
 *
 * <p>Not thread-safe: the relay's I/O thread only. Time comes from the caller. Allocates one
 * table entry per newly tracked address, nothing for an address already tracked.
 */
public final class SourceRateLimiter {

    private final long intervalNs;
    private final long burstNs;
    private final int maxSources;
    private final LinkedHashMap<InetSocketAddress, long[]> theoreticalArrivalNs;

    /**
     * @param perSecond sustained datagrams per second per address, at least 1
     * @param burst datagrams an address may send at once, at least 1
     * @param maxSources most addresses tracked at once, at least 1
     */
    public SourceRateLimiter(int perSecond, int burst, int maxSources) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be >= 1: " + perSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be >= 1: " + burst);
        }
        if (maxSources < 1) {
            throw new IllegalArgumentException("maxSources must be >= 1: " + maxSources);
        }
        this.intervalNs = 1_000_000_000L / perSecond;
        this.burstNs = intervalNs * (burst - 1);
        this.maxSources = maxSources;
        // access order: a lookup makes the address the most recently used, eviction takes the least
        this.theoreticalArrivalNs = new LinkedHashMap<>(Math.min(maxSources, 1024) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, long[]> eldest) {
                return size() > SourceRateLimiter.this.maxSources;
            }
        };
    }

    /**
     * Records one datagram and says whether it is within the address's limit.
     *
     * @param source the sender
     * @param nowNs the current time, in nanoseconds
     * @return true to handle the datagram, false to drop it
     */
    public boolean allow(InetSocketAddress source, long nowNs) {
        long[] tat = theoreticalArrivalNs.get(source);
        if (tat == null) {
            theoreticalArrivalNs.put(source, new long[] {nowNs + intervalNs});
            return true;
        }
        long base = tat[0] - nowNs > 0 ? tat[0] : nowNs;
        if (base - nowNs > burstNs) {
            return false;
        }
        tat[0] = base + intervalNs;
        return true;
    }

    /** @return addresses tracked now (at most {@code maxSources}) */
    public int trackedSources() {
        return theoreticalArrivalNs.size();
    }
}
