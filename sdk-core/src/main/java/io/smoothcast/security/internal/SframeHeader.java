package io.smoothcast.security.internal;

/**
 * The SFrame header (RFC 9605 section 4.3): one config byte {@code X KKK Y CCC}, then the key id
 * (KID) and counter (CTR) as big-endian integers when they do not fit in three bits. A value
 * below 8 lives in the config byte (X or Y clear); a larger one takes the fewest bytes that hold
 * it, and the three bits give that length minus one.
 *
 * <p>Decoding accepts only that minimal spelling, so each header has exactly one encoding, and
 * only counters below 2^63 (a Smoothcast sender never goes further).
 *
 * <p>Not thread-safe: {@link #decode} fills this object's fields (a reusable flyweight, so
 * decoding allocates nothing).
 */
public final class SframeHeader {

    /** Longest header: config byte plus 8 bytes of KID and 8 of CTR. */
    public static final int MAX_LENGTH = 17;

    private long keyId;
    private long counter;
    private int length;

    /** @return the key id of the last decoded header */
    public long keyId() {
        return keyId;
    }

    /** @return the counter of the last decoded header */
    public long counter() {
        return counter;
    }

    /** @return the length in bytes of the last decoded header */
    public int length() {
        return length;
    }

    /**
     * @param keyId the key id, >= 0
     * @param counter the counter, >= 0
     * @return the encoded length in bytes
     */
    public static int encodedLength(long keyId, long counter) {
        return 1 + (keyId < 8 ? 0 : byteCount(keyId)) + (counter < 8 ? 0 : byteCount(counter));
    }

    /**
     * Writes a header; the caller checked room for {@link #encodedLength}.
     *
     * @param keyId the key id, >= 0
     * @param counter the counter, >= 0
     * @param dst where to write
     * @param off offset of the config byte
     * @return the number of bytes written
     */
    public static int encode(long keyId, long counter, byte[] dst, int off) {
        int at = off + 1;
        int config;
        if (keyId < 8) {
            config = (int) keyId << 4;
        } else {
            int n = byteCount(keyId);
            config = 0x80 | (n - 1) << 4;
            at = writeBigEndian(keyId, n, dst, at);
        }
        if (counter < 8) {
            config |= (int) counter;
        } else {
            int n = byteCount(counter);
            config |= 0x08 | (n - 1);
            at = writeBigEndian(counter, n, dst, at);
        }
        dst[off] = (byte) config;
        return at - off;
    }

    /**
     * Reads a header into this object's fields.
     *
     * @param src the frame
     * @param off offset of the config byte
     * @param len bytes available from {@code off}
     * @return true if a well-formed, minimal header with a counter below 2^63 fits in {@code len}
     */
    public boolean decode(byte[] src, int off, int len) {
        if (len < 1) {
            return false;
        }
        int config = src[off] & 0xFF;
        int at = off + 1;
        int end = off + len;
        long kid = (config >>> 4) & 0x07;
        if ((config & 0x80) != 0) {
            int n = (int) kid + 1;
            if (end - at < n || src[at] == 0 && n > 1) {
                return false;
            }
            kid = readBigEndian(src, at, n);
            at += n;
            if (kid >= 0 && kid < 8) {
                return false; // would have fitted in the config byte
            }
        }
        long ctr = config & 0x07;
        if ((config & 0x08) != 0) {
            int n = (int) ctr + 1;
            if (end - at < n || src[at] == 0 && n > 1) {
                return false;
            }
            ctr = readBigEndian(src, at, n);
            at += n;
            if (ctr >= 0 && ctr < 8 || ctr < 0) {
                return false; // not minimal, or beyond 2^63
            }
        }
        this.keyId = kid;
        this.counter = ctr;
        this.length = at - off;
        return true;
    }

    private static int byteCount(long value) {
        return (64 - Long.numberOfLeadingZeros(value) + 7) / 8;
    }

    private static int writeBigEndian(long value, int n, byte[] dst, int at) {
        for (int i = n - 1; i >= 0; i--) {
            dst[at++] = (byte) (value >>> (8 * i));
        }
        return at;
    }

    private static long readBigEndian(byte[] src, int at, int n) {
        long value = 0;
        for (int i = 0; i < n; i++) {
            value = value << 8 | (src[at + i] & 0xFF);
        }
        return value;
    }
}
