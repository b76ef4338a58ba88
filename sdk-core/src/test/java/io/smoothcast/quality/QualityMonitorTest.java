package io.smoothcast.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.stats.Direction;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QualityMonitorTest {

    private static final long TWO_S = 2_000_000_000L;

    private final List<String> changes = new ArrayList<>();
    private final QualityMonitor monitor = new QualityMonitor(QualityGrader.defaults(), new QualityListener() {
        @Override
        public void onQualityChanged(String streamId, String endpointId, Direction direction,
                QualityLevel previous, QualityLevel current, long timeNs) {
            changes.add(streamId + "/" + endpointId + "/" + direction + ":" + previous + "->" + current + "@" + timeNs);
        }
    });

    private static ReceiveStreamStats.Builder viewer(long nowNs) {
        return ReceiveStreamStats.builder("live").endpointId("v1").timestampNs(nowNs).lastPacketReceivedNs(nowNs);
    }

    @Test
    void listener_hearsOnlyChanges() {
        monitor.update(viewer(0).lossFractionAfterRecovery(0).build());
        monitor.update(viewer(TWO_S).lossFractionAfterRecovery(0.005).build());
        monitor.update(viewer(2 * TWO_S).lossFractionAfterRecovery(0.2).build());
        assertEquals(List.of("live/v1/RECEIVE:UNKNOWN->EXCELLENT@0",
                "live/v1/RECEIVE:EXCELLENT->VERY_BAD@4000000000"), changes);
        assertEquals(QualityLevel.VERY_BAD, monitor.level("live", "v1", Direction.RECEIVE));
        assertEquals(QualityLevel.UNKNOWN, monitor.level("live", "v1", Direction.SEND));
    }

    @Test
    void mediaStopping_turnsDownAfterTheThreshold() {
        monitor.update(viewer(0).jitterMs(5).build());
        ReceiveStreamStats.Builder silent = viewer(0).jitterMs(5);
        assertEquals(QualityLevel.EXCELLENT, monitor.update(silent.timestampNs(2 * TWO_S - 1).build()));
        assertEquals(QualityLevel.DOWN, monitor.update(silent.timestampNs(2 * TWO_S).build()));
    }

    @Test
    void streamThatNeverReceivedMedia_isDownAfterTheThresholdFromFirstSight() {
        ReceiveStreamStats.Builder never = ReceiveStreamStats.builder("live").endpointId("v2");
        assertEquals(QualityLevel.UNKNOWN, monitor.update(never.timestampNs(100).build()));
        assertEquals(QualityLevel.UNKNOWN, monitor.update(never.timestampNs(100 + TWO_S).build()));
        assertEquals(QualityLevel.DOWN, monitor.update(never.timestampNs(100 + 2 * TWO_S).build()));
    }

    @Test
    void directionsAndEndpoints_areTrackedSeparately() {
        monitor.update(viewer(0).lossFractionAfterRecovery(0.2).build());
        monitor.update(SendStreamStats.builder("live").endpointId("v1").timestampNs(0).lastFeedbackReceivedNs(0)
                .lossFraction(0).build());
        assertEquals(QualityLevel.VERY_BAD, monitor.level("live", "v1", Direction.RECEIVE));
        assertEquals(QualityLevel.EXCELLENT, monitor.level("live", "v1", Direction.SEND));
        assertEquals(2, monitor.size());
        monitor.remove("live", "v1", Direction.RECEIVE);
        assertEquals(QualityLevel.UNKNOWN, monitor.level("live", "v1", Direction.RECEIVE));
    }
}
