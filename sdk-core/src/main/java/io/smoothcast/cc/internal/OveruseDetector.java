package io.smoothcast.cc.internal;

/**
 * Compares the trendline's modified trend with an adaptive threshold (section 5.4 of
 * draft-ietf-rmcat-gcc-02): overuse is signalled when the trend stays above the threshold for
 * longer than {@link #OVERUSE_TIME_NS} over at least two updates and is not falling; underuse
 * when it is below minus the threshold. The threshold follows the trend slowly upwards
 * ({@code K_UP}) and faster downwards ({@code K_DOWN}), so a competing loss-based flow does not
 * starve us and noise does not trigger us.
 *
 * <p>Thread-safety: not thread-safe. Allocation-free.
 */
public final class OveruseDetector {

    private static final double K_UP = 0.0087;
    private static final double K_DOWN = 0.039;
    private static final double MIN_THRESHOLD_MS = 6;
    private static final double MAX_THRESHOLD_MS = 600;
    private static final double INITIAL_THRESHOLD_MS = 12.5;
    /** Trends this far beyond the threshold are outliers and do not move it. */
    private static final double MAX_ADAPT_OFFSET_MS = 15;
    private static final long OVERUSE_TIME_NS = 10_000_000L;
    private static final long MAX_TIME_DELTA_NS = 100_000_000L;

    private double thresholdMs = INITIAL_THRESHOLD_MS;
    private long lastUpdateNs;
    private boolean haveLastUpdate;
    private long timeOverUsingNs = -1;
    private int overuseCount;
    private double previousTrend;
    private BandwidthUsage state = BandwidthUsage.NORMAL;

    /**
     * @param modifiedTrend the trendline's modified trend
     * @param sendDeltaNs send-time span of the group just completed
     * @param nowNs the current time (for threshold adaptation)
     * @return the hypothesis after this update
     */
    public BandwidthUsage detect(double modifiedTrend, long sendDeltaNs, long nowNs) {
        if (modifiedTrend > thresholdMs) {
            if (timeOverUsingNs < 0) {
                timeOverUsingNs = sendDeltaNs / 2; // assume half the group was already over
            } else {
                timeOverUsingNs += sendDeltaNs;
            }
            overuseCount++;
            if (timeOverUsingNs > OVERUSE_TIME_NS && overuseCount > 1 && modifiedTrend >= previousTrend) {
                timeOverUsingNs = 0;
                overuseCount = 0;
                state = BandwidthUsage.OVERUSING;
            }
        } else if (modifiedTrend < -thresholdMs) {
            timeOverUsingNs = -1;
            overuseCount = 0;
            state = BandwidthUsage.UNDERUSING;
        } else {
            timeOverUsingNs = -1;
            overuseCount = 0;
            state = BandwidthUsage.NORMAL;
        }
        previousTrend = modifiedTrend;
        adaptThreshold(modifiedTrend, nowNs);
        return state;
    }

    private void adaptThreshold(double modifiedTrend, long nowNs) {
        if (!haveLastUpdate) {
            haveLastUpdate = true;
            lastUpdateNs = nowNs;
        }
        double magnitude = Math.abs(modifiedTrend);
        if (magnitude > thresholdMs + MAX_ADAPT_OFFSET_MS) {
            lastUpdateNs = nowNs;
            return;
        }
        double k = magnitude < thresholdMs ? K_DOWN : K_UP;
        long elapsedNs = Math.min(Math.max(nowNs - lastUpdateNs, 0), MAX_TIME_DELTA_NS);
        thresholdMs += k * (magnitude - thresholdMs) * (elapsedNs / 1e6);
        thresholdMs = Math.max(MIN_THRESHOLD_MS, Math.min(MAX_THRESHOLD_MS, thresholdMs));
        lastUpdateNs = nowNs;
    }

    /** @return the current hypothesis */
    public BandwidthUsage state() {
        return state;
    }

    /** @return the adaptive threshold in ms */
    public double thresholdMs() {
        return thresholdMs;
    }
}
