package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpReportView;
import io.smoothcast.rtp.RtcpReportWriter;
import org.junit.jupiter.api.Test;

class ReceptionStatisticsTest {

    private static final long MS = 1_000_000L;

    private final ReceptionStatistics stats = new ReceptionStatistics(90_000);
    private final RtcpReportWriter writer = new RtcpReportWriter();
    private final RtcpReportView view = new RtcpReportView();
    private final byte[] buffer = new byte[200];

    private void report(long nowNs) {
        writer.startReceiverReport(7);
        stats.addReportBlock(writer, 0x1000, nowNs);
        int length = writer.write(buffer, 0, buffer.length);
        assertEquals(ParseStatus.OK, view.wrap(buffer, 0, length));
        assertEquals(1, view.reportCount());
        assertEquals(0x1000, view.reportSsrc(0));
    }

    @Test
    void lossFraction_cumulativeLoss_andHighestSequence_acrossTheWrap() {
        // 65530 .. 65539 sent (10 packets), 2 lost
        for (int i = 0; i < 10; i++) {
            if (i != 3 && i != 7) {
                stats.onPacket((65530 + i) & 0xFFFF, i * 3000, i * 33 * MS, true);
            }
        }
        report(400 * MS);
        assertEquals(2 * 256 / 10, view.fractionLost(0));
        assertEquals(2, stats.cumulativeLost());
        // a retransmission arrives: it counts as received; the next interval has no new loss
        stats.onPacket((65530 + 3) & 0xFFFF, 3 * 3000, 500 * MS, false);
        report(600 * MS);
        assertEquals(0, view.fractionLost(0));
        assertEquals(1, stats.cumulativeLost());
    }

    @Test
    void perfectlyPacedStream_hasNoJitter_whereverTheReceiversClockStands() {
        // nanoTime's origin is arbitrary: the arrival times' scaling to 90 kHz units must not
        // overflow, here where the arrival time in ns times 90 passes Long.MAX_VALUE.
        long startNs = Long.MAX_VALUE / 90 - 500 * MS;
        for (int i = 0; i < 50; i++) {
            stats.onPacket(i, i * 3000, startNs + i * 33_333_333L, true);
        }
        assertEquals(0, stats.jitterUnits());
    }

    @Test
    void perfectlyPacedStream_hasNoJitter_acrossTheRtpTimestampWrap() {
        // A random initial timestamp (RFC 3550) can put the 32-bit wrap anywhere in a stream.
        int firstTimestamp = (int) (0x1_0000_0000L - 20 * 3000);
        for (int i = 0; i < 50; i++) {
            stats.onPacket(i, firstTimestamp + i * 3000, i * 33_333_333L, true);
        }
        assertEquals(0, stats.jitterUnits());
        report(2000 * MS);
        assertEquals(0, view.interarrivalJitter(0));
        assertEquals(30.0, stats.numbersPerSecond(), 0.01, "the numbering rate's media time spans the wrap too");
    }

    /**
     * A clock rate that is not a whole number of kHz (44.1 kHz): arrival times were converted at
     * 44 kHz, so a perfectly paced stream showed jitter (9 units at a packet per 100 ms).
     */
    @Test
    void perfectlyPacedStream_hasNoJitter_atAClockRateOfNoWholeKilohertz() {
        ReceptionStatistics cd = new ReceptionStatistics(44_100);
        for (int i = 0; i < 200; i++) {
            // 4410 units = 100 ms
            cd.onPacket(i, 5_000 + i * 4410, 3 * MS + i * 100 * MS, true);
        }
        assertEquals(0, cd.jitterUnits());
    }

    /**
     * A publisher that started again resumes with new numbers and a new random timestamp origin
     * (RFC 3550): the restarted statistics take its first packet as a new transit origin, not as
     * a delay change of 2^30 units (about 3.3 hours at 90 kHz) that the jitter would take hundreds
     * of packets to forget.
     */
    @Test
    void restartedNumbering_withANewTimestampOrigin_addsNoJitter() {
        for (int i = 0; i < 50; i++) {
            stats.onPacket(i, i * 3000, i * 33_333_333L, true);
        }
        stats.restartOnNextPacket();
        int origin = 0x4000_0000;
        for (int i = 0; i < 50; i++) {
            stats.onPacket(30_000 + i, origin + i * 3000, (50 + i) * 33_333_333L, true);
        }
        assertEquals(0, stats.jitterUnits());
    }

    @Test
    void perfectlyPacedStream_hasNoJitter_andSteadyDelayChangesCountAsJitter() {
        for (int i = 0; i < 50; i++) {
            stats.onPacket(i, i * 3000, i * 33_333_333L, true); // 3000 ticks = 33.3 ms at 90 kHz
        }
        assertEquals(0, stats.jitterUnits());
        ReceptionStatistics bumpy = new ReceptionStatistics(90_000);
        for (int i = 0; i < 200; i++) {
            bumpy.onPacket(i, i * 3000, i * 33_333_333L + (i % 2) * 10 * MS, true); // 10 ms = 900 ticks
        }
        assertEquals(900, bumpy.jitterUnits(), 30);
    }

    @Test
    void aRestartedSource_doesNotCountTheNumbersItSkippedAsLost() {
        for (int i = 0; i < 10; i++) {
            if (i != 4) {
                stats.onPacket(100 + i, i * 3000, i * 33 * MS, true); // 104 lost
            }
        }
        report(400 * MS);
        assertEquals(256 / 10, view.fractionLost(0));
        assertEquals(1, view.cumulativeLost(0));
        assertEquals(109, view.extendedHighestSequence(0));
        // the source pauses and comes back 1500 numbers on
        stats.restartOnNextPacket();
        for (int i = 0; i < 10; i++) {
            stats.onPacket(1610 + i, 200_000 + i * 3000, 3000 * MS + i * 33 * MS, true);
        }
        report(3400 * MS);
        assertEquals(0, view.fractionLost(0), "the skipped numbers are not an interval's loss");
        assertEquals(1, view.cumulativeLost(0), "nor cumulative loss");
        assertEquals(1619, view.extendedHighestSequence(0));
        assertEquals(1, stats.cumulativeLost());
        // a loss after the restart counts as usual
        stats.onPacket(1621, 230_000, 3800 * MS, true);
        report(4400 * MS);
        assertEquals(256 / 2, view.fractionLost(0));
        assertEquals(2, view.cumulativeLost(0));
        assertEquals(1621, view.extendedHighestSequence(0));
    }

    @Test
    void aRestartBackwards_orAcrossTheWrap_keepsTheExtendedNumberGoingForward() {
        stats.onPacket(65534, 0, 0, true);
        stats.onPacket(65535, 3000, 33 * MS, true);
        stats.restartOnNextPacket();
        stats.onPacket(3, 200_000, 3000 * MS, true); // across the wrap
        stats.onPacket(4, 203_000, 3033 * MS, true);
        report(3100 * MS);
        assertEquals(0, view.cumulativeLost(0));
        assertEquals(0x10004, view.extendedHighestSequence(0));
        stats.restartOnNextPacket();
        stats.onPacket(1, 400_000, 6000 * MS, true); // behind the highest: a step into the next cycle
        report(6100 * MS);
        assertEquals(0, view.cumulativeLost(0));
        assertEquals(0, view.fractionLost(0));
        assertEquals(0x20001, view.extendedHighestSequence(0));
    }

    @Test
    void aRestartBeforeAnyPacket_changesNothing() {
        stats.restartOnNextPacket();
        stats.onPacket(10, 0, 0, true);
        stats.onPacket(12, 6000, 66 * MS, true); // 11 lost
        report(100 * MS);
        assertEquals(1, view.cumulativeLost(0));
        assertEquals(12, view.extendedHighestSequence(0));
    }

    @Test
    void aheadOfHighest_isTheForwardDistance_acrossTheWrap_andZeroForOlderNumbers() {
        assertEquals(0, stats.aheadOfHighest(5), "nothing recorded yet");
        stats.onPacket(65530, 0, 0, true);
        assertEquals(1, stats.aheadOfHighest(65531));
        assertEquals(1030, stats.aheadOfHighest(1024), "across the wrap");
        assertEquals(0, stats.aheadOfHighest(65530), "the highest itself");
        assertEquals(0, stats.aheadOfHighest(65000), "older");
        stats.onPacket(1024, 0, 10 * MS, true);
        assertEquals(0, stats.aheadOfHighest(65531), "older once 1024 was recorded");
    }

    @Test
    void behindHighest_isTheBackwardDistance_acrossTheWrap_andZeroForNewerNumbers() {
        assertEquals(0, stats.behindHighest(5), "nothing recorded yet");
        stats.onPacket(3, 0, 0, true);
        assertEquals(3, stats.highestSequenceNumber());
        assertEquals(1, stats.behindHighest(2));
        assertEquals(10, stats.behindHighest(65529), "across the wrap");
        assertEquals(32768, stats.behindHighest(3 + 32768), "half the circle away counts as behind");
        assertEquals(0, stats.behindHighest(3), "the highest itself");
        assertEquals(0, stats.behindHighest(4), "newer");
    }

    @Test
    void restart_behindTheHighest_movesTheHighestThere_withoutCountingLoss() {
        stats.onPacket(40_000, 0, 0, true);
        stats.onPacket(40_001, 0, 10 * MS, true);
        stats.restartOnNextPacket();
        stats.onPacket(10_000, 0, 20 * MS, true);
        stats.onPacket(10_001, 0, 30 * MS, true);
        assertEquals(10_001, stats.highestSequenceNumber());
        assertEquals(0, stats.cumulativeLost());
        assertEquals(1, stats.behindHighest(10_000));
    }

    @Test
    void numberingRate_isMeasuredOnMediaTime_lossesIncluded_andNotByArrivalTimes() {
        assertEquals(0.0, stats.numbersPerSecond(), "nothing measured yet");
        // 4 numbers a frame at 30 fps, one in ten lost, all read at the same instant (a stall's backlog)
        int seq = 65_000;
        for (int frame = 0; frame < 90; frame++) {
            for (int i = 0; i < 4; i++, seq++) {
                if (seq % 10 != 0) {
                    stats.onPacket(seq & 0xFFFF, frame * 3000, 5_000 * MS, true);
                }
            }
        }
        assertEquals(120.0, stats.numbersPerSecond(), 4.0, "about 120 numbers a second of media");
        stats.restartOnNextPacket();
        stats.onPacket(40_000, 90 * 3000, 6_000 * MS, true);
        assertEquals(120.0, stats.numbersPerSecond(), 4.0, "a restart keeps the last rate until a new one is measured");
    }

    @Test
    void anotherTimeline_justAheadIsARestart_butTimestampsThatRanOnThroughAPauseAreNot() {
        for (int i = 0; i < 10; i++) {
            stats.onPacket(1000 + i, 500_000 + i * 3000, i * 33 * MS, true);
        }
        long nowNs = 400 * MS;
        int farOff = 500_000 + 3_000_000; // 33 s of media on, without 33 s of silence
        assertTrue(stats.startsAnotherTimeline(1010, farOff, nowNs), "next number, another timeline");
        assertTrue(stats.startsAnotherTimeline(1040, 500_000 - 3_000_000, nowNs), "ahead, timestamp 33 s back");
        assertTrue(stats.startsAnotherTimeline(990, farOff, nowNs), "behind");
        assertFalse(stats.startsAnotherTimeline(1010, 530_000, nowNs), "the same timeline");
        // A pause of 40 s, the timestamps ran on with the clock: the same stream going on.
        long afterPauseNs = 40_000 * MS;
        assertFalse(stats.startsAnotherTimeline(1010, 500_000 + 9 * 3000 + 40 * 90_000, afterPauseNs));
        assertTrue(stats.startsAnotherTimeline(1010, 500_000 + 9 * 3000 + 80 * 90_000, afterPauseNs),
                "40 s of media more than the pause");
    }

    @Test
    void afterARestartOnAnotherTimeline_packetsOfTheTimelineLeftAreToldApart() {
        for (int i = 0; i < 10; i++) {
            stats.onPacket(1000 + i, 500_000 + i * 3000, i * 33 * MS, true);
        }
        assertFalse(stats.ofTimelineLeft(500_000, 300 * MS), "no restart yet");
        int newOrigin = 500_000 + 900_000_000;
        stats.restartOnNextPacket();
        stats.onPacket(1020, newOrigin, 400 * MS, true);
        assertTrue(stats.ofTimelineLeft(500_000 + 10 * 3000, 410 * MS), "a late packet of the old stream");
        assertFalse(stats.ofTimelineLeft(newOrigin + 3000, 410 * MS), "the new stream's");
        assertFalse(stats.ofTimelineLeft(500_000 + 450_000_000, 410 * MS), "neither's");
        assertEquals(0, stats.cumulativeLost(), "the numbers between the two are not expected");
        // The new timeline silent for over a second while the old one still comes: let through,
        // to be judged a restart of its own (the "restart" may have been two foreign packets).
        assertFalse(stats.ofTimelineLeft(500_000 + 10 * 3000, 1_500 * MS));

        // A restart on the same timeline (a layer resumed) leaves none.
        stats.restartOnNextPacket();
        stats.onPacket(1500, newOrigin + 30_000, 800 * MS, true);
        assertFalse(stats.ofTimelineLeft(500_000 + 10 * 3000, 810 * MS));
    }
}
