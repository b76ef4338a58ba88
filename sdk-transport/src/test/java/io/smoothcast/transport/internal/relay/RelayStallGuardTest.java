package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.internal.cc.ReaderStallDetector;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link RelayStallGuard} in virtual time: a downlink's events, a stall of the relay between them,
 * seen as the engine sees it, by one {@link ReaderStallDetector} for the relay's thread.
 */
class RelayStallGuardTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RelayStallGuard guard = new RelayStallGuard();
    private final ReaderStallDetector threadStalls = new ReaderStallDetector();
    private long nowNs = -TimeUnit.SECONDS.toNanos(30); // System.nanoTime may be negative
    private long nextSequence;

    /** Ticks every 20 ms and a packet numbered every 5 ms, for {@code ms}; ends on a tick. */
    private void runSteadily(long ms) {
        for (long t = 1; t <= ms; t++) {
            nowNs += MS;
            if (t % 5 == 0) {
                send();
            }
            if (t % 20 == 0 || t == ms) {
                assertFalse(event(nowNs), "a tick on time is no stall");
            }
        }
    }

    /** Only the relay's ticks, every 20 ms, for {@code ms}; ends on a tick. */
    private void tick(long ms) {
        for (long t = 1; t <= ms; t++) {
            nowNs += MS;
            if (t % 20 == 0 || t == ms) {
                assertFalse(event(nowNs), "a tick on time is no stall");
            }
        }
    }

    /** An event of the relay's thread, as the engine handles it: a stall it ends is told to the guard. */
    private boolean event(long timeNs) {
        if (!threadStalls.onEvent(timeNs)) {
            return false;
        }
        guard.onRelayStall(timeNs, threadStalls.lastGapNs(), nextSequence);
        return true;
    }

    private long send() {
        event(nowNs);
        long sequence = nextSequence++;
        guard.onSent(sequence, nowNs);
        return sequence;
    }

    @Test
    void withoutStalls_everyArrivalIsTrusted_andTheTimeoutRuns() {
        runSteadily(5_000);
        for (long sequence = 0; sequence < nextSequence; sequence++) {
            assertTrue(guard.trustsArrival(sequence));
        }
        assertTrue(guard.timeoutMayRun(nowNs));
        assertEquals(0, guard.stalls());
        assertEquals(0, guard.untrustedArrivals());
    }

    @Test
    void lateTicksUnderLoad_upToTwoTickIntervals_areNoStall() {
        SplittableRandom random = new SplittableRandom(0x57A11);
        for (int i = 0; i < 10_000; i++) {
            nowNs += 1 + random.nextLong(ReaderStallDetector.STALL_GAP_NS);
            assertFalse(event(nowNs), "seed 0x57A11, event " + i);
        }
        assertEquals(0, guard.stalls());
    }

    @Test
    void aStall_distrustsWhatWasNumberedBeforeIt_andTheBurstWithinOneStallLengthAfter() {
        runSteadily(1_000);
        long beforeStall = send(); // numbered, then the thread stops before the packet leaves
        nowNs += 200 * MS;
        assertTrue(event(nowNs), "200 ms without an event is a stall");
        long firstOfBurst = send();
        tick(199);
        long lastWithinSettle = send();
        tick(2);
        long afterSettle = send();

        assertFalse(guard.trustsArrival(0), "numbered long before, reported after the stall");
        assertFalse(guard.trustsArrival(beforeStall));
        assertFalse(guard.trustsArrival(firstOfBurst));
        assertFalse(guard.trustsArrival(lastWithinSettle));
        assertFalse(guard.timeoutMayRun(nowNs), "the silence was the relay's: no feedback timeout yet");
        assertTrue(guard.trustsArrival(afterSettle));
        assertTrue(guard.timeoutMayRun(nowNs), "a trusted arrival ends the hold");
        assertEquals(1, guard.stalls());
        assertEquals(4, guard.untrustedArrivals());
    }

    @Test
    void aLongStall_distrustsAtMostMaxSettleAfterIt() {
        runSteadily(1_000);
        nowNs += TimeUnit.SECONDS.toNanos(3); // a long GC pause
        assertTrue(event(nowNs));
        tick(RelayStallGuard.MAX_SETTLE_NS / MS - 1);
        long lastWithinSettle = send();
        tick(2);
        long afterSettle = send();
        assertFalse(guard.trustsArrival(lastWithinSettle));
        assertTrue(guard.trustsArrival(afterSettle));
    }

    @Test
    void withoutATrustedArrival_theTimeoutRunsAgain_maxHoldAfterTheSettling() {
        runSteadily(1_000);
        nowNs += 100 * MS;
        assertTrue(event(nowNs));
        long settleEndNs = nowNs + 100 * MS;
        while (nowNs - settleEndNs <= RelayStallGuard.MAX_TIMEOUT_HOLD_NS) {
            assertFalse(guard.timeoutMayRun(nowNs));
            nowNs += 20 * MS;
            event(nowNs); // ticks go on; the subscriber has gone silent
        }
        assertTrue(guard.timeoutMayRun(nowNs));
    }

    @Test
    void anOlderEventTime_fromAnotherThreadsRead_doesNotMoveTheClockBack() {
        runSteadily(100);
        event(nowNs - 30 * MS);
        nowNs += 30 * MS;
        assertFalse(event(nowNs), "30 ms since the newest event, not 60");
    }

    @Test
    void numbersTheSubscriberStampedLate_areNotTrusted_theRestIs() {
        runSteadily(1_000);
        long first = nextSequence - 40;
        long last = nextSequence - 10;
        guard.distrustReceiverStamps(first, last);
        for (long sequence = first - 5; sequence < nextSequence; sequence++) {
            assertEquals(sequence < first || sequence > last, guard.trustsArrival(sequence), "number " + sequence);
        }
        assertEquals(last - first + 1, guard.untrustedArrivals());
        assertEquals(0, guard.stalls(), "the subscriber's stall is not the relay's");
        assertTrue(guard.timeoutMayRun(nowNs), "the relay's feedback timeout is not held for it");
    }
}

