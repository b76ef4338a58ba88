package io.smoothcast.transport.internal.relay;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Decides when the relay probes one subscriber's downlink for the next simulcast layer up, the
 * way GCC probes: the controller's estimate cannot rise much above what the subscriber
 * acknowledges (1.5x), and a subscriber moved down receives only its lower layer, so without a
 * probe it would never show the capacity for the layer above.
 *
 * <p>A probe starts when the layer above needs more than the estimate, and the estimate has
 * not fallen and the reported loss stayed at or under {@value #MAX_LOSS_FRACTION} for
 * {@link #STABLE_HOLD_NS}. It lasts {@link #PROBE_DURATION_NS} at {@value #PROBE_OVER_NEEDED}
 * times the needed rate (the subscriber's media plus padding), and is cut short when the
 * estimate falls or loss shows during it. It succeeds when the controller's measurement of the
 * cluster reaches the needed rate; a failed (or unanswered) probe, or a climb the subscriber
 * falls back from within {@link #CLIMB_VERIFY_NS}, doubles the wait before the next, from
 * {@link #FIRST_BACKOFF_NS} to at most {@link #MAX_BACKOFF_NS}; a climb kept that long resets it. A probe that failed only stops the next one for the backoff time, never for good:
 * capacity can come back at any time.
 *
 * <p>A probe whose packets came back without their arrival times (the relay or the subscriber
 * stalled while they arrived: {@link RelayStallGuard}, untimed-arrivals reports) can have no
 * result: the controller measures a cluster only from timed arrivals, and only once
 * {@value #MEASURED_SHARE} of it arrived. If with the untimed arrivals that share of the
 * cluster's packets was reported arrived, the missing times are what left it without a
 * result: such a probe is no evidence about the path, so it neither fails nor backs off; the
 * next one waits a new {@link #STABLE_HOLD_NS}. (Counted as failures, on a host that stalled
 * every few seconds each such probe doubled the wait, and the climb back took 8 s longer:
 * session 16.) If less arrived, timed or not, the path lost the cluster: it failed and backs
 * off, stall or not (else a path too narrow for the layer above, under a relay that stalls now
 * and then, was probed every {@link #STABLE_HOLD_NS}: session 17).
 *
 * <p>Only the decision and the padding budget live here; the caller sends the packets and
 * tells the controller. Time comes from the caller. Not thread-safe: the relay's I/O thread.
 * Allocates only when a cluster has more packets than every one before (its arrival bitmap
 * grows); never per packet or report.
 */
final class DownlinkProber {

    /** The estimate must have held, and loss stayed low, this long before a probe. */
    static final long STABLE_HOLD_NS = TimeUnit.SECONDS.toNanos(2);
    /** How long a probe cluster is sent. */
    static final long PROBE_DURATION_NS = TimeUnit.MILLISECONDS.toNanos(150);
    /** A probe with no result this long after its last packet counts as failed. */
    static final long RESULT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    static final long FIRST_BACKOFF_NS = TimeUnit.SECONDS.toNanos(2);
    /** Bounds how late a climb starts after capacity returns, and how often a narrow link is probed. */
    static final long MAX_BACKOFF_NS = TimeUnit.SECONDS.toNanos(8);
    static final double MAX_LOSS_FRACTION = 0.02;
    /**
     * The share of a cluster's packets (and bytes) that must arrive, timed, for the controller's
     * probe estimator to measure it ({@code ProbeBitrateEstimator} in sdk-core).
     */
    static final double MEASURED_SHARE = 0.8;
    /** A layer reached by a probe must be kept this long for the climb to count as a success. */
    static final long CLIMB_VERIFY_NS = TimeUnit.SECONDS.toNanos(5);
    /** The probe rate over the rate the next layer needs, so a probe that gets through measures enough. */
    static final double PROBE_OVER_NEEDED = 1.15;
    /** An estimate below this share of the one before counts as a fall (AIMD noise is smaller). */
    private static final double FALL_SHARE = 0.95;
    /** Padding is sent on the relay's 20 ms tick, for the time until the next one. */
    static final long TICK_AHEAD_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** At most this long at the probe rate goes out in one tick. */
    private static final long MAX_BURST_NS = TimeUnit.MILLISECONDS.toNanos(60);
    /** A cluster still short of its size after this long (no packets to pad with) is given up. */
    private static final long MAX_SENDING_NS = 4 * PROBE_DURATION_NS;

    /** What {@link #onTick} asks of the caller. */
    enum Action {
        /** Nothing to do. */
        NONE,
        /** Request a cluster at {@link #probeRateBps()} and call {@link #started}. */
        START_PROBE,
        /** The probe carried the needed rate: move the subscriber up. */
        CLIMB,
        /** The probe did not carry it (counted; the next waits longer). */
        FAILED
    }

    private enum State { IDLE, SENDING, AWAITING_RESULT }

    private State state = State.IDLE;
    private long stableSinceNs;
    private boolean haveStable;
    private long lastEstimateBps;
    private long backoffNs;
    private long nextProbeAllowedNs;
    private long neededBps;
    private long probeRateBps;
    private int clusterId = -1;
    private long probeStartNs;
    private long sendingEndedNs;
    private long clusterBytes;
    private long clusterMinBytes;
    /** Transport-wide numbers of the cluster's first and last packet, or -1 before its first. */
    private long clusterFirstSequence = -1;
    private long clusterLastSequence = -1;
    /** Packets sent in the cluster. */
    private int clusterPackets;
    /** The cluster's packets reported arrived, timed or not ({@link #onArrival}). */
    private int clusterArrivals;
    /**
     * Bit {@code i}: the cluster's {@code i}-th packet was counted in {@link #clusterArrivals}.
     * A bitmap, not the newest number reported: feedback datagrams can come reordered (an older
     * report after a newer one still carries arrivals), and a packet can be reported twice.
     */
    private long[] clusterArrived = new long[16];
    /** Whether an arrival of the cluster's came back without its time. */
    private boolean clusterArrivalUntimed;
    private long climbNeededBps;
    private long climbAtNs;
    private long probes;
    private long climbs;
    private long climbFailures;
    private long unanswerable;

    /**
     * Periodic decision, every relay tick.
     *
     * @param nowNs the current time, in ns
     * @param estimateBps the controller's estimate for the downlink, in bps
     * @param lossFraction the loss fraction of the latest feedback, in [0, 1]
     * @param neededBps the estimate the next layer up needs (its bitrate times the selector's up
     *     margin, times the subscriptions sharing the downlink), in bps; 0 when there is no layer
     *     to climb to now (top layer, or a switch waiting for its keyframe)
     * @param resultClusterId the cluster id of the controller's newest probe result, or -1
     * @param resultBps that result, in bps
     * @return what the caller should do now
     */
    Action onTick(long nowNs, long estimateBps, double lossFraction, long neededBps, int resultClusterId,
            long resultBps) {
        boolean falling = estimateBps < FALL_SHARE * lastEstimateBps;
        boolean lossy = lossFraction > MAX_LOSS_FRACTION;
        lastEstimateBps = estimateBps;
        if (!haveStable) {
            nextProbeAllowedNs = nowNs; // a clock's origin is arbitrary: 0 may lie in the future
        }
        if (!haveStable || falling || lossy) {
            haveStable = true;
            stableSinceNs = nowNs;
        }
        switch (state) {
            case SENDING -> {
                if (resultClusterId == clusterId) {
                    return finish(resultBps, nowNs);
                }
                if (falling || lossy) {
                    return fail(nowNs); // the path shows congestion: stop adding to it
                }
                if (clusterBytes >= clusterMinBytes) {
                    state = State.AWAITING_RESULT;
                    sendingEndedNs = nowNs;
                    return Action.NONE;
                }
                return nowNs - probeStartNs > MAX_SENDING_NS ? fail(nowNs) : Action.NONE;
            }
            case AWAITING_RESULT -> {
                if (resultClusterId == clusterId) {
                    return finish(resultBps, nowNs);
                }
                if (nowNs - sendingEndedNs <= RESULT_TIMEOUT_NS) {
                    return Action.NONE;
                }
                return clusterArrivalUntimed && clusterArrivals >= MEASURED_SHARE * clusterPackets
                        ? unanswerable(nowNs) : fail(nowNs);
            }
            default -> {
                if (climbFailed(neededBps, nowNs) || neededBps <= 0 || estimateBps >= neededBps || nowNs - stableSinceNs < STABLE_HOLD_NS
                        || nowNs - nextProbeAllowedNs < 0) {
                    return Action.NONE;
                }
                this.neededBps = neededBps;
                this.probeRateBps = (long) (PROBE_OVER_NEEDED * neededBps);
                return Action.START_PROBE;
            }
        }
    }

    /**
     * The cluster the caller requested after {@link Action#START_PROBE}.
     *
     * @param id its id, tagged on every packet sent while {@link #sendingClusterId()} returns it
     * @param minBytes its size, in bytes
     */
    void started(int id, long minBytes, long nowNs) {
        state = State.SENDING;
        clusterId = id;
        clusterMinBytes = minBytes;
        clusterBytes = 0;
        clusterFirstSequence = -1;
        clusterLastSequence = -1;
        clusterArrivalUntimed = false;
        clusterPackets = 0;
        clusterArrivals = 0;
        Arrays.fill(clusterArrived, 0L);
        probeStartNs = nowNs;
        probes++;
    }

    private Action finish(long resultBps, long nowNs) {
        if (resultBps >= neededBps) {
            state = State.IDLE;
            nextProbeAllowedNs = nowNs;
            stableSinceNs = nowNs; // the next layer up, if any, waits for its own stable hold
            climbNeededBps = neededBps;
            climbAtNs = nowNs;
            climbs++;
            return Action.CLIMB;
        }
        return fail(nowNs);
    }

    /**
     * A climb counts as a success only once the subscriber has kept the layer for
     * {@link #CLIMB_VERIFY_NS}: a probe can pass on a link the layer's bursty media then
     * congests. Asked to probe for that layer again before then, the climb has failed: it backs
     * off like a failed probe, so a marginal link does not flap between two layers.
     *
     * @return whether the climb failed (the caller returns without probing)
     */
    private boolean climbFailed(long neededBps, long nowNs) {
        if (climbNeededBps == 0) {
            return false;
        }
        if (nowNs - climbAtNs >= CLIMB_VERIFY_NS) {
            climbNeededBps = 0;
            backoffNs = 0;
            return false;
        }
        if (neededBps > 0 && neededBps <= climbNeededBps) {
            climbNeededBps = 0;
            fail(nowNs);
            climbFailures++;
            return true;
        }
        return false;
    }

    /** The probe's result never came and its timing was lost: give it up without a verdict. */
    private Action unanswerable(long nowNs) {
        state = State.IDLE;
        stableSinceNs = nowNs;
        unanswerable++;
        return Action.NONE;
    }

    private Action fail(long nowNs) {
        state = State.IDLE;
        backoffNs = backoffNs == 0 ? FIRST_BACKOFF_NS : Math.min(MAX_BACKOFF_NS, 2 * backoffNs);
        nextProbeAllowedNs = nowNs + backoffNs;
        return Action.FAILED;
    }

    /** The rate the next probe is to be sent at, in bps (valid after {@link Action#START_PROBE}). */
    long probeRateBps() {
        return probeRateBps;
    }

    /** The cluster id every packet sent to the subscriber now belongs to, or -1. */
    int sendingClusterId() {
        return state == State.SENDING ? clusterId : -1;
    }

    /**
     * Notes a packet sent to the subscriber (media or padding).
     *
     * @param sequence its unwrapped transport-wide number
     * @param bytes its size
     */
    void onSent(long sequence, int bytes) {
        if (state == State.SENDING) {
            clusterBytes += bytes;
            clusterPackets++;
            if (clusterFirstSequence < 0) {
                clusterFirstSequence = sequence;
            }
            clusterLastSequence = sequence;
            if (sequence - clusterFirstSequence >= 64L * clusterArrived.length) {
                clusterArrived = Arrays.copyOf(clusterArrived, 2 * clusterArrived.length);
            }
        }
    }

    /**
     * Notes a packet the subscriber reported received: each of the cluster's packets counts
     * once, in whatever order and however often the reports name it.
     *
     * @param sequence its unwrapped transport-wide number
     * @param timed whether its arrival time is to be trusted (else the controller did not
     *     measure it)
     */
    void onArrival(long sequence, boolean timed) {
        if (state == State.IDLE || clusterFirstSequence < 0 || sequence < clusterFirstSequence
                || sequence > clusterLastSequence) {
            return;
        }
        int index = (int) (sequence - clusterFirstSequence);
        long bit = 1L << index; // the shift takes index mod 64
        if ((clusterArrived[index >>> 6] & bit) != 0) {
            return; // reported before
        }
        clusterArrived[index >>> 6] |= bit;
        clusterArrivals++;
        clusterArrivalUntimed |= !timed;
    }

    /**
     * Padding bytes to send now: what the cluster's rate allows up to the next tick
     * ({@link #TICK_AHEAD_NS} ahead), less what was sent, at most {@link #MAX_BURST_NS} worth
     * (a late tick must not send a burst; the cluster then simply lasts longer).
     */
    long paddingBytesDue(long nowNs) {
        if (state != State.SENDING) {
            return 0;
        }
        long aheadNs = Math.min(nowNs - probeStartNs + TICK_AHEAD_NS, PROBE_DURATION_NS);
        long due = Math.min(bytesIn(aheadNs), clusterMinBytes) - clusterBytes;
        return Math.max(0, Math.min(due, bytesIn(MAX_BURST_NS)));
    }

    private long bytesIn(long durationNs) {
        return (long) (probeRateBps / 8.0 * durationNs / 1e9);
    }

    /** Probes started so far. */
    long probes() {
        return probes;
    }

    /** Probes that moved the subscriber up. */
    long climbs() {
        return climbs;
    }

    /** Climbs the subscriber fell back from within {@link #CLIMB_VERIFY_NS}. */
    long climbFailures() {
        return climbFailures;
    }

    /** Probes given up without a verdict: no result, and some of their arrivals came back untimed. */
    long unanswerable() {
        return unanswerable;
    }

    /** The current wait after a failed probe, in ns (0 after a success or before any probe). */
    long backoffNs() {
        return backoffNs;
    }
}
