package io.smoothcast.jitter;

import static io.smoothcast.jitter.Packets.MS;
import static io.smoothcast.jitter.Packets.TICKS_PER_FRAME;
import static io.smoothcast.jitter.Packets.offer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/**
 * When the producer's statistics become visible to {@link SpscJitterBuffer#readStats}: once
 * per frame, at the first offer that is not an accepted in-order packet inside a frame, or at
 * {@code pollNacks} / {@code publishStats}. Packets are 3 bytes ({@link Packets#payloadFor}).
 */
class StatsPublicationTest {

    private static final long T0 = 1_000 * MS;

    private static SpscJitterBuffer buffer(boolean nack) {
        return Packets.fixed(100).nackEnabled(nack).build();
    }

    private static JitterBufferStats stats(SpscJitterBuffer buffer) {
        return buffer.readStats(new JitterBufferStats());
    }

    private static void assertReceived(SpscJitterBuffer buffer, long packets) {
        JitterBufferStats s = stats(buffer);
        assertEquals(packets, s.packetsReceived(), "packetsReceived");
        assertEquals(3 * packets, s.bytesReceived(), "bytesReceived, from the same publication");
    }

    @Test
    void aFramesPacketsArePublishedWithItsMarkerPacket() {
        SpscJitterBuffer buffer = buffer(true);
        offer(buffer, 10, 0, true, T0);
        assertReceived(buffer, 1);
        offer(buffer, 11, TICKS_PER_FRAME, false, T0 + MS);
        offer(buffer, 12, TICKS_PER_FRAME, false, T0 + MS);
        assertReceived(buffer, 1); // between packets of a frame: the state after the last one
        offer(buffer, 13, TICKS_PER_FRAME, true, T0 + MS);
        assertReceived(buffer, 4);
    }

    @Test
    void withoutMarkersAPacketOfAnotherTimestampPublishes() {
        SpscJitterBuffer buffer = buffer(true);
        offer(buffer, 10, 0, false, T0);
        assertReceived(buffer, 0);
        offer(buffer, 11, TICKS_PER_FRAME, false, T0 + 33 * MS);
        assertReceived(buffer, 2);
        offer(buffer, 12, 2 * TICKS_PER_FRAME, false, T0 + 66 * MS);
        assertReceived(buffer, 2);
        offer(buffer, 13, 3 * TICKS_PER_FRAME, false, T0 + 100 * MS);
        assertReceived(buffer, 4);
    }

    @Test
    void publishStatsAndPollNacksPublishTheFrameSoFar() {
        SpscJitterBuffer buffer = buffer(false);
        offer(buffer, 10, 0, false, T0);
        offer(buffer, 11, TICKS_PER_FRAME, false, T0 + 33 * MS); // publishes both
        offer(buffer, 12, TICKS_PER_FRAME, false, T0 + 34 * MS);
        assertReceived(buffer, 2);
        buffer.publishStats();
        assertReceived(buffer, 3);
        buffer.publishStats(); // nothing pending: nothing changes
        assertReceived(buffer, 3);
        offer(buffer, 13, TICKS_PER_FRAME, false, T0 + 35 * MS);
        assertReceived(buffer, 3);
        assertEquals(0, buffer.pollNacks(T0 + 36 * MS, new int[8])); // NACK disabled: publishes all the same
        assertReceived(buffer, 4);
    }

    @Test
    void anyOtherOutcomePublishesThePacketsBeforeIt() {
        SpscJitterBuffer buffer = buffer(true);
        offer(buffer, 10, 0, false, T0);
        offer(buffer, 12, 0, false, T0 + MS); // a gap: still inside the frame
        assertReceived(buffer, 0);
        assertEquals(OfferResult.DUPLICATE, offer(buffer, 12, 0, false, T0 + 2 * MS));
        assertReceived(buffer, 3);
        assertEquals(1, stats(buffer).packetsDuplicated());
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 13, 0, false, T0 + 3 * MS));
        assertReceived(buffer, 3);
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 11, 0, false, T0 + 4 * MS)); // reordered
        JitterBufferStats s = stats(buffer);
        assertEquals(5, s.packetsReceived());
        assertEquals(1, s.packetsReordered());
    }

    @Test
    void theDelayFiguresArePublishedWithTheFrame() {
        SpscJitterBuffer adaptive = SpscJitterBuffer.builder().adaptive().capacityPackets(256).maxPayloadBytes(64).build();
        SpscJitterBuffer perPacket = SpscJitterBuffer.builder().adaptive().capacityPackets(256).maxPayloadBytes(64).build();
        long arrival = T0;
        for (int k = 0; k < 40; k++) {
            for (int p = 0; p < 3; p++) {
                arrival += (k * 7 + p * 3) % 11 * MS; // uneven arrivals: jitter changes
                offer(adaptive, 3 * k + p, k * TICKS_PER_FRAME, p == 2, arrival);
                offer(perPacket, 3 * k + p, k * TICKS_PER_FRAME, p == 2, arrival);
                perPacket.publishStats();
            }
        }
        JitterBufferStats a = stats(adaptive);
        JitterBufferStats b = stats(perPacket);
        assertEquals(b.jitterSeconds(), a.jitterSeconds());
        assertEquals(b.targetDelayNs(), a.targetDelayNs());
        assertEquals(b.playoutDelayNs(), a.playoutDelayNs());
        assertEquals(120, a.packetsReceived());
        assertEquals(0, a.packetsDiscarded());
    }
    @Test
    void anotherOutcomePublishesTheDeferredPacketsDelayFiguresToo() {
        // A duplicate inside a frame publishes the deferred packets' counts; their delay figures
        // (jitter, target, playout delay) must come with them: nothing is pending afterwards, so
        // a stream that stops there never publishes them otherwise.
        SpscJitterBuffer withDuplicate = SpscJitterBuffer.builder().adaptive().capacityPackets(256).maxPayloadBytes(64).build();
        SpscJitterBuffer reference = SpscJitterBuffer.builder().adaptive().capacityPackets(256).maxPayloadBytes(64).build();
        long arrival = T0;
        int seq = 0;
        for (int k = 0; k < 10; k++) {
            arrival += 33 * MS;
            offer(withDuplicate, seq, k * TICKS_PER_FRAME, true, arrival);
            offer(reference, seq, k * TICKS_PER_FRAME, true, arrival);
            seq++;
        }
        double before = stats(withDuplicate).jitterSeconds();
        for (int p = 0; p < 3; p++) { // a frame's first packets, very late: the jitter grows
            arrival += 60 * MS;
            offer(withDuplicate, seq, 10 * TICKS_PER_FRAME, false, arrival);
            offer(reference, seq, 10 * TICKS_PER_FRAME, false, arrival);
            seq++;
        }
        assertEquals(OfferResult.DUPLICATE, offer(withDuplicate, seq - 1, 10 * TICKS_PER_FRAME, false, arrival));
        withDuplicate.publishStats();
        reference.publishStats();
        JitterBufferStats a = stats(withDuplicate);
        JitterBufferStats b = stats(reference);
        assertNotEquals(before, b.jitterSeconds(), "the deferred packets changed the jitter");
        assertEquals(b.jitterSeconds(), a.jitterSeconds());
        assertEquals(b.targetDelayNs(), a.targetDelayNs());
        assertEquals(b.playoutDelayNs(), a.playoutDelayNs());
        assertEquals(b.packetsReceived() + 1, a.packetsReceived());
    }
}
