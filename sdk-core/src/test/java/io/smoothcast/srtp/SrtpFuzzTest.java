package io.smoothcast.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Arrays;

/**
 * Fuzzes the SRTP unprotect path. Each input is a script of datagrams: hostile bytes handed to
 * the receiver as SRTP and SRTCP, or plaintext the fuzzer chooses that a sender protects and
 * that may then be altered in one byte before the receiver sees it. Oracle: no exception, drop
 * counters add up, an unaltered protected packet decrypts to exactly its plaintext (unless it is
 * a legitimate replay or too old), and an altered one is never accepted.
 */
class SrtpFuzzTest {

    private static final byte[] KEY = new byte[16];
    private static final byte[] SALT = new byte[12];

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) (i * 17 + 3);
        }
        for (int i = 0; i < SALT.length; i++) {
            SALT[i] = (byte) (i * 5 + 1);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void unprotect(FuzzedDataProvider input) {
        SrtpSender sender = SrtpSender.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT).maxStreams(4)
            .encryptRtcp(input.consumeBoolean()).build();
        SrtpReceiver receiver = SrtpReceiver.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT).maxStreams(4)
            .replayWindowPackets(64).build();
        long calls = 0;
        long accepted = 0;
        for (int step = 0; step < 64 && input.remainingBytes() > 0; step++) {
            int kind = input.consumeInt(0, 3);
            byte[] bytes = input.consumeBytes(input.consumeInt(0, 1500));
            byte[] buf = Arrays.copyOf(bytes, bytes.length + 20);
            switch (kind) {
                case 0 -> {
                    calls++;
                    accepted += expectStatusOrLength(receiver.unprotectRtp(buf, 0, bytes.length), bytes.length - 16);
                }
                case 1 -> {
                    calls++;
                    accepted += expectStatusOrLength(receiver.unprotectRtcp(buf, 0, bytes.length), bytes.length - 20);
                }
                default -> {
                    boolean rtcp = kind == 3;
                    int tamperAt = input.consumeInt(-1, bytes.length + 19);
                    byte tamperXor = input.consumeByte();
                    int n = rtcp ? sender.protectRtcp(buf, 0, bytes.length) : sender.protectRtp(buf, 0, bytes.length);
                    if (n < 0) {
                        assertTrue(!"UNKNOWN".equals(SrtpStatus.name(n)));
                        continue;
                    }
                    boolean tampered = tamperAt >= 0 && tamperAt < n && tamperXor != 0;
                    if (tampered) {
                        buf[tamperAt] ^= tamperXor;
                    }
                    byte[] out = new byte[n];
                    calls++;
                    int result = rtcp ? receiver.unprotectRtcp(buf, 0, n, out, 0) : receiver.unprotectRtp(buf, 0, n, out, 0);
                    if (tampered) {
                        assertTrue(result < 0, "altered packet accepted, byte " + tamperAt);
                    } else if (result >= 0) {
                        accepted++;
                        assertArrayEquals(bytes, Arrays.copyOf(out, result), "decrypted bytes differ");
                    } else {
                        // The sender never protects an index twice, so an unaltered packet can only be
                        // refused for table room or for a window the receiver's own state explains.
                        assertTrue(result == SrtpStatus.TOO_MANY_STREAMS || result == SrtpStatus.TOO_OLD
                            || result == SrtpStatus.REPLAYED || result == SrtpStatus.AUTHENTICATION_FAILED,
                            "unaltered packet refused: " + SrtpStatus.name(result));
                    }
                }
            }
        }
        assertEquals(calls, accepted + receiver.totalDrops());
        assertEquals(accepted, receiver.acceptedRtpPackets() + receiver.acceptedRtcpPackets());
    }

    private static int expectStatusOrLength(int result, int expectedLength) {
        if (result >= 0) {
            assertEquals(expectedLength, result);
            return 1;
        }
        assertTrue(!"UNKNOWN".equals(SrtpStatus.name(result)), "undocumented status " + result);
        return 0;
    }
}
