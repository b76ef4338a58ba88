package io.smoothcast.quality;

/**
 * The quality formula. For one interval's {@link QualitySample}:
 * <ol>
 *   <li>If media has not flowed for at least {@link QualityThresholds#downAfterNs()}
 *       ({@code mediaAgeNs >= downAfterNs}), the level is {@link QualityLevel#DOWN}.</li>
 *   <li>Otherwise each known input (loss, RTT, jitter, stall rate; NaN means unknown) is graded
 *       on its own against its four bounds: {@code value <= excellent} gives EXCELLENT,
 *       {@code <= good} GOOD, {@code <= poor} POOR, {@code <= bad} BAD, above that VERY_BAD.</li>
 *   <li>The level is the worst of those grades: a viewer's experience is as bad as its worst
 *       impairment (heavy loss is not made up for by a short RTT).</li>
 *   <li>If no input is known, the level is {@link QualityLevel#UNKNOWN}.</li>
 * </ol>
 * The bounds are tunable through {@link QualityThresholds}.
 *
 * <p>Immutable and stateless; thread-safe. Allocates nothing.
 */
public final class QualityGrader {

    private static final QualityGrader DEFAULT = new QualityGrader(QualityThresholds.defaults());

    private final QualityThresholds thresholds;

    /**
     * @param thresholds the bounds to grade against; not null
     */
    public QualityGrader(QualityThresholds thresholds) {
        if (thresholds == null) {
            throw new IllegalArgumentException("thresholds must not be null");
        }
        this.thresholds = thresholds;
    }

    /** @return a grader with {@link QualityThresholds#defaults()} */
    public static QualityGrader defaults() {
        return DEFAULT;
    }

    /** @return the bounds in use */
    public QualityThresholds thresholds() {
        return thresholds;
    }

    /**
     * Applies the formula.
     *
     * @param sample one interval's inputs; not null
     * @return the level, UNKNOWN when nothing is known
     */
    public QualityLevel grade(QualitySample sample) {
        if (sample == null) {
            throw new IllegalArgumentException("sample must not be null");
        }
        if (sample.mediaAgeNs() >= thresholds.downAfterNs()) {
            return QualityLevel.DOWN;
        }
        return thresholds.gradeLoss(sample.lossFraction())
                .worse(thresholds.gradeRtt(sample.roundTripTimeMs()))
                .worse(thresholds.gradeJitter(sample.jitterMs()))
                .worse(thresholds.gradeStall(sample.stallRate()));
    }
}
