package io.smoothcast.payload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AnnexBTest {

    /** The obvious scan, position by position. */
    private static int naiveFind(byte[] data, int from, int to) {
        for (int i = from; i + 3 <= to; i++) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void findStartCode_agreesWithANaiveScan_onZeroRichRandomBytes() {
        long seed = 0xA11EBL;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 20_000; round++) {
            byte[] data = new byte[random.nextInt(64)];
            int zeroPercent = random.nextInt(100);
            for (int i = 0; i < data.length; i++) {
                int roll = random.nextInt(100);
                data[i] = (byte) (roll < zeroPercent ? 0 : roll % 3 == 0 ? 1 : random.nextInt(256));
            }
            int from = data.length == 0 ? 0 : random.nextInt(data.length + 1);
            int to = from + random.nextInt(data.length - from + 1);
            int at = from;
            // Walk every start code in the range, as the packetizer does.
            while (true) {
                int expected = naiveFind(data, at, to);
                int actual = AnnexB.findStartCode(data, at, to);
                assertEquals(expected, actual, "seed=" + seed + " round=" + round + " from=" + at + " to=" + to);
                if (actual < 0) {
                    break;
                }
                at = actual + 1;
            }
        }
    }

    @Test
    void startCodeAtEveryOffsetOfALongRun_isFound() {
        for (int position = 0; position < 40; position++) {
            byte[] data = new byte[48];
            Arrays.fill(data, (byte) 0x55);
            data[position] = 0;
            data[position + 1] = 0;
            data[position + 2] = 1;
            assertEquals(position, AnnexB.findStartCode(data, 0, data.length), "position " + position);
            assertEquals(-1, AnnexB.findStartCode(data, 0, position + 2), "prefix cut by the range end");
        }
    }

    @Test
    void trimTrailingZeros_stopsAtTheNalStart() {
        byte[] data = {9, 0, 5, 0, 0};
        assertEquals(3, AnnexB.trimTrailingZeros(data, 0, 5));
        assertEquals(1, AnnexB.trimTrailingZeros(data, 1, 2));
    }
}
