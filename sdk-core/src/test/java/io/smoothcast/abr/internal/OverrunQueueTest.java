package io.smoothcast.abr.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OverrunQueueTest {

    private static final long MS = 1_000_000L;

    @Test
    void growsBySendingOverTheTarget_andDrainsBySendingUnder() {
        OverrunQueue q = new OverrunQueue();
        q.advance(900_000, 600_000, 0);
        assertEquals(0, q.queueNs(), "the first call only starts the clock");
        q.advance(900_000, 600_000, 400 * MS); // 50 % over for 0.4 s: 200 ms
        assertEquals(200 * MS, q.queueNs(), 1);
        q.advance(400_000, 800_000, 600 * MS); // 50 % under for 0.2 s: -100 ms
        assertEquals(100 * MS, q.queueNs(), 1);
        q.advance(0, 800_000, 2_000 * MS);
        assertEquals(0, q.queueNs(), "never below empty");
    }

    @Test
    void reset_emptiesTheQueue_andKeepsTheClock() {
        OverrunQueue q = new OverrunQueue();
        q.advance(1_000_000, 500_000, 0);
        q.advance(1_000_000, 500_000, 100 * MS);
        q.reset();
        assertEquals(0, q.queueNs());
        q.advance(1_000_000, 500_000, 200 * MS);
        assertEquals(100 * MS, q.queueNs(), 1, "only the time since the last call counts");
    }

    @Test
    void sameOrEarlierTime_changesNothing() {
        OverrunQueue q = new OverrunQueue();
        q.advance(1_000_000, 500_000, 100 * MS);
        q.advance(1_000_000, 500_000, 200 * MS);
        double queued = q.queueNs();
        q.advance(5_000_000, 500_000, 200 * MS);
        q.advance(5_000_000, 500_000, 150 * MS);
        assertEquals(queued, q.queueNs());
    }

    @Test
    void aClockThatWrapsPastLongMaxValue_keepsCounting() {
        OverrunQueue q = new OverrunQueue();
        long startNs = Long.MAX_VALUE - 100 * MS; // nanoTime's origin is arbitrary: it may wrap
        q.advance(900_000, 600_000, startNs);
        q.advance(900_000, 600_000, startNs + 400 * MS); // 50 % over for 0.4 s: 200 ms
        assertEquals(200 * MS, q.queueNs(), 1);
    }

    @Test
    void randomRates_queueStaysFiniteAndNotNegative_evenWithAZeroTarget() {
        long seed = 20261128L;
        SplittableRandom random = new SplittableRandom(seed);
        OverrunQueue q = new OverrunQueue();
        long t = 0;
        for (int i = 0; i < 10_000; i++) {
            t += random.nextLong(0, 200) * MS;
            q.advance(random.nextLong(0, 5_000_000), random.nextLong(0, 5_000_000), t);
            assertTrue(q.queueNs() >= 0 && Double.isFinite(q.queueNs()),
                    "seed " + seed + " step " + i + ": " + q.queueNs());
        }
    }
}
