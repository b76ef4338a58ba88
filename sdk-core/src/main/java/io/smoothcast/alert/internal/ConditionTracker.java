package io.smoothcast.alert.internal;

/**
 * The k-of-n and hysteresis state of one condition for one subject: the verdicts of the last
 * samples (as bit masks, newest in bit 0) and whether the condition is raised.
 *
 * <p>Raise: at least {@code raiseCount} of the last {@code windowSamples} samples breached,
 * counting only samples less than {@code windowNs} older than the newest. Clear: the last
 * {@code clearCount} samples were all on the good side of the clear threshold; clearing forgets
 * older breaches, so a raise after a clear needs k fresh breaches (no flapping on stale
 * history). Samples older than the newest one seen are ignored.
 *
 * <p>Not thread-safe. Allocates only at construction.
 */
public final class ConditionTracker {

    /** The sample changed nothing. */
    public static final int UNCHANGED = 0;
    /** The sample raised the condition. */
    public static final int RAISED = 1;
    /** The sample cleared the condition. */
    public static final int CLEARED = 2;
    /** The sample was older than the newest one seen and was ignored. */
    public static final int OUT_OF_ORDER = 3;

    private final int raiseCount;
    private final int windowSamples;
    private final int clearCount;
    private final long windowNs;
    private final long[] timesNs;
    private int head;
    private int count;
    private long breachBits;
    private long clearBits;
    private boolean raised;
    private boolean anySample;
    private long latestNs;

    /**
     * @param raiseCount k, 1 to windowSamples
     * @param windowSamples n, 1 to 64
     * @param clearCount good samples in a row to clear, 1 to 64
     * @param windowNs longest sample age counted towards raising, nanoseconds, > 0
     */
    public ConditionTracker(int raiseCount, int windowSamples, int clearCount, long windowNs) {
        if (windowSamples < 1 || windowSamples > 64 || raiseCount < 1 || raiseCount > windowSamples
                || clearCount < 1 || clearCount > 64 || windowNs <= 0) {
            throw new IllegalArgumentException("invalid condition window: k=" + raiseCount + ", n=" + windowSamples
                    + ", clearCount=" + clearCount + ", windowNs=" + windowNs);
        }
        this.raiseCount = raiseCount;
        this.windowSamples = windowSamples;
        this.clearCount = clearCount;
        this.windowNs = windowNs;
        this.timesNs = new long[windowSamples];
    }

    /**
     * Accounts for one sample.
     *
     * @param breach the sample matched the raise threshold
     * @param clearSide the sample lies on the good side of the clear threshold
     * @param timeNs the sample's instant, monotonic nanoseconds
     * @return {@link #UNCHANGED}, {@link #RAISED}, {@link #CLEARED} or {@link #OUT_OF_ORDER}
     */
    public int add(boolean breach, boolean clearSide, long timeNs) {
        if (anySample && timeNs - latestNs < 0) {
            return OUT_OF_ORDER;
        }
        anySample = true;
        latestNs = timeNs;
        timesNs[head] = timeNs;
        head = head + 1 == windowSamples ? 0 : head + 1;
        count = Math.min(64, count + 1);
        breachBits = (breachBits << 1) | (breach ? 1L : 0L);
        clearBits = (clearBits << 1) | (clearSide ? 1L : 0L);

        if (!raised) {
            if (recentBreaches() >= raiseCount) {
                raised = true;
                return RAISED;
            }
            return UNCHANGED;
        }
        long mask = clearCount == 64 ? -1L : (1L << clearCount) - 1;
        if (count >= clearCount && (clearBits & mask) == mask) {
            raised = false;
            breachBits = 0;
            return CLEARED;
        }
        return UNCHANGED;
    }

    private int recentBreaches() {
        int looked = Math.min(count, windowSamples);
        int breaches = 0;
        for (int age = 0; age < looked; age++) {
            int slot = Math.floorMod(head - 1 - age, windowSamples);
            if (latestNs - timesNs[slot] >= windowNs) {
                break;
            }
            if ((breachBits & (1L << age)) != 0) {
                breaches++;
            }
        }
        return breaches;
    }

    /** @return true while the condition is raised */
    public boolean isRaised() {
        return raised;
    }

    /** @return the newest sample's instant, monotonic nanoseconds (0 before any sample) */
    public long latestNs() {
        return latestNs;
    }
}
