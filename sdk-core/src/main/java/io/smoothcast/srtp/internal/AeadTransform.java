package io.smoothcast.srtp.internal;

import io.smoothcast.srtp.SrtpProfile;
import io.smoothcast.srtp.SrtpStatus;

import java.security.GeneralSecurityException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM sealing and opening of one SRTP or SRTCP packet with one session key and salt
 * (RFC 7714 sections 8 and 9), on caller-supplied arrays. The caller has validated the header
 * and chosen the packet index; this class builds the 12-byte IV, feeds the AAD, and maps
 * {@code javax.crypto} exceptions to {@link SrtpStatus} codes.
 *
 * <p>Allocation, all inside or for {@code javax.crypto}: each packet needs a new
 * {@link GCMParameterSpec} (which copies the 12-byte IV) because {@code Cipher.init} is the only
 * way to set a GCM IV; the JDK's GCM implementation also allocates on {@code init}, and on
 * decryption buffers the ciphertext until the tag is verified (so no unauthenticated plaintext is
 * ever written). No other per-packet allocation.
 *
 * <p>Not thread-safe (one {@link Cipher} instance).
 */
public final class AeadTransform {

    private static final int TAG_BITS = SrtpProfile.TAG_BYTES * 8;
    private static final int RTCP_AAD_HEADER_BYTES = 8;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] salt;
    private final byte[] iv = new byte[12];

    /**
     * @param sessionKey 16 or 32 bytes
     * @param sessionSalt 12 bytes
     * @throws IllegalArgumentException if the salt is not 12 bytes or the key not 16 or 32
     * @throws IllegalStateException if the JDK lacks AES/GCM/NoPadding (every Java 17 runtime has it)
     */
    public AeadTransform(byte[] sessionKey, byte[] sessionSalt) {
        if (sessionKey.length != 16 && sessionKey.length != 32) {
            throw new IllegalArgumentException("sessionKey must be 16 or 32 bytes: " + sessionKey.length);
        }
        if (sessionSalt.length != SrtpProfile.SALT_BYTES) {
            throw new IllegalArgumentException("sessionSalt must be 12 bytes: " + sessionSalt.length);
        }
        this.key = new SecretKeySpec(sessionKey, "AES");
        this.salt = sessionSalt.clone();
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding unavailable", e);
        }
    }

    /**
     * Encrypts an RTP packet: header as AAD, payload encrypted, tag appended.
     *
     * @param src plaintext packet
     * @param off its offset
     * @param len its length
     * @param headerLen validated RTP header length (fixed, CSRCs, extension)
     * @param ssrc the packet's SSRC
     * @param roc the rollover counter of its index
     * @param seq its sequence number
     * @param dst where the protected packet goes; may be {@code src} at {@code off}
     * @param dstOff its offset; the caller checked room for {@code len + 16}
     * @return {@code len + 16}, or a negative {@link SrtpStatus}
     */
    public int sealRtp(byte[] src, int off, int len, int headerLen, int ssrc, long roc, int seq,
                       byte[] dst, int dstOff) {
        rtpIv(ssrc, roc, seq);
        if (src != dst || off != dstOff) {
            System.arraycopy(src, off, dst, dstOff, headerLen);
        }
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(dst, dstOff, headerLen);
            return headerLen + cipher.doFinal(src, off + headerLen, len - headerLen, dst, dstOff + headerLen);
        } catch (ShortBufferException e) {
            return SrtpStatus.BUFFER_TOO_SMALL;
        } catch (GeneralSecurityException e) {
            return SrtpStatus.CRYPTO_FAILURE;
        }
    }

    /**
     * Authenticates and decrypts an SRTP packet. On failure nothing is written to {@code dst}.
     *
     * @param src protected packet
     * @param off its offset
     * @param len its length, tag included
     * @param headerLen validated RTP header length
     * @param ssrc the packet's SSRC
     * @param roc the estimated rollover counter
     * @param seq its sequence number
     * @param dst where the plaintext packet goes; may be {@code src} at {@code off}
     * @param dstOff its offset; the caller checked room for {@code len - 16}
     * @return {@code len - 16}, or a negative {@link SrtpStatus}
     */
    public int openRtp(byte[] src, int off, int len, int headerLen, int ssrc, long roc, int seq,
                       byte[] dst, int dstOff) {
        rtpIv(ssrc, roc, seq);
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(src, off, headerLen);
            int plain = cipher.doFinal(src, off + headerLen, len - headerLen, dst, dstOff + headerLen);
            if (src != dst || off != dstOff) {
                System.arraycopy(src, off, dst, dstOff, headerLen);
            }
            return headerLen + plain;
        } catch (AEADBadTagException e) {
            return SrtpStatus.AUTHENTICATION_FAILED;
        } catch (ShortBufferException e) {
            return SrtpStatus.BUFFER_TOO_SMALL;
        } catch (GeneralSecurityException e) {
            return SrtpStatus.CRYPTO_FAILURE;
        }
    }

    /**
     * Protects an RTCP compound packet: with {@code encrypt}, the first 8 bytes and the trailer
     * are AAD and the rest is encrypted; without, the whole packet is AAD. Appends the tag, then
     * the E flag and 31-bit SRTCP index.
     *
     * @param src plaintext compound packet, at least 8 bytes
     * @param off its offset
     * @param len its length
     * @param srtcpIndex 0 to 2^31 - 1
     * @param encrypt whether to encrypt (the E flag)
     * @param dst where the protected packet goes; may be {@code src} at {@code off}
     * @param dstOff its offset; the caller checked room for {@code len + 20}
     * @return {@code len + 20}, or a negative {@link SrtpStatus}
     */
    public int sealRtcp(byte[] src, int off, int len, int srtcpIndex, boolean encrypt, byte[] dst, int dstOff) {
        int ssrc = Bytes.i32(src, off + 4);
        rtcpIv(ssrc, srtcpIndex);
        int aadLen = encrypt ? RTCP_AAD_HEADER_BYTES : len;
        if (src != dst || off != dstOff) {
            System.arraycopy(src, off, dst, dstOff, aadLen);
        }
        int trailerAt = dstOff + len + SrtpProfile.TAG_BYTES;
        Bytes.putI32(dst, trailerAt, encrypt ? srtcpIndex | 0x8000_0000 : srtcpIndex);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(dst, dstOff, aadLen);
            cipher.updateAAD(dst, trailerAt, SrtpProfile.SRTCP_TRAILER_BYTES);
            cipher.doFinal(src, off + aadLen, len - aadLen, dst, dstOff + aadLen);
            return len + SrtpProfile.TAG_BYTES + SrtpProfile.SRTCP_TRAILER_BYTES;
        } catch (ShortBufferException e) {
            return SrtpStatus.BUFFER_TOO_SMALL;
        } catch (GeneralSecurityException e) {
            return SrtpStatus.CRYPTO_FAILURE;
        }
    }

    /**
     * Authenticates (and, if its E flag is set, decrypts) an SRTCP packet. On failure nothing is
     * written to {@code dst}.
     *
     * @param src protected packet, at least 28 bytes
     * @param off its offset
     * @param len its length, tag and trailer included
     * @param dst where the plaintext compound packet goes; may be {@code src} at {@code off}
     * @param dstOff its offset; the caller checked room for {@code len - 20}
     * @return {@code len - 20}, or a negative {@link SrtpStatus}
     */
    public int openRtcp(byte[] src, int off, int len, byte[] dst, int dstOff) {
        int trailerAt = off + len - SrtpProfile.SRTCP_TRAILER_BYTES;
        int trailer = Bytes.i32(src, trailerAt);
        boolean encrypted = trailer < 0;
        int plainLen = len - SrtpProfile.TAG_BYTES - SrtpProfile.SRTCP_TRAILER_BYTES;
        rtcpIv(Bytes.i32(src, off + 4), trailer & 0x7FFF_FFFF);
        int aadLen = encrypted ? RTCP_AAD_HEADER_BYTES : plainLen;
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(src, off, aadLen);
            cipher.updateAAD(src, trailerAt, SrtpProfile.SRTCP_TRAILER_BYTES);
            cipher.doFinal(src, off + aadLen, plainLen - aadLen + SrtpProfile.TAG_BYTES, dst, dstOff + aadLen);
            if (src != dst || off != dstOff) {
                System.arraycopy(src, off, dst, dstOff, aadLen);
            }
            return plainLen;
        } catch (AEADBadTagException e) {
            return SrtpStatus.AUTHENTICATION_FAILED;
        } catch (ShortBufferException e) {
            return SrtpStatus.BUFFER_TOO_SMALL;
        } catch (GeneralSecurityException e) {
            return SrtpStatus.CRYPTO_FAILURE;
        }
    }

    /** RFC 7714 section 8.1: 00 00 || SSRC || ROC || SEQ, XOR the salt. */
    private void rtpIv(int ssrc, long roc, int seq) {
        iv[0] = 0;
        iv[1] = 0;
        Bytes.putI32(iv, 2, ssrc);
        Bytes.putI32(iv, 6, (int) roc);
        iv[10] = (byte) (seq >>> 8);
        iv[11] = (byte) seq;
        xorSalt();
    }

    /** RFC 7714 section 9.1: 00 00 || SSRC || 00 00 || 0 + 31-bit SRTCP index, XOR the salt. */
    private void rtcpIv(int ssrc, int srtcpIndex) {
        iv[0] = 0;
        iv[1] = 0;
        Bytes.putI32(iv, 2, ssrc);
        iv[6] = 0;
        iv[7] = 0;
        Bytes.putI32(iv, 8, srtcpIndex & 0x7FFF_FFFF);
        xorSalt();
    }

    private void xorSalt() {
        for (int i = 0; i < iv.length; i++) {
            iv[i] ^= salt[i];
        }
    }
}
