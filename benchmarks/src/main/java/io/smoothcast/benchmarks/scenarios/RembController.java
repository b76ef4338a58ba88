package io.smoothcast.benchmarks.scenarios;

/**
 * The sending end of the outside reference: the target is the last REMB from
 * {@link JitsiRembReceiver}, starting from the same {@value #START_BITRATE_BPS} bps as the other
 * adaptive controllers until the first REMB arrives. No loss-based part: the issue asks for
 * libjitsi's delay-based estimator as the reference.
 */
final class RembController implements RateController {

    static final long START_BITRATE_BPS = 300_000;

    private long bitrateBps = START_BITRATE_BPS;

    @Override
    public void onPacketSent(long sequence, int sizeBytes, boolean isProbe, long nowNs) {
    }

    @Override
    public void onFeedback(Object payload, long nowNs) {
        if (payload instanceof RembMessage remb) {
            bitrateBps = remb.bitrateBps();
        }
    }

    @Override
    public long targetBitrateBps() {
        return bitrateBps;
    }
}
