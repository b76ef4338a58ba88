package io.smoothcast.srtp.internal;

/**
 * Big-endian reads and writes on byte arrays. Callers have checked bounds.
 *
 * <p>Stateless; thread-safe.
 */
public final class Bytes {

    private Bytes() {
    }

    /**
     * @param b the bytes
     * @param at index of the first byte
     * @return the unsigned 16-bit value at {@code at}
     */
    public static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    /**
     * @param b the bytes
     * @param at index of the first byte
     * @return the 32-bit value at {@code at}
     */
    public static int i32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    /**
     * Writes a 32-bit value.
     *
     * @param b the bytes
     * @param at index of the first byte
     * @param value the value
     */
    public static void putI32(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 24);
        b[at + 1] = (byte) (value >>> 16);
        b[at + 2] = (byte) (value >>> 8);
        b[at + 3] = (byte) value;
    }
}
