package io.smoothcast.security.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 through {@code javax.crypto}, and a constant-time comparison.
 *
 * <p>Stateless; thread-safe (a fresh {@link Mac} per call: tokens are verified once per
 * connection, not per packet).
 */
public final class HmacSha256 {

    private static final String ALGORITHM = "HmacSHA256";

    private HmacSha256() {
    }

    /**
     * @param secret the key
     * @param data the message
     * @return the 32-byte MAC
     * @throws IllegalStateException if the JDK lacks HmacSHA256 (every Java 17 runtime has it)
     */
    public static byte[] mac(byte[] secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * Compares two MACs in time that depends only on their lengths ({@link MessageDigest#isEqual}
     * does not stop at the first difference), so a forger learns nothing from timing.
     *
     * @param expected the MAC we computed
     * @param presented the MAC from the token
     * @return whether they are equal
     */
    public static boolean constantTimeEquals(byte[] expected, byte[] presented) {
        return MessageDigest.isEqual(expected, presented);
    }
}
