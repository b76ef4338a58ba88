package io.smoothcast.samples.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticFramesTest {

    private final SyntheticFrames frames = new SyntheticFrames();

    @Test
    void writtenFrame_verifiesWithItsSequenceAndCaptureTime() {
        byte[] b = new byte[500];
        frames.write(b, 42, 1_700_000_000_123_456_789L, 300);
        SyntheticFrames.Header h = frames.verify(b, 300);
        assertNotNull(h);
        assertEquals(42, h.sequence());
        assertEquals(1_700_000_000_123_456_789L, h.captureEpochNs());
    }

    @Test
    void anySingleFlippedBit_isDetected() {
        long seed = 20261127L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] b = new byte[200];
        for (int i = 0; i < 500; i++) {
            int length = SyntheticFrames.HEADER_BYTES + random.nextInt(172);
            frames.write(b, i, i * 1000L, length);
            int at = random.nextInt(length);
            b[at] ^= (byte) (1 << random.nextInt(8));
            assertNull(frames.verify(b, length), "seed " + seed + ", case " + i + ": flip at " + at + " not detected");
        }
    }

    @Test
    void truncatedOrForeignBytes_areNotFrames() {
        byte[] b = new byte[100];
        frames.write(b, 1, 2, 100);
        assertNull(frames.verify(b, 99));
        assertNull(frames.verify(b, 10));
        assertNull(frames.verify(new byte[100], 100));
    }

    @Test
    void frameBytes_followsBitrateAndNeverGoesBelowTheHeader() {
        assertEquals(1_000_000 / 8 / 25, SyntheticFrames.frameBytes(1_000_000, 25));
        assertEquals(SyntheticFrames.HEADER_BYTES, SyntheticFrames.frameBytes(1_000, 30));
    }

    @Test
    void write_rejectsLengthsOutsideTheBuffer() {
        assertThrows(IllegalArgumentException.class, () -> frames.write(new byte[10], 0, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> frames.write(new byte[40], 0, 0, 41));
    }
}
