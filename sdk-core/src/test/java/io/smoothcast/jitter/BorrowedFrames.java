package io.smoothcast.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test fixture, shared with other modules' tests: plays one frame whose packets were offered with
 * {@link SpscJitterBuffer#offerBorrowed}, so that payload readers can be checked on borrowed
 * packets. Each payload lies in an array of its own, at an offset of its own, between filler
 * bytes: a reader that takes one array for the whole frame, or the wrong offset, reads wrong
 * bytes.
 */
public final class BorrowedFrames {

    private static final int SSRC = 0x0B0B_0B0B;
    private static final long MS = 1_000_000L;
    private static final long FIRST_ARRIVAL_NS = 1_000 * MS;
    private static final byte FILLER = (byte) 0xEE;

    private BorrowedFrames() {
    }

    /**
     * Offers {@code payloads} as the packets of one frame (one RTP timestamp, marker on the last),
     * each borrowed from its own array, and plays the frame to {@code reader}. Fails the test
     * unless exactly that frame plays and every payload is handed back once.
     *
     * @param reader reads the frame, during the call only
     * @param payloads the packets' payloads, in sequence order
     */
    public static void play(FrameHandler reader, byte[]... payloads) {
        int largest = 1;
        for (byte[] payload : payloads) {
            largest = Math.max(largest, payload.length);
        }
        List<Object> released = new ArrayList<>();
        SpscJitterBuffer buffer = SpscJitterBuffer.builder().fixedDelayMs(10).capacityPackets(64)
                .maxPayloadBytes(largest).payloadReleaser(released::add).build();
        for (int i = 0; i < payloads.length; i++) {
            int offset = 3 + 5 * i;
            byte[] memory = new byte[offset + payloads[i].length + 4];
            Arrays.fill(memory, FILLER);
            System.arraycopy(payloads[i], 0, memory, offset, payloads[i].length);
            assertEquals(OfferResult.ACCEPTED, buffer.offerBorrowed(SSRC, 100 + i, 9000, i == payloads.length - 1,
                    FIRST_ARRIVAL_NS + i * MS, memory, offset, payloads[i].length, memory), "packet " + i);
        }
        assertEquals(1, buffer.poll(FIRST_ARRIVAL_NS + 1_000 * MS, reader), "the frame plays");
        assertEquals(payloads.length, released.size(), "every borrowed payload is handed back");
    }
}
