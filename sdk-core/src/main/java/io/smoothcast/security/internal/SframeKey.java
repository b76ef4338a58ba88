package io.smoothcast.security.internal;

import io.smoothcast.security.SframeCipherSuite;
import io.smoothcast.security.SframeStatus;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One SFrame key: the AES key and nonce salt derived from a base key and key id (RFC 9605
 * section 4.4.2), and AES-GCM sealing and opening of frames with them.
 *
 * <p>Derivation: {@code secret = HKDF-Extract("", baseKey)}, then {@code key} and {@code salt}
 * are {@code HKDF-Expand(secret, label || KID as 8 bytes || suite as 2 bytes)} with the labels
 * "SFrame 1.0 Secret key " and "SFrame 1.0 Secret salt ". The nonce of a frame is the salt with
 * the counter, as a 12-byte big-endian number, XORed in.
 *
 * <p>Allocation per frame, all for {@code javax.crypto}: a {@link GCMParameterSpec} (the only way
 * to give a GCM IV to {@code Cipher.init}) and whatever the JDK's GCM allocates in {@code init};
 * on decryption the JDK buffers the ciphertext until the tag is verified, so no unauthenticated
 * plaintext is ever written.
 *
 * <p>Not thread-safe (one {@link Cipher}).
 */
public final class SframeKey {

    private static final byte[] KEY_LABEL = "SFrame 1.0 Secret key ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SALT_LABEL = "SFrame 1.0 Secret salt ".getBytes(StandardCharsets.US_ASCII);
    private static final int TAG_BITS = SframeCipherSuite.TAG_BYTES * 8;

    private final long keyId;
    private final SecretKeySpec key;
    private final byte[] salt;
    private final byte[] nonce = new byte[SframeCipherSuite.NONCE_BYTES];
    private final Cipher cipher;

    /**
     * @param suite the cipher suite
     * @param keyId the key id (enters the derivation)
     * @param baseKey the shared secret, at least 16 bytes (not kept)
     * @throws IllegalStateException if the JDK lacks AES/GCM or the suite's HMAC
     */
    public SframeKey(SframeCipherSuite suite, long keyId, byte[] baseKey) {
        this.keyId = keyId;
        byte[] secret = Hkdf.extract(suite.hmacAlgorithm(), new byte[0], baseKey);
        byte[] aesKey = Hkdf.expand(suite.hmacAlgorithm(), secret, label(KEY_LABEL, keyId, suite), suite.keyBytes());
        this.salt = Hkdf.expand(suite.hmacAlgorithm(), secret, label(SALT_LABEL, keyId, suite),
                SframeCipherSuite.NONCE_BYTES);
        this.key = new SecretKeySpec(aesKey, "AES");
        java.util.Arrays.fill(aesKey, (byte) 0);
        java.util.Arrays.fill(secret, (byte) 0);
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding unavailable", e);
        }
    }

    /** @return the key id */
    public long keyId() {
        return keyId;
    }

    /** @return a copy of the derived salt (for tests against the RFC vectors) */
    public byte[] salt() {
        return salt.clone();
    }

    /** @return a copy of the derived AES key (for tests against the RFC vectors) */
    public byte[] aesKey() {
        return key.getEncoded();
    }

    /**
     * Encrypts a frame whose header the caller wrote at {@code dst[dstOff..dstOff+headerLen)}.
     *
     * @return ciphertext plus tag length, or a negative {@link SframeStatus}
     */
    public int seal(long counter, byte[] dst, int dstOff, int headerLen, byte[] metadata,
            byte[] src, int off, int len) {
        buildNonce(counter);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(dst, dstOff, headerLen);
            if (metadata != null && metadata.length > 0) {
                cipher.updateAAD(metadata);
            }
            return cipher.doFinal(src, off, len, dst, dstOff + headerLen);
        } catch (ShortBufferException e) {
            return SframeStatus.BUFFER_TOO_SMALL;
        } catch (GeneralSecurityException e) {
            return SframeStatus.CRYPTO_FAILURE;
        }
    }

    /**
     * Authenticates and decrypts a frame; on failure nothing is written to {@code dst}.
     *
     * @return plaintext length, or a negative {@link SframeStatus}
     */
    public int open(long counter, byte[] src, int off, int headerLen, int len, byte[] metadata,
            byte[] dst, int dstOff) {
        buildNonce(counter);
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(src, off, headerLen);
            if (metadata != null && metadata.length > 0) {
                cipher.updateAAD(metadata);
            }
            return cipher.doFinal(src, off + headerLen, len - headerLen, dst, dstOff);
        } catch (AEADBadTagException e) {
            return SframeStatus.AUTHENTICATION_FAILED;
        } catch (ShortBufferException e) {
            return SframeStatus.BUFFER_TOO_SMALL;
        } catch (GeneralSecurityException e) {
            return SframeStatus.CRYPTO_FAILURE;
        }
    }

    private void buildNonce(long counter) {
        System.arraycopy(salt, 0, nonce, 0, nonce.length);
        for (int i = 0; i < 8; i++) {
            nonce[nonce.length - 1 - i] ^= (byte) (counter >>> (8 * i));
        }
    }

    private static byte[] label(byte[] prefix, long keyId, SframeCipherSuite suite) {
        byte[] info = new byte[prefix.length + 10];
        System.arraycopy(prefix, 0, info, 0, prefix.length);
        for (int i = 0; i < 8; i++) {
            info[prefix.length + i] = (byte) (keyId >>> (56 - 8 * i));
        }
        info[prefix.length + 8] = (byte) (suite.id() >>> 8);
        info[prefix.length + 9] = (byte) suite.id();
        return info;
    }
}
