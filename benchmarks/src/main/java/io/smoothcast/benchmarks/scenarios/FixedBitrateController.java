package io.smoothcast.benchmarks.scenarios;

/**
 * Baseline: no congestion control at all, the encoder runs at one configured bitrate (as a
 * broadcaster with a fixed OBS setting does). Feedback is ignored.
 */
final class FixedBitrateController implements RateController {

    private final long bitrateBps;

    FixedBitrateController(long bitrateBps) {
        if (bitrateBps <= 0) {
            throw new IllegalArgumentException("bitrateBps must be > 0: " + bitrateBps);
        }
        this.bitrateBps = bitrateBps;
    }

    @Override
    public void onPacketSent(long sequence, int sizeBytes, boolean isProbe, long nowNs) {
    }

    @Override
    public void onFeedback(Object payload, long nowNs) {
    }

    @Override
    public long targetBitrateBps() {
        return bitrateBps;
    }
}
