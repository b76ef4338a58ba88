package io.smoothcast.samples.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OggOpusWriterTest {

    /** TOC 0x48: config 9 (SILK wideband, 20 ms), mono, one frame: 960 samples. */
    private static byte[] opus20Ms(int length) {
        byte[] p = new byte[length];
        p[0] = 0x48;
        Arrays.fill(p, 1, length, (byte) 0x5A);
        return p;
    }

    private record Page(int type, long granule, int serial, int sequence, int crc, byte[] lacing, byte[] body, byte[] raw) {
    }

    private static List<Page> pages(byte[] stream) {
        List<Page> pages = new ArrayList<>();
        int at = 0;
        while (at < stream.length) {
            ByteBuffer b = ByteBuffer.wrap(stream, at, stream.length - at).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("OggS", new String(stream, at, 4, StandardCharsets.US_ASCII));
            int segments = stream[at + 26] & 0xFF;
            byte[] lacing = Arrays.copyOfRange(stream, at + 27, at + 27 + segments);
            int bodyLength = 0;
            for (byte l : lacing) {
                bodyLength += l & 0xFF;
            }
            int end = at + 27 + segments + bodyLength;
            pages.add(new Page(stream[at + 5], b.getLong(at + 6), b.getInt(at + 14), b.getInt(at + 18), b.getInt(at + 22),
                    lacing, Arrays.copyOfRange(stream, at + 27 + segments, end), Arrays.copyOfRange(stream, at, end)));
            at = end;
        }
        return pages;
    }

    /** Bit-by-bit Ogg CRC (polynomial 0x04C11DB7, MSB first) over the page with its CRC field zeroed. */
    private static int referenceCrc(byte[] page) {
        byte[] copy = page.clone();
        Arrays.fill(copy, 22, 26, (byte) 0);
        int crc = 0;
        for (byte value : copy) {
            crc ^= (value & 0xFF) << 24;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000_0000) != 0 ? (crc << 1) ^ 0x04C1_1DB7 : crc << 1;
            }
        }
        return crc;
    }

    @Test
    void headersThenOnePagePerPacket_withGranulesFlagsSequenceAndChecksums() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggOpusWriter writer = new OggOpusWriter(out, 77);
        assertTrue(writer.write(opus20Ms(40), 0, 40));
        assertTrue(writer.write(opus20Ms(255), 0, 255)); // exactly one full segment: needs a 0 lacing value
        assertTrue(writer.write(opus20Ms(600), 0, 600));
        writer.close();

        List<Page> pages = pages(out.toByteArray());
        assertEquals(5, pages.size());
        assertEquals("OpusHead", new String(pages.get(0).body(), 0, 8, StandardCharsets.US_ASCII));
        assertEquals(1, pages.get(0).body()[9], "mono, from the TOC");
        assertEquals("OpusTags", new String(pages.get(1).body(), 0, 8, StandardCharsets.US_ASCII));
        assertEquals(0x02, pages.get(0).type(), "beginning of stream");
        assertEquals(0x04, pages.get(4).type(), "end of stream on the last page");
        long[] granules = {0, 0, 960, 1920, 2880};
        for (int i = 0; i < pages.size(); i++) {
            Page p = pages.get(i);
            assertEquals(granules[i], p.granule(), "page " + i);
            assertEquals(77, p.serial());
            assertEquals(i, p.sequence());
            assertEquals(referenceCrc(p.raw()), p.crc(), "page " + i);
        }
        assertArrayEquals(new byte[] {(byte) 255, 0}, pages.get(3).lacing());
        assertArrayEquals(new byte[] {(byte) 255, (byte) 255, 90}, pages.get(4).lacing());
        assertArrayEquals(opus20Ms(600), pages.get(4).body());
    }

    @Test
    void malformedPackets_areDroppedAndCounted_andWriteNothing() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OggOpusWriter writer = new OggOpusWriter(out, 1);
        assertFalse(writer.write(new byte[0], 0, 0));
        assertFalse(writer.write(new byte[] {0x03, 0x00}, 0, 2), "code 3 with a frame count of 0");
        assertFalse(writer.write(new byte[] {0x01, 0x00}, 0, 2), "code 1 (two equal frames) with an odd payload");
        writer.close();
        assertEquals(3, writer.packetsDropped());
        assertEquals(0, writer.packetsWritten());
        assertEquals(0, out.size());
    }
}
