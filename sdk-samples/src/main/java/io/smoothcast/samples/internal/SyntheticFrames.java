package io.smoothcast.samples.internal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * The synthetic test stream: frames that carry their own sequence number, capture time and
 * checksum, padded to the size a target bitrate asks for, so a viewer can measure latency and
 * check integrity without a codec.
 *
 * <pre>
 * offset size field
 *   0     4   magic "SMCF"
 *   4     8   sequence number (0, 1, 2, ...)
 *  12     8   capture time, nanoseconds since the Unix epoch (sender's wall clock)
 *  20     4   frame length in bytes
 *  24     4   CRC-32 of every other byte of the frame (bytes 0-23 and 28-end)
 *  28     -   filler derived from the sequence number
 * </pre>
 *
 * <p>Not thread-safe (a reused checksum); use one instance per thread.
 */
public final class SyntheticFrames {

    /** Smallest frame: the header. */
    public static final int HEADER_BYTES = 28;
    private static final int MAGIC = 0x534D4346; // "SMCF"

    private final CRC32 crc = new CRC32();

    /**
     * Frame size that makes {@code framesPerSecond} frames a second carry {@code bitrateBps}.
     *
     * @param bitrateBps target bitrate, bits per second
     * @param framesPerSecond frame rate, > 0
     * @return bytes per frame, at least {@link #HEADER_BYTES}
     */
    public static int frameBytes(long bitrateBps, int framesPerSecond) {
        long bytes = bitrateBps / 8 / framesPerSecond;
        return (int) Math.max(HEADER_BYTES, Math.min(bytes, 1_000_000));
    }

    /**
     * Writes a frame into {@code destination} from index 0.
     *
     * @param destination at least {@code length} bytes
     * @param sequence the frame's sequence number
     * @param captureEpochNs capture time, ns since the Unix epoch
     * @param length frame length in bytes, >= {@link #HEADER_BYTES}
     */
    public void write(byte[] destination, long sequence, long captureEpochNs, int length) {
        if (length < HEADER_BYTES || length > destination.length) {
            throw new IllegalArgumentException("length must be " + HEADER_BYTES + "-" + destination.length + ": " + length);
        }
        ByteBuffer b = ByteBuffer.wrap(destination, 0, length);
        b.putInt(MAGIC).putLong(sequence).putLong(captureEpochNs).putInt(length).putInt(0);
        byte fill = (byte) sequence;
        for (int i = HEADER_BYTES; i < length; i++) {
            destination[i] = fill++;
        }
        ByteBuffer.wrap(destination).putInt(24, checksum(destination, length));
    }

    /**
     * Checks a received frame.
     *
     * @param frame the bytes
     * @param length how many of them belong to the frame
     * @return the frame's sequence number and capture time, or {@code null} if the frame is not
     *     a synthetic frame or its checksum does not match
     */
    public Header verify(byte[] frame, int length) {
        if (length < HEADER_BYTES || length > frame.length) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(frame, 0, length);
        if (b.getInt(0) != MAGIC || b.getInt(20) != length || b.getInt(24) != checksum(frame, length)) {
            return null;
        }
        return new Header(b.getLong(4), b.getLong(12));
    }

    private int checksum(byte[] frame, int length) {
        crc.reset();
        crc.update(frame, 0, 24);
        crc.update(frame, HEADER_BYTES, length - HEADER_BYTES);
        return (int) crc.getValue();
    }

    /**
     * What a verified frame says about itself.
     *
     * @param sequence the frame's sequence number
     * @param captureEpochNs capture time, ns since the Unix epoch
     */
    public record Header(long sequence, long captureEpochNs) {
    }
}
