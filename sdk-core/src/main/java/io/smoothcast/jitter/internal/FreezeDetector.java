package io.smoothcast.jitter.internal;

/**
 * Classifies the gaps between delivered frames as freezes and pauses, by the rules of the W3C
 * webrtc-stats {@code freezeCount} and {@code pauseCount}: an interval of at least 5 s is a
 * pause; otherwise an interval of at least {@code max(3 x average, average + 150 ms)} is a
 * freeze, where the average frame duration is taken over the previous (up to 30) intervals.
 *
 * <p>Not thread-safe: owned by the consumer thread. Allocates nothing after construction.
 */
public final class FreezeDetector {

    /** An interval this long or longer is a pause, not a freeze. */
    public static final long PAUSE_NS = 5_000_000_000L;
    private static final long FREEZE_MARGIN_NS = 150_000_000L;
    private static final int WINDOW = 30;

    private final long[] intervals = new long[WINDOW];
    private int next;
    private int count;
    private long sumNs;
    private boolean haveLast;
    private long lastNs;

    private long freezeCount;
    private long totalFreezesNs;
    private long pauseCount;
    private long totalPausesNs;

    /**
     * Records that a frame was delivered.
     *
     * @param nowNs delivery time in nanoseconds
     * @return whether the interval before this frame was counted as a freeze or a pause (the
     *     only times the totals change)
     */
    public boolean onFrame(long nowNs) {
        if (!haveLast) {
            haveLast = true;
            lastNs = nowNs;
            return false;
        }
        long intervalNs = nowNs - lastNs;
        lastNs = nowNs;
        if (intervalNs >= PAUSE_NS) {
            pauseCount++;
            totalPausesNs += intervalNs;
            return true;
        }
        // An interval under the margin is no freeze unless the average is negative (a clock
        // that went backwards): checked first, so the division is done only when it can matter.
        boolean freeze = false;
        if (count > 0 && (intervalNs >= FREEZE_MARGIN_NS || sumNs < 0)) {
            long averageNs = sumNs / count;
            if (intervalNs >= Math.max(3 * averageNs, averageNs + FREEZE_MARGIN_NS)) {
                freezeCount++;
                totalFreezesNs += intervalNs;
                freeze = true;
            }
        }
        if (count == WINDOW) {
            sumNs -= intervals[next];
        } else {
            count++;
        }
        intervals[next] = intervalNs;
        sumNs += intervalNs;
        next = next == WINDOW - 1 ? 0 : next + 1;
        return freeze;
    }

    /** @return freezes so far */
    public long freezeCount() {
        return freezeCount;
    }

    /** @return summed length of all freezes, in nanoseconds */
    public long totalFreezesDurationNs() {
        return totalFreezesNs;
    }

    /** @return pauses so far */
    public long pauseCount() {
        return pauseCount;
    }

    /** @return summed length of all pauses, in nanoseconds */
    public long totalPausesDurationNs() {
        return totalPausesNs;
    }
}
