package io.smoothcast.srtp;

/**
 * The SRTP protection profiles we implement: AEAD AES-GCM per RFC 7714, with a 16-byte
 * authentication tag and a 12-byte (96-bit) salt. The DTLS-SRTP profile ids are
 * {@code 0x0007} and {@code 0x0008} (RFC 7714 section 14.2).
 *
 * <p>Immutable; thread-safe.
 */
public enum SrtpProfile {
    /** AEAD_AES_128_GCM: 16-byte master and session keys. */
    AEAD_AES_128_GCM(16),
    /** AEAD_AES_256_GCM: 32-byte master and session keys. */
    AEAD_AES_256_GCM(32);

    /** Salt length in bytes, master and session, for both profiles. */
    public static final int SALT_BYTES = 12;
    /** Authentication tag length in bytes, for both profiles. */
    public static final int TAG_BYTES = 16;
    /** The E flag and SRTCP index appended to every SRTCP packet, in bytes. */
    public static final int SRTCP_TRAILER_BYTES = 4;

    private final int keyBytes;

    SrtpProfile(int keyBytes) {
        this.keyBytes = keyBytes;
    }

    /** @return the key length in bytes */
    public int keyBytes() {
        return keyBytes;
    }
}
