package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test fixture: RTP packets framed as an RFC 4571 stream (a 16-bit length before each packet),
 * the format GStreamer's rtpstreampay / rtpstreamdepay read and write, so RTP can pass through a
 * file instead of a socket.
 */
final class RtpStreamFile {

    /** One RTP packet's fields of interest. */
    record Packet(int sequenceNumber, int timestamp, boolean marker, byte[] payload) {
    }

    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();

    /** Appends one packet: version 2, no padding, extension or CSRC, SSRC 0x5EED0001. */
    void add(int payloadType, int sequenceNumber, int timestamp, boolean marker, byte[] payload, int offset,
            int length) {
        int size = 12 + length;
        stream.write(size >>> 8);
        stream.write(size);
        stream.write(0x80);
        stream.write((marker ? 0x80 : 0) | payloadType);
        stream.write(sequenceNumber >>> 8);
        stream.write(sequenceNumber);
        for (int shift = 24; shift >= 0; shift -= 8) {
            stream.write(timestamp >>> shift);
        }
        stream.writeBytes(new byte[] {0x5E, (byte) 0xED, 0, 1});
        stream.write(payload, offset, length);
    }

    byte[] toByteArray() {
        return stream.toByteArray();
    }

    /** Parses a stream written by a peer: RTP headers with CSRCs, extension and padding honoured. */
    static List<Packet> parse(byte[] data) {
        List<Packet> packets = new ArrayList<>();
        int at = 0;
        while (at < data.length) {
            assertTrue(at + 2 <= data.length, "framing length at " + at);
            int size = ((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF);
            int start = at + 2;
            int end = start + size;
            assertTrue(size >= 12 && end <= data.length, "packet of " + size + " bytes at " + at);
            assertEquals(2, (data[start] & 0xFF) >>> 6, "RTP version");
            int header = 12 + 4 * (data[start] & 0x0F);
            if ((data[start] & 0x10) != 0) {
                int words = ((data[start + header + 2] & 0xFF) << 8) | (data[start + header + 3] & 0xFF);
                header += 4 + 4 * words;
            }
            int payloadEnd = (data[start] & 0x20) != 0 ? end - (data[end - 1] & 0xFF) : end;
            int sequence = ((data[start + 2] & 0xFF) << 8) | (data[start + 3] & 0xFF);
            int timestamp = ((data[start + 4] & 0xFF) << 24) | ((data[start + 5] & 0xFF) << 16)
                    | ((data[start + 6] & 0xFF) << 8) | (data[start + 7] & 0xFF);
            boolean marker = (data[start + 1] & 0x80) != 0;
            packets.add(new Packet(sequence, timestamp, marker, Arrays.copyOfRange(data, start + header, payloadEnd)));
            at = end;
        }
        return packets;
    }
}
