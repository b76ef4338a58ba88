package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.payload.internal.NalFormat;
import io.smoothcast.payload.internal.NalPayloads;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random bytes through everything that reads untrusted or encoder-supplied media besides the
 * depacketizers: keyframe classification, access unit splitting, the completeness step used by
 * the jitter buffer hook, and the packetizers. Nothing may throw or run outside its range, and
 * the packetizers must still respect the MTU and end every access unit with one marker.
 */
class HostileInspectionTest {

    private static final int ITERATIONS = 50_000;

    /** Random bytes, often with zero runs and start codes so the structured paths are reached. */
    private static int fill(SplittableRandom random, byte[] data) {
        int length = random.nextInt(data.length + 1);
        for (int i = 0; i < length; i++) {
            int roll = random.nextInt(10);
            data[i] = (byte) (roll < 2 ? 0 : roll == 2 ? 1 : random.nextInt(256));
        }
        return length;
    }

    @Test
    void inspection_neverThrowsOnRandomBytes() {
        long seed = 0x1A5EC7L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[200];
        int keyframes = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            int length = fill(random, data);
            int offset = length == 0 ? 0 : random.nextInt(length);
            int span = length - offset;
            String context = "seed=" + seed + " iteration=" + i;
            keyframes += H264Keyframes.classifyPayload(data, offset, span).isKeyframe() ? 1 : 0;
            keyframes += H265Keyframes.classifyPayload(data, offset, span).isKeyframe() ? 1 : 0;
            H264Keyframes.classifyAccessUnit(data, offset, span);
            H265Keyframes.classifyAccessUnit(data, offset, span);
            for (AccessUnitSplitter splitter : new AccessUnitSplitter[] {AccessUnitSplitter.forH264(),
                    AccessUnitSplitter.forH265()}) {
                int end = splitter.findAccessUnitEnd(data, offset, span);
                assertTrue(end == -1 || (end >= offset && end <= offset + span), context + ": end " + end);
            }
            for (NalFormat format : NalFormat.values()) {
                NalPayloads.startsAccessUnit(format, data, offset, span);
                int state = NalPayloads.stepFragmentState(format, NalPayloads.NO_OPEN_FRAGMENT, data, offset, span);
                assertTrue(state >= NalPayloads.BROKEN && state < 64, context + ": state " + state);
            }
        }
        assertTrue(keyframes > 0, "some random payloads look like keyframes: " + keyframes);
    }

    @Test
    void packetizers_respectTheMtuAndMarkTheLastPacketOnRandomInput() {
        long seed = 0x9AC4L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[3000];
        byte[] packet = new byte[1500];
        int accepted = 0;
        for (int i = 0; i < 5_000; i++) {
            int length = fill(random, data);
            if (length >= 3 && random.nextInt(4) != 0) {
                // Mostly input that starts like Annex-B, so the splitting and packet paths run.
                data[0] = 0;
                data[1] = 0;
                data[2] = 1;
            }
            int mtu = 4 + random.nextInt(300);
            H264Packetizer h264 = H264Packetizer.builder().maxPayloadBytes(mtu).maxNalUnitsPerAccessUnit(64).build();
            H265Packetizer h265 = H265Packetizer.builder().maxPayloadBytes(mtu).maxNalUnitsPerAccessUnit(64).build();
            String context = "seed=" + seed + " iteration=" + i + " mtu=" + mtu;
            int n264 = h264.setAccessUnit(data, 0, length);
            assertFalse(PayloadErrors.name(n264).startsWith("UNKNOWN"), context);
            if (n264 > 0) {
                accepted++;
                int markers = 0;
                while (h264.hasNext()) {
                    int n = h264.next(packet, 0);
                    assertTrue(n >= 1 && n <= mtu, context + ": payload of " + n);
                    markers += h264.marker() ? 1 : 0;
                }
                assertEquals(1, markers, context);
            }
            int n265 = h265.setAccessUnit(data, 0, length);
            assertFalse(PayloadErrors.name(n265).startsWith("UNKNOWN"), context);
            int markers = 0;
            while (h265.hasNext()) {
                int n = h265.next(packet, 0);
                assertTrue(n >= 1 && n <= mtu, context + ": payload of " + n);
                markers += h265.marker() ? 1 : 0;
            }
            assertEquals(n265 > 0 ? 1 : 0, markers, context);
        }
        assertTrue(accepted > 1000, "random input that is valid Annex-B was packetized: " + accepted);
    }
}
