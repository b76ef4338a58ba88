package io.smoothcast.jitter;

import static io.smoothcast.jitter.Packets.MS;
import static io.smoothcast.jitter.Packets.offer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Behaviour of {@link SpscJitterBuffer} in virtual time (clock rate 1000 Hz: 1 tick = 1 ms). */
class SpscJitterBufferTest {

    private static final long T0 = 1_000 * MS;

    private static SpscJitterBuffer fixed100() {
        return Packets.fixed(100).clockRateHz(1000).build();
    }

    private static JitterBufferStats stats(SpscJitterBuffer buffer) {
        return buffer.readStats(new JitterBufferStats());
    }

    @Test
    void inOrder_framesDeliveredExactlyAtTheirPlayoutTime() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        for (int k = 0; k < 3; k++) {
            assertEquals(OfferResult.ACCEPTED, offer(buffer, 100 + k, 40 * k, true, T0 + 40 * k * MS));
        }
        assertEquals(0, buffer.poll(T0 + 100 * MS - 1, out));
        assertEquals(1, buffer.poll(T0 + 100 * MS, out));
        assertEquals(T0 + 100 * MS, out.frames.get(0).playoutTimeNs());
        assertEquals(0, buffer.poll(T0 + 139 * MS, out));
        assertEquals(1, buffer.poll(T0 + 140 * MS, out));
        assertEquals(1, buffer.poll(T0 + 180 * MS, out));
        assertEquals(List.of(100, 101, 102), out.firstSequences());
        assertArrayEquals(Packets.payloadFor(101), out.frames.get(1).payload());
        JitterBufferStats s = stats(buffer);
        assertEquals(3, s.framesReceived());
        assertEquals(3, s.jitterBufferEmittedCount());
        assertEquals(0.3, s.jitterBufferDelaySeconds(), 1e-9, "each frame waited 100 ms");
        assertEquals(0.3, s.jitterBufferTargetDelaySeconds(), 1e-9);
        assertEquals(0, s.packetsLost());
    }

    @Test
    void pollAfterEveryPacket_eachFrameDeliveredOnceWhenCompleteAndDue() {
        // Delay 0: a frame is due when its first packet arrives, so it leaves with its last one.
        // Polls between a frame's packets find it open; a poll before its time finds it complete
        // but not due.
        SpscJitterBuffer buffer = Packets.fixed(0).clockRateHz(1000).build();
        RecordingHandler out = new RecordingHandler();
        int seq = 500;
        for (int f = 0; f < 5; f++) {
            long frameStart = T0 + 40 * f * MS;
            for (int p = 0; p < 3; p++) {
                long arrival = frameStart + p * MS;
                assertEquals(OfferResult.ACCEPTED, offer(buffer, seq++, 40 * f, p == 2, arrival));
                if (p < 2) {
                    assertEquals(0, buffer.poll(arrival, out), "frame " + f + " open after packet " + p);
                }
            }
            if (f == 3) {
                assertEquals(0, buffer.poll(frameStart - MS, out), "frame 3 complete, due only at its start");
            }
            assertEquals(1, buffer.poll(frameStart + 2 * MS, out), "frame " + f);
            assertEquals(0, buffer.poll(frameStart + 2 * MS, out), "frame " + f + " delivered once");
        }
        assertEquals(List.of(500, 503, 506, 509, 512), out.firstSequences());
        for (RecordingHandler.Delivered d : out.frames) {
            assertEquals(3, d.packetCount());
        }
        JitterBufferStats s = stats(buffer);
        assertEquals(15, s.packetsReceived());
        assertEquals(5, s.framesReceived());
        assertEquals(5, s.jitterBufferEmittedCount());
        assertEquals(15, s.packetsEmitted());
        assertEquals(0, s.packetsLost());
    }

    @Test
    void multiPacketFrame_reorderedInside_deliveredOnceCompleteInSequenceOrder() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 10, 0, false, T0);
        offer(buffer, 12, 0, true, T0 + MS);
        assertEquals(0, buffer.poll(T0 + 200 * MS, out), "packet 11 missing and nothing later is due");
        offer(buffer, 11, 0, false, T0 + 2 * MS);
        assertEquals(1, buffer.poll(T0 + 200 * MS, out));
        RecordingHandler.Delivered frame = out.frames.get(0);
        assertEquals(3, frame.packetCount());
        assertEquals(10, frame.firstSequence());
        assertEquals(12, frame.lastSequence());
        byte[] expected = new byte[9];
        System.arraycopy(Packets.payloadFor(10), 0, expected, 0, 3);
        System.arraycopy(Packets.payloadFor(11), 0, expected, 3, 3);
        System.arraycopy(Packets.payloadFor(12), 0, expected, 6, 3);
        assertArrayEquals(expected, frame.payload());
        assertEquals(1, stats(buffer).packetsReordered());
    }

    @Test
    void frameWithoutMarker_closedWhenNextTimestampArrives() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 1, 0, false, T0);
        assertEquals(0, buffer.poll(T0 + 500 * MS, out), "not closed: more packets may follow");
        offer(buffer, 2, 40, false, T0 + 40 * MS);
        assertEquals(1, buffer.poll(T0 + 500 * MS, out));
        assertEquals(1, out.frames.get(0).packetCount());
    }

    @Test
    void duplicatesFromRedundantPaths_deliveredOnceAndCounted() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        for (int k = 0; k < 5; k++) {
            long at = T0 + 40 * k * MS;
            assertEquals(OfferResult.ACCEPTED, offer(buffer, k, 40 * k, true, at));
            assertEquals(OfferResult.DUPLICATE, offer(buffer, k, 40 * k, true, at + 3 * MS), "second path");
        }
        buffer.poll(T0 + 10_000 * MS, out);
        // Copies over the slower path that arrive after delivery are duplicates too, not late.
        assertEquals(OfferResult.DUPLICATE, offer(buffer, 4, 160, true, T0 + 10_001 * MS));
        assertEquals(List.of(0, 1, 2, 3, 4), out.firstSequences());
        JitterBufferStats s = stats(buffer);
        assertEquals(6, s.packetsDuplicated());
        assertEquals(11, s.packetsReceived());
        assertEquals(0, s.packetsDiscarded());
    }

    @Test
    void sequenceWrap_deliveredInOrderAcrossZero() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        int[] order = {65533, 65535, 65534, 1, 0, 2};
        for (int seq : order) {
            int k = (seq - 65533) & 0xFFFF;
            offer(buffer, seq, 40 * k, true, T0 + k * MS);
        }
        buffer.poll(T0 + 10_000 * MS, out);
        assertEquals(List.of(65533, 65534, 65535, 0, 1, 2), out.firstSequences());
        assertEquals(0, stats(buffer).packetsLost());
    }

    @Test
    void timestampWrap_playoutTimesKeepAdvancing() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        int ts = -80; // 0xFFFFFFB0: wraps to 0 after two frames
        for (int k = 0; k < 4; k++) {
            offer(buffer, k, ts + 40 * k, true, T0 + 40 * k * MS);
        }
        assertEquals(2, buffer.poll(T0 + 140 * MS, out));
        assertEquals(4, buffer.poll(T0 + 220 * MS, out) + 2);
        for (int k = 0; k < 4; k++) {
            assertEquals(T0 + (100 + 40 * k) * MS, out.frames.get(k).playoutTimeNs(), "frame " + k);
        }
        assertEquals(0, out.frames.get(2).rtpTimestamp());
    }

    @Test
    void gap_givenUpWhenNextCompleteFrameIsDue_thenLateArrivalDiscarded() {
        // A payload-aware check (as H.264's) that can tell a frame's first packet after a gap.
        SpscJitterBuffer buffer = Packets.fixed(100).clockRateHz(1000)
                .completenessCheck((frame, startConfirmed, closed) -> closed).build();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 0, 0, true, T0);
        offer(buffer, 2, 80, true, T0 + 80 * MS); // frame at ts 40 (seq 1) is lost
        offer(buffer, 3, 120, true, T0 + 120 * MS);
        assertEquals(1, buffer.poll(T0 + 140 * MS, out));
        assertEquals(0, buffer.poll(T0 + 179 * MS, out), "seq 1 may still be retransmitted");
        assertEquals(1, buffer.poll(T0 + 180 * MS, out));
        assertTrue(out.frames.get(1).followsLoss());
        assertTrue(buffer.pollKeyframeRequest(), "video frame could not be completed");
        assertFalse(buffer.pollKeyframeRequest(), "one request per loss");
        assertEquals(OfferResult.LATE, offer(buffer, 1, 40, true, T0 + 181 * MS));
        buffer.poll(T0 + 220 * MS, out);
        assertEquals(List.of(0, 2, 3), out.firstSequences());
        assertFalse(out.frames.get(2).followsLoss());
        JitterBufferStats s = stats(buffer);
        assertEquals(1, s.packetsLost());
        assertEquals(1, s.packetsDiscarded());
        assertEquals(1, s.packetsDiscardedLate());
        assertEquals(1, s.framesDropped());
        assertEquals(1, s.keyframeRequests());
    }

    @Test
    void incompleteFrame_heldPacketsDroppedAndCounted() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 0, 0, false, T0);      // frame ts 0: packets 0, 1(lost), 2
        offer(buffer, 2, 0, true, T0 + MS);
        offer(buffer, 3, 40, true, T0 + 40 * MS);
        assertEquals(1, buffer.poll(T0 + 140 * MS, out));
        assertEquals(List.of(3), out.firstSequences());
        JitterBufferStats s = stats(buffer);
        assertEquals(1, s.packetsLost());
        assertEquals(2, s.packetsDroppedIncomplete());
        assertEquals(1, s.framesDropped());
    }

    @Test
    void lostLastPacketOfFrame_nextFrameStartUnknown_waitsForAConfirmedStart() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 0, 0, false, T0);           // frame ts 0 = {0, 1}; 1 is lost
        offer(buffer, 2, 40, true, T0 + 40 * MS); // frame ts 40 = {2}? its start is not confirmed
        offer(buffer, 3, 80, true, T0 + 80 * MS);
        assertEquals(1, buffer.poll(T0 + 180 * MS, out));
        assertEquals(List.of(3), out.firstSequences());
    }

    @Test
    void customCompletenessCheck_canAcceptRunWithUnknownStart() {
        SpscJitterBuffer buffer = Packets.fixed(100).clockRateHz(1000)
                .completenessCheck((frame, startConfirmed, closed) -> closed
                        && (startConfirmed || frame.payloadArray(0)[frame.payloadOffset(0) + 2] == (byte) 0xA5))
                .build();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 0, 0, false, T0);
        offer(buffer, 2, 40, true, T0 + 40 * MS);
        offer(buffer, 3, 80, true, T0 + 80 * MS);
        buffer.poll(T0 + 180 * MS, out);
        assertEquals(List.of(2, 3), out.firstSequences(), "the hook vouched for the start of seq 2");
    }

    @Test
    void independentPackets_audioFramesNeedNoMarker() {
        SpscJitterBuffer buffer = Packets.fixed(20).clockRateHz(1000)
                .completenessCheck(FrameCompletenessCheck.INDEPENDENT_PACKETS).keyframeRequestOnLoss(false).build();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 0, 0, false, T0);
        offer(buffer, 2, 40, false, T0 + 40 * MS);
        assertEquals(1, buffer.poll(T0 + 20 * MS, out));
        assertEquals(1, buffer.poll(T0 + 60 * MS, out), "seq 1 given up once seq 2 is due");
        assertFalse(buffer.pollKeyframeRequest());
        assertEquals(1, stats(buffer).packetsLost());
    }

    @Test
    void overflow_neverBlocks_dropsOldestAndResumes() {
        // 16 slots: a stream boundary, 2 numbers of room for packets that overtake the first
        // one, then packets 0..12.
        SpscJitterBuffer buffer = Packets.fixed(0).clockRateHz(1000).capacityPackets(16).build();
        RecordingHandler out = new RecordingHandler();
        int overflowed = 0;
        for (int k = 0; k < 20; k++) {
            int r = offer(buffer, k, 10 * k, true, T0 + 10 * k * MS);
            if (r == OfferResult.OVERFLOW) {
                overflowed++;
            } else {
                assertEquals(OfferResult.ACCEPTED, r, "packet " + k);
            }
        }
        assertEquals(7, overflowed, "packets 13..19 found no room while the consumer stalled");
        assertEquals(8, buffer.poll(T0 + 1_000 * MS, out), "0..3 flushed, 4 has no known start, 5..12 play");
        for (int k = 20; k < 24; k++) {
            assertEquals(OfferResult.ACCEPTED, offer(buffer, k, 10 * k, true, T0 + 1_000 * MS));
        }
        buffer.poll(T0 + 2_000 * MS, out);
        List<Integer> seqs = out.firstSequences();
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i) > seqs.get(i - 1), "in order: " + seqs);
        }
        assertTrue(seqs.containsAll(List.of(21, 22, 23)), "resumed: " + seqs);
        JitterBufferStats s = stats(buffer);
        assertEquals(1, s.overflowFlushes());
        assertEquals(11, s.packetsDiscardedOverflow(), "13..19 rejected, 0..3 flushed");
        assertEquals(24, s.packetsEmitted() + s.packetsDiscardedOverflow() + s.packetsDroppedIncomplete(),
                "every offered packet is delivered or counted: " + s);
        assertTrue(s.keyframeRequests() >= 1);
    }

    @Test
    void overflow_stallLongerThanTwoRings_resumesWithThePacketAfterTheFlush() {
        // 16 slots. Before the fix each flush made room for exactly the packet that asked for
        // it, which was already rejected, so every later packet was again one slot short.
        SpscJitterBuffer buffer = Packets.fixed(0).clockRateHz(1000).capacityPackets(16).build();
        RecordingHandler out = new RecordingHandler();
        for (int k = 0; k < 60; k++) {
            offer(buffer, k, 10 * k, true, T0 + 10 * k * MS);
        }
        buffer.poll(T0 + 600 * MS, out);
        int before = out.frames.size();
        for (int k = 60; k < 70; k++) {
            assertEquals(OfferResult.ACCEPTED, offer(buffer, k, 10 * k, true, T0 + 10 * k * MS), "packet " + k);
            buffer.poll(T0 + 10 * k * MS, out);
        }
        // 60 follows the flushed packets, so nothing tells where its frame starts (as for any
        // first packet after a loss); from 61 on every frame plays.
        assertEquals(List.of(61, 62, 63, 64, 65, 66, 67, 68, 69),
                out.firstSequences().subList(before, out.frames.size()));
        JitterBufferStats s = stats(buffer);
        assertEquals(70, s.packetsEmitted() + s.packetsDiscardedOverflow() + s.packetsDroppedIncomplete(),
                "every offered packet is delivered or counted: " + s);
    }

    @Test
    void forwardGapWiderThanTheRing_sameStream_resumesAfterTwoPackets() {
        // A gap of 40 numbers (a valid gap for RFC 3550's unwrapping, which resynchronises only
        // beyond 3000) in a ring of 16.
        SpscJitterBuffer buffer = Packets.fixed(0).clockRateHz(1000).capacityPackets(16).build();
        RecordingHandler out = new RecordingHandler();
        for (int k = 0; k < 5; k++) {
            assertEquals(OfferResult.ACCEPTED, offer(buffer, k, 10 * k, true, T0 + 10 * k * MS));
            buffer.poll(T0 + 10 * k * MS, out);
        }
        assertEquals(OfferResult.OVERFLOW, offer(buffer, 45, 450, true, T0 + 60 * MS));
        buffer.poll(T0 + 60 * MS, out);
        for (int k = 46; k < 50; k++) {
            assertEquals(OfferResult.ACCEPTED, offer(buffer, k, 10 * k, true, T0 + (20 + 10 * k) * MS), "packet " + k);
            buffer.poll(T0 + (20 + 10 * k) * MS, out);
        }
        // 45 is lost to the overflow, so 46's frame has no known start; 47 on play.
        assertEquals(List.of(0, 1, 2, 3, 4, 47, 48, 49), out.firstSequences());
        assertTrue(stats(buffer).keyframeRequests() >= 1, "a frame was lost to the overflow");
    }

    @Test
    void largeSequenceJump_confirmedByNextPacket_restartsCleanlyAfterOldFrames() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 100, 0, true, T0);
        offer(buffer, 101, 40, true, T0 + 40 * MS);
        // Publisher restarted: new sequence numbers and a new timestamp base.
        assertEquals(OfferResult.IGNORED_JUMP, offer(buffer, 30_000, 777_000, true, T0 + 80 * MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 30_001, 777_040, true, T0 + 120 * MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 30_002, 777_080, true, T0 + 160 * MS));
        buffer.poll(T0 + 10_000 * MS, out);
        assertEquals(List.of(100, 101, 30_001, 30_002), out.firstSequences());
        assertTrue(out.frames.get(2).startsStream());
        assertFalse(out.frames.get(2).followsLoss(), "nothing was missing, the stream restarted");
        assertEquals(T0 + 220 * MS, out.frames.get(2).playoutTimeNs(), "timeline re-anchored on the base delay");
        JitterBufferStats s = stats(buffer);
        assertEquals(1, s.streamRestarts());
        assertEquals(1, s.packetsIgnoredJump());
        assertEquals(0, s.packetsLost());
        assertEquals(0, buffer.pollNacks(T0 + 10_000 * MS, new int[16]), "no NACK across a restart");
    }

    @Test
    void ssrcChange_restartsStreamEvenWithOverlappingSequenceNumbers() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 500, 0, true, T0);
        offer(buffer, 501, 40, true, T0 + 40 * MS);
        assertEquals(OfferResult.ACCEPTED, Packets.offer(buffer, 42, 500, 90_000, true, T0 + 80 * MS));
        assertEquals(OfferResult.ACCEPTED, Packets.offer(buffer, 42, 501, 90_040, true, T0 + 120 * MS));
        buffer.poll(T0 + 10_000 * MS, out);
        assertEquals(List.of(500, 501, 500, 501), out.firstSequences());
        assertEquals(1, stats(buffer).streamRestarts());
    }

    @Test
    void sameSsrcResumedAfterAPause_restartOnNextPacket_noLossNoNackAndNoStall() {
        // A simulcast layer: the node stopped sending it for 10 s and now sends it again, with
        // the publisher's numbering, which moved on by 1500 packets meanwhile.
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 100, 0, true, T0);
        offer(buffer, 101, 40, true, T0 + 40 * MS);
        long resumeNs = T0 + 10_040 * MS;
        buffer.restartOnNextPacket();
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 1601, 10_040, false, resumeNs));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 1602, 10_040, true, resumeNs + MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 1603, 10_080, true, resumeNs + 40 * MS));
        assertEquals(2, buffer.poll(T0 + 200 * MS, out), "the frames held before the pause play normally");
        assertEquals(2, buffer.poll(resumeNs + 140 * MS, out), "the resumed frames play at their time");
        assertEquals(List.of(100, 101, 1601, 1603), out.firstSequences());
        JitterBufferStats s = stats(buffer);
        assertEquals(1, s.streamRestarts());
        assertEquals(0, s.packetsLost(), "the numbers skipped during the pause are not losses");
        assertEquals(0, buffer.pollNacks(resumeNs + 200 * MS, new int[16]), "and are not NACKed");
        // Without the call, the same jump counts as a loss of the skipped numbers.
        SpscJitterBuffer plain = fixed100();
        offer(plain, 100, 0, true, T0);
        offer(plain, 1601, 10_040, true, resumeNs);
        assertEquals(0, stats(plain).streamRestarts());
    }

    /**
     * A buffer that received frame 99 (timestamp 0, whole) and the first two packets, 100-101, of
     * the frame at 40 ms, and was then told the stream restarts on the next packet.
     */
    private SpscJitterBuffer restartAfterTheHeadOfAFrame() {
        SpscJitterBuffer buffer = fixed100();
        offer(buffer, 99, 0, true, T0);
        offer(buffer, 100, 40, false, T0 + 40 * MS);
        offer(buffer, 101, 40, false, T0 + 41 * MS);
        buffer.restartOnNextPacket();
        return buffer;
    }

    @Test
    void restartInTheMiddleOfAFrame_theFrameCutByTheBoundaryIsGivenUp_notDeliveredInPart() {
        // Packets 100-101 of the frame at 40 ms arrive, then the stream restarts (a simulcast
        // layer taken as resumed) on the frame's third packet: the first two, ended by the
        // boundary rather than by a marker, are not a whole frame.
        SpscJitterBuffer buffer = restartAfterTheHeadOfAFrame();
        RecordingHandler out = new RecordingHandler();
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 102, 40, true, T0 + 400 * MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 103, 80, true, T0 + 401 * MS));
        buffer.poll(T0 + 10_000 * MS, out);
        for (RecordingHandler.Delivered d : out.frames) {
            assertFalse(d.firstSequence() == 100, "packets 100-101 delivered as a frame: " + out.firstSequences());
        }
        assertEquals(99, out.firstSequences().get(0));
        assertEquals(103, out.firstSequences().get(out.frames.size() - 1), "the stream goes on after the restart");
        JitterBufferStats s = stats(buffer);
        // 100-101 before the boundary and 102, the frame's tail after it (same timestamp).
        assertEquals(3, s.packetsDroppedIncomplete(), "the cut frame's three packets are given up");
        assertTrue(buffer.keyframeRequestCount() >= 1, "and a keyframe asked for");
    }

    @Test
    void restartInTheMiddleOfAFrame_theCutFramesTailAfterTheBoundaryIsGivenUpToo() {
        // The frame at 40 ms: packets 100-101 in the old numbering, then the stream restarts
        // (same SSRC, new numbering) and its last two packets, 5000-5001 (marker), follow.
        // Neither part is a whole frame; the default check must deliver neither.
        SpscJitterBuffer buffer = restartAfterTheHeadOfAFrame();
        RecordingHandler out = new RecordingHandler();
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 5000, 40, false, T0 + 42 * MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 5001, 40, true, T0 + 43 * MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 5002, 80, true, T0 + 80 * MS));
        for (long now = T0; now <= T0 + 1_000 * MS; now += MS) {
            buffer.poll(now, out);
        }
        assertEquals(List.of(99, 5002), out.firstSequences(), "only whole frames are delivered");
        assertTrue(out.frames.get(1).followsLoss());
        JitterBufferStats s = stats(buffer);
        assertEquals(2, s.framesDropped(), "the cut frame's head and its tail");
        assertEquals(4, s.packetsDroppedIncomplete());
        assertTrue(buffer.keyframeRequestCount() >= 1, "a keyframe is asked for");
    }

    @Test
    void restartInTheMiddleOfAFrame_theFramesHeadArrivingAfterItsTail_tailStillGivenUp() {
        // The frame at 40 ms: its last packet comes first, already in the new numbering (110: a
        // layer resumed with 8 numbers skipped), and its first two, in the old numbering
        // (100-101), arrive after it: the restart was taken on the first packet to arrive. When
        // the tail's playout time comes, the late head has shown that the tail belongs to a frame
        // cut by the restart.
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 99, 0, true, T0);
        buffer.restartOnNextPacket();
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 110, 40, true, T0 + 40 * MS));
        assertEquals(OfferResult.LATE, offer(buffer, 100, 40, false, T0 + 41 * MS), "below the boundary");
        assertEquals(OfferResult.LATE, offer(buffer, 101, 40, false, T0 + 42 * MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 111, 80, true, T0 + 80 * MS));
        for (long now = T0; now <= T0 + 1_000 * MS; now += MS) {
            buffer.poll(now, out);
        }
        assertEquals(List.of(99, 111), out.firstSequences(), "the tail 110 is not a whole frame");
        assertEquals(1, stats(buffer).packetsDroppedIncomplete());
    }

    @Test
    void newSsrcAfterACutFrame_itsFirstFrameIsKeptWhateverItsTimestamp() {
        // A publisher failover: the new stream's first packet begins its first frame (normally
        // a keyframe, which must not be lost), even if its timestamp equals the old one's.
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 99, 0, true, T0);
        offer(buffer, 100, 40, false, T0 + 40 * MS);
        assertEquals(OfferResult.ACCEPTED, Packets.offer(buffer, 7, 3000, 40, false, T0 + 42 * MS));
        assertEquals(OfferResult.ACCEPTED, Packets.offer(buffer, 7, 3001, 40, true, T0 + 43 * MS));
        assertEquals(OfferResult.ACCEPTED, Packets.offer(buffer, 7, 3002, 80, true, T0 + 80 * MS));
        buffer.poll(T0 + 1_000 * MS, out);
        assertEquals(List.of(99, 3000, 3002), out.firstSequences());
        assertEquals(2, out.frames.get(1).packetCount());
    }

    @Test
    void sameSsrcRestart_oldStreamsRetransmissionsBelowTheRestart_neverPlayTwiceOrBackInTime() {
        // 101 is lost, so 102's frame (start unknown) is given up with it and 103 plays; 104 is
        // held. The stream restarts under the same SSRC with a numbering just above (a simulcast
        // layer resumed). Retransmissions and copies of the old stream's packets then arrive:
        // their numbers lie just below the new stream's first, in its start room or lower.
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 100, 0, true, T0);
        offer(buffer, 102, 80, true, T0 + 80 * MS);
        offer(buffer, 103, 120, true, T0 + 120 * MS);
        offer(buffer, 104, 160, true, T0 + 160 * MS);
        assertEquals(2, buffer.poll(T0 + 220 * MS, out), "100, then 103 once 101-102 are given up");
        buffer.restartOnNextPacket();
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 110, 400, true, T0 + 400 * MS));
        assertEquals(OfferResult.LATE, offer(buffer, 101, 40, true, T0 + 401 * MS), "given up before");
        assertEquals(OfferResult.LATE, offer(buffer, 102, 80, true, T0 + 402 * MS), "given up before");
        assertEquals(OfferResult.LATE, offer(buffer, 103, 120, true, T0 + 402 * MS), "already played");
        assertEquals(OfferResult.LATE, offer(buffer, 104, 160, true, T0 + 403 * MS), "held, not yet played");
        // The start room is 8 numbers here (capacity 64): 102-104 land in it, 101 on the
        // boundary; these two land below it, among the old stream's slots.
        assertEquals(OfferResult.LATE, offer(buffer, 99, 0, true, T0 + 404 * MS));
        assertEquals(OfferResult.LATE, offer(buffer, 97, 0, true, T0 + 405 * MS));
        // A packet of the new stream overtaken by its first arrival still joins it.
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 109, 360, true, T0 + 406 * MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 111, 440, true, T0 + 440 * MS));
        for (long now = T0 + 220 * MS; now <= T0 + 2_000 * MS; now += MS) {
            buffer.poll(now, out);
        }
        assertEquals(List.of(100, 103, 104, 109, 110, 111), out.firstSequences());
        for (int i = 1; i < out.frames.size(); i++) {
            assertTrue(out.frames.get(i).playoutTimeNs() > out.frames.get(i - 1).playoutTimeNs(),
                    "played back in time: " + out.frames);
        }
        assertEquals(6, stats(buffer).packetsDiscardedLate());
    }

    @Test
    void confirmedJump_twoRetransmissionsOfTheOldNumbering_neitherRestartBackNorLoseTheNewStream() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        for (int k = 0; k < 6; k++) {
            offer(buffer, 100 + k, 40 * k, true, T0 + 40 * k * MS);
        }
        // The publisher restarted: a new numbering far away, confirmed by its next packet.
        assertEquals(OfferResult.IGNORED_JUMP, offer(buffer, 30_000, 240, true, T0 + 240 * MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 30_001, 280, true, T0 + 280 * MS));
        // Retransmissions of the old numbering, in sequence (answers to old NACKs).
        assertEquals(OfferResult.LATE, offer(buffer, 103, 120, true, T0 + 285 * MS));
        assertEquals(OfferResult.LATE, offer(buffer, 104, 160, true, T0 + 286 * MS));
        for (int k = 2; k < 6; k++) {
            assertEquals(OfferResult.ACCEPTED, offer(buffer, 30_000 + k, 240 + 40 * k, true, T0 + (240 + 40 * k) * MS),
                    "new numbering, packet " + k);
        }
        for (long now = T0; now <= T0 + 2_000 * MS; now += MS) {
            buffer.poll(now, out);
        }
        assertEquals(List.of(100, 101, 102, 103, 104, 105, 30_001, 30_002, 30_003, 30_004, 30_005), out.firstSequences());
        assertPlayedForwardInTime(out);
        JitterBufferStats s = stats(buffer);
        assertEquals(1, s.streamRestarts());
        assertEquals(2, s.packetsDiscardedLate());
    }

    @Test
    void requestedRestart_twoLatePacketsOfTheNumberingLeft_doNotTakeTheStreamBack() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        for (int k = 0; k < 4; k++) {
            offer(buffer, 100 + k, 40 * k, true, T0 + 40 * k * MS);
        }
        buffer.restartOnNextPacket();
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 20_000, 400, true, T0 + 400 * MS));
        assertEquals(OfferResult.LATE, offer(buffer, 102, 80, true, T0 + 401 * MS));
        assertEquals(OfferResult.LATE, offer(buffer, 103, 120, true, T0 + 402 * MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 20_001, 440, true, T0 + 440 * MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 20_002, 480, true, T0 + 480 * MS));
        for (long now = T0; now <= T0 + 2_000 * MS; now += MS) {
            buffer.poll(now, out);
        }
        assertEquals(List.of(100, 101, 102, 103, 20_000, 20_001, 20_002), out.firstSequences());
        assertPlayedForwardInTime(out);
        assertEquals(1, stats(buffer).streamRestarts());
    }

    private static void assertPlayedForwardInTime(RecordingHandler out) {
        for (int i = 1; i < out.frames.size(); i++) {
            assertTrue(out.frames.get(i).playoutTimeNs() > out.frames.get(i - 1).playoutTimeNs(),
                    "played back in time: " + out.frames);
        }
    }

    @Test
    void senderTimestampJump_reanchorsInsteadOfStalling() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 0, 0, true, T0);
        offer(buffer, 1, 40, true, T0 + 40 * MS);
        offer(buffer, 2, 40 + 3_600_000, true, T0 + 80 * MS); // one hour ahead
        offer(buffer, 3, 80 + 3_600_000, true, T0 + 120 * MS);
        assertEquals(4, buffer.poll(T0 + 220 * MS, out));
        assertEquals(T0 + 180 * MS, out.frames.get(2).playoutTimeNs());
    }

    @Test
    void invalidInput_countedOrRejectedWithNamedArgument() {
        SpscJitterBuffer buffer = fixed100();
        byte[] big = new byte[65];
        assertEquals(OfferResult.INVALID, buffer.offer(1, 1, 0, true, T0, big, 0, big.length));
        assertEquals(1, stats(buffer).packetsInvalid());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> buffer.offer(1, 1, 0, true, T0, null, 0, 0));
        assertTrue(e.getMessage().contains("payload"));
        assertThrows(IllegalArgumentException.class, () -> buffer.offer(1, 1, 0, true, T0, new byte[4], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> buffer.poll(T0, null));
        assertThrows(IllegalArgumentException.class, () -> buffer.pollNacks(T0, null));
        assertThrows(IllegalArgumentException.class, () -> buffer.rttNs(-1));
        e = assertThrows(IllegalArgumentException.class, () -> SpscJitterBuffer.builder().capacityPackets(100));
        assertTrue(e.getMessage().contains("capacityPackets"));
        assertThrows(IllegalArgumentException.class, () -> SpscJitterBuffer.builder().minDelayMs(500).maxDelayMs(100).build());
        assertThrows(IllegalArgumentException.class, () -> SpscJitterBuffer.builder().completenessCheck(null));
    }

    @Test
    void handlerThrows_frameStillReleasedAndCounted() {
        SpscJitterBuffer buffer = fixed100();
        offer(buffer, 0, 0, true, T0);
        offer(buffer, 1, 40, true, T0 + 40 * MS);
        assertThrows(IllegalStateException.class, () -> buffer.poll(T0 + 1_000 * MS, f -> {
            throw new IllegalStateException("app bug");
        }));
        RecordingHandler out = new RecordingHandler();
        buffer.poll(T0 + 1_000 * MS, out);
        assertEquals(List.of(1), out.firstSequences());
        assertEquals(2, stats(buffer).framesReceived());
    }

    @Test
    void freezeCounted_whenPlaybackStallsOnLoss() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        long now = T0;
        for (int k = 0; k < 40; k++) {
            if (k < 20 || k > 27) { // frames 20..27 (320 ms) are lost
                offer(buffer, k, 40 * k, true, T0 + 40 * k * MS);
            }
        }
        for (; now <= T0 + 2_000 * MS; now += MS) {
            buffer.poll(now, out);
        }
        JitterBufferStats s = stats(buffer);
        assertEquals(31, s.framesReceived(), "frame 28's start is unknown after the gap");
        assertEquals(1, s.freezeCount());
        assertEquals(0.40, s.totalFreezesDurationSeconds(), 1e-9, "frame 19 at 860 ms, frame 29 at 1260 ms");
        assertEquals(0, s.pauseCount());
        assertEquals(8, s.packetsLost());
    }

    @Test
    void streamStart_packetsOvertakenByTheFirstArrival_stillJoinTheFirstFrame() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 12, 0, true, T0));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 10, 0, false, T0 + MS));
        assertEquals(OfferResult.ACCEPTED, offer(buffer, 11, 0, false, T0 + 2 * MS));
        offer(buffer, 13, 40, true, T0 + 40 * MS);
        assertEquals(0, buffer.poll(T0 + 99 * MS, out));
        assertEquals(1, buffer.poll(T0 + 100 * MS, out));
        assertEquals(10, out.frames.get(0).firstSequence());
        assertEquals(3, out.frames.get(0).packetCount());
        assertTrue(out.frames.get(0).startsStream());
        assertEquals(OfferResult.LATE, offer(buffer, 9, 0, false, T0 + 101 * MS), "too late to join");
        assertEquals(1, buffer.poll(T0 + 140 * MS, out));
        assertFalse(out.frames.get(1).startsStream());
        assertEquals(0, stats(buffer).packetsLost());
    }

    @Test
    void failoverToNewSsrc_stragglersFromOldSsrcDiscardedAsLate() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 1, 0, true, T0);
        Packets.offer(buffer, 99, 7000, 40, true, T0 + 40 * MS);
        assertEquals(OfferResult.LATE, offer(buffer, 2, 40, true, T0 + 41 * MS));
        Packets.offer(buffer, 99, 7001, 80, true, T0 + 80 * MS);
        buffer.poll(T0 + 1_000 * MS, out);
        assertEquals(List.of(1, 7000, 7001), out.firstSequences());
        assertEquals(1, stats(buffer).streamRestarts());
    }

    @Test
    void restartBeforeAnyPacketOfPreviousRestartIsPlayed_stillDelivers() {
        SpscJitterBuffer buffer = fixed100();
        RecordingHandler out = new RecordingHandler();
        offer(buffer, 1, 0, true, T0);
        buffer.poll(T0 + 100 * MS, out);
        Packets.offer(buffer, 2, 50, 40, true, T0 + 40 * MS);   // new SSRC
        Packets.offer(buffer, 3, 900, 80, true, T0 + 80 * MS);  // and another one at once
        buffer.poll(T0 + 1_000 * MS, out);
        assertEquals(List.of(1, 50, 900), out.firstSequences());
        assertEquals(2, stats(buffer).streamRestarts());
    }
}
