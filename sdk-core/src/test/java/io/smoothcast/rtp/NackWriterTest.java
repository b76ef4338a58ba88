package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NackWriterTest {

    @Test
    void writeLost_packsNeighboursIntoBitmasks() {
        byte[] out = new byte[64];
        int[] lost = {10, 11, 13, 26, 27, 100};
        int length = NackWriter.writeLost(out, 0, out.length, 1, 2, lost, lost.length);
        // PID 10 covers 11 (bit 0), 13 (bit 2), 26 (bit 15); 27 opens a new entry; then 100.
        byte[] expected = Hex.bytes("81 CD 0005 00000001 00000002 000A 8005 001B 0000 0064 0000");
        assertArrayEquals(expected, Arrays.copyOf(out, length));
    }

    @Test
    void writeLost_acrossSequenceWrap_staysInOneEntry() {
        byte[] out = new byte[64];
        int[] lost = {65534, 65535, 0, 1};
        int length = NackWriter.writeLost(out, 0, out.length, 1, 2, lost, lost.length);
        RtcpNackView view = new RtcpNackView();
        assertEquals(ParseStatus.OK, view.wrap(out, 0, length));
        assertEquals(1, view.entryCount());
        assertEquals(65534, view.packetId(0));
        assertEquals(0b111, view.lostBitmask(0));
    }

    @Test
    void write_pairsAndDoesNotFit() {
        byte[] out = new byte[16];
        assertEquals(NackWriter.DOES_NOT_FIT, NackWriter.write(out, 0, 15, 1, 2, new int[] {5}, new int[] {0}, 1));
        assertEquals(16, NackWriter.write(out, 0, 16, 1, 2, new int[] {5}, new int[] {0}, 1));
    }

    @Test
    void zeroEntries_areRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> NackWriter.writeLost(new byte[64], 0, 64, 1, 2, new int[] {1}, 0));
        assertTrue(e.getMessage().contains("count"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> NackWriter.write(new byte[64], 0, 64, 1, 2, new int[0], new int[0], 0));
    }
}
