package io.smoothcast.security;

import java.security.MessageDigest;

/**
 * A stream's end-to-end media key as the application hands it to a broadcaster or viewer: the
 * SFrame cipher suite, the key id written in every frame header, and the base key (a secret of at
 * least 16 random bytes that the application's server gives to the broadcaster and the viewers of
 * one stream, never to relays). The AES key and nonce salt are derived from it per RFC 9605.
 *
 * <p>Immutable; thread-safe. The base key is copied in and out; {@link #toString()} does not show it.
 */
public final class FrameKey {

    private final SframeCipherSuite suite;
    private final long keyId;
    private final byte[] baseKey;

    private FrameKey(SframeCipherSuite suite, long keyId, byte[] baseKey) {
        this.suite = suite;
        this.keyId = keyId;
        this.baseKey = baseKey.clone();
    }

    /**
     * @param suite the cipher suite
     * @param keyId the key id, >= 0 (a new id per key, so viewers can hold old and new during a rotation)
     * @param baseKey the secret, at least 16 bytes
     * @return the key
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static FrameKey of(SframeCipherSuite suite, long keyId, byte[] baseKey) {
        SframeArguments.check(suite, keyId, baseKey);
        return new FrameKey(suite, keyId, baseKey);
    }

    /** @return the cipher suite */
    public SframeCipherSuite suite() {
        return suite;
    }

    /** @return the key id */
    public long keyId() {
        return keyId;
    }

    /** @return a copy of the base key */
    public byte[] baseKey() {
        return baseKey.clone();
    }

    /**
     * A new encryptor for one sending session, starting at {@link SframeEncryptor#wallClockFirstCounter}.
     *
     * @param unixTimeMs the wall clock now, in ms since 1970
     * @return the encryptor
     */
    public SframeEncryptor newEncryptor(long unixTimeMs) {
        return new SframeEncryptor(suite, keyId, baseKey, SframeEncryptor.wallClockFirstCounter(unixTimeMs));
    }

    @Override
    public String toString() {
        return "FrameKey[" + suite + ", keyId=" + keyId + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameKey k && k.suite == suite && k.keyId == keyId
                && MessageDigest.isEqual(k.baseKey, baseKey); // constant time: no secret leaks through timing
    }

    @Override
    public int hashCode() {
        return Long.hashCode(keyId) * 31 + suite.hashCode();
    }
}
