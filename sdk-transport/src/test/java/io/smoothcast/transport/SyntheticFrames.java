package io.smoothcast.transport;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Synthetic encoded frames for end-to-end tests: each frame carries its index, its length and a
 * CRC-32 of its body, so a receiver can tell a missing, duplicated, reordered or corrupted frame.
 * Sizes vary from one packet to several (seeded, deterministic).
 */
final class SyntheticFrames {

    static final int HEADER_BYTES = 16;

    private SyntheticFrames() {
    }

    /** Frame {@code index}: header (index, length, CRC-32) then seeded random bytes. */
    static byte[] frame(long seed, int index, int maxBytes) {
        SplittableRandom random = new SplittableRandom(seed * 31 + index);
        int length = HEADER_BYTES + random.nextInt(1, maxBytes - HEADER_BYTES);
        byte[] frame = new byte[length];
        byte[] body = new byte[length - HEADER_BYTES];
        random.nextBytes(body);
        CRC32 crc = new CRC32();
        crc.update(body);
        ByteBuffer.wrap(frame).putInt(index).putInt(length).putLong(crc.getValue()).put(body);
        return frame;
    }

    /**
     * Checks a received frame.
     *
     * @return the frame's index, or -1 if its length or checksum is wrong
     */
    static int verify(byte[] frame) {
        if (frame.length < HEADER_BYTES) {
            return -1;
        }
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        int index = buffer.getInt();
        int length = buffer.getInt();
        long expectedCrc = buffer.getLong();
        if (length != frame.length) {
            return -1;
        }
        CRC32 crc = new CRC32();
        crc.update(frame, HEADER_BYTES, frame.length - HEADER_BYTES);
        return crc.getValue() == expectedCrc ? index : -1;
    }
}
