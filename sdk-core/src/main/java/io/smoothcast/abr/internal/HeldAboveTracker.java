package io.smoothcast.abr.internal;

import java.util.Arrays;

/**
 * Remembers, for each of a fixed set of thresholds, since when an input has stayed at or above
 * it without interruption. The ABR selectors use it for "up only after the target has held above
 * the next level for a hold time".
 *
 * <p>Not thread-safe: owned by one selector and called from its thread. Allocates only on
 * construction.
 */
public final class HeldAboveTracker {

    private final long[] thresholds;
    private final long[] aboveSinceNs;
    private final boolean[] above;

    /**
     * @param thresholds the thresholds, in the caller's unit; copied
     */
    public HeldAboveTracker(long[] thresholds) {
        this.thresholds = thresholds.clone();
        this.aboveSinceNs = new long[thresholds.length];
        this.above = new boolean[thresholds.length];
    }

    /**
     * Records an input value at a time. A value below a threshold restarts that threshold's
     * hold.
     *
     * @param value the input, in the thresholds' unit
     * @param nowNs the caller's time, in nanoseconds
     */
    public void update(long value, long nowNs) {
        for (int i = 0; i < thresholds.length; i++) {
            if (value >= thresholds[i]) {
                if (!above[i]) {
                    above[i] = true;
                    aboveSinceNs[i] = nowNs;
                }
            } else {
                above[i] = false;
            }
        }
    }

    /**
     * Returns whether the input has stayed at or above a threshold for at least a duration.
     *
     * @param index the threshold's index
     * @param holdNs the hold time, in nanoseconds
     * @param nowNs the caller's time, in nanoseconds
     * @return true if held long enough
     */
    public boolean heldFor(int index, long holdNs, long nowNs) {
        return above[index] && nowNs - aboveSinceNs[index] >= holdNs;
    }

    /** Forgets every hold, as if the input had just dropped below all thresholds. */
    public void reset() {
        Arrays.fill(above, false);
    }
}
