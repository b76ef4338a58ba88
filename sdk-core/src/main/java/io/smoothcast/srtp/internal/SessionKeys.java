package io.smoothcast.srtp.internal;

import io.smoothcast.srtp.SrtpProfile;

import java.util.Arrays;

/**
 * The SRTP and SRTCP transforms of one direction, keyed with session keys derived from a master
 * key and salt (RFC 3711 section 4.3, labels 0/2 and 3/5).
 *
 * <p>Not thread-safe (each transform holds a {@code Cipher}).
 */
public final class SessionKeys {

    /** Transform for SRTP packets. */
    public final AeadTransform rtp;
    /** Transform for SRTCP packets. */
    public final AeadTransform rtcp;

    private SessionKeys(AeadTransform rtp, AeadTransform rtcp) {
        this.rtp = rtp;
        this.rtcp = rtcp;
    }

    /**
     * @param profile the profile
     * @param masterKey master key of {@code profile.keyBytes()} bytes
     * @param masterSalt 12-byte master salt
     * @return the transforms; derived keys are wiped from our arrays once handed to {@code javax.crypto}
     */
    public static SessionKeys derive(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        int keyBytes = profile.keyBytes();
        return new SessionKeys(
            transform(masterKey, masterSalt, AesCmKeyDerivation.SRTP_ENCRYPTION, AesCmKeyDerivation.SRTP_SALT, keyBytes),
            transform(masterKey, masterSalt, AesCmKeyDerivation.SRTCP_ENCRYPTION, AesCmKeyDerivation.SRTCP_SALT, keyBytes));
    }

    private static AeadTransform transform(byte[] masterKey, byte[] masterSalt, int keyLabel, int saltLabel,
                                           int keyBytes) {
        byte[] key = AesCmKeyDerivation.derive(masterKey, masterSalt, keyLabel, keyBytes);
        byte[] salt = AesCmKeyDerivation.derive(masterKey, masterSalt, saltLabel, SrtpProfile.SALT_BYTES);
        AeadTransform transform = new AeadTransform(key, salt);
        Arrays.fill(key, (byte) 0);
        Arrays.fill(salt, (byte) 0);
        return transform;
    }
}
