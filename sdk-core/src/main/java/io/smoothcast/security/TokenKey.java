package io.smoothcast.security;

import io.smoothcast.security.internal.TokenFormat;

/**
 * One HMAC-SHA256 signing key and the id under which tokens name it. Key rotation: issue with the
 * new key while verifiers hold both the old and the new one, then retire the old one after the
 * longest token lifetime has passed.
 *
 * <p>The secret is copied in and never handed out. Immutable; thread-safe.
 */
public final class TokenKey {

    /** Shortest accepted secret, in bytes (the HMAC-SHA256 output size, as RFC 2104 recommends). */
    public static final int MIN_SECRET_BYTES = 32;
    /** Longest accepted secret, in bytes (one SHA-256 block; longer keys are hashed down anyway). */
    public static final int MAX_SECRET_BYTES = 64;

    private final String keyId;
    private final byte[] secret;

    private TokenKey(String keyId, byte[] secret) {
        this.keyId = keyId;
        this.secret = secret;
    }

    /**
     * @param keyId 1 to {@value TokenFormat#MAX_KEY_ID_CHARS} characters from {@code [A-Za-z0-9._-]}
     * @param secret {@value #MIN_SECRET_BYTES} to {@value #MAX_SECRET_BYTES} random bytes; copied
     * @return the key
     * @throws IllegalArgumentException if {@code keyId} or {@code secret} is null or out of bounds
     */
    public static TokenKey of(String keyId, byte[] secret) {
        if (!TokenFormat.isValidKeyId(keyId)) {
            throw new IllegalArgumentException("keyId must be 1-" + TokenFormat.MAX_KEY_ID_CHARS
                + " characters of [A-Za-z0-9._-]: " + keyId);
        }
        if (secret == null || secret.length < MIN_SECRET_BYTES || secret.length > MAX_SECRET_BYTES) {
            throw new IllegalArgumentException("secret must be " + MIN_SECRET_BYTES + "-" + MAX_SECRET_BYTES
                + " bytes: " + (secret == null ? "null" : secret.length));
        }
        return new TokenKey(keyId, secret.clone());
    }

    /** @return the key id carried in every token signed with this key */
    public String keyId() {
        return keyId;
    }

    /** @return the secret (the internal copy: do not modify) */
    byte[] secret() {
        return secret;
    }

    @Override
    public String toString() {
        return "TokenKey[" + keyId + "]";
    }
}
