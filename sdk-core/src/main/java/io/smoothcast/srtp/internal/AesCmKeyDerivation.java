package io.smoothcast.srtp.internal;

import java.security.GeneralSecurityException;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function of RFC 3711 section 4.3 with the AES-CM PRF (section 4.3.3),
 * key derivation rate 0 (the only rate RFC 7714 and DTLS-SRTP use).
 *
 * <p>x = label (at byte 7 of a 14-byte block) XOR master salt; the session key is the AES-CM
 * keystream under the master key starting at counter block {@code x || 0x0000}. RFC 7714 master
 * salts are 12 bytes: they fill the first 12 bytes of the 14-byte block, the last two are zero
 * (as libsrtp does).
 *
 * <p>Stateless; thread-safe. Runs once per session, so it allocates freely.
 */
public final class AesCmKeyDerivation {

    /** Label of the SRTP encryption key. */
    public static final int SRTP_ENCRYPTION = 0x00;
    /** Label of the SRTP authentication key (unused by AEAD profiles). */
    public static final int SRTP_AUTHENTICATION = 0x01;
    /** Label of the SRTP salt. */
    public static final int SRTP_SALT = 0x02;
    /** Label of the SRTCP encryption key. */
    public static final int SRTCP_ENCRYPTION = 0x03;
    /** Label of the SRTCP authentication key (unused by AEAD profiles). */
    public static final int SRTCP_AUTHENTICATION = 0x04;
    /** Label of the SRTCP salt. */
    public static final int SRTCP_SALT = 0x05;

    private static final int BLOCK_SALT_BYTES = 14;

    private AesCmKeyDerivation() {
    }

    /**
     * @param masterKey 16 or 32 bytes
     * @param masterSalt 12 or 14 bytes
     * @param label one of the label constants
     * @param outputBytes how many bytes to derive
     * @return the derived key material
     * @throws IllegalArgumentException if a length is not supported
     */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int outputBytes) {
        if (masterKey.length != 16 && masterKey.length != 32) {
            throw new IllegalArgumentException("masterKey must be 16 or 32 bytes: " + masterKey.length);
        }
        if (masterSalt.length != 12 && masterSalt.length != BLOCK_SALT_BYTES) {
            throw new IllegalArgumentException("masterSalt must be 12 or 14 bytes: " + masterSalt.length);
        }
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
        // key_id = label || r with r = 0 (48 bits): only the label byte is non-zero, 7 bytes from the end.
        iv[BLOCK_SALT_BYTES - 7] ^= (byte) label;
        try {
            Cipher aesCm = Cipher.getInstance("AES/CTR/NoPadding");
            aesCm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new IvParameterSpec(iv));
            return aesCm.doFinal(new byte[outputBytes]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR unavailable", e);
        }
    }
}
