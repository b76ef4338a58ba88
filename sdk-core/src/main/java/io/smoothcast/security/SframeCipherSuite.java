package io.smoothcast.security;

/**
 * The SFrame cipher suites supported (RFC 9605 section 4.5): AES-GCM with a 16-byte tag, and the
 * HMAC hash that HKDF uses to derive each key's AES key and nonce salt from the base key.
 *
 * <p>Immutable; thread-safe.
 */
public enum SframeCipherSuite {

    /** {@code AES_128_GCM_SHA256_128} (0x0004): 16-byte AES key, HKDF-SHA256. */
    AES_128_GCM_SHA256_128(0x0004, 16, "HmacSHA256"),
    /** {@code AES_256_GCM_SHA512_128} (0x0005): 32-byte AES key, HKDF-SHA512. */
    AES_256_GCM_SHA512_128(0x0005, 32, "HmacSHA512");

    /** AES-GCM nonce length, in bytes (Nn). */
    public static final int NONCE_BYTES = 12;
    /** Authentication tag length, in bytes (Nt). */
    public static final int TAG_BYTES = 16;

    private final int id;
    private final int keyBytes;
    private final String hmacAlgorithm;

    SframeCipherSuite(int id, int keyBytes, String hmacAlgorithm) {
        this.id = id;
        this.keyBytes = keyBytes;
        this.hmacAlgorithm = hmacAlgorithm;
    }

    /** @return the suite's IANA value, which also enters the key derivation */
    public int id() {
        return id;
    }

    /** @return the AES key length, in bytes (Nk) */
    public int keyBytes() {
        return keyBytes;
    }

    /** @return the {@code javax.crypto.Mac} algorithm HKDF runs on */
    public String hmacAlgorithm() {
        return hmacAlgorithm;
    }
}
