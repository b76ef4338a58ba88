package io.smoothcast.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property: for any permutation (random delays inside the latency window), duplication and loss
 * pattern, the output is in order and duplicate-free, each frame carries exactly its own packets,
 * and every frame whose packets all arrive before its deadline is delivered. Plain JUnit loop
 * over seeded inputs; the seed is in every failure message.
 */
class JitterBufferPropertyTest {

    private static final long MS = 1_000_000L;
    private static final int DELAY_MS = 200;
    private static final int FRAME_MS = 20;

    /** One copy of a packet on the wire. */
    private record Arrival(long atNs, int frame, int index, int packets, int sequence, int timestamp) {
    }

    /**
     * The payload tells the frame, the packet's index in it and whether it begins the frame, as
     * a real payload format would; this check uses that to recognise a frame's first packet, the
     * way the H.264 depacketizer will, so no complete frame is lost to an unknown start.
     */
    private static final FrameCompletenessCheck PAYLOAD_AWARE = (frame, startConfirmed, closed) -> closed
            && frame.payloadArray(0)[frame.payloadOffset(0) + 2] == 0;

    @Test
    void payloadAwareCheck_inOrderDuplicateFreeAndEveryOnTimeFrameDelivered() {
        for (long seed = 1; seed <= 300; seed++) {
            checkOne(seed, PAYLOAD_AWARE, true, false);
        }
    }

    /**
     * The same with payloads borrowed instead of copied (a random mix of both kinds per packet):
     * the same output, and every accepted borrowed payload is handed back exactly once, never
     * before its frame was handled, while rejected ones (duplicates, late) are never handed back.
     */
    @Test
    void borrowedPayloads_sameOutputAndEachReleasedExactlyOnceAfterUse() {
        for (long seed = 2_001; seed <= 2_100; seed++) {
            checkOne(seed, PAYLOAD_AWARE, true, true);
        }
    }

    /**
     * With the default check a frame right after a gap may be given up (its start is unknown),
     * but what is delivered is still in order, duplicate-free and never a partial frame. The
     * stream's first frame always arrives here: at a stream start the default check has to assume
     * the lowest packet held begins a frame.
     */
    @Test
    void defaultCheck_inOrderDuplicateFreeAndNeverPartial() {
        for (long seed = 1_001; seed <= 1_300; seed++) {
            checkOne(seed, FrameCompletenessCheck.MARKER_ENDS_FRAME, false, false);
        }
    }

    private static void checkOne(long seed, FrameCompletenessCheck check, boolean everyOnTimeFrameDelivered,
            boolean mixInBorrowed) {
        SplittableRandom random = new SplittableRandom(seed);
        int frames = 150 + random.nextInt(150);
        int firstSeq = random.nextInt(65536);
        int firstTs = random.nextInt();
        double lossRate = random.nextDouble() * 0.1;
        double duplicateRate = random.nextDouble() * 0.2;
        List<Arrival> wire = new ArrayList<>();
        int[] packetsPerFrame = new int[frames];
        int seq = firstSeq;
        boolean[][] lost = new boolean[frames][];
        for (int f = 0; f < frames; f++) {
            int packets = 1 + random.nextInt(4);
            packetsPerFrame[f] = packets;
            lost[f] = new boolean[packets];
            int ts = firstTs + f * FRAME_MS;
            long sendNs = f * FRAME_MS * MS;
            // The first frame and the last two always arrive: the last one then has a known
            // start, so nothing stays held at the end.
            boolean sentinel = f == 0 || f >= frames - 2;
            for (int i = 0; i < packets; i++, seq++) {
                if (!sentinel && random.nextDouble() < lossRate) {
                    lost[f][i] = true;
                } else {
                    wire.add(new Arrival(sendNs + random.nextLong(DELAY_MS * MS), f, i, packets, seq & 0xFFFF, ts));
                }
                if (!sentinel && random.nextDouble() < duplicateRate) {
                    // A copy over a second path, possibly far too late.
                    wire.add(new Arrival(sendNs + random.nextLong(2 * DELAY_MS * MS), f, i, packets, seq & 0xFFFF, ts));
                }
            }
        }
        wire.sort(Comparator.comparingLong(Arrival::atNs));

        // Owners of borrowed payloads: accepted by the buffer, and handed back by it.
        java.util.Set<Object> accepted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.Set<Object> released = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        PayloadReleaser releaser = owner -> {
            assertTrue(accepted.contains(owner), "seed " + seed + ": released a payload the buffer never accepted");
            assertTrue(released.add(owner), "seed " + seed + ": payload released twice");
        };
        SpscJitterBuffer buffer = SpscJitterBuffer.builder().fixedDelayMs(DELAY_MS).clockRateHz(1000)
                .capacityPackets(256).maxPayloadBytes(8).completenessCheck(check).payloadReleaser(releaser).build();
        long[] earliestArrival = new long[frames];
        int[] copiesSeen = new int[frames];
        java.util.Arrays.fill(earliestArrival, Long.MAX_VALUE);
        List<int[]> delivered = new ArrayList<>();
        long[] deliveredPlayout = new long[frames];
        FrameHandler handler = frame -> {
            byte[] first = frame.payloadArray(0);
            int f = ((first[frame.payloadOffset(0)] & 0xFF) << 8) | (first[frame.payloadOffset(0) + 1] & 0xFF);
            int[] indices = new int[frame.packetCount()];
            for (int i = 0; i < frame.packetCount(); i++) {
                byte[] p = frame.payloadArray(i);
                if (released.contains(p)) {
                    fail("seed " + seed + ": frame " + f + " reads a payload already handed back");
                }
                int o = frame.payloadOffset(i);
                int owner = ((p[o] & 0xFF) << 8) | (p[o + 1] & 0xFF);
                if (owner != f) {
                    fail("seed " + seed + ": frame " + f + " carries a packet of frame " + owner);
                }
                indices[i] = p[o + 2];
            }
            delivered.add(new int[] {f, indices.length, indices[0], indices[indices.length - 1]});
            deliveredPlayout[f] = frame.playoutTimeNs();
        };

        byte[] payload = new byte[4];
        int next = 0;
        long endNs = (frames * FRAME_MS + 3 * DELAY_MS) * MS;
        for (long now = 0; now <= endNs; now += MS) {
            while (next < wire.size() && wire.get(next).atNs() <= now) {
                Arrival a = wire.get(next++);
                boolean borrow = mixInBorrowed && random.nextBoolean();
                // A borrowed payload gets its own array (the owner), at an offset, as a pool would.
                byte[] p = borrow ? new byte[9] : payload;
                int at = borrow ? 3 : 0;
                p[at] = (byte) (a.frame() >>> 8);
                p[at + 1] = (byte) a.frame();
                p[at + 2] = (byte) a.index();
                p[at + 3] = (byte) a.packets();
                boolean marker = a.index() == a.packets() - 1;
                if (borrow) {
                    int result = buffer.offerBorrowed(7, a.sequence(), a.timestamp(), marker, a.atNs(), p, at, 4, p);
                    if (result == OfferResult.ACCEPTED) {
                        accepted.add(p);
                    }
                } else {
                    buffer.offer(7, a.sequence(), a.timestamp(), marker, a.atNs(), p, 0, 4);
                }
            }
            buffer.poll(now, handler);
        }

        int previous = -1;
        boolean[] seen = new boolean[frames];
        for (int[] d : delivered) {
            int f = d[0];
            assertTrue(f > previous, "seed " + seed + ": frame " + f + " delivered after frame " + previous);
            assertTrue(!seen[f], "seed " + seed + ": frame " + f + " delivered twice");
            seen[f] = true;
            previous = f;
            assertEquals(packetsPerFrame[f], d[1], "seed " + seed + ": frame " + f + " packet count");
            assertEquals(0, d[2], "seed " + seed + ": frame " + f + " starts at its first packet");
        }
        // Every frame with no lost packet had all of them arrive within DELAY_MS of sending,
        // that is before its deadline: it must have been delivered.
        for (int f = 0; f < frames; f++) {
            boolean complete = true;
            for (boolean l : lost[f]) {
                complete &= !l;
            }
            if (complete && everyOnTimeFrameDelivered) {
                assertTrue(seen[f], "seed " + seed + ": complete on-time frame " + f + " was not delivered");
            }
        }
        JitterBufferStats s = buffer.readStats(new JitterBufferStats());
        assertEquals(delivered.size(), s.framesReceived(), "seed " + seed);
        assertEquals(wire.size(), s.packetsReceived(), "seed " + seed);
        assertEquals(wire.size(), s.packetsEmitted() + s.packetsDuplicated() + s.packetsDiscarded()
                + s.packetsDroppedIncomplete(), "seed " + seed + ": every copy is delivered or counted " + s);
        assertEquals(accepted.size(), released.size(),
                "seed " + seed + ": every accepted borrowed payload is handed back (nothing is held at the end)");
    }
}
