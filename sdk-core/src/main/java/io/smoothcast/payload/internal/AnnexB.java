package io.smoothcast.payload.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Annex-B byte-stream scanning (ITU-T H.264 / H.265 Annex B): finds start codes and the NAL units
 * between them without allocating. Stateless; thread-safe.
 */
public final class AnnexB {

    /** Length of the 4-byte start code every depacketizer writes before a NAL unit. */
    public static final int START_CODE_BYTES = 4;

    /** Reads eight bytes at a time (any alignment); little-endian so byte k of a word is data[i + k]. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    private AnnexB() {
    }

    /**
     * Finds the next three-byte start code prefix {@code 00 00 01}.
     *
     * @param data the byte stream
     * @param from first index searched
     * @param to index after the last byte searched
     * @return the index of the prefix's first zero, or -1 if none lies in [from, to)
     */
    public static int findStartCode(byte[] data, int from, int to) {
        int i = from;
        int last = to - 3;
        while (i <= last) {
            int candidate;
            if (i <= to - 8) {
                long word = (long) LONGS.get(data, i);
                long zeros = (word - ONES) & ~word & HIGH_BITS;
                if (zeros == 0) {
                    // No zero byte in [i, i + 8): no prefix can begin there, as each begins with one.
                    i += 8;
                    continue;
                }
                // The lowest flagged byte is always a real zero (only bytes above one can be false flags).
                candidate = i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            } else if (data[i] == 0) {
                candidate = i;
            } else {
                i++;
                continue;
            }
            if (candidate <= last && data[candidate + 1] == 0 && data[candidate + 2] == 1) {
                return candidate;
            }
            i = candidate + 1;
        }
        return -1;
    }

    /**
     * The end of a NAL unit whose bytes run up to {@code limit} (the next start code or the end of
     * the stream). Trailing zero bytes are not part of a NAL unit (its last byte is never zero);
     * they are {@code trailing_zero_8bits} or the first byte of a four-byte start code.
     *
     * @param data the byte stream
     * @param nalStart index of the NAL unit header
     * @param limit index after the last candidate byte
     * @return index after the NAL unit's last byte, at least {@code nalStart}
     */
    public static int trimTrailingZeros(byte[] data, int nalStart, int limit) {
        int end = limit;
        while (end > nalStart && data[end - 1] == 0) {
            end--;
        }
        return end;
    }

    /**
     * Writes the four-byte start code {@code 00 00 00 01}.
     *
     * @param out destination, with at least four bytes free at {@code offset}
     * @param offset where to write
     */
    public static void writeStartCode(byte[] out, int offset) {
        out[offset] = 0;
        out[offset + 1] = 0;
        out[offset + 2] = 0;
        out[offset + 3] = 1;
    }
}
