package io.smoothcast.transport.internal.relay;

import java.util.concurrent.TimeUnit;

/**
 * Keeps the relay's own stalls (its thread off the CPU: GC, a busy host, a noisy neighbour) out
 * of one subscriber downlink's congestion signals, so that a briefly overloaded relay does not
 * move its viewers down a layer for no network reason.
 *
 * <p>How a stall looks from the subscriber's feedback: a packet the relay numbered (and recorded
 * as sent) just before the stall leaves the socket only when the relay runs again, so its
 * one-way delay jumps by the stall's length, which the delay-based controller reads as a queue
 * and answers with a deep decrease (measured: 5 Mbps to 82 kbps after a 208 ms stall, see
 * BENCHMARKS.md, "Relay downlink under CPU stalls"). The packets read from the backlog after
 * the stall go out in one burst, a queue the relay built itself, and the feedback that waited
 * in the relay's socket gives an RTT inflated by the stall.
 *
 * <p>How it is recognised: the relay's engine keeps one
 * {@link io.smoothcast.transport.internal.cc.ReaderStallDetector} for its I/O thread, fed by its
 * {@value RelayChannels#TICK_INTERVAL_MS} ms ticks and every datagram it handles; a gap over
 * {@link io.smoothcast.transport.internal.cc.ReaderStallDetector#STALL_GAP_NS} means the thread
 * did not run in between, and the engine tells every downlink ({@link #onRelayStall}) before it
 * handles anything else. Then the delays of every packet numbered before the stall ended, and of
 * the packets numbered within one stall length after it (the backlog's burst, at most
 * {@link #MAX_SETTLE_NS}), are not trusted: the caller hands their arrivals to the controller
 * without their times (they count as received in the loss share only; losses count as ever). The controller's feedback timeout is held until the
 * first trusted arrival is reported (at most {@link #MAX_TIMEOUT_HOLD_NS} after the settling
 * ends), as the silence was the relay's.
 *
 * <p>A stall of the subscriber's side (its reader off the CPU) cannot be seen here: the backlog
 * it reads afterwards gets read times close together, which look like a queue that built up by
 * the stall's length. The subscriber notices its own stalls and says which numbers it stamped
 * late ({@link io.smoothcast.transport.internal.cc.UntimedArrivalsReport}, before the feedback
 * that reports them); {@link #distrustReceiverStamps} takes that range, and those arrivals are
 * treated like the ones around the relay's own stalls.
 *
 * <p>Time comes from the caller. Not thread-safe: the relay's I/O thread. Allocates nothing.
 */
final class RelayStallGuard {

    /**
     * The longest time after a stall, in ns, whose packets are not trusted. A backlog of one
     * stall's worth of media drains through a link that carries the media rate within one
     * stall length; the bound keeps a long stall (a seconds-long GC pause) from blinding the
     * controller for as long.
     */
    static final long MAX_SETTLE_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /**
     * How long after the settling the controller's feedback timeout waits for a trusted
     * arrival, in ns, before it runs again (the subscriber may really have gone silent).
     */
    static final long MAX_TIMEOUT_HOLD_NS = TimeUnit.SECONDS.toNanos(1);

    /** Packets numbered below this are not trusted; 0 before any stall. */
    private long firstTrustedSequence;
    private boolean settling;
    private long settleUntilNs;
    private boolean holdingTimeout;
    private long stalls;
    private long untrustedArrivals;
    /** The numbers the subscriber last said it stamped late: from the first to the last, inclusive. */
    private long receiverUntimedFirst = -1;
    private long receiverUntimedLast = -1;

    /**
     * The relay's thread has just run again after a stall; nothing was numbered since.
     *
     * @param nowNs when it ran again, in ns
     * @param stallNs how long it was off, in ns
     * @param nextSequence the unwrapped transport-wide sequence number the next packet will get
     */
    void onRelayStall(long nowNs, long stallNs, long nextSequence) {
        stalls++;
        firstTrustedSequence = nextSequence;
        settling = true;
        settleUntilNs = nowNs + Math.min(stallNs, MAX_SETTLE_NS);
        holdingTimeout = true;
    }

    /**
     * A packet was numbered; within the settling after a stall it is not trusted.
     *
     * @param sequence its unwrapped transport-wide sequence number
     * @param nowNs its send time, in ns
     */
    void onSent(long sequence, long nowNs) {
        if (settling) {
            if (nowNs - settleUntilNs < 0) {
                firstTrustedSequence = sequence + 1;
            } else {
                settling = false;
            }
        }
    }

    /**
     * Whether a reported arrival's delay can be used, and counts it if not.
     *
     * @param sequence the packet's unwrapped transport-wide sequence number
     */
    boolean trustsArrival(long sequence) {
        if (sequence >= firstTrustedSequence
                && (sequence < receiverUntimedFirst || sequence > receiverUntimedLast)) {
            holdingTimeout = false;
            return true;
        }
        untrustedArrivals++;
        return false;
    }

    /**
     * The subscriber's reader stalled: its reported arrivals of these numbers are read times,
     * not arrival times, and are not trusted (the feedback reporting them follows).
     *
     * @param firstSequence the first unwrapped transport-wide number concerned
     * @param lastSequence the last one, inclusive
     */
    void distrustReceiverStamps(long firstSequence, long lastSequence) {
        receiverUntimedFirst = firstSequence;
        receiverUntimedLast = lastSequence;
    }

    /** Whether the controller's feedback timeout may run now. */
    boolean timeoutMayRun(long nowNs) {
        if (holdingTimeout && nowNs - settleUntilNs > MAX_TIMEOUT_HOLD_NS) {
            holdingTimeout = false;
        }
        return !holdingTimeout;
    }

    /** Stalls of the relay seen so far. */
    long stalls() {
        return stalls;
    }

    /**
     * Reported arrivals whose times the controller did not get because a stall (the relay's, or
     * one the subscriber reported) made their delay meaningless.
     */
    long untrustedArrivals() {
        return untrustedArrivals;
    }
}
