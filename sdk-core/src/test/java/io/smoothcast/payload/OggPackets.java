package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test fixture: the packets of a single-stream Ogg file (RFC 3533), such as ffmpeg's Opus output. */
final class OggPackets {

    private OggPackets() {
    }

    /** Pages, lacing values and packets continued across pages; the first two Opus packets are headers. */
    static List<byte[]> read(byte[] file) {
        List<byte[]> packets = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        int at = 0;
        while (at + 27 <= file.length) {
            assertEquals("OggS", new String(file, at, 4, StandardCharsets.US_ASCII), "page capture pattern at " + at);
            int segments = file[at + 26] & 0xFF;
            int data = at + 27 + segments;
            for (int s = 0; s < segments; s++) {
                int lacing = file[at + 27 + s] & 0xFF;
                current.write(file, data, lacing);
                data += lacing;
                if (lacing < 255) {
                    packets.add(current.toByteArray());
                    current.reset();
                }
            }
            at = data;
        }
        assertEquals(file.length, at, "the file ends on a page boundary");
        return packets;
    }
}
