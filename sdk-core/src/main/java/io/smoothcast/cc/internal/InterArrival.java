package io.smoothcast.cc.internal;

/**
 * Groups acknowledged packets into send bursts and gives the delay variation between
 * consecutive groups, as in section 5.2 of draft-ietf-rmcat-gcc-02: packets sent within
 * {@code BURST_NS} of a group's first packet belong to it; so does a packet that arrives within
 * {@code BURST_NS} of the group's last arrival with a negative delay change (a burst squeezed
 * together by the network). When a group is complete, {@link #addPacket} returns true and the
 * deltas between it and the group before are available.
 *
 * <p>Thread-safety: not thread-safe. Allocation-free.
 */
public final class InterArrival {

    /** Send-time window of a group. */
    public static final long BURST_NS = 5_000_000L;
    /** The longest arrival span of one group. */
    private static final long MAX_BURST_NS = 100_000_000L;
    /** An arrival jump this much larger than the send jump means a reset of the path. */
    private static final long ARRIVAL_JUMP_RESET_NS = 3_000_000_000L;

    private boolean haveCurrent;
    private long currentFirstSendNs;
    private long currentLastSendNs;
    private long currentFirstArrivalNs;
    private long currentLastArrivalNs;
    private long currentSizeBytes;

    private boolean havePrevious;
    private long previousLastSendNs;
    private long previousLastArrivalNs;
    private long previousSizeBytes;

    private long sendDeltaNs;
    private long arrivalDeltaNs;
    private long sizeDeltaBytes;
    private long completedArrivalNs;

    /**
     * Adds one acknowledged packet (in arrival order).
     *
     * @param sendTimeNs sender clock
     * @param arrivalTimeNs receiver clock
     * @param sizeBytes size
     * @return true if a group was completed and the deltas are valid
     */
    public boolean addPacket(long sendTimeNs, long arrivalTimeNs, int sizeBytes) {
        if (!haveCurrent) {
            startGroup(sendTimeNs, arrivalTimeNs, sizeBytes);
            return false;
        }
        if (sendTimeNs - currentFirstSendNs < 0) {
            return false; // sent before the current group started: out of order, ignored
        }
        if (belongsToCurrent(sendTimeNs, arrivalTimeNs)) {
            currentLastSendNs = Math.max(currentLastSendNs, sendTimeNs);
            currentLastArrivalNs = Math.max(currentLastArrivalNs, arrivalTimeNs);
            currentSizeBytes += sizeBytes;
            return false;
        }
        boolean completed = false;
        if (havePrevious) {
            sendDeltaNs = currentLastSendNs - previousLastSendNs;
            arrivalDeltaNs = currentLastArrivalNs - previousLastArrivalNs;
            sizeDeltaBytes = currentSizeBytes - previousSizeBytes;
            completedArrivalNs = currentLastArrivalNs;
            if (arrivalDeltaNs - sendDeltaNs > ARRIVAL_JUMP_RESET_NS || arrivalDeltaNs < 0) {
                // The path changed under us (or the receiver clock jumped): start over.
                havePrevious = false;
                startGroup(sendTimeNs, arrivalTimeNs, sizeBytes);
                return false;
            }
            completed = true;
        }
        havePrevious = true;
        previousLastSendNs = currentLastSendNs;
        previousLastArrivalNs = currentLastArrivalNs;
        previousSizeBytes = currentSizeBytes;
        startGroup(sendTimeNs, arrivalTimeNs, sizeBytes);
        return completed;
    }

    private boolean belongsToCurrent(long sendTimeNs, long arrivalTimeNs) {
        if (sendTimeNs - currentFirstSendNs <= BURST_NS) {
            return true;
        }
        long arrivalSinceLastNs = arrivalTimeNs - currentLastArrivalNs;
        long sendSinceLastNs = sendTimeNs - currentLastSendNs;
        // A burst arrives after the group (not before it: that is reordering or a clock jump)
        // and a group never spans more than MAX_BURST_NS of arrivals.
        return arrivalSinceLastNs >= 0 && arrivalSinceLastNs <= BURST_NS && arrivalSinceLastNs - sendSinceLastNs < 0
                && arrivalTimeNs - currentFirstArrivalNs < MAX_BURST_NS;
    }

    private void startGroup(long sendTimeNs, long arrivalTimeNs, int sizeBytes) {
        haveCurrent = true;
        currentFirstSendNs = sendTimeNs;
        currentLastSendNs = sendTimeNs;
        currentFirstArrivalNs = arrivalTimeNs;
        currentLastArrivalNs = arrivalTimeNs;
        currentSizeBytes = sizeBytes;
    }

    /** Forgets all groups. */
    public void reset() {
        haveCurrent = false;
        havePrevious = false;
    }

    public long sendDeltaNs() {
        return sendDeltaNs;
    }

    public long arrivalDeltaNs() {
        return arrivalDeltaNs;
    }

    public long sizeDeltaBytes() {
        return sizeDeltaBytes;
    }

    /** @return the last arrival time of the group just completed (receiver clock) */
    public long completedArrivalNs() {
        return completedArrivalNs;
    }
}
