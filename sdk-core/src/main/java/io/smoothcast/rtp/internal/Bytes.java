package io.smoothcast.rtp.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Big-endian (network order) reads and writes on a {@code byte[]}, and argument checks shared by
 * the public readers and writers. Callers check bounds before calling the accessors.
 *
 * <p>Multi-byte accesses go through byte-array view {@link VarHandle}s, which the JIT compiles
 * to single (byte-swapped) loads and stores instead of one access per byte.
 *
 * <p>Stateless; thread-safe.
 */
public final class Bytes {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    public static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    public static int u16(byte[] b, int i) {
        return (short) SHORT.get(b, i) & 0xFFFF;
    }

    public static int s16(byte[] b, int i) {
        return (short) SHORT.get(b, i);
    }

    public static int u24(byte[] b, int i) {
        return ((b[i] & 0xFF) << 16) | ((b[i + 1] & 0xFF) << 8) | (b[i + 2] & 0xFF);
    }

    public static int i32(byte[] b, int i) {
        return (int) INT.get(b, i);
    }

    public static long u32(byte[] b, int i) {
        return i32(b, i) & 0xFFFFFFFFL;
    }

    public static long i64(byte[] b, int i) {
        return (long) LONG.get(b, i);
    }

    public static void put8(byte[] b, int i, int v) {
        b[i] = (byte) v;
    }

    public static void put16(byte[] b, int i, int v) {
        SHORT.set(b, i, (short) v);
    }

    public static void put24(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 16);
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) v;
    }

    public static void put32(byte[] b, int i, int v) {
        INT.set(b, i, v);
    }

    public static void put64(byte[] b, int i, long v) {
        LONG.set(b, i, v);
    }

    /**
     * Rejects a region that does not lie inside {@code buffer}.
     *
     * @throws IllegalArgumentException naming the offending argument
     */
    public static void checkRegion(byte[] buffer, int offset, int length, String lengthName) {
        // One branch on the hot path; the messages are built out of line so that callers such as
        // RtpPacketWriter.write stay small enough to be inlined.
        if (buffer == null || (offset | length) < 0 || length > buffer.length - offset) {
            throw regionError(buffer, offset, length, lengthName);
        }
    }

    private static IllegalArgumentException regionError(byte[] buffer, int offset, int length, String lengthName) {
        if (buffer == null) {
            return new IllegalArgumentException("buffer must not be null");
        }
        if (offset < 0 || offset > buffer.length) {
            return new IllegalArgumentException("offset " + offset + " outside buffer of " + buffer.length + " bytes");
        }
        return new IllegalArgumentException(lengthName + " " + length + " exceeds buffer of " + buffer.length
            + " bytes at offset " + offset);
    }

    /** Rejects a value outside [min, max], naming the argument. */
    public static void checkRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw rangeError(name, value, min, max);
        }
    }

    private static IllegalArgumentException rangeError(String name, long value, long min, long max) {
        return new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]: " + value);
    }
}
