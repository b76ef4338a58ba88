package io.smoothcast.transport.internal.cc;

import java.util.concurrent.TimeUnit;

/**
 * Notices when a receiver's own I/O thread was off the CPU (GC, a busy host), so that the read
 * times of the packets that waited in its socket meanwhile are not reported to their sender as
 * arrival times. The viewer keeps one for its node; the relay keeps one for its whole I/O thread,
 * which marks its publishers' packets the same way and tells every subscriber downlink when a
 * stall ended ({@code RelayStallGuard}).
 *
 * <p>Why it matters: Netty's epoll transport gives no kernel receive timestamp, so a packet's
 * arrival time is when the thread read it. After a stall the backlog is read in one go: packets
 * that arrived over the whole stall get read times a few microseconds apart, and their one-way
 * delays look like a queue that built up by the stall's length and drained at once. The
 * sender's delay-based controller answers that with a deep cut (in virtual time a 208 ms stall
 * of a viewer took a downlink estimate from 5.06 to 1.45 Mbit/s, BENCHMARKS.md "Viewer reader
 * stalls"; a stall of the relay cuts its publisher's rate the same way, "Relay stalls on the
 * publisher's uplink"), for no network reason.
 *
 * <p>How it is recognised: the thread ticks every 10 ms and reads every datagram; a gap over
 * {@link #STALL_GAP_NS} between two of these events means it did not run in between. Packets
 * read from then on, for one stall length (at most {@link #MAX_UNTIMED_NS}), are read times:
 * the backlog of one stall drains within one stall length when the reader is at least twice as
 * fast as the stream, and the bound keeps a seconds-long pause from hiding as long. The
 * receiver reports them as such ({@link io.smoothcast.transport.internal.cc.UntimedArrivalsReport}).
 *
 * <p>Stalls of {@link #STALL_GAP_NS} or less are not seen. Time comes from the caller. Not
 * thread-safe: the receiver's I/O thread. Allocates nothing.
 */
public final class ReaderStallDetector {

    /**
     * A gap between two events of the reader longer than this, in ns, is a stall: four 10 ms
     * ticks (and two of the relay's, whose own stall rule uses the same gap), so one late tick
     * under load is not one.
     */
    public static final long STALL_GAP_NS = TimeUnit.MILLISECONDS.toNanos(40);
    /** The longest time after a stall, in ns, whose reads are taken as untimed. */
    public static final long MAX_UNTIMED_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private boolean haveEvent;
    private long lastEventNs;
    private boolean untimedWindow;
    private long untimedUntilNs;
    private long stalls;
    private long lastGapNs;

    /**
     * An event of the reader's thread: a tick or a datagram read.
     *
     * @param nowNs its time, in ns
     * @return whether this event ends a stall
     */
    public boolean onEvent(long nowNs) {
        boolean stalled = haveEvent && nowNs - lastEventNs > STALL_GAP_NS;
        if (stalled) {
            stalls++;
            lastGapNs = nowNs - lastEventNs;
            untimedWindow = true;
            untimedUntilNs = nowNs + Math.min(nowNs - lastEventNs, MAX_UNTIMED_NS);
        }
        if (!haveEvent || nowNs - lastEventNs > 0) {
            lastEventNs = nowNs;
        }
        haveEvent = true;
        return stalled;
    }

    /**
     * Whether a packet read at {@code nowNs} (after {@link #onEvent} for it) may have waited in
     * the socket during a stall, so that its read time is not its arrival time.
     *
     * @param nowNs the read time, in ns
     */
    public boolean readTimeIsUntimed(long nowNs) {
        if (untimedWindow && nowNs - untimedUntilNs >= 0) {
            untimedWindow = false;
        }
        return untimedWindow;
    }

    /** The length of the last stall seen (the gap between the events around it), in ns; 0 before any. */
    public long lastGapNs() {
        return lastGapNs;
    }

    /** Stalls seen so far. */
    public long stalls() {
        return stalls;
    }
}
