package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.jitter.BorrowedFrames;
import io.smoothcast.security.SframeCipherSuite;
import io.smoothcast.security.SframeDecryptor;
import io.smoothcast.security.SframeEncryptor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link FrameOpener} on a sealed frame whose packets were borrowed, each in its own array. */
class FrameOpenerTest {

    private static final byte[] KEY = "sixteen byte key".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aFrameOfBorrowedPackets_isJoinedFromEachPacketsOwnArray_andOpened() {
        byte[] plaintext = new byte[50];
        for (int i = 0; i < plaintext.length; i++) {
            plaintext[i] = (byte) (i * 7 + 1);
        }
        byte[] sealed = new byte[plaintext.length + SframeEncryptor.MAX_OVERHEAD_BYTES];
        int sealedLength = new SframeEncryptor(SframeCipherSuite.AES_128_GCM_SHA256_128, 3, KEY, 1)
                .encrypt(plaintext, 0, plaintext.length, null, sealed, 0, sealed.length);
        // three packets, each a one-byte payload header and a piece of the sealed frame
        int[] cuts = {0, 20, 45, sealedLength};
        byte[][] payloads = new byte[cuts.length - 1][];
        for (int p = 0; p < payloads.length; p++) {
            payloads[p] = new byte[GenericPayload.HEADER_LENGTH + cuts[p + 1] - cuts[p]];
            payloads[p][0] = (byte) (p == 0 ? GenericPayload.START : 0);
            System.arraycopy(sealed, cuts[p], payloads[p], GenericPayload.HEADER_LENGTH, cuts[p + 1] - cuts[p]);
        }
        SframeDecryptor decryptor = new SframeDecryptor(SframeCipherSuite.AES_128_GCM_SHA256_128,
                SframeDecryptor.DEFAULT_REPLAY_WINDOW_FRAMES);
        decryptor.addKey(3, KEY);
        FrameOpener opener = new FrameOpener(decryptor);
        int[] opened = new int[1];
        BorrowedFrames.play(frame -> opened[0] = opener.open(frame), payloads);
        assertEquals(plaintext.length, opened[0], "the plaintext length, not a negative SframeStatus");
        assertArrayEquals(plaintext, Arrays.copyOf(opener.plaintext(), opened[0]));
        assertEquals(1, opener.counters().get(FrameOpener.FRAMES_OPENED));
    }
}
