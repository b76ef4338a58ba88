package org.jitsi.impl.neomedia.rtp.remotebitrateestimator;

import org.jitsi.utils.logging.DiagnosticContext;
import org.jitsi.utils.stats.RateStatistics;

/**
 * libjitsi's abs-send-time remote bitrate estimator, driven in virtual time. Smoothcast
 * benchmark code, not part of libjitsi.
 *
 * <p>Why this class exists: {@link RemoteBitrateEstimatorAbsSendTime#incomingPacketInfo} reads
 * {@code System.currentTimeMillis()} for the rate controller's clock (the AIMD
 * initialisation period, the feedback interval, the "time to reduce further" check), so in a
 * simulation that runs faster than real time its estimate never becomes valid. Its building
 * blocks ({@link InterArrival}, {@link OveruseEstimator}, {@link OveruseDetector},
 * {@link AimdRateControl}) all take the time as an argument but are package-private, which is
 * why this adapter sits in libjitsi's package (on the class path, not as a module). It wires
 * them exactly as {@code incomingPacketInfo} does (same constants, same order of calls, same
 * update rule), with one change: "now" is the packet's arrival time instead of the wall clock,
 * which is what the wall clock reads when the estimator runs in real time at the receiver.
 * The per-SSRC stream timeout is left out: the harness feeds one stream.
 *
 * <p>Not thread-safe: the simulator's thread only.
 */
public final class VirtualClockAbsSendTimeEstimator {

    /** Same constants as RemoteBitrateEstimatorAbsSendTime. */
    private static final int ABS_SEND_TIME_INTER_ARRIVAL_UPSHIFT = 8;
    private static final long TIMESTAMP_GROUP_LENGTH_TICKS = 335_544L;
    private static final double TIMESTAMP_TO_MS = 1.4901161193847656E-5;

    private final DiagnosticContext diagnosticContext = new DiagnosticContext();
    private final InterArrival interArrival = new InterArrival(TIMESTAMP_GROUP_LENGTH_TICKS,
            TIMESTAMP_TO_MS, true, diagnosticContext);
    private final OveruseEstimator estimator;
    private final OveruseDetector detector;
    private final AimdRateControl remoteRate = new AimdRateControl(diagnosticContext);
    private final RateControlInput input = new RateControlInput(BandwidthUsage.kBwNormal, 0L, 0.0);
    private final long[] deltas = new long[3];
    private RateStatistics incomingBitrate = new RateStatistics(1000, 8000f);
    private boolean incomingBitrateInitialized;
    private long lastUpdateMs = -1;

    /** Creates an estimator with libjitsi's default detector options. */
    public VirtualClockAbsSendTimeEstimator() {
        OverUseDetectorOptions options = new OverUseDetectorOptions();
        this.estimator = new OveruseEstimator(options, diagnosticContext);
        this.detector = new OveruseDetector(options, diagnosticContext);
    }

    /**
     * Feeds one received packet.
     *
     * @param arrivalTimeMs arrival time in virtual milliseconds (also used as "now")
     * @param absSendTime24 the 24-bit abs-send-time header value (6.18 fixed-point seconds)
     * @param sizeBytes the packet size in bytes
     */
    public void onPacket(long arrivalTimeMs, long absSendTime24, int sizeBytes) {
        long nowMs = arrivalTimeMs;
        long timestamp = absSendTime24 << ABS_SEND_TIME_INTER_ARRIVAL_UPSHIFT;
        long incomingRate = incomingBitrate.getRate(arrivalTimeMs);
        if (incomingRate != 0) {
            incomingBitrateInitialized = true;
        } else if (incomingBitrateInitialized) {
            incomingBitrate = new RateStatistics(1000, 8000f);
            incomingBitrateInitialized = false;
        }
        incomingBitrate.update(sizeBytes, arrivalTimeMs);

        deltas[0] = 0;
        deltas[1] = 0;
        deltas[2] = 0;
        if (interArrival.computeDeltas(timestamp, arrivalTimeMs, sizeBytes, deltas, nowMs)) {
            double tsDeltaMs = deltas[0] * TIMESTAMP_TO_MS;
            estimator.update(deltas[1], tsDeltaMs, (int) deltas[2], detector.getState(), nowMs);
            detector.detect(estimator.getOffset(), tsDeltaMs, estimator.getNumOfDeltas(),
                    arrivalTimeMs);
        }
        boolean update = lastUpdateMs == -1
                || nowMs - lastUpdateMs > remoteRate.getFeedBackInterval();
        if (!update && detector.getState() == BandwidthUsage.kBwOverusing) {
            long rate = incomingBitrate.getRate(arrivalTimeMs);
            update = rate > 0 && remoteRate.isTimeToReduceFurther(nowMs, incomingRate);
        }
        if (update) {
            input.bwState = detector.getState();
            input.incomingBitRate = incomingBitrate.getRate(arrivalTimeMs);
            input.noiseVar = estimator.getVarNoise();
            remoteRate.update(input, nowMs);
            remoteRate.updateBandwidthEstimate(nowMs);
            if (remoteRate.isValidEstimate()) {
                lastUpdateMs = nowMs;
            }
        }
    }

    /**
     * Passes an RTT measurement to the rate controller.
     *
     * @param rttMs the round-trip time, milliseconds
     */
    public void onRttUpdate(long rttMs) {
        remoteRate.setRtt(rttMs);
    }

    /** Returns the estimate in bits per second, or -1 while it is not valid yet. */
    public long latestEstimateBps() {
        return remoteRate.isValidEstimate() ? remoteRate.getLatestEstimate() : -1;
    }
}
