package io.smoothcast.srtp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.srtp.Hex;
import io.smoothcast.srtp.SrtpStatus;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * RFC 7714 sections 16 and 17: the AEAD_AES_128_GCM and AEAD_AES_256_GCM encryption vectors for
 * RTP (SSRC 0x5501a0b2, ROC 0, SEQ 0xf17b) and RTCP (SRTCP index 0x5d4, E = 1). The RFC gives
 * session keys and salt directly, so these drive the transform without key derivation.
 */
class Rfc7714VectorsTest {

    static final byte[] KEY_128 = Hex.decode("000102030405060708090a0b0c0d0e0f");
    static final byte[] KEY_256 = Hex.decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final byte[] SALT = Hex.decode("517569642070726f2071756f");

    static final byte[] RTP_PLAIN = Hex.decode(
        "8040f17b8041f8d35501a0b2"
            + "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
    static final byte[] SRTP_128 = Hex.decode(
        "8040f17b8041f8d35501a0b2"
            + "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833"
            + "899d7f27beb16a9152cf765ee4390cce");
    static final byte[] SRTP_256 = Hex.decode(
        "8040f17b8041f8d35501a0b2"
            + "32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b"
            + "7aa3db36dfffd6b0f9bb7878d7a76c13");

    static final byte[] RTCP_PLAIN = Hex.decode(
        "81c8000d4d617273" + "4e5450314e54503252545020" + "0000042a0000e930" + "4c756e61"
            + "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
    static final byte[] SRTCP_128 = Hex.decode(
        "81c8000d4d617273"
            + "63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa458"
            + "96cf4d2fc5abf87245d9eade" + "800005d4");
    static final byte[] SRTCP_256 = Hex.decode(
        "81c8000d4d617273"
            + "d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c"
            + "4446839f57ff6f6cb26ac3be" + "800005d4");

    private static final int SSRC = 0x5501a0b2;
    private static final int SEQ = 0xf17b;
    private static final int SRTCP_INDEX = 0x5d4;

    @Test
    void rtcpPlaintext_isTheRfcPacket() {
        // 8-byte header, NTP 4e545031 4e545032, RTP ts 52545020, counts 0000042a 0000e930, 4c756e61, 5 x deadbeef
        assertEquals(52, RTCP_PLAIN.length);
        assertEquals("4c756e61", hex(Arrays.copyOfRange(RTCP_PLAIN, 28, 32)));
    }

    @Test
    void rtp_aes128_encryptsAndDecrypts_inPlace() {
        checkRtp(KEY_128, SRTP_128);
    }

    @Test
    void rtp_aes256_encryptsAndDecrypts_inPlace() {
        checkRtp(KEY_256, SRTP_256);
    }

    @Test
    void rtcp_aes128_encryptsAndDecrypts() {
        checkRtcp(KEY_128, SRTCP_128);
    }

    @Test
    void rtcp_aes256_encryptsAndDecrypts() {
        checkRtcp(KEY_256, SRTCP_256);
    }

    @Test
    void rtp_intoSeparateOutputBuffer_leavesTheSourceAlone() {
        AeadTransform transform = new AeadTransform(KEY_128, SALT);
        byte[] src = RTP_PLAIN.clone();
        byte[] dst = new byte[100];
        int n = transform.sealRtp(src, 0, src.length, 12, SSRC, 0, SEQ, dst, 10);
        assertEquals(SRTP_128.length, n);
        assertArrayEquals(SRTP_128, Arrays.copyOfRange(dst, 10, 10 + n));
        assertArrayEquals(RTP_PLAIN, src);

        byte[] back = new byte[80];
        assertEquals(RTP_PLAIN.length, transform.openRtp(dst, 10, n, 12, SSRC, 0, SEQ, back, 3));
        assertArrayEquals(RTP_PLAIN, Arrays.copyOfRange(back, 3, 3 + RTP_PLAIN.length));
    }

    @Test
    void rtp_wrongRolloverCounter_failsAuthentication() {
        AeadTransform transform = new AeadTransform(KEY_128, SALT);
        byte[] buf = SRTP_128.clone();
        assertEquals(SrtpStatus.AUTHENTICATION_FAILED, transform.openRtp(buf, 0, buf.length, 12, SSRC, 1, SEQ, buf, 0));
        assertArrayEquals(SRTP_128, buf, "a failed open writes nothing");
    }

    private static void checkRtp(byte[] key, byte[] expected) {
        AeadTransform transform = new AeadTransform(key, SALT);
        byte[] buf = Arrays.copyOf(RTP_PLAIN, RTP_PLAIN.length + 16);
        assertEquals(expected.length, transform.sealRtp(buf, 0, RTP_PLAIN.length, 12, SSRC, 0, SEQ, buf, 0));
        assertArrayEquals(expected, buf);

        AeadTransform receiver = new AeadTransform(key, SALT);
        assertEquals(RTP_PLAIN.length, receiver.openRtp(buf, 0, buf.length, 12, SSRC, 0, SEQ, buf, 0));
        assertArrayEquals(RTP_PLAIN, Arrays.copyOf(buf, RTP_PLAIN.length));
    }

    private static void checkRtcp(byte[] key, byte[] expected) {
        AeadTransform transform = new AeadTransform(key, SALT);
        byte[] buf = Arrays.copyOf(RTCP_PLAIN, RTCP_PLAIN.length + 20);
        assertEquals(expected.length, transform.sealRtcp(buf, 0, RTCP_PLAIN.length, SRTCP_INDEX, true, buf, 0));
        assertArrayEquals(expected, buf);

        byte[] out = new byte[RTCP_PLAIN.length];
        assertEquals(RTCP_PLAIN.length, new AeadTransform(key, SALT).openRtcp(buf, 0, buf.length, out, 0));
        assertArrayEquals(RTCP_PLAIN, out);
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }
}
