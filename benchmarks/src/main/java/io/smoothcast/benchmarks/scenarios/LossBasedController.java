package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.netsim.ArrivalReport;

/**
 * Baseline: a loss-only controller, the loss-based half of GCC (draft-ietf-rmcat-gcc-02 section
 * 6) without any delay signal. Loss is measured over windows of at least
 * {@value #WINDOW_MS} ms of transport-wide feedback; per window: loss above 10% multiplies the
 * rate by {@code (1 - 0.5 x loss)}, loss under 2% grows it by 8% per second of window (the
 * growth libwebrtc's loss-based estimator uses), anything between holds it.
 */
final class LossBasedController implements RateController {

    static final long START_BITRATE_BPS = 300_000;
    static final long MIN_BITRATE_BPS = 50_000;
    static final long MAX_BITRATE_BPS = 20_000_000;
    static final long WINDOW_MS = 500;

    private long bitrateBps = START_BITRATE_BPS;
    private long windowStartNs = Long.MIN_VALUE;
    private long received;
    private long lost;

    @Override
    public void onPacketSent(long sequence, int sizeBytes, boolean isProbe, long nowNs) {
    }

    @Override
    public void onFeedback(Object payload, long nowNs) {
        if (!(payload instanceof ArrivalReport report)) {
            return;
        }
        if (windowStartNs == Long.MIN_VALUE) {
            windowStartNs = nowNs;
        }
        for (int i = 0; i < report.count(); i++) {
            if (report.received(i)) {
                received++;
            } else {
                lost++;
            }
        }
        long elapsedNs = nowNs - windowStartNs;
        if (elapsedNs < WINDOW_MS * 1_000_000L || received + lost == 0) {
            return;
        }
        double loss = lost / (double) (received + lost);
        if (loss > 0.10) {
            bitrateBps = (long) (bitrateBps * (1 - 0.5 * loss));
        } else if (loss < 0.02) {
            bitrateBps = (long) (bitrateBps * Math.pow(1.08, elapsedNs / 1e9));
        }
        bitrateBps = Math.max(MIN_BITRATE_BPS, Math.min(MAX_BITRATE_BPS, bitrateBps));
        windowStartNs = nowNs;
        received = 0;
        lost = 0;
    }

    @Override
    public long targetBitrateBps() {
        return bitrateBps;
    }
}
