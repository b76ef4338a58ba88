package io.smoothcast.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes SFrame opening. Each input is a script: hostile bytes handed to the decryptor as a
 * sealed frame, or a plaintext the fuzzer chooses that the encryptor seals, which may then be
 * altered in one byte before the decryptor sees it. Oracle: no exception, a documented status
 * for every refusal, an unaltered frame opens to exactly its plaintext, an altered one never
 * opens.
 */
class SframeFuzzTest {

    private static final byte[] BASE_KEY = "fuzzing-base-key-0123456789abcdef".getBytes();

    @FuzzTest(maxDuration = "30s")
    void decrypt(FuzzedDataProvider input) {
        SframeEncryptor encryptor = new SframeEncryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 3, BASE_KEY,
                input.consumeLong(0, Long.MAX_VALUE - 100));
        SframeDecryptor decryptor = new SframeDecryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 64);
        decryptor.addKey(3, BASE_KEY);
        byte[] out = new byte[2100];
        for (int step = 0; step < 32 && input.remainingBytes() > 0; step++) {
            boolean hostile = input.consumeBoolean();
            byte[] bytes = input.consumeBytes(input.consumeInt(0, 2000));
            if (hostile) {
                int status = decryptor.decrypt(bytes, 0, bytes.length, null, out, 0, out.length);
                assertTrue(status < 0 || status <= bytes.length - SframeCipherSuite.TAG_BYTES - 1,
                        "opened more than was sealed");
                assertNotEquals("UNKNOWN", SframeStatus.name(status));
                continue;
            }
            int tamperAt = input.consumeInt(-1, bytes.length + SframeEncryptor.MAX_OVERHEAD_BYTES);
            byte tamperXor = input.consumeByte();
            byte[] sealed = new byte[bytes.length + SframeEncryptor.MAX_OVERHEAD_BYTES];
            int n = encryptor.encrypt(bytes, 0, bytes.length, null, sealed, 0, sealed.length);
            assertTrue(n > bytes.length, "sealing failed: " + SframeStatus.name(n));
            boolean tampered = tamperAt >= 0 && tamperAt < n && tamperXor != 0;
            if (tampered) {
                sealed[tamperAt] ^= tamperXor;
            }
            int result = decryptor.decrypt(sealed, 0, n, null, out, 0, out.length);
            if (tampered) {
                assertTrue(result < 0, "altered frame opened, byte " + tamperAt);
            } else {
                assertTrue(result >= 0, "unaltered frame refused: " + SframeStatus.name(result));
                assertArrayEquals(bytes, Arrays.copyOf(out, result), "opened bytes differ");
            }
        }
    }
}
