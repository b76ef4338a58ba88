package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.payload.H264Packetizer;
import io.smoothcast.payload.H265Packetizer;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.transport.VideoPayloadFormat;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Keyframe starts in real H.264 and H.265 packetizations (the sdk-core packetizers, with and
 * without aggregation), and in hostile bytes.
 */
class KeyframeStartDetectorTest {

    private static final byte[] H264_AUD = {0x09, (byte) 0xF0};
    private static final byte[] H264_SPS = {0x67, 0x42, 0x00, 0x1F, (byte) 0xE9, 0x01};
    private static final byte[] H264_PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};
    private static final byte[] H265_VPS = {0x40, 0x01, 0x0C, 0x01};
    private static final byte[] H265_SPS = {0x42, 0x01, 0x01, 0x01};
    private static final byte[] H265_PPS = {0x44, 0x01, (byte) 0xC1, 0x72};
    private static final byte[] H265_AUD = {0x46, 0x01, 0x50};

    private int sequence;

    private static byte[] nal(int header0, int header1, int bodyBytes, boolean twoByteHeader) {
        byte[] nal = new byte[(twoByteHeader ? 2 : 1) + bodyBytes];
        nal[0] = (byte) header0;
        if (twoByteHeader) {
            nal[1] = (byte) header1;
        }
        for (int i = twoByteHeader ? 2 : 1; i < nal.length; i++) {
            nal[i] = (byte) (0x11 + i % 200); // never a start code
        }
        return nal;
    }

    private static byte[] annexB(byte[]... nals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] n : nals) {
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.writeBytes(n);
        }
        return out.toByteArray();
    }

    private static List<byte[]> h264Payloads(byte[] accessUnit, boolean aggregation) {
        H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(1200).aggregation(aggregation).build();
        packetizer.setAccessUnit(accessUnit, 0, accessUnit.length);
        List<byte[]> payloads = new ArrayList<>();
        byte[] buffer = new byte[1200];
        while (packetizer.hasNext()) {
            payloads.add(Arrays.copyOf(buffer, packetizer.next(buffer, 0)));
        }
        return payloads;
    }

    private static List<byte[]> h265Payloads(byte[] accessUnit, boolean aggregation) {
        H265Packetizer packetizer = H265Packetizer.builder().maxPayloadBytes(1200).aggregation(aggregation).build();
        packetizer.setAccessUnit(accessUnit, 0, accessUnit.length);
        List<byte[]> payloads = new ArrayList<>();
        byte[] buffer = new byte[1200];
        while (packetizer.hasNext()) {
            payloads.add(Arrays.copyOf(buffer, packetizer.next(buffer, 0)));
        }
        return payloads;
    }

    /** Runs an access unit's payloads through the detector; returns the indexes it calls starts. */
    private List<Integer> starts(KeyframeStartDetector detector, List<byte[]> payloads, int timestamp) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            byte[] payload = payloads.get(i);
            byte[] packet = new byte[1500];
            int length = new RtpPacketWriter().payloadType(96).sequenceNumber(sequence++ & 0xFFFF).timestamp(timestamp)
                    .ssrc(0x1234).marker(i == payloads.size() - 1)
                    .write(packet, 0, packet.length, payload, 0, payload.length);
            ByteBuf buf = Unpooled.wrappedBuffer(packet, 0, length);
            if (detector.isKeyframeStart(buf, 0, 12, payload.length)) {
                starts.add(i);
            }
        }
        return starts;
    }

    @Test
    void h264_keyframeStartsAtItsParameterSets_withOrWithoutAggregation() {
        byte[] idr = nal(0x65, 0, 3000, false);
        byte[] pFrame = nal(0x41, 0, 3000, false);
        for (boolean aggregation : new boolean[] {true, false}) {
            KeyframeStartDetector detector = new KeyframeStartDetector(VideoPayloadFormat.H264);
            String context = "aggregation=" + aggregation;
            assertEquals(List.of(), starts(detector, h264Payloads(annexB(pFrame), aggregation), 0), context);
            assertEquals(List.of(0), starts(detector, h264Payloads(annexB(H264_SPS, H264_PPS, idr), aggregation), 3000),
                    context);
            assertEquals(List.of(), starts(detector, h264Payloads(annexB(pFrame), aggregation), 6000), context);
            // A delimiter first: the start is the parameter sets' packet (or the aggregate holding them).
            List<byte[]> withDelimiter = h264Payloads(annexB(H264_AUD, H264_SPS, H264_PPS, idr), aggregation);
            assertEquals(List.of(aggregation ? 0 : 1), starts(detector, withDelimiter, 9000), context);
        }
    }

    @Test
    void h264_idrWithoutParameterSets_startsAtItsFirstSliceOnly() {
        KeyframeStartDetector detector = new KeyframeStartDetector(VideoPayloadFormat.H264);
        byte[] slice = nal(0x65, 0, 2000, false);
        List<byte[]> payloads = h264Payloads(annexB(slice, slice), false); // two slices, FU-A each
        assertEquals(4, payloads.size());
        assertEquals(List.of(0), starts(detector, payloads, 0));
        // The same timestamp again (a late packet of the same access unit) is no new start.
        assertEquals(List.of(), starts(detector, payloads.subList(0, 1), 0));
    }

    @Test
    void h265_keyframeStartsAtItsParameterSets_andTrailingPicturesAreNot() {
        byte[] idr = nal(19 << 1, 0x01, 3000, true); // IDR_W_RADL
        byte[] trail = nal(1 << 1, 0x01, 3000, true); // TRAIL_R
        for (boolean aggregation : new boolean[] {true, false}) {
            KeyframeStartDetector detector = new KeyframeStartDetector(VideoPayloadFormat.H265);
            String context = "aggregation=" + aggregation;
            assertEquals(List.of(), starts(detector, h265Payloads(annexB(trail), aggregation), 0), context);
            assertEquals(List.of(0),
                    starts(detector, h265Payloads(annexB(H265_VPS, H265_SPS, H265_PPS, idr), aggregation), 3000), context);
            assertEquals(List.of(), starts(detector, h265Payloads(annexB(trail), aggregation), 6000), context);
            // The delimiter goes alone (the IDR is too large to aggregate with): the start is the IDR's first fragment.
            List<byte[]> withDelimiter = h265Payloads(annexB(H265_AUD, idr), aggregation);
            assertEquals(List.of(1), starts(detector, withDelimiter, 9000), context);
        }
    }

    @Test
    void generic_keyframeStartIsTheSAndKBits() {
        KeyframeStartDetector detector = new KeyframeStartDetector(VideoPayloadFormat.GENERIC);
        List<byte[]> frame = List.of(new byte[] {(byte) 0xC0, 1}, new byte[] {0, 2}, new byte[] {(byte) 0x80, 3});
        assertEquals(List.of(0), starts(detector, frame, 0));
    }

    @Test
    void hostilePayloads_neverThrow() {
        long seed = 0x5EED_0005L;
        SplittableRandom random = new SplittableRandom(seed);
        for (VideoPayloadFormat format : VideoPayloadFormat.values()) {
            KeyframeStartDetector detector = new KeyframeStartDetector(format);
            for (int i = 0; i < 20_000; i++) {
                byte[] payload = new byte[random.nextInt(0, 40)];
                random.nextBytes(payload);
                if (payload.length > 0 && random.nextBoolean()) {
                    payload[0] = (byte) (format == VideoPayloadFormat.H265 ? 48 << 1 : 24); // aggregation
                }
                // Any answer is acceptable; throwing is not (the seed is in the name of the test data).
                starts(detector, List.of(payload), random.nextInt(4));
            }
        }
    }
}
