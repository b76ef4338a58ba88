package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smoothcast.jitter.FrameCompletenessCheck;
import io.smoothcast.jitter.SpscJitterBuffer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real H.264 and H.265 from ffmpeg (libx264, libx265) through our packetizer at MTU 1200, our
 * depacketizer and, in a second pass, the jitter buffer with our completeness hook: ffprobe must
 * count the same frames, the NAL units must be byte-identical and ffmpeg must decode the same
 * pictures (framemd5).
 */
@Tag("interop")
class FfmpegInteropTest {

    private static final int MTU = 1200;
    private static final int FRAMES = 60;
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private MediaTools tools;

    @BeforeEach
    void setUp() {
        tools = new MediaTools(dir);
    }

    private interface Classifier {
        KeyframeKind classify(byte[] accessUnit, int offset, int length);
    }

    /** One codec's pieces: packetizer, depacketizer, keyframe classifier and completeness check. */
    private record Codec(AnnexBPacketizer packetizer, AnnexBDepacketizer depacketizer, Classifier classifier,
            FrameCompletenessCheck completeness) {

        int packetize(byte[] au, int offset, int length, byte[] out, List<byte[]> payloads, List<Boolean> markers) {
            int nals = packetizer.setAccessUnit(au, offset, length);
            while (packetizer.hasNext()) {
                int n = packetizer.next(out, 0);
                payloads.add(Arrays.copyOf(out, n));
                markers.add(packetizer.marker());
            }
            return nals;
        }

        int depacketize(int sequence, byte[] payload, int offset, int length, byte[] out) {
            return depacketizer.depacketize(sequence, payload, offset, length, out, 0);
        }

        KeyframeKind classify(byte[] au, int offset, int length) {
            return classifier.classify(au, offset, length);
        }
    }

    @Test
    void h264FromLibx264_survivesPacketizationBitExact() throws Exception {
        assumeFfmpeg();
        Path source = tools.encodeTestPattern("out.h264", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30",
                "-bf", "0", "-f", "h264");
        Codec h264 = new Codec(H264Packetizer.builder().maxPayloadBytes(MTU).build(), new H264Depacketizer(),
                H264Keyframes::classifyAccessUnit, H264FrameCompletenessCheck.INSTANCE);
        roundTrip(source, "h264", AccessUnitSplitter.forH264(), h264);
    }

    @Test
    void h265FromLibx265_survivesPacketizationBitExact() throws Exception {
        assumeFfmpeg();
        assumeTrue(tools.run("ffmpeg", "-hide_banner", "-encoders").contains("libx265"),
                "this ffmpeg has no libx265 encoder; H.265 interop skipped");
        Path source = tools.encodeTestPattern("out.h265", "-c:v", "libx265", "-preset", "ultrafast",
                "-x265-params", "keyint=30:bframes=0:log-level=error", "-f", "hevc");
        Codec h265 = new Codec(H265Packetizer.builder().maxPayloadBytes(MTU).build(), new H265Depacketizer(),
                H265Keyframes::classifyAccessUnit, H265FrameCompletenessCheck.INSTANCE);
        roundTrip(source, "hevc", AccessUnitSplitter.forH265(), h265);
    }

    private void roundTrip(Path source, String format, AccessUnitSplitter splitter, Codec codec) throws Exception {
        byte[] stream = Files.readAllBytes(source);
        int sourceFrames = tools.countFrames(source);
        assertEquals(FRAMES, sourceFrames, "ffmpeg wrote 2 s at 30 fps");

        List<int[]> accessUnits = new ArrayList<>();
        int at = 0;
        int end;
        while ((end = splitter.findAccessUnitEnd(stream, at, stream.length - at)) >= 0) {
            accessUnits.add(new int[] {at, end - at});
            at = end;
        }
        accessUnits.add(new int[] {at, stream.length - at});
        assertEquals(sourceFrames, accessUnits.size(), "one access unit per frame");

        // Pass 1: packetizer -> depacketizer.
        byte[] scratch = new byte[MTU];
        byte[] out = new byte[1 << 20];
        List<List<byte[]>> packetsPerFrame = new ArrayList<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int sequence = 65_500;
        int keyframes = 0;
        for (int[] au : accessUnits) {
            if (codec.classify(stream, au[0], au[1]) == KeyframeKind.KEYFRAME_WITH_PARAMETER_SETS) {
                keyframes++;
            }
            List<byte[]> payloads = new ArrayList<>();
            List<Boolean> markers = new ArrayList<>();
            assertTrue(codec.packetize(stream, au[0], au[1], scratch, payloads, markers) > 0);
            for (int i = 0; i < payloads.size(); i++) {
                byte[] p = payloads.get(i);
                assertTrue(p.length <= MTU);
                assertEquals(i == payloads.size() - 1, markers.get(i), "marker only on the last packet");
                int n = codec.depacketize(sequence++ & 0xFFFF, p, 0, p.length, out);
                assertTrue(n >= 0, "depacketize: " + PayloadErrors.name(n));
                received.write(out, 0, n);
            }
            packetsPerFrame.add(payloads);
        }
        assertTrue(codec.classify(stream, accessUnits.get(0)[0], accessUnits.get(0)[1]).isKeyframe(),
                "the stream starts with a keyframe");
        assertTrue(keyframes >= 2, "a keyframe with parameter sets every 30 frames: " + keyframes);
        assertTrue(packetsPerFrame.stream().mapToInt(List::size).max().orElse(0) > 1, "keyframes needed FUs");

        Path direct = dir.resolve("direct." + format);
        Files.write(direct, received.toByteArray());
        assertArrayEquals(normalizedNalUnits(stream), received.toByteArray(), "every NAL unit byte-identical");
        assertEquals(sourceFrames, tools.countFrames(direct), "ffprobe counts the same frames");
        List<String> sourcePictures = tools.frameMd5(source);
        assertEquals(FRAMES, sourcePictures.size(), "ffmpeg decoded every source frame");
        assertEquals(sourcePictures, tools.frameMd5(direct), "ffmpeg decodes the same pictures");

        // Pass 2: the same packets through the jitter buffer with our completeness hook, one frame per 33 ms.
        SpscJitterBuffer buffer = SpscJitterBuffer.builder().fixedDelayMs(100).capacityPackets(1024)
                .maxPayloadBytes(MTU).nackEnabled(false).completenessCheck(codec.completeness()).build();
        ByteArrayOutputStream played = new ByteArrayOutputStream();
        int[] delivered = {0};
        byte[] frameOut = new byte[1 << 20];
        sequence = 100;
        for (int f = 0; f < packetsPerFrame.size(); f++) {
            long nowNs = f * 33 * MS;
            List<byte[]> payloads = packetsPerFrame.get(f);
            for (int i = 0; i < payloads.size(); i++) {
                byte[] p = payloads.get(i);
                buffer.offer(0x1234, sequence++, f * 3000, i == payloads.size() - 1, nowNs, p, 0, p.length);
            }
            buffer.poll(nowNs, frame -> {
                delivered[0]++;
                for (int i = 0; i < frame.packetCount(); i++) {
                    int n = codec.depacketize(frame.sequenceNumber(i), frame.payloadArray(i), frame.payloadOffset(i),
                            frame.payloadLength(i), frameOut);
                    assertTrue(n >= 0, "depacketize after the jitter buffer: " + PayloadErrors.name(n));
                    played.write(frameOut, 0, n);
                }
            });
        }
        buffer.poll(packetsPerFrame.size() * 33 * MS + 1000 * MS, frame -> {
            delivered[0]++;
            for (int i = 0; i < frame.packetCount(); i++) {
                int n = codec.depacketize(frame.sequenceNumber(i), frame.payloadArray(i), frame.payloadOffset(i),
                        frame.payloadLength(i), frameOut);
                played.write(frameOut, 0, Math.max(n, 0));
            }
        });
        assertEquals(sourceFrames, delivered[0], "the completeness hook passes every real frame");
        Path viaBuffer = dir.resolve("buffered." + format);
        Files.write(viaBuffer, played.toByteArray());
        assertArrayEquals(received.toByteArray(), played.toByteArray(), "same bytes through the jitter buffer");
        assertEquals(sourceFrames, tools.countFrames(viaBuffer));
    }

    /**
     * The source's NAL units, each behind {@code 00 00 00 01}: written independently of the
     * production scanner (a plain byte loop) so the comparison does not test the code against itself.
     */
    private static byte[] normalizedNalUnits(byte[] stream) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i + 2 < stream.length; i++) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                starts.add(i + 3);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int k = 0; k < starts.size(); k++) {
            int begin = starts.get(k);
            int limit = k + 1 < starts.size() ? starts.get(k + 1) - 3 : stream.length;
            while (limit > begin && stream[limit - 1] == 0) {
                limit--;
            }
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.write(stream, begin, limit - begin);
        }
        return out.toByteArray();
    }

    private static void assumeFfmpeg() {
        assumeTrue(MediaTools.available("ffmpeg", "-version") && MediaTools.available("ffprobe", "-version"),
                "ffmpeg/ffprobe not installed (apt-get install ffmpeg); payload interop skipped");
    }
}
