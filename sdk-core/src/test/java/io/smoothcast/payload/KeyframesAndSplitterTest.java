package io.smoothcast.payload;

import static io.smoothcast.payload.NalUnits.aggregation;
import static io.smoothcast.payload.NalUnits.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyframesAndSplitterTest {

    private final SplittableRandom random = new SplittableRandom(11);

    private byte[] h264(int type) {
        return NalUnits.firstSlice(NalUnits.h264(type, 3, 30, random), 1, true);
    }

    private byte[] h265(int type) {
        return NalUnits.firstSlice(NalUnits.h265(type, 30, random), 2, true);
    }

    @Test
    void h264AccessUnits_areClassifiedByIdrAndParameterSets() {
        assertEquals(KeyframeKind.KEYFRAME_WITH_PARAMETER_SETS,
                classify264(h264(9), h264(7), h264(8), h264(6), h264(5)));
        assertEquals(KeyframeKind.KEYFRAME, classify264(h264(5)));
        assertEquals(KeyframeKind.KEYFRAME, classify264(h264(7), h264(5)), "PPS missing");
        assertEquals(KeyframeKind.NONE, classify264(h264(7), h264(8), h264(1)));
        assertEquals(KeyframeKind.NONE, classify264(h264(1)));
        assertFalse(KeyframeKind.NONE.isKeyframe());
        assertTrue(KeyframeKind.KEYFRAME.isKeyframe());
    }

    @Test
    void h265AccessUnits_areClassifiedByIrapAndParameterSets() {
        for (int irap = 16; irap <= 23; irap++) {
            assertEquals(KeyframeKind.KEYFRAME, classify265(h265(irap)), "type " + irap);
        }
        assertEquals(KeyframeKind.KEYFRAME_WITH_PARAMETER_SETS, classify265(h265(32), h265(33), h265(34), h265(19)));
        assertEquals(KeyframeKind.KEYFRAME, classify265(h265(33), h265(34), h265(21)), "VPS missing");
        assertEquals(KeyframeKind.NONE, classify265(h265(1)));
        assertEquals(KeyframeKind.NONE, classify265(h265(15)));
        assertEquals(KeyframeKind.NONE, classify265(h265(24)));
    }

    @Test
    void h264Payloads_areClassifiedByTheNalUnitsTheyCarry() {
        byte[] stap = aggregation(bytes(0x78), h264(7), h264(8), h264(5));
        assertEquals(KeyframeKind.KEYFRAME_WITH_PARAMETER_SETS, H264Keyframes.classifyPayload(stap, 0, stap.length));
        byte[] parameterSetsOnly = aggregation(bytes(0x78), h264(7), h264(8));
        assertEquals(KeyframeKind.NONE, H264Keyframes.classifyPayload(parameterSetsOnly, 0, parameterSetsOnly.length));
        assertEquals(KeyframeKind.KEYFRAME, H264Keyframes.classifyPayload(bytes(0x7C, 0x85, 1), 0, 3),
                "FU-A start of IDR");
        assertEquals(KeyframeKind.KEYFRAME, H264Keyframes.classifyPayload(bytes(0x7C, 0x05, 1), 0, 3),
                "FU-A middle of IDR");
        assertEquals(KeyframeKind.NONE, H264Keyframes.classifyPayload(bytes(0x5C, 0x81, 1), 0, 3), "FU-A of a P slice");
        assertEquals(KeyframeKind.NONE, H264Keyframes.classifyPayload(bytes(0xE5, 1), 0, 2), "F bit set");
        assertEquals(KeyframeKind.NONE, H264Keyframes.classifyPayload(new byte[0], 0, 0));
        byte[] truncated = bytes(0x78, 0, 3, 0x65, 1);
        assertEquals(KeyframeKind.NONE, H264Keyframes.classifyPayload(truncated, 0, truncated.length));
    }

    @Test
    void h265Payloads_areClassifiedByTheNalUnitsTheyCarry() {
        byte[] ap = aggregation(bytes(48 << 1, 1), h265(32), h265(33), h265(34), h265(20));
        assertEquals(KeyframeKind.KEYFRAME_WITH_PARAMETER_SETS, H265Keyframes.classifyPayload(ap, 0, ap.length));
        assertEquals(KeyframeKind.KEYFRAME, H265Keyframes.classifyPayload(bytes(49 << 1, 1, 0x80 | 19, 7), 0, 4));
        assertEquals(KeyframeKind.NONE, H265Keyframes.classifyPayload(bytes(1 << 1, 1, 7), 0, 3));
    }

    @Test
    void classify_rejectsBadArgumentsByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> H264Keyframes.classifyAccessUnit(null, 0, 0));
        assertTrue(e.getMessage().contains("accessUnit"));
        assertThrows(IllegalArgumentException.class, () -> H265Keyframes.classifyPayload(new byte[2], 1, 2));
        assertThrows(IllegalArgumentException.class, () -> H264Keyframes.classifyFrame(null));
    }

    @Test
    void h264Splitter_cutsBeforeParameterSetsAndFirstSlices() {
        byte[] sps = h264(7);
        byte[] pps = h264(8);
        byte[] idr = h264(5);
        byte[] p1 = h264(1);
        byte[] p1b = NalUnits.firstSlice(NalUnits.h264(1, 2, 30, random), 1, false);
        byte[] aud = bytes(0x09, 0xF0);
        byte[] p2 = h264(1);
        List<List<byte[]>> units = List.of(List.of(sps, pps, idr), List.of(p1, p1b), List.of(aud, p2));

        List<Integer> lengths = split(AccessUnitSplitter.forH264(), units);

        assertEquals(List.of(length(units.get(0)), length(units.get(1)), length(units.get(2))), lengths);
    }

    @Test
    void h265Splitter_cutsBeforeParameterSetsAndFirstSliceSegments() {
        byte[] second = NalUnits.firstSlice(NalUnits.h265(1, 30, random), 2, false);
        List<List<byte[]>> units = List.of(List.of(h265(32), h265(33), h265(34), h265(39), h265(19)),
                List.of(h265(1), second), List.of(h265(0)));

        List<Integer> lengths = split(AccessUnitSplitter.forH265(), units);

        assertEquals(List.of(length(units.get(0)), length(units.get(1)), length(units.get(2))), lengths);
    }

    @Test
    void splitter_answersMinusOneUntilTheNextAccessUnitBegins() {
        byte[] stream = NalUnits.annexB(List.of(h264(7), h264(8), h264(5)), true);
        assertEquals(-1, AccessUnitSplitter.forH264().findAccessUnitEnd(stream, 0, stream.length));
        assertEquals(-1, AccessUnitSplitter.forH264().findAccessUnitEnd(new byte[0], 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> AccessUnitSplitter.forH264().findAccessUnitEnd(stream, 0, -1));
    }

    /** Lengths of the access units the splitter finds in the concatenated units (4-byte start codes). */
    private static List<Integer> split(AccessUnitSplitter splitter, List<List<byte[]>> units) {
        List<byte[]> all = new ArrayList<>();
        units.forEach(all::addAll);
        byte[] stream = NalUnits.annexB(all, true);
        List<Integer> lengths = new ArrayList<>();
        int at = 0;
        int end;
        while ((end = splitter.findAccessUnitEnd(stream, at, stream.length - at)) >= 0) {
            lengths.add(end - at);
            at = end;
        }
        lengths.add(stream.length - at);
        return lengths;
    }

    private static int length(List<byte[]> nals) {
        return NalUnits.annexB(nals, true).length;
    }

    private static KeyframeKind classify264(byte[]... nals) {
        byte[] au = NalUnits.annexB(List.of(nals), false);
        return H264Keyframes.classifyAccessUnit(au, 0, au.length);
    }

    private static KeyframeKind classify265(byte[]... nals) {
        byte[] au = NalUnits.annexB(List.of(nals), true);
        return H265Keyframes.classifyAccessUnit(au, 0, au.length);
    }
}
