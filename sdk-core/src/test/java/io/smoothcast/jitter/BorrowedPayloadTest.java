package io.smoothcast.jitter;

import static io.smoothcast.jitter.Packets.MS;
import static io.smoothcast.jitter.Packets.SSRC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SpscJitterBuffer#offerBorrowed}: payloads kept in the caller's memory, read in place and
 * handed back exactly once through the {@link PayloadReleaser}, in virtual time (clock rate
 * 1000 Hz: 1 tick = 1 ms).
 */
class BorrowedPayloadTest {

    private static final long T0 = 1_000 * MS;

    /** A pooled buffer as a caller would have one: an array with the payload at an offset. */
    private record Pooled(byte[] memory, int offset, int length) {
        static Pooled of(int sequence) {
            byte[] memory = new byte[16];
            byte[] payload = Packets.payloadFor(sequence);
            System.arraycopy(payload, 0, memory, 5, payload.length);
            return new Pooled(memory, 5, payload.length);
        }
    }

    private final List<Object> released = new ArrayList<>();

    private SpscJitterBuffer.Builder builder() {
        return Packets.fixed(100).clockRateHz(1000).payloadReleaser(released::add);
    }

    private static int offer(SpscJitterBuffer buffer, Pooled p, int sequence, int timestamp, boolean marker,
            long arrivalNs) {
        return buffer.offerBorrowed(SSRC, sequence, timestamp, marker, arrivalNs, p.memory(), p.offset(), p.length(), p);
    }

    @Test
    void deliveredFrame_readInPlace_releasedOnlyAfterTheHandlerReturns() {
        SpscJitterBuffer buffer = builder().build();
        Pooled a = Pooled.of(10);
        Pooled b = Pooled.of(11);
        assertEquals(OfferResult.ACCEPTED, offer(buffer, a, 10, 0, false, T0));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, b, 11, 0, true, T0 + MS));
        List<Integer> releasedDuringHandler = new ArrayList<>();
        RecordingHandler out = new RecordingHandler();
        assertEquals(1, buffer.poll(T0 + 100 * MS, frame -> {
            assertSame(a.memory(), frame.payloadArray(0), "read in place, not copied");
            assertEquals(5, frame.payloadOffset(0));
            assertSame(b.memory(), frame.payloadArray(1));
            releasedDuringHandler.add(released.size());
            out.onFrame(frame);
        }));
        assertEquals(List.of(0), releasedDuringHandler, "nothing handed back while the frame is in use");
        assertEquals(List.of(a, b), released, "each owner handed back once, in order");
        byte[] expected = new byte[6];
        System.arraycopy(Packets.payloadFor(10), 0, expected, 0, 3);
        System.arraycopy(Packets.payloadFor(11), 0, expected, 3, 3);
        assertArrayEquals(expected, out.frames.get(0).payload(), "copyPayload reads the caller's arrays");
    }

    @Test
    void copiedAndBorrowedPackets_mixInOneFrame() {
        SpscJitterBuffer buffer = builder().build();
        Pooled borrowed = Pooled.of(21);
        Packets.offer(buffer, 20, 0, false, T0);
        offer(buffer, borrowed, 21, 0, false, T0 + MS);
        Packets.offer(buffer, 22, 0, true, T0 + 2 * MS);
        RecordingHandler out = new RecordingHandler();
        assertEquals(1, buffer.poll(T0 + 100 * MS, out));
        byte[] expected = new byte[9];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(Packets.payloadFor(20 + i), 0, expected, 3 * i, 3);
        }
        assertArrayEquals(expected, out.frames.get(0).payload());
        assertEquals(List.of(borrowed), released, "only the borrowed packet is handed back");
    }

    @Test
    void rejectedOffer_ownershipStaysWithTheCaller() {
        SpscJitterBuffer buffer = builder().build();
        Pooled first = Pooled.of(5);
        Pooled duplicate = Pooled.of(5);
        assertEquals(OfferResult.ACCEPTED, offer(buffer, first, 5, 0, true, T0));
        assertEquals(OfferResult.DUPLICATE, offer(buffer, duplicate, 5, 0, true, T0 + MS));
        buffer.poll(T0 + 100 * MS, new RecordingHandler());
        Pooled late = Pooled.of(4);
        assertEquals(OfferResult.LATE, offer(buffer, late, 4, -40, true, T0 + 101 * MS));
        assertEquals(List.of(first), released, "the duplicate and the late packet were never the buffer's");
    }

    @Test
    void givenUpAndFlushedPackets_handedBackWithoutDelivery() {
        SpscJitterBuffer buffer = builder().build();
        Pooled incomplete = Pooled.of(0); // frame ts 0: packets 0, 1 (lost), 2
        Pooled end = Pooled.of(2);
        Pooled next = Pooled.of(3);
        offer(buffer, incomplete, 0, 0, false, T0);
        offer(buffer, end, 2, 0, true, T0 + MS);
        offer(buffer, next, 3, 40, true, T0 + 40 * MS);
        RecordingHandler out = new RecordingHandler();
        assertEquals(1, buffer.poll(T0 + 140 * MS, out));
        assertEquals(List.of(3), out.firstSequences());
        assertEquals(List.of(incomplete, end, next), released, "given-up packets first, then the delivered one");

        // Overflow: the consumer stalls, the producer asks for a flush of the oldest packets.
        SpscJitterBuffer small = Packets.fixed(0).clockRateHz(1000).capacityPackets(16)
                .payloadReleaser(released::add).build();
        released.clear();
        int accepted = 0;
        for (int k = 0; k < 20; k++) {
            if (offer(small, Pooled.of(k), k, 10 * k, true, T0 + 10 * k * MS) == OfferResult.ACCEPTED) {
                accepted++;
            }
        }
        int delivered = small.poll(T0 + 1_000 * MS, new RecordingHandler());
        JitterBufferStats s = small.readStats(new JitterBufferStats());
        assertTrue(s.overflowFlushes() >= 1);
        assertEquals(accepted, released.size(), "delivered " + delivered + " and flushed or given up: all handed back");
    }

    @Test
    void releaserThrows_giveUpStillCompletes_statisticsStayReadable() {
        List<Object> seen = new ArrayList<>();
        SpscJitterBuffer buffer = Packets.fixed(100).clockRateHz(1000).payloadReleaser(owner -> {
            seen.add(owner);
            if (seen.size() == 1) {
                throw new IllegalStateException("pool bug");
            }
        }).build();
        Pooled incomplete = Pooled.of(0); // frame ts 0: packets 0, 1 (lost), 2
        Pooled end = Pooled.of(2);
        Pooled next = Pooled.of(3);
        offer(buffer, incomplete, 0, 0, false, T0);
        offer(buffer, end, 2, 0, true, T0 + MS);
        offer(buffer, next, 3, 40, true, T0 + 40 * MS);
        RecordingHandler out = new RecordingHandler();
        assertThrows(IllegalStateException.class, () -> buffer.poll(T0 + 140 * MS, out));
        // A statistics write left open would make this spin forever.
        JitterBufferStats s = buffer.readStats(new JitterBufferStats());
        assertEquals(2, s.packetsDroppedIncomplete(), "the give-up completed");
        assertEquals(1, buffer.poll(T0 + 140 * MS, out));
        assertEquals(List.of(3), out.firstSequences());
        assertEquals(List.of(incomplete, next), seen, "packet 2's owner was lost with the exception, none twice");
    }

    @Test
    void offerBorrowed_rejectsBadArgumentsAndNeedsAReleaser() {
        SpscJitterBuffer withoutReleaser = Packets.fixed(100).build();
        byte[] p = new byte[4];
        IllegalStateException state = assertThrows(IllegalStateException.class,
                () -> withoutReleaser.offerBorrowed(SSRC, 1, 0, true, T0, p, 0, 4, p));
        assertTrue(state.getMessage().contains("payloadReleaser"));
        SpscJitterBuffer buffer = builder().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> buffer.offerBorrowed(SSRC, 1, 0, true, T0, p, 0, 4, null));
        assertTrue(e.getMessage().contains("owner"));
        e = assertThrows(IllegalArgumentException.class, () -> buffer.offerBorrowed(SSRC, 1, 0, true, T0, p, 2, 4, p));
        assertTrue(e.getMessage().contains("offset"));
        e = assertThrows(IllegalArgumentException.class, () -> SpscJitterBuffer.builder().payloadReleaser(null));
        assertTrue(e.getMessage().contains("releaser"));
        assertEquals(OfferResult.INVALID, buffer.offerBorrowed(SSRC, 1, 0, true, T0, new byte[100], 0, 100, p),
                "longer than maxPayloadBytes, as for a copied payload");
        assertTrue(released.isEmpty());
    }
}
