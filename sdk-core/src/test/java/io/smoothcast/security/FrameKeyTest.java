package io.smoothcast.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FrameKeyTest {

    private static final byte[] SECRET = "0123456789abcdef".getBytes();

    @Test
    void copiesTheSecret_inAndOut_andNeverPrintsIt() {
        byte[] secret = SECRET.clone();
        FrameKey key = FrameKey.of(SframeCipherSuite.AES_128_GCM_SHA256_128, 4, secret);
        secret[0] ^= 1;
        assertArrayEquals(SECRET, key.baseKey());
        key.baseKey()[1] ^= 1;
        assertArrayEquals(SECRET, key.baseKey());
        assertFalse(key.toString().contains("0123456789"));
        assertFalse(key.toString().contains(HexFormat.of().formatHex(SECRET)));
        assertEquals(key, FrameKey.of(SframeCipherSuite.AES_128_GCM_SHA256_128, 4, SECRET));
        assertNotEquals(key, FrameKey.of(SframeCipherSuite.AES_128_GCM_SHA256_128, 5, SECRET));
    }

    @Test
    void encryptorsOfLaterStarts_beginAboveEarlierRuns() {
        FrameKey key = FrameKey.of(SframeCipherSuite.AES_128_GCM_SHA256_128, 4, SECRET);
        SframeEncryptor first = key.newEncryptor(1_800_000_000_000L);
        byte[] out = new byte[64];
        for (int i = 0; i < 1000; i++) {
            first.encrypt(new byte[1], 0, 1, null, out, 0, out.length);
        }
        SframeEncryptor restarted = key.newEncryptor(1_800_000_000_001L);
        assertTrue(restarted.nextCounter() > first.nextCounter());
    }

    @Test
    void rejectsBadArguments_namingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> FrameKey.of(null, 1, SECRET));
        assertTrue(e.getMessage().contains("suite"));
        e = assertThrows(IllegalArgumentException.class,
                () -> FrameKey.of(SframeCipherSuite.AES_128_GCM_SHA256_128, 1, new byte[15]));
        assertTrue(e.getMessage().contains("baseKey"));
    }
}
