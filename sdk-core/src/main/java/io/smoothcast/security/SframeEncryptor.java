package io.smoothcast.security;

import io.smoothcast.security.internal.SframeHeader;
import io.smoothcast.security.internal.SframeKey;

/**
 * Seals media frames for end-to-end encryption with SFrame (RFC 9605): each frame becomes
 * {@code header || AES-GCM(ciphertext) || tag}, where the header carries the key id and a
 * per-frame counter in clear (it is authenticated as associated data, with optional metadata).
 * Relays forward the result without being able to read or undetectably alter it.
 *
 * <p>Nonces never repeat under one key as long as counters do not: this encryptor counts up from
 * {@code firstCounter} and refuses to go past 2^63 - 1 ({@link SframeStatus#COUNTER_EXHAUSTED}).
 * Two encryptors must never share a base key and key id with overlapping counter ranges; see
 * {@link #wallClockFirstCounter} for a start that keeps restarts apart.
 *
 * <p>Not thread-safe: one sending thread. Allocation per frame: only inside {@code javax.crypto}
 * (see {@code SframeKey}).
 */
public final class SframeEncryptor {

    /** Most bytes a frame grows by: the longest header plus the tag. */
    public static final int MAX_OVERHEAD_BYTES = SframeHeader.MAX_LENGTH + SframeCipherSuite.TAG_BYTES;

    /** Low counter bits left for frames within one millisecond of start, see {@link #wallClockFirstCounter}. */
    private static final int WALL_CLOCK_SHIFT = 20;

    private final SframeKey key;
    private long nextCounter;

    /**
     * @param suite the cipher suite
     * @param keyId the key id put in every header, >= 0
     * @param baseKey the stream's shared secret, at least 16 bytes (copied into derived keys, not kept)
     * @param firstCounter counter of the first frame, >= 0
     * @throws IllegalArgumentException if an argument is out of range
     */
    public SframeEncryptor(SframeCipherSuite suite, long keyId, byte[] baseKey, long firstCounter) {
        SframeArguments.check(suite, keyId, baseKey);
        if (firstCounter < 0) {
            throw new IllegalArgumentException("firstCounter must be >= 0: " + firstCounter);
        }
        this.key = new SframeKey(suite, keyId, baseKey);
        this.nextCounter = firstCounter;
    }

    /**
     * A first counter that is larger than any counter a previous run with the same key could
     * have reached, provided the wall clock moved forward and that run sealed fewer than 2^20
     * frames per millisecond: the Unix time in milliseconds shifted left by 20 bits (about 2^61
     * today). Restarted broadcasters therefore never reuse a nonce, and viewers' replay windows
     * accept the new run.
     *
     * @param unixTimeMs the wall clock, in ms since 1970
     * @return the counter to start from
     * @throws IllegalArgumentException if {@code unixTimeMs} is negative or past the year 2248
     */
    public static long wallClockFirstCounter(long unixTimeMs) {
        if (unixTimeMs < 0 || unixTimeMs >= 1L << (63 - WALL_CLOCK_SHIFT)) {
            throw new IllegalArgumentException("unixTimeMs must be in [0, 2^43): " + unixTimeMs);
        }
        return unixTimeMs << WALL_CLOCK_SHIFT;
    }

    /** @return the counter the next frame will carry */
    public long nextCounter() {
        return nextCounter;
    }

    /**
     * Seals one frame.
     *
     * @param src the plaintext frame
     * @param off its offset
     * @param len its length
     * @param metadata extra bytes authenticated but not sent (the receiver must supply the same), or null
     * @param dst where the sealed frame goes (must not overlap the plaintext)
     * @param dstOff its offset
     * @param dstLength room from {@code dstOff}; {@code len + MAX_OVERHEAD_BYTES} always suffices
     * @return the sealed length, or a negative {@link SframeStatus}
     * @throws IllegalArgumentException if a region lies outside its array
     */
    public int encrypt(byte[] src, int off, int len, byte[] metadata, byte[] dst, int dstOff, int dstLength) {
        SframeArguments.checkRegion("src", src, off, len);
        SframeArguments.checkRegion("dst", dst, dstOff, dstLength);
        if (nextCounter < 0) {
            return SframeStatus.COUNTER_EXHAUSTED;
        }
        int headerLen = SframeHeader.encodedLength(key.keyId(), nextCounter);
        if (dstLength < headerLen + len + SframeCipherSuite.TAG_BYTES) {
            return SframeStatus.BUFFER_TOO_SMALL;
        }
        SframeHeader.encode(key.keyId(), nextCounter, dst, dstOff);
        int sealed = key.seal(nextCounter, dst, dstOff, headerLen, metadata, src, off, len);
        if (sealed < 0) {
            return sealed;
        }
        nextCounter++; // Long.MAX_VALUE + 1 turns negative: exhausted from then on
        return headerLen + sealed;
    }
}
