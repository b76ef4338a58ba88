package io.smoothcast.transport.internal.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinkSilenceDetectorTest {

    private static final long MS = 1_000_000L;

    @Test
    void beforeAnyRttSample_theBudgetIsAllowed() {
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        assertEquals(600 * MS, d.timeoutNs());
    }

    @Test
    void shortSteadyRtt_isClampedToTheFloor() {
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        for (int i = 0; i < 50; i++) {
            d.onRttSample(MS);
        }
        assertEquals(160 * MS, d.timeoutNs(), "heartbeat + floor");
    }

    @Test
    void midRange_isTwoSrttPlusFourRttVar() {
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        d.onRttSample(80 * MS); // srtt 80, rttvar 40
        assertEquals(100 * MS + 2 * 80 * MS + 4 * 40 * MS, d.timeoutNs());
        d.onRttSample(80 * MS); // rttvar 30, srtt 80
        assertEquals(100 * MS + 2 * 80 * MS + 4 * 30 * MS, d.timeoutNs());
    }

    @Test
    void longOrNoisyRtt_isClampedToTheBudget() {
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        d.onRttSample(400 * MS);
        assertEquals(600 * MS, d.timeoutNs());
    }

    @Test
    void silentOnlyAfterTheTimeout_andHearingResetsTheWatch() {
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 1000 * MS);
        d.onRttSample(MS);
        assertFalse(d.isSilent(1160 * MS));
        assertTrue(d.isSilent(1161 * MS));
        d.onHeard(1161 * MS);
        assertFalse(d.isSilent(1300 * MS));
        assertEquals(139 * MS, d.silenceNs(1300 * MS));
    }

    @Test
    void timeoutStaysWithinHeartbeatPlusClamp_forAnySamples() {
        long seed = 0x5EED_0006L;
        SplittableRandom random = new SplittableRandom(seed);
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        for (int i = 0; i < 10_000; i++) {
            d.onRttSample(random.nextLong(-5 * MS, 2_000 * MS));
            long t = d.timeoutNs();
            assertTrue(t >= 160 * MS && t <= 600 * MS, "seed " + seed + " step " + i + ": " + t);
        }
    }

    @Test
    void aNodeHeardIrregularly_getsOneAndAHalfTimesItsLongestRecentGap() {
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        d.onRttSample(MS);
        long t = 0;
        for (int i = 0; i < 100; i++) {
            t += 10 * MS; // media every 10 ms
            d.onHeard(t);
        }
        assertEquals(160 * MS, d.timeoutNs(), "steady path: the RTT rule");
        t += 150 * MS; // the node's thread was starved for a moment
        d.onHeard(t);
        assertEquals(225 * MS, d.timeoutNs(), "3/2 of the 150 ms hiccup");
        assertFalse(d.isSilent(t + 200 * MS), "a second hiccup of 200 ms is not taken for death");
        // The memory of the hiccup fades: after about 10 s of steady arrivals the RTT rule is back.
        for (int i = 0; i < 1000; i++) {
            t += 10 * MS;
            d.onHeard(t);
        }
        assertEquals(160 * MS, d.timeoutNs());
    }

    @Test
    void aFreshPath_inheritsTheHiccupsThePathItReplacesHasSeen() {
        LinkSilenceDetector old = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        old.onRttSample(MS);
        old.onHeard(10 * MS);
        old.onHeard(160 * MS); // a 150 ms hiccup of the host
        LinkSilenceDetector fresh = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 160 * MS);
        fresh.onRttSample(MS);
        assertEquals(160 * MS, fresh.timeoutNs(), "no history: the RTT rule");
        fresh.inheritRecentGaps(old);
        assertEquals(225 * MS, fresh.timeoutNs(), "3/2 of the hiccup the old path saw");
        assertFalse(fresh.isSilent(160 * MS + 164 * MS), "a 164 ms hiccup right after the move is survived");
        LinkSilenceDetector steady = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        fresh.inheritRecentGaps(steady);
        assertEquals(225 * MS, fresh.timeoutNs(), "a steadier history never shortens the timeout");
    }

    @Test
    void gapRule_isCappedAtHeartbeatPlusBudget() {
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        d.onRttSample(MS);
        d.onHeard(2000 * MS);
        assertEquals(600 * MS, d.timeoutNs());
    }

    @Test
    void restartingTheWatch_isNotAGap() {
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        d.onRttSample(MS);
        d.restartWatch(400 * MS);
        d.onHeard(410 * MS);
        assertEquals(160 * MS, d.timeoutNs());
    }

    @Test
    void keepaliveAnswersOnly_oneOrTwoLostAnswersAreSurvived_aThirdIsNot() {
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        long t = 0;
        for (int i = 0; i < 50; i++) {
            t += 100 * MS; // nothing but the answer to each 100 ms keepalive
            d.onRttSample(MS);
            d.onHeard(t);
        }
        assertEquals(3 * 100 * MS + 60 * MS, d.timeoutNs(), "three expected answers plus the floor");
        assertFalse(d.isSilent(t + 200 * MS), "one lost answer");
        assertFalse(d.isSilent(t + 300 * MS), "two lost answers in a row");
        assertTrue(d.isSilent(t + 361 * MS), "the third answer is missing too (and overdue by the floor)");
    }

    @Test
    void keepaliveAnswersOnly_aLostAnswerDoesNotStretchTheExpectedInterval() {
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        d.onRttSample(MS);
        long t = 0;
        for (int i = 0; i < 50; i++) {
            t += i % 5 == 4 ? 200 * MS : 100 * MS; // every fifth answer lost
            d.onHeard(t);
        }
        assertEquals(360 * MS, d.timeoutNs(), "gaps count at most one heartbeat each");
    }

    @Test
    void lossyKeepaliveOnlyPath_isNotDeclaredDead_byIndependentlyLostAnswers() {
        long seed = 0x5EED_0015L;
        SplittableRandom random = new SplittableRandom(seed);
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        int deaths = 0;
        long t = 0;
        for (int i = 0; i < 600; i++) { // one minute of keepalives, 15 % of the answers lost
            t += 100 * MS;
            for (long check = t - 90 * MS; check <= t; check += 10 * MS) {
                if (d.isSilent(check)) {
                    deaths++;
                    d.restartWatch(check);
                    break;
                }
            }
            if (random.nextDouble() >= 0.15) {
                d.onRttSample(MS);
                d.onHeard(t);
            }
        }
        // Three lost in a row has probability 0.34 % per answer: about 2 in a minute at most.
        assertTrue(deaths <= 3, "seed " + seed + ": declared dead " + deaths + " times in a minute");
    }

    @Test
    void denseMedia_keepsTheShortTimeout() {
        LinkSilenceDetector d = new LinkSilenceDetector(100 * MS, 60 * MS, 500 * MS, 0);
        d.onRttSample(MS);
        long t = 0;
        for (int i = 0; i < 500; i++) {
            t += 2 * MS;
            d.onHeard(t);
        }
        assertEquals(160 * MS, d.timeoutNs(), "media every 2 ms: the heartbeat + RTT rule, not three intervals");
    }
}
