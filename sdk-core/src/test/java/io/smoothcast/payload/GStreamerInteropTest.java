package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our payload formats against GStreamer's (rtph264pay/depay, rtph265pay/depay), with RTP carried
 * in an RFC 4571 stream file: GStreamer packetizes what ffmpeg encoded and our depacketizer must
 * rebuild a stream that decodes to the same pictures; our packetizer's RTP must be accepted by
 * GStreamer's depacketizer with every frame intact.
 */
@Tag("interop")
class GStreamerInteropTest {

    private static final int FRAMES = 60;
    private static final int MTU = 1200;

    @TempDir
    Path dir;

    private MediaTools tools;

    @BeforeEach
    void setUp() {
        assumeTrue(MediaTools.available("ffmpeg", "-version") && MediaTools.available("ffprobe", "-version"),
                "ffmpeg/ffprobe not installed (apt-get install ffmpeg); GStreamer payload interop skipped");
        assumeTrue(MediaTools.available("gst-launch-1.0", "--version"),
                "GStreamer not installed (apt-get install gstreamer1.0-tools gstreamer1.0-plugins-good); skipped");
        tools = new MediaTools(dir);
    }

    private static void assumeElements(String... elements) {
        for (String element : elements) {
            assumeTrue(MediaTools.available("gst-inspect-1.0", element),
                    "GStreamer element " + element + " missing (gstreamer1.0-plugins-good); skipped");
        }
    }

    @Test
    void h264_gstreamerPacketizes_weDepacketize() throws Exception {
        assumeElements("h264parse", "rtph264pay", "rtpstreampay");
        Path source = tools.encodeTestPattern("src.h264", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30",
                "-bf", "0", "-f", "h264");
        List<RtpStreamFile.Packet> packets = gstreamerPacketized(source, "h264");
        Map<Integer, Integer> packetTypes = new TreeMap<>();
        Path received = depacketizeAll(packets, packetTypes, "recv.h264", new H264Depacketizer(),
                p -> p.payload()[0] & 0x1F);

        assertTrue(packetTypes.containsKey(24) && packetTypes.containsKey(28),
                "GStreamer sent STAP-A and FU-A: " + packetTypes);
        assertEquals(FRAMES, tools.countFrames(received));
        assertEquals(tools.frameMd5(source), tools.frameMd5(received), "the same pictures decode");
    }

    @Test
    void h264_wePacketize_gstreamerDepacketizes() throws Exception {
        assumeElements("rtpstreamdepay", "rtph264depay", "h264parse");
        Path source = tools.encodeTestPattern("src.h264", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30",
                "-bf", "0", "-f", "h264");
        H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(MTU).build();
        Path rtp = packetizeAll(source, AccessUnitSplitter.forH264(), packetizer);
        Path received = gstreamerDepacketized(rtp, "h264");

        assertEquals(FRAMES, tools.countFrames(received));
        assertEquals(tools.frameMd5(source), tools.frameMd5(received), "the same pictures decode");
    }

    @Test
    void h265_gstreamerPacketizes_weDepacketize() throws Exception {
        assumeElements("h265parse", "rtph265pay", "rtpstreampay");
        Path source = encodeH265();
        List<RtpStreamFile.Packet> packets = gstreamerPacketized(source, "h265");
        Map<Integer, Integer> packetTypes = new TreeMap<>();
        Path received = depacketizeAll(packets, packetTypes, "recv.h265", new H265Depacketizer(),
                p -> (p.payload()[0] >> 1) & 0x3F);

        assertTrue(packetTypes.containsKey(48) && packetTypes.containsKey(49),
                "GStreamer sent AP and FU: " + packetTypes);
        assertEquals(FRAMES, tools.countFrames(received));
        assertEquals(tools.frameMd5(source), tools.frameMd5(received), "the same pictures decode");
    }

    @Test
    void h265_wePacketize_gstreamerDepacketizes() throws Exception {
        assumeElements("rtpstreamdepay", "rtph265depay", "h265parse");
        Path source = encodeH265();
        H265Packetizer packetizer = H265Packetizer.builder().maxPayloadBytes(MTU).build();
        Path rtp = packetizeAll(source, AccessUnitSplitter.forH265(), packetizer);
        Path received = gstreamerDepacketized(rtp, "h265");

        assertEquals(FRAMES, tools.countFrames(received));
        assertEquals(tools.frameMd5(source), tools.frameMd5(received), "the same pictures decode");
    }

    private Path encodeH265() throws Exception {
        assumeTrue(tools.run("ffmpeg", "-hide_banner", "-encoders").contains("libx265"),
                "this ffmpeg has no libx265 encoder; H.265 interop skipped");
        return tools.encodeTestPattern("src.h265", "-c:v", "libx265", "-preset", "ultrafast",
                "-x265-params", "keyint=30:bframes=0:log-level=error", "-f", "hevc");
    }

    /** The H.264 / H.265 packetizer calls used here. */
    private final byte[] out = new byte[1 << 20];

    /** GStreamer's payloader for {@code codec} ("h264" or "h265") packetizes the file; returns its packets. */
    private List<RtpStreamFile.Packet> gstreamerPacketized(Path source, String codec) throws Exception {
        Path rtp = dir.resolve("gst-" + codec + ".rtpstream");
        tools.run("timeout", "30", "gst-launch-1.0", "-q", "filesrc", "location=" + source, "!", codec + "parse", "!",
                "video/x-" + codec + ",stream-format=byte-stream,alignment=au", "!", "rtp" + codec + "pay",
                "mtu=" + MTU, "pt=96", "aggregate-mode=zero-latency", "!", "rtpstreampay", "!", "filesink",
                "location=" + rtp);
        return RtpStreamFile.parse(Files.readAllBytes(rtp));
    }

    /** GStreamer's depayloader for {@code codec} ("h264" or "h265") turns our RTP file back into Annex-B. */
    private Path gstreamerDepacketized(Path rtp, String codec) throws Exception {
        Path received = dir.resolve("gst." + codec);
        tools.run("timeout", "30", "gst-launch-1.0", "-q", "filesrc", "location=" + rtp, "!",
                "application/x-rtp-stream,media=video,clock-rate=90000,encoding-name=" + codec.toUpperCase(Locale.ROOT)
                        + ",payload=96", "!",
                "rtpstreamdepay", "!", "rtp" + codec + "depay", "!", codec + "parse", "!",
                "video/x-" + codec + ",stream-format=byte-stream", "!", "filesink", "location=" + received);
        return received;
    }

    /** Splits the file into access units, packetizes each at 30 fps timestamps, writes an RFC 4571 file. */
    private Path packetizeAll(Path source, AccessUnitSplitter splitter, AnnexBPacketizer packetizer) throws Exception {
        byte[] stream = Files.readAllBytes(source);
        RtpStreamFile file = new RtpStreamFile();
        byte[] payload = new byte[MTU];
        int sequence = 65_000;
        int frames = 0;
        int at = 0;
        while (at < stream.length) {
            int end = splitter.findAccessUnitEnd(stream, at, stream.length - at);
            int auEnd = end < 0 ? stream.length : end;
            assertTrue(packetizer.setAccessUnit(stream, at, auEnd - at) > 0, "access unit " + frames);
            while (packetizer.hasNext()) {
                int n = packetizer.next(payload, 0);
                file.add(96, sequence++ & 0xFFFF, frames * 3000, packetizer.marker(), payload, 0, n);
            }
            frames++;
            at = auEnd;
        }
        assertEquals(FRAMES, frames);
        Path rtp = dir.resolve("ours.rtpstream");
        Files.write(rtp, file.toByteArray());
        return rtp;
    }

    private interface PacketFunction {
        int apply(RtpStreamFile.Packet packet);
    }

    /** Depacketizes every packet into one Annex-B file, counting packet types and checking markers. */
    private Path depacketizeAll(List<RtpStreamFile.Packet> packets, Map<Integer, Integer> packetTypes, String name,
            AnnexBDepacketizer depacketizer, PacketFunction packetType) throws Exception {
        ByteArrayOutputStream annexB = new ByteArrayOutputStream();
        int markers = 0;
        for (RtpStreamFile.Packet p : packets) {
            packetTypes.merge(packetType.apply(p), 1, Integer::sum);
            int n = depacketizer.depacketize(p.sequenceNumber(), p.payload(), 0, p.payload().length, out, 0);
            assertTrue(n >= 0, "packet " + p.sequenceNumber() + ": " + PayloadErrors.name(n));
            annexB.write(out, 0, n);
            markers += p.marker() ? 1 : 0;
        }
        assertEquals(FRAMES, markers, "GStreamer marks the end of every access unit");
        Path file = dir.resolve(name);
        Files.write(file, annexB.toByteArray());
        return file;
    }
}
