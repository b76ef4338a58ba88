package io.smoothcast.payload;

/**
 * Reads Opus packets (RFC 6716 section 3): the TOC byte's frame duration, the frame count, and
 * the validity rules R1 to R7 of section 3.4 that every packet must meet. Used to check untrusted
 * RTP payloads and to advance the RTP timestamp, which for Opus always counts 48 kHz samples
 * (RFC 7587 section 4.1) whatever the actual sampling rate.
 *
 * <p>Stateless; thread-safe. Allocates nothing; reads only inside the given range.
 */
public final class OpusPackets {

    /** The RTP clock rate of Opus, in Hz (RFC 7587 section 4.1). */
    public static final int RTP_CLOCK_RATE_HZ = 48_000;
    /** Largest packet duration, 120 ms, in 48 kHz samples. */
    public static final int MAX_PACKET_SAMPLES = 5760;
    /** Largest compressed frame, in bytes (R2). */
    public static final int MAX_FRAME_BYTES = 1275;
    /** Most frames in one packet (code 3: 48 frames of 2.5 ms). */
    public static final int MAX_FRAMES = 48;

    private OpusPackets() {
    }

    /**
     * Frame duration of a TOC byte's configuration (RFC 6716 table 2): SILK-only 10/20/40/60 ms,
     * hybrid 10/20 ms, CELT-only 2.5/5/10/20 ms.
     *
     * @param toc the packet's first byte (only the low 8 bits are used)
     * @return samples per frame at 48 kHz: 120, 240, 480, 960, 1920 or 2880
     */
    public static int samplesPerFrame(int toc) {
        int config = (toc & 0xFF) >>> 3;
        if (config < 12) {
            // SILK-only: 10, 20, 40, 60 ms.
            int index = config & 3;
            return index == 3 ? 2880 : 480 << index;
        }
        if (config < 16) {
            // Hybrid: 10, 20 ms.
            return 480 << (config & 1);
        }
        // CELT-only: 2.5, 5, 10, 20 ms.
        return 120 << (config & 3);
    }

    /**
     * Checks a whole Opus packet against RFC 6716 section 3.4 and counts its frames.
     *
     * @param packet array holding the packet
     * @param offset its first byte
     * @param length its length in bytes
     * @return the number of frames (1 to 48), or a negative {@link PayloadErrors} code:
     *     {@link PayloadErrors#TRUNCATED_PACKET} for an empty packet,
     *     {@link PayloadErrors#INVALID_OPUS_FRAME_COUNT} for a code 3 count of zero or over 120 ms,
     *     {@link PayloadErrors#INVALID_OPUS_FRAMES} for frame lengths or padding that do not add up
     * @throws IllegalArgumentException if {@code packet} is null or the range lies outside it
     */
    public static int frameCount(byte[] packet, int offset, int length) {
        Arguments.checkRange(packet, offset, length, "packet");
        return parse(packet, offset, length);
    }

    /**
     * Checks a whole Opus packet and returns its duration, the amount by which the RTP timestamp
     * of the next packet advances.
     *
     * @param packet array holding the packet
     * @param offset its first byte
     * @param length its length in bytes
     * @return the packet's duration in 48 kHz samples (120 to {@link #MAX_PACKET_SAMPLES}), or a
     *     negative {@link PayloadErrors} code as for {@link #frameCount}
     * @throws IllegalArgumentException if {@code packet} is null or the range lies outside it
     */
    public static int samplesPerPacket(byte[] packet, int offset, int length) {
        Arguments.checkRange(packet, offset, length, "packet");
        return duration(packet, offset, length);
    }

    /** Duration in 48 kHz samples or error code; the range is already validated. */
    static int duration(byte[] p, int offset, int length) {
        int frames = parse(p, offset, length);
        return frames < 0 ? frames : frames * samplesPerFrame(p[offset]);
    }

    /**
     * Checks an Opus packet and copies it unchanged: the packetizer and the depacketizer do the
     * same, since an Opus RTP payload is exactly one Opus packet (RFC 7587 section 4.2). Ranges are
     * already validated.
     *
     * @return the packet's duration in 48 kHz samples (at least 120), or a negative
     *     {@link PayloadErrors} code (an invalid packet, or {@link PayloadErrors#OUTPUT_TOO_SMALL}),
     *     in which case nothing was copied
     */
    static int copyChecked(byte[] src, int offset, int length, byte[] out, int outOffset) {
        int samples = duration(src, offset, length);
        if (samples < 0) {
            return samples;
        }
        if (length > out.length - outOffset) {
            return PayloadErrors.OUTPUT_TOO_SMALL;
        }
        System.arraycopy(src, offset, out, outOffset, length);
        return samples;
    }

    /** Frame count or error code; the range is already validated. */
    static int parse(byte[] p, int offset, int length) {
        if (length < 1) {
            return PayloadErrors.TRUNCATED_PACKET; // R1
        }
        int end = offset + length;
        int at = offset + 1;
        switch (p[offset] & 0x3) {
            case 0:
                // One frame filling the rest.
                return end - at <= MAX_FRAME_BYTES ? 1 : PayloadErrors.INVALID_OPUS_FRAMES;
            case 1: {
                // Two frames of equal size (R3).
                int rest = end - at;
                return (rest & 1) == 0 && rest / 2 <= MAX_FRAME_BYTES ? 2 : PayloadErrors.INVALID_OPUS_FRAMES;
            }
            case 2: {
                // Two frames, the first one's length coded in 1 or 2 bytes (R4).
                int first = readFrameLength(p, at, end);
                if (first < 0) {
                    return PayloadErrors.INVALID_OPUS_FRAMES;
                }
                at += first >= 252 ? 2 : 1;
                int second = end - at - first;
                return second >= 0 && second <= MAX_FRAME_BYTES ? 2 : PayloadErrors.INVALID_OPUS_FRAMES;
            }
            default:
                return parseCode3(p, at, end, samplesPerFrame(p[offset]));
        }
    }

    /** Code 3: frame count byte, optional padding, then CBR or VBR frames (R5, R6, R7). */
    private static int parseCode3(byte[] p, int start, int end, int samplesPerFrame) {
        int at = start;
        if (at >= end) {
            return PayloadErrors.INVALID_OPUS_FRAMES;
        }
        int countByte = p[at++] & 0xFF;
        boolean variable = (countByte & 0x80) != 0;
        boolean padded = (countByte & 0x40) != 0;
        int frames = countByte & 0x3F;
        if (frames == 0 || frames * samplesPerFrame > MAX_PACKET_SAMPLES) {
            return PayloadErrors.INVALID_OPUS_FRAME_COUNT; // R5
        }
        int dataEnd = end;
        if (padded) {
            // Each padding length byte of 255 adds 254 bytes and is followed by another one.
            int padding = 0;
            int lengthByte;
            do {
                if (at >= end) {
                    return PayloadErrors.INVALID_OPUS_FRAMES;
                }
                lengthByte = p[at++] & 0xFF;
                padding += lengthByte == 255 ? 254 : lengthByte;
                if (padding > end - at) {
                    return PayloadErrors.INVALID_OPUS_FRAMES; // R6/R7: padding longer than the packet
                }
            } while (lengthByte == 255);
            dataEnd -= padding;
            if (dataEnd < at) {
                return PayloadErrors.INVALID_OPUS_FRAMES;
            }
        }
        if (!variable) {
            int rest = dataEnd - at;
            return rest % frames == 0 && rest / frames <= MAX_FRAME_BYTES ? frames : PayloadErrors.INVALID_OPUS_FRAMES;
        }
        int declared = 0;
        for (int i = 0; i < frames - 1; i++) {
            int frame = readFrameLength(p, at, dataEnd);
            if (frame < 0) {
                return PayloadErrors.INVALID_OPUS_FRAMES;
            }
            at += frame >= 252 ? 2 : 1;
            declared += frame;
        }
        int last = dataEnd - at - declared;
        return last >= 0 && last <= MAX_FRAME_BYTES ? frames : PayloadErrors.INVALID_OPUS_FRAMES;
    }

    /** A 1- or 2-byte frame length (RFC 6716 section 3.2.1), or -1 if its bytes run past {@code end}. */
    private static int readFrameLength(byte[] p, int at, int end) {
        if (at >= end) {
            return -1;
        }
        int first = p[at] & 0xFF;
        if (first < 252) {
            return first;
        }
        if (at + 1 >= end) {
            return -1;
        }
        return first + 4 * (p[at + 1] & 0xFF);
    }
}
