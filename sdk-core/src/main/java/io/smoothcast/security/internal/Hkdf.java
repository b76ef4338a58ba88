package io.smoothcast.security.internal;

import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF (RFC 5869) over a {@code javax.crypto} HMAC: extract, then expand.
 *
 * <p>Stateless; thread-safe. Allocates: it runs once per key, never per frame.
 */
public final class Hkdf {

    private Hkdf() {
    }

    /**
     * @param hmacAlgorithm e.g. {@code HmacSHA256}
     * @param salt the extract salt; empty means a string of zeros of the hash length
     * @param inputKey the input keying material
     * @return the pseudorandom key
     */
    public static byte[] extract(String hmacAlgorithm, byte[] salt, byte[] inputKey) {
        Mac mac = mac(hmacAlgorithm, salt.length == 0 ? new byte[macLength(hmacAlgorithm)] : salt);
        return mac.doFinal(inputKey);
    }

    /**
     * @param hmacAlgorithm e.g. {@code HmacSHA256}
     * @param pseudorandomKey output of {@link #extract}
     * @param info context bytes
     * @param length output length in bytes, at most 255 hash lengths
     * @return the output keying material
     */
    public static byte[] expand(String hmacAlgorithm, byte[] pseudorandomKey, byte[] info, int length) {
        Mac mac = mac(hmacAlgorithm, pseudorandomKey);
        int hashLength = mac.getMacLength();
        if (length < 0 || length > 255 * hashLength) {
            throw new IllegalArgumentException("length must be in [0, " + 255 * hashLength + "]: " + length);
        }
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        int written = 0;
        for (int i = 1; written < length; i++) {
            mac.update(block);
            mac.update(info);
            mac.update((byte) i);
            block = mac.doFinal();
            int n = Math.min(block.length, length - written);
            System.arraycopy(block, 0, out, written, n);
            written += n;
        }
        return out;
    }

    private static int macLength(String hmacAlgorithm) {
        return mac(hmacAlgorithm, new byte[1]).getMacLength();
    }

    private static Mac mac(String hmacAlgorithm, byte[] key) {
        try {
            Mac mac = Mac.getInstance(hmacAlgorithm);
            mac.init(new SecretKeySpec(key, hmacAlgorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmacAlgorithm + " unavailable", e);
        }
    }
}
