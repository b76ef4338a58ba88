package io.smoothcast.payload;

import static io.smoothcast.payload.NalUnits.aggregation;
import static io.smoothcast.payload.NalUnits.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.jitter.FrameCompletenessCheck;
import io.smoothcast.jitter.FrameHandler;
import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.jitter.SpscJitterBuffer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The H.264 / H.265 completeness hooks inside a real {@link SpscJitterBuffer}, in virtual time:
 * which runs of packets become frames, and what the frames hold.
 */
class FrameCompletenessCheckTest {

    private static final long MS = 1_000_000L;
    private static final int SSRC = 0x0BAD_CAFE;
    private static final int TICKS_PER_FRAME = 3000;
    private static final int FU_A = 0x60 | 28;
    private static final int STAP_A = 0x60 | 24;

    private static final byte[] SPS = bytes(0x67, 0x42, 0xC0, 0x1E);
    private static final byte[] PPS = bytes(0x68, 0xCE, 0x3C, 0x80);

    /** Delivered frames: first sequence number, keyframe kind and depacketized Annex-B bytes. */
    private static final class Recorder implements FrameHandler {
        final List<Integer> firstSequences = new ArrayList<>();
        final List<KeyframeKind> kinds = new ArrayList<>();
        final List<byte[]> annexB = new ArrayList<>();
        final H264Depacketizer depacketizer = new H264Depacketizer();
        final byte[] out = new byte[4096];

        @Override
        public void onFrame(JitterFrame frame) {
            firstSequences.add(frame.sequenceNumber(0));
            kinds.add(H264Keyframes.classifyFrame(frame));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int i = 0; i < frame.packetCount(); i++) {
                int n = depacketizer.depacketize(frame.sequenceNumber(i), frame.payloadArray(i), frame.payloadOffset(i),
                        frame.payloadLength(i), out, 0);
                assertTrue(n >= 0, "delivered frames depacketize: " + PayloadErrors.name(n));
                bytes.write(out, 0, n);
            }
            annexB.add(bytes.toByteArray());
        }
    }

    private final Recorder recorder = new Recorder();

    private static SpscJitterBuffer buffer(FrameCompletenessCheck check) {
        return SpscJitterBuffer.builder().fixedDelayMs(100).capacityPackets(64).maxPayloadBytes(256)
                .nackEnabled(false).completenessCheck(check).build();
    }

    private static void offer(SpscJitterBuffer buffer, int sequence, int frame, boolean marker, byte[] payload) {
        buffer.offer(SSRC, sequence, frame * TICKS_PER_FRAME, marker, frame * 33 * MS, payload, 0, payload.length);
    }

    @Test
    void keyframeInStapAAndFuA_isOneCompleteFrame() {
        SpscJitterBuffer buffer = buffer(H264FrameCompletenessCheck.INSTANCE);
        offer(buffer, 10, 0, false, aggregation(bytes(STAP_A), SPS, PPS));
        offer(buffer, 11, 0, false, bytes(FU_A, 0x80 | 5, 0x88, 0x84));
        offer(buffer, 12, 0, false, bytes(FU_A, 5, 0x21));
        offer(buffer, 13, 0, true, bytes(FU_A, 0x40 | 5, 0x43));

        assertEquals(1, buffer.poll(200 * MS, recorder));

        assertEquals(List.of(10), recorder.firstSequences);
        assertEquals(List.of(KeyframeKind.KEYFRAME_WITH_PARAMETER_SETS), recorder.kinds);
        assertArrayEquals(NalUnits.normalized(List.of(SPS, PPS, bytes(0x65, 0x88, 0x84, 0x21, 0x43))),
                recorder.annexB.get(0));
    }

    @Test
    void fuNeverEnded_isNotCompleteEvenWithAMarker_andIsGivenUpForTheNextFrame() {
        SpscJitterBuffer buffer = buffer(H264FrameCompletenessCheck.INSTANCE);
        offer(buffer, 10, 0, false, bytes(FU_A, 0x80 | 5, 0x88));
        offer(buffer, 11, 0, true, bytes(0x41, 0x9A, 0x02)); // a whole slice where the FU end should be
        offer(buffer, 12, 1, true, bytes(0x41, 0x9A, 0x03));

        buffer.poll(250 * MS, recorder);

        assertEquals(List.of(12), recorder.firstSequences, "the malformed frame never reaches the decoder");
    }

    @Test
    void sameMalformedRun_isDeliveredByTheMarkerOnlyDefault() {
        SpscJitterBuffer buffer = buffer(FrameCompletenessCheck.MARKER_ENDS_FRAME);
        List<Integer> firsts = new ArrayList<>();
        offer(buffer, 10, 0, false, bytes(FU_A, 0x80 | 5, 0x88));
        offer(buffer, 11, 0, true, bytes(0x41, 0x9A, 0x02));
        offer(buffer, 12, 1, true, bytes(0x41, 0x9A, 0x03));

        buffer.poll(250 * MS, frame -> firsts.add(frame.sequenceNumber(0)));

        assertEquals(List.of(10, 12), firsts, "contrast: the default only looks at markers");
    }

    @Test
    void afterAGap_aRunOpeningWithParameterSets_isComplete() {
        SpscJitterBuffer buffer = buffer(H264FrameCompletenessCheck.INSTANCE);
        offer(buffer, 10, 0, false, bytes(0x41, 0x9A, 0x01)); // frame 0's end (sequence 11) is lost
        offer(buffer, 12, 1, false, aggregation(bytes(STAP_A), SPS, PPS));
        offer(buffer, 13, 1, true, bytes(0x65, 0x88, 0x80));

        buffer.poll(200 * MS, recorder);

        assertEquals(List.of(12), recorder.firstSequences);
        assertEquals(List.of(KeyframeKind.KEYFRAME_WITH_PARAMETER_SETS), recorder.kinds);
    }

    @Test
    void afterAGap_aRunOpeningWithAFirstSlice_isComplete_butOneOpeningMidPicture_isNot() {
        SpscJitterBuffer buffer = buffer(H264FrameCompletenessCheck.INSTANCE);
        offer(buffer, 10, 0, true, bytes(0x41, 0x9A, 0x01));
        // 11 lost: the first slice of frame 1; 12 is its second slice (first_mb_in_slice != 0).
        offer(buffer, 12, 1, true, bytes(0x41, 0x1A, 0x02));
        // 13 lost: the end of frame 2; 14 is frame 3, one slice with first_mb_in_slice == 0.
        offer(buffer, 15, 3, true, bytes(0x41, 0x9A, 0x04));

        buffer.poll(300 * MS, recorder);

        assertEquals(List.of(10, 15), recorder.firstSequences);
        assertEquals(List.of(KeyframeKind.NONE, KeyframeKind.NONE), recorder.kinds);
    }

    @Test
    void atStreamStart_aRunMissingItsFirstSlice_isNotComplete_thoughTheBufferAssumesItsStart() {
        SpscJitterBuffer buffer = buffer(H264FrameCompletenessCheck.INSTANCE);
        // 10 (the first slice of frame 0, the stream's first packet) lost; 11 is its second slice.
        offer(buffer, 11, 0, true, bytes(0x41, 0x1A, 0x01));
        offer(buffer, 12, 1, true, bytes(0x41, 0x9A, 0x02));

        buffer.poll(300 * MS, recorder);

        assertEquals(List.of(12), recorder.firstSequences);
    }

    @Test
    void afterAGap_aRunOpeningWithAFuMiddle_isNotComplete() {
        SpscJitterBuffer buffer = buffer(H264FrameCompletenessCheck.INSTANCE);
        offer(buffer, 10, 0, true, bytes(0x41, 0x9A, 0x01));
        // 11 (FU start of frame 1) lost.
        offer(buffer, 12, 1, false, bytes(FU_A, 1, 0x22));
        offer(buffer, 13, 1, true, bytes(FU_A, 0x40 | 1, 0x23));
        offer(buffer, 14, 2, true, bytes(0x41, 0x9A, 0x03));

        buffer.poll(300 * MS, recorder);

        assertEquals(List.of(10, 14), recorder.firstSequences);
    }

    @Test
    void h265_keyframeInApAndFu_isOneCompleteFrame() {
        SpscJitterBuffer buffer = buffer(H265FrameCompletenessCheck.INSTANCE);
        List<KeyframeKind> kinds = new ArrayList<>();
        byte[] ap = aggregation(bytes(48 << 1, 1), bytes(32 << 1, 1, 0x0C), bytes(33 << 1, 1, 0x01),
                bytes(34 << 1, 1, 0xC1));
        offer(buffer, 100, 0, false, ap);
        offer(buffer, 101, 0, false, bytes(49 << 1, 1, 0x80 | 19, 0xAF));
        offer(buffer, 102, 0, true, bytes(49 << 1, 1, 0x40 | 19, 0x09));
        // Frame 1: its FU end is a plain slice, so the run is malformed.
        offer(buffer, 103, 1, false, bytes(49 << 1, 1, 0x80 | 1, 0xAF));
        offer(buffer, 104, 1, true, bytes(1 << 1, 1, 0x80));

        buffer.poll(300 * MS, frame -> kinds.add(H265Keyframes.classifyFrame(frame)));

        assertEquals(List.of(KeyframeKind.KEYFRAME_WITH_PARAMETER_SETS), kinds);
    }
}
