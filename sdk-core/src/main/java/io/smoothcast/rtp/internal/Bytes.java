package io.smoothcast.rtp.internal;

/**
 * Big-endian (network order) reads and writes on a {@code byte[]}, and argument checks shared by
 * the public readers and writers. Callers check bounds before calling the accessors.
 *
 * <p>Stateless; thread-safe.
 */
public final class Bytes {

    private Bytes() {
    }

    public static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    public static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    public static int s16(byte[] b, int i) {
        return (short) u16(b, i);
    }

    public static int u24(byte[] b, int i) {
        return ((b[i] & 0xFF) << 16) | ((b[i + 1] & 0xFF) << 8) | (b[i + 2] & 0xFF);
    }

    public static int i32(byte[] b, int i) {
        return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    public static long u32(byte[] b, int i) {
        return i32(b, i) & 0xFFFFFFFFL;
    }

    public static long i64(byte[] b, int i) {
        return ((long) i32(b, i) << 32) | (i32(b, i + 4) & 0xFFFFFFFFL);
    }

    public static void put8(byte[] b, int i, int v) {
        b[i] = (byte) v;
    }

    public static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    public static void put24(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 16);
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) v;
    }

    public static void put32(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    public static void put64(byte[] b, int i, long v) {
        put32(b, i, (int) (v >>> 32));
        put32(b, i + 4, (int) v);
    }

    /**
     * Rejects a region that does not lie inside {@code buffer}.
     *
     * @throws IllegalArgumentException naming the offending argument
     */
    public static void checkRegion(byte[] buffer, int offset, int length, String lengthName) {
        if (buffer == null) {
            throw new IllegalArgumentException("buffer must not be null");
        }
        if (offset < 0 || offset > buffer.length) {
            throw new IllegalArgumentException("offset " + offset + " outside buffer of " + buffer.length + " bytes");
        }
        if (length < 0 || length > buffer.length - offset) {
            throw new IllegalArgumentException(lengthName + " " + length + " exceeds buffer of " + buffer.length
                + " bytes at offset " + offset);
        }
    }

    /** Rejects a value outside [min, max], naming the argument. */
    public static void checkRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
        }
    }
}
