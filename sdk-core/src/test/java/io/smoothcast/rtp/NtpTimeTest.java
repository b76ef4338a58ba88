package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NtpTimeTest {

    @Test
    void unixEpoch_isNtpSeconds2208988800() {
        assertEquals(2_208_988_800L << 32, NtpTime.fromUnixNanos(0));
        assertEquals((2_208_988_800L << 32) | 0x80000000L, NtpTime.fromUnixNanos(500_000_000L));
        assertEquals(500_000_000L, NtpTime.toUnixNanos((2_208_988_800L << 32) | 0x80000000L));
    }

    @Test
    void fromUnixNanos_toUnixNanos_roundTripWithinOneNanosecond() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            long unixNs = random.nextLong(2_000_000_000L * 1_000_000_000L);
            long back = NtpTime.toUnixNanos(NtpTime.fromUnixNanos(unixNs));
            assertTrue(Math.abs(back - unixNs) <= 1, "seed 42 case " + i + ": " + unixNs + " -> " + back);
        }
    }

    @Test
    void compact_andRoundTrip_followRfc3550() {
        long ntp = 0x0000_1234_5678_0000L;
        assertEquals(0x12345678, NtpTime.toCompact(ntp));
        assertEquals(0x8000, NtpTime.compactFromNanos(500_000_000L));
        assertEquals(1_500_000_000L, NtpTime.compactToNanos(0x18000));
        // Arrival 10 s, LSR 8 s, DLSR 1.5 s: RTT 0.5 s.
        assertEquals(500_000_000L, NtpTime.roundTripNanos(10 << 16, 8 << 16, 0x18000));
        assertEquals(-1, NtpTime.roundTripNanos(10 << 16, 0, 0), "no SR received yet");
        assertThrows(IllegalArgumentException.class, () -> NtpTime.fromUnixNanos(-1));
    }
}
