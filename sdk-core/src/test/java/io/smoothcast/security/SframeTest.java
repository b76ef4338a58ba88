package io.smoothcast.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.security.internal.SframeHeader;
import io.smoothcast.security.internal.SframeKey;
import io.smoothcast.srtp.Hex;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SframeTest {

    private static final byte[] RFC_BASE_KEY = Hex.decode("000102030405060708090a0b0c0d0e0f");
    private static final byte[] RFC_METADATA = Hex.decode("4945544620534672616d65205747"); // "IETF SFrame WG"
    private static final byte[] RFC_PLAINTEXT = Hex.decode("64726166742d696574662d736672616d652d656e63");
    private static final byte[] BASE_KEY = Hex.decode("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");

    @Test
    void rfc9605AppendixC3_suite4_derivesKeysAndSealsTheVector() {
        SframeKey key = new SframeKey(SframeCipherSuite.AES_128_GCM_SHA256_128, 0x123, RFC_BASE_KEY);
        assertEquals("d34f547f4ca4f9a7447006fe7fcbf768", HexFormat.of().formatHex(key.aesKey()));
        assertEquals("75234edefe07819026751816", HexFormat.of().formatHex(key.salt()));
        assertVector(SframeCipherSuite.AES_128_GCM_SHA256_128,
                "9901234567b7412c2513a1b66dbb48841bbaf17f598751176ad847681a69c6d0b091c07018ce4adb34eb");
    }

    @Test
    void rfc9605AppendixC3_suite5_derivesKeysAndSealsTheVector() {
        SframeKey key = new SframeKey(SframeCipherSuite.AES_256_GCM_SHA512_128, 0x123, RFC_BASE_KEY);
        assertEquals("d3e27b0d4a5ae9e55df01a70e6d4d28d969b246e2936f4b7a5d9b494da6b9633",
                HexFormat.of().formatHex(key.aesKey()));
        assertEquals("84991c167b8cd23c93708ec7", HexFormat.of().formatHex(key.salt()));
        assertVector(SframeCipherSuite.AES_256_GCM_SHA512_128,
                "990123456794f509d36e9beacb0e261d99c7d1e972f1fed787d4049f17ca21353c1cc24d56ceabced279");
    }

    private static void assertVector(SframeCipherSuite suite, String expectedHex) {
        SframeEncryptor encryptor = new SframeEncryptor(suite, 0x123, RFC_BASE_KEY, 0x4567);
        byte[] sealed = new byte[64];
        int n = encryptor.encrypt(RFC_PLAINTEXT, 0, RFC_PLAINTEXT.length, RFC_METADATA, sealed, 0, sealed.length);
        assertEquals(expectedHex, HexFormat.of().formatHex(sealed, 0, n));

        SframeDecryptor decryptor = new SframeDecryptor(suite, 64);
        decryptor.addKey(0x123, RFC_BASE_KEY);
        byte[] plain = new byte[64];
        int p = decryptor.decrypt(sealed, 0, n, RFC_METADATA, plain, 0, plain.length);
        assertArrayEquals(RFC_PLAINTEXT, Arrays.copyOf(plain, p));
    }

    @Test
    void header_encodesCompactAndExtendedFormsAsTheRfcDoes() {
        assertEquals("00", header(0, 0));
        assertEquals("77", header(7, 7));
        assertEquals("08ff", header(0, 255));
        assertEquals("9901000100", header(256, 256));
        assertEquals("9901234567", header(0x123, 0x4567));
        assertEquals("ff" + "ffffffffffffffff".replaceFirst("f", "7") + "7fffffffffffffff",
                header(Long.MAX_VALUE, Long.MAX_VALUE));
        SframeHeader decoded = new SframeHeader();
        byte[] bytes = Hex.decode("9901000100");
        assertTrue(decoded.decode(bytes, 0, bytes.length));
        assertEquals(256, decoded.keyId());
        assertEquals(256, decoded.counter());
        assertEquals(5, decoded.length());
    }

    @Test
    void header_rejectsTruncatedAndNonMinimalSpellings() {
        SframeHeader h = new SframeHeader();
        for (String hex : new String[] {"", "99012345", "800700", "090001", "9000070a", "0f8000000000000000"}) {
            byte[] bytes = Hex.decode(hex);
            assertFalse(h.decode(bytes, 0, bytes.length), "must reject " + hex);
        }
    }

    private static String header(long kid, long ctr) {
        byte[] out = new byte[SframeHeader.MAX_LENGTH];
        int n = SframeHeader.encode(kid, ctr, out, 0);
        assertEquals(n, SframeHeader.encodedLength(kid, ctr));
        return HexFormat.of().formatHex(out, 0, n);
    }

    @Test
    void everySingleBitFlip_isRejectedAndWritesNothing() {
        byte[] frame = "a frame of encoded video, any bytes at all".getBytes();
        SframeEncryptor encryptor = new SframeEncryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 9, BASE_KEY, 1000);
        byte[] sealed = new byte[frame.length + SframeEncryptor.MAX_OVERHEAD_BYTES];
        int n = encryptor.encrypt(frame, 0, frame.length, null, sealed, 0, sealed.length);
        SframeDecryptor decryptor = new SframeDecryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 64);
        decryptor.addKey(9, BASE_KEY);
        byte[] out = new byte[sealed.length];
        for (int bit = 0; bit < n * 8; bit++) {
            byte[] altered = Arrays.copyOf(sealed, n);
            altered[bit / 8] ^= (byte) (1 << (bit % 8));
            int status = decryptor.decrypt(altered, 0, n, null, out, 0, out.length);
            assertTrue(status < 0, "bit " + bit + " flipped was accepted");
            assertTrue(allZero(out), "bit " + bit + " flipped wrote output");
        }
        // The window was not moved by any of the forgeries: the real frame still opens once.
        assertEquals(frame.length, decryptor.decrypt(sealed, 0, n, null, out, 0, out.length));
        assertEquals(SframeStatus.REPLAYED, decryptor.decrypt(sealed, 0, n, null, out, 0, out.length));
    }

    @Test
    void replayedAndTooOldFrames_areRefused_reorderedFreshOnesAccepted() {
        SframeEncryptor encryptor = new SframeEncryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 1, BASE_KEY, 0);
        SframeDecryptor decryptor = new SframeDecryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 64);
        decryptor.addKey(1, BASE_KEY);
        byte[][] sealed = new byte[200][];
        for (int i = 0; i < sealed.length; i++) {
            byte[] frame = {(byte) i, 1, 2, 3};
            byte[] out = new byte[frame.length + SframeEncryptor.MAX_OVERHEAD_BYTES];
            sealed[i] = Arrays.copyOf(out, encryptor.encrypt(frame, 0, frame.length, null, out, 0, out.length));
        }
        byte[] out = new byte[64];
        assertEquals(4, open(decryptor, sealed[1], out));
        assertEquals(4, open(decryptor, sealed[0], out)); // reordered, inside the window
        assertEquals(SframeStatus.REPLAYED, open(decryptor, sealed[1], out));
        assertEquals(4, open(decryptor, sealed[150], out));
        assertEquals(SframeStatus.TOO_OLD, open(decryptor, sealed[2], out));
        assertEquals(4, open(decryptor, sealed[100], out));
        assertEquals(SframeStatus.REPLAYED, open(decryptor, sealed[100], out));
        assertEquals(SframeStatus.REPLAYED, open(decryptor, sealed[150], out));
    }

    @Test
    void wrongBaseKey_failsAuthentication_unknownKeyIdIsReported_rotationAcceptsBoth() {
        byte[] frame = {1, 2, 3, 4, 5};
        byte[] sealed = new byte[64];
        int n = new SframeEncryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 2, BASE_KEY, 5)
                .encrypt(frame, 0, frame.length, null, sealed, 0, sealed.length);
        byte[] out = new byte[64];

        SframeDecryptor wrongSecret = new SframeDecryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 64);
        wrongSecret.addKey(2, RFC_BASE_KEY);
        assertEquals(SframeStatus.AUTHENTICATION_FAILED, wrongSecret.decrypt(sealed, 0, n, null, out, 0, out.length));

        SframeDecryptor otherId = new SframeDecryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 64);
        otherId.addKey(3, BASE_KEY);
        assertEquals(SframeStatus.UNKNOWN_KEY, otherId.decrypt(sealed, 0, n, null, out, 0, out.length));

        SframeDecryptor otherSuite = new SframeDecryptor(SframeCipherSuite.AES_256_GCM_SHA512_128, 64);
        otherSuite.addKey(2, BASE_KEY);
        assertEquals(SframeStatus.AUTHENTICATION_FAILED, otherSuite.decrypt(sealed, 0, n, null, out, 0, out.length));

        otherId.addKey(2, BASE_KEY); // rotation: old and new key held together
        assertEquals(frame.length, otherId.decrypt(sealed, 0, n, null, out, 0, out.length));
        assertTrue(otherId.removeKey(2));
        assertEquals(SframeStatus.UNKNOWN_KEY, otherId.decrypt(sealed, 0, n, null, out, 0, out.length));

        assertEquals(SframeStatus.AUTHENTICATION_FAILED,
                decryptorFor(2).decrypt(sealed, 0, n, new byte[] {7}, out, 0, out.length), "metadata differs");
    }

    @Test
    void smallBuffers_andExhaustedCounters_getStatuses() {
        byte[] frame = new byte[100];
        SframeEncryptor encryptor = new SframeEncryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 2, BASE_KEY,
                Long.MAX_VALUE);
        byte[] sealed = new byte[200];
        assertEquals(SframeStatus.BUFFER_TOO_SMALL, encryptor.encrypt(frame, 0, 100, null, sealed, 0, 100));
        int n = encryptor.encrypt(frame, 0, 100, null, sealed, 0, sealed.length);
        assertEquals(100 + 1 + 8 + 16, n);
        assertEquals(SframeStatus.COUNTER_EXHAUSTED, encryptor.encrypt(frame, 0, 100, null, sealed, 0, sealed.length));
        byte[] out = new byte[99];
        assertEquals(SframeStatus.BUFFER_TOO_SMALL, decryptorFor(2).decrypt(sealed, 0, n, null, out, 0, out.length));
        assertEquals(SframeStatus.MALFORMED, decryptorFor(2).decrypt(sealed, 0, 10, null, out, 0, out.length));
    }

    @Test
    void randomDatagrams_neverThrow_neverOpen() {
        long seed = 0x5F7A3E;
        SplittableRandom random = new SplittableRandom(seed);
        SframeDecryptor decryptor = decryptorFor(0);
        byte[] out = new byte[2048];
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(0, 300)];
            random.nextBytes(junk);
            if (junk.length > 0 && random.nextBoolean()) {
                junk[0] &= 0x70; // key id 0..7 in the config byte, small counter: reaches the AEAD
            }
            int status = decryptor.decrypt(junk, 0, junk.length, null, out, 0, out.length);
            assertTrue(status < 0, "seed " + seed + " datagram " + i + " opened");
        }
    }

    @Test
    void wallClockFirstCounter_growsWithTime_andLeavesRoomForFrames() {
        long a = SframeEncryptor.wallClockFirstCounter(1_800_000_000_000L);
        long b = SframeEncryptor.wallClockFirstCounter(1_800_000_000_001L);
        assertEquals(1L << 20, b - a);
        assertTrue(a > 0);
        assertThrows(IllegalArgumentException.class, () -> SframeEncryptor.wallClockFirstCounter(-1));
    }

    @Test
    void badArguments_areRejectedWithTheirNames() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SframeEncryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 1, new byte[8], 0));
        assertTrue(e.getMessage().contains("baseKey"));
        e = assertThrows(IllegalArgumentException.class,
                () -> new SframeEncryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, -1, BASE_KEY, 0));
        assertTrue(e.getMessage().contains("keyId"));
        e = assertThrows(IllegalArgumentException.class,
                () -> new SframeDecryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 100));
        assertTrue(e.getMessage().contains("replayWindowFrames"));
        SframeDecryptor full = decryptorFor(0);
        for (int k = 1; k < SframeDecryptor.MAX_KEYS; k++) {
            full.addKey(k, BASE_KEY);
        }
        assertThrows(IllegalStateException.class, () -> full.addKey(99, BASE_KEY));
        e = assertThrows(IllegalArgumentException.class, () -> full.decrypt(new byte[4], 2, 4, null, new byte[4], 0, 4));
        assertTrue(e.getMessage().contains("src"));
    }

    private static SframeDecryptor decryptorFor(long keyId) {
        SframeDecryptor d = new SframeDecryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 64);
        d.addKey(keyId, BASE_KEY);
        return d;
    }

    private static int open(SframeDecryptor decryptor, byte[] sealed, byte[] out) {
        return decryptor.decrypt(sealed, 0, sealed.length, null, out, 0, out.length);
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
