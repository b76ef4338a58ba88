package io.smoothcast.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QualityGraderTest {

    private static final double NAN = Double.NaN;
    private final QualityGrader grader = QualityGrader.defaults();

    private static QualitySample loss(double v) {
        return new QualitySample(v, NAN, NAN, NAN, 0);
    }

    @Test
    void nothingKnown_isUnknown() {
        assertEquals(QualityLevel.UNKNOWN, grader.grade(new QualitySample(NAN, NAN, NAN, NAN, -1)));
        assertEquals(QualityLevel.UNKNOWN, grader.grade(new QualitySample(NAN, NAN, NAN, NAN, 0)));
    }

    @Test
    void lossBounds_areInclusiveAndTheNextValueUpIsOneLevelWorse() {
        assertEquals(QualityLevel.EXCELLENT, grader.grade(loss(0)));
        assertEquals(QualityLevel.EXCELLENT, grader.grade(loss(0.01)));
        assertEquals(QualityLevel.GOOD, grader.grade(loss(Math.nextUp(0.01))));
        assertEquals(QualityLevel.GOOD, grader.grade(loss(0.03)));
        assertEquals(QualityLevel.POOR, grader.grade(loss(0.08)));
        assertEquals(QualityLevel.BAD, grader.grade(loss(0.15)));
        assertEquals(QualityLevel.VERY_BAD, grader.grade(loss(Math.nextUp(0.15))));
        assertEquals(QualityLevel.VERY_BAD, grader.grade(loss(1.0)));
    }

    @Test
    void anyStall_costsExcellent() {
        assertEquals(QualityLevel.EXCELLENT, grader.grade(new QualitySample(NAN, NAN, NAN, 0.0, 0)));
        assertEquals(QualityLevel.GOOD, grader.grade(new QualitySample(NAN, NAN, NAN, Double.MIN_VALUE, 0)));
        assertEquals(QualityLevel.VERY_BAD, grader.grade(new QualitySample(NAN, NAN, NAN, 0.11, 0)));
    }

    @Test
    void rttAndJitter_areGradedByTheirOwnBounds() {
        assertEquals(QualityLevel.GOOD, grader.grade(new QualitySample(NAN, 300, NAN, NAN, 0)));
        assertEquals(QualityLevel.POOR, grader.grade(new QualitySample(NAN, 300.5, NAN, NAN, 0)));
        assertEquals(QualityLevel.BAD, grader.grade(new QualitySample(NAN, NAN, 150, NAN, 0)));
        assertEquals(QualityLevel.VERY_BAD, grader.grade(new QualitySample(NAN, NAN, 151, NAN, 0)));
    }

    @Test
    void level_isTheWorstOfTheInputs() {
        // loss EXCELLENT, RTT GOOD, jitter POOR, stall EXCELLENT -> POOR
        assertEquals(QualityLevel.POOR, grader.grade(new QualitySample(0.0, 200, 60, 0.0, 0)));
    }

    @Test
    void worstOfInputs_holdsForRandomSamples() {
        long seed = 20261127L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 10_000; i++) {
            double loss = random.nextDouble(0, 0.3);
            double rtt = random.nextDouble(0, 1_000);
            double jitter = random.nextDouble(0, 200);
            double stall = random.nextDouble(0, 0.2);
            QualityLevel all = grader.grade(new QualitySample(loss, rtt, jitter, stall, 0));
            int worst = Math.max(Math.max(grader.grade(new QualitySample(loss, NAN, NAN, NAN, 0)).value(),
                    grader.grade(new QualitySample(NAN, rtt, NAN, NAN, 0)).value()),
                    Math.max(grader.grade(new QualitySample(NAN, NAN, jitter, NAN, 0)).value(),
                            grader.grade(new QualitySample(NAN, NAN, NAN, stall, 0)).value()));
            assertEquals(worst, all.value(), "seed " + seed + " iteration " + i);
        }
    }

    @Test
    void noMediaForDownAfter_isDownWhateverTheOtherInputs() {
        long down = QualityThresholds.DEFAULT_DOWN_AFTER_NS;
        assertEquals(QualityLevel.DOWN, grader.grade(new QualitySample(0, 10, 1, 0, down)));
        assertEquals(QualityLevel.EXCELLENT, grader.grade(new QualitySample(0, 10, 1, 0, down - 1)));
    }

    @Test
    void customThresholds_changeTheGrade() {
        QualityGrader strict = new QualityGrader(QualityThresholds.builder().loss(0, 0.001, 0.002, 0.003)
                .downAfterNs(1_000).build());
        assertEquals(QualityLevel.VERY_BAD, strict.grade(loss(0.01)));
        assertEquals(QualityLevel.DOWN, strict.grade(new QualitySample(NAN, NAN, NAN, NAN, 1_000)));
    }

    @Test
    void thresholdsBuilder_rejectsDecreasingOrOutOfRangeBounds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QualityThresholds.builder().rttMs(100, 50, 200, 300));
        assertTrue(e.getMessage().contains("rttMs"));
        assertThrows(IllegalArgumentException.class, () -> QualityThresholds.builder().loss(0, 0.1, 0.2, 1.5));
        assertThrows(IllegalArgumentException.class, () -> QualityThresholds.builder().jitterMs(NAN, 1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> QualityThresholds.builder().downAfterNs(0));
    }

    @Test
    void samples_fromSnapshots_useTheRightInputs() {
        ReceiveStreamStats r = ReceiveStreamStats.builder("s").timestampNs(10_000).lastPacketReceivedNs(4_000)
                .lossFractionBeforeRecovery(0.2).lossFractionAfterRecovery(0.01).stallRate(0).build();
        QualitySample q = QualitySample.of(r);
        assertEquals(0.01, q.lossFraction(), "after-recovery loss is what the viewer sees");
        assertEquals(6_000, q.mediaAgeNs());
        QualitySample onlyBefore = QualitySample.of(r.toBuilder().lossFractionAfterRecovery(NAN).build());
        assertEquals(0.2, onlyBefore.lossFraction());

        SendStreamStats s = SendStreamStats.builder("s").timestampNs(100).lossFraction(0.05).build();
        QualitySample qs = QualitySample.of(s);
        assertEquals(-1, qs.mediaAgeNs(), "no feedback yet is unknown, not down");
        assertTrue(Double.isNaN(qs.stallRate()));
    }

    @Test
    void levelValues_matchTheScale() {
        for (int v = 0; v <= 6; v++) {
            assertEquals(v, QualityLevel.ofValue(v).value());
        }
        assertThrows(IllegalArgumentException.class, () -> QualityLevel.ofValue(7));
        assertEquals(QualityLevel.BAD, QualityLevel.UNKNOWN.worse(QualityLevel.BAD));
        assertEquals(QualityLevel.DOWN, QualityLevel.DOWN.worse(QualityLevel.GOOD));
    }
}
