package io.smoothcast.netsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.netsim.CapacitySchedule.AfterEnd;
import org.junit.jupiter.api.Test;

class CapacityScheduleTest {

    private static final long S = 1_000_000_000L;

    @Test
    void constant_transmissionTimeIsSizeOverRate() {
        CapacitySchedule schedule = CapacitySchedule.constant(1_000_000);
        assertEquals(1_000_000, schedule.bitrateBpsAt(123 * S));
        // 12 000 bits at 1 Mbit/s take 12 ms.
        assertEquals(12_000_000L, schedule.transmissionEndNs(0, 12_000));
        assertEquals(5 * S + 12_000_000L, schedule.transmissionEndNs(5 * S, 12_000));
    }

    @Test
    void twitchTrace_usesTotalDurationAndRepeats() {
        CapacitySchedule schedule = CapacitySchedule.fromTraceText(
                "# total_duration_s: 30.0\n0.0\t1.2\n10.0\t0.3\n20.0\t0.8\n", AfterEnd.REPEAT);
        assertEquals(30 * S, schedule.durationNs());
        assertEquals(3, schedule.stepCount());
        assertEquals(1_200_000, schedule.bitrateBpsAt(9 * S));
        assertEquals(300_000, schedule.bitrateBpsAt(10 * S));
        assertEquals(800_000, schedule.bitrateBpsAt(29 * S));
        assertEquals(1_200_000, schedule.bitrateBpsAt(31 * S), "repeats from the start");
        assertEquals((1.2 + 0.3 + 0.8) / 3 * 1e6, schedule.meanBitrateBps(), 1.0);
    }

    @Test
    void holdKeepsLastValue() {
        CapacitySchedule schedule = CapacitySchedule.fromTraceText("0\t2\n1\t0.5\n", AfterEnd.HOLD);
        assertEquals(500_000, schedule.bitrateBpsAt(1_000 * S));
    }

    @Test
    void traceWithoutDuration_lastStepGetsMeanStepLength() {
        CapacitySchedule schedule = CapacitySchedule.fromTraceText("0.0\t1\n1.0\t2\n3.0\t3\n", AfterEnd.REPEAT);
        assertEquals(4_500_000_000L, schedule.durationNs());
    }

    @Test
    void outage_transmissionWaitsForCapacity() {
        // 1 Mbit/s for 1 s, outage for 1 s, then 1 Mbit/s again.
        CapacitySchedule schedule = CapacitySchedule.steps(new long[] {0, S, 2 * S},
                new long[] {1_000_000, 0, 1_000_000}, 3 * S, AfterEnd.HOLD);
        // Start 6 ms before the outage: 6000 bits go out, the other 6000 after it ends.
        assertEquals(2 * S + 6_000_000L, schedule.transmissionEndNs(S - 6_000_000L, 12_000));
    }

    @Test
    void heldOutage_neverFinishes() {
        CapacitySchedule schedule = CapacitySchedule.steps(new long[] {0, S}, new long[] {1_000_000, 0}, 2 * S,
                AfterEnd.HOLD);
        assertEquals(Long.MAX_VALUE, schedule.transmissionEndNs(S, 8));
    }

    @Test
    void repeatingSchedule_skipsWholePeriods() {
        // 1000 bits per 1 s period (1 kbit/s for 1 s).
        CapacitySchedule schedule = CapacitySchedule.steps(new long[] {0}, new long[] {1_000}, S, AfterEnd.REPEAT);
        assertEquals(10 * S, schedule.transmissionEndNs(0, 10_000));
    }

    @Test
    void malformedTraces_areRejectedNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CapacitySchedule.fromTraceText("0\t1\n0.5\tabc\n", AfterEnd.HOLD));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CapacitySchedule.fromTraceText("1\t1\n", AfterEnd.HOLD));
        assertThrows(IllegalArgumentException.class,
                () -> CapacitySchedule.fromTraceText("0\t1\n0\t2\n", AfterEnd.HOLD));
        assertThrows(IllegalArgumentException.class, () -> CapacitySchedule.fromTraceText("0\t-1\n", AfterEnd.HOLD));
        assertThrows(IllegalArgumentException.class, () -> CapacitySchedule.fromTraceText("# only\n", AfterEnd.HOLD));
        assertThrows(IllegalArgumentException.class, () -> CapacitySchedule.fromTraceText("0\tNaN\n", AfterEnd.HOLD));
    }

    @Test
    void norwayStyleTrace_irregularStepsAndLongDecimals() {
        CapacitySchedule schedule = CapacitySchedule.fromTraceText(
                "0.0\t4.03768755221\n0.549999952316\t4.79283060109\n0.879999876022\t4.49231799163\n",
                AfterEnd.REPEAT);
        assertEquals(4_037_688, schedule.bitrateBpsAt(100_000_000L));
        assertEquals(4_792_831, schedule.bitrateBpsAt(600_000_000L));
        assertEquals(4_492_318, schedule.bitrateBpsAt(900_000_000L));
    }

    @Test
    void zeroMbpsLine_isAnOutageNotAnError() {
        CapacitySchedule schedule = CapacitySchedule.fromTraceText("0\t1\n5\t0\n10\t1\n", AfterEnd.HOLD);
        assertEquals(0, schedule.bitrateBpsAt(7 * S));
        assertEquals(10 * S + 8_000L, schedule.transmissionEndNs(5 * S, 8));
    }
}
