package io.smoothcast.quality;

import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.stats.StatsTimes;

/**
 * The inputs of the quality formula for one interval: loss, round-trip time, jitter, stall rate
 * and how long ago media last flowed. A {@code double} that is NaN is unknown and ignored by the
 * formula.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param lossFraction share of packets lost in the interval, 0-1
 * @param roundTripTimeMs round-trip time, milliseconds
 * @param jitterMs interarrival jitter, milliseconds
 * @param stallRate share of the interval spent frozen, 0-1
 * @param mediaAgeNs nanoseconds since media last flowed, or -1 when unknown
 */
public record QualitySample(double lossFraction, double roundTripTimeMs, double jitterMs,
        double stallRate, long mediaAgeNs) {

    /**
     * Rejects values outside the documented ranges.
     *
     * @param lossFraction share of packets lost in the interval, 0-1
     * @param roundTripTimeMs round-trip time, milliseconds
     * @param jitterMs interarrival jitter, milliseconds
     * @param stallRate share of the interval spent frozen, 0-1
     * @param mediaAgeNs nanoseconds since media last flowed, or -1 when unknown
     */
    public QualitySample {
        if (!Double.isNaN(lossFraction) && (lossFraction < 0 || lossFraction > 1)) {
            throw new IllegalArgumentException("lossFraction must be NaN or in [0, 1]: " + lossFraction);
        }
        if (!Double.isNaN(stallRate) && (stallRate < 0 || stallRate > 1)) {
            throw new IllegalArgumentException("stallRate must be NaN or in [0, 1]: " + stallRate);
        }
        if (!Double.isNaN(roundTripTimeMs) && !(roundTripTimeMs >= 0)) {
            throw new IllegalArgumentException("roundTripTimeMs must be NaN or >= 0: " + roundTripTimeMs);
        }
        if (!Double.isNaN(jitterMs) && !(jitterMs >= 0)) {
            throw new IllegalArgumentException("jitterMs must be NaN or >= 0: " + jitterMs);
        }
        if (mediaAgeNs < -1) {
            throw new IllegalArgumentException("mediaAgeNs must be -1 (unknown) or >= 0: " + mediaAgeNs);
        }
    }

    /**
     * The receive direction: loss is the loss left after recovery when measured (what the viewer
     * suffers), else the network loss; media age counts from the last packet received.
     *
     * @param stats a receive snapshot; not null
     * @return the formula's inputs
     */
    public static QualitySample of(ReceiveStreamStats stats) {
        if (stats == null) {
            throw new IllegalArgumentException("stats must not be null");
        }
        double loss = Double.isNaN(stats.lossFractionAfterRecovery())
                ? stats.lossFractionBeforeRecovery() : stats.lossFractionAfterRecovery();
        return new QualitySample(loss, stats.roundTripTimeMs(), stats.jitterMs(), stats.stallRate(),
                mediaAge(stats.lastPacketReceivedNs(), stats.timestampNs()));
    }

    /**
     * The send direction: loss, jitter and RTT as the receiver reports them; no stall rate; media
     * age counts from the last receiver feedback (a sender hearing nothing back is cut off).
     *
     * @param stats a send snapshot; not null
     * @return the formula's inputs
     */
    public static QualitySample of(SendStreamStats stats) {
        if (stats == null) {
            throw new IllegalArgumentException("stats must not be null");
        }
        return new QualitySample(stats.lossFraction(), stats.roundTripTimeMs(), stats.jitterMs(),
                Double.NaN, mediaAge(stats.lastFeedbackReceivedNs(), stats.timestampNs()));
    }

    private static long mediaAge(long eventNs, long nowNs) {
        return eventNs == StatsTimes.NEVER ? -1 : StatsTimes.ageNs(eventNs, nowNs);
    }
}
