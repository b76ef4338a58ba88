package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.payload.H264Packetizer;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.VideoPayloadFormat;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A relay told that payload type 102 is H.264 moves a subscriber between simulcast layers at
 * real H.264 keyframes (the sdk-core packetizer's output), starting the new layer with the
 * packet carrying its parameter sets and stopping the old one at its frame's end.
 */
class CodecLayerSwitchTest {

    private static final int H264_PT = 102;
    private static final Track LOW = new Track(0x2000, 0, H264_PT, 0, MediaKind.VIDEO, 0, 90_000, 300_000);
    private static final Track HIGH = new Track(0x1000, 0, H264_PT, 0, MediaKind.VIDEO, 1, 90_000, 2_000_000);
    private static final InetSocketAddress PUBLISHER = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress VIEWER = new InetSocketAddress("127.0.0.1", 6000);
    private static final byte[] SPS = {0x67, 0x42, 0x00, 0x1F, (byte) 0xE9, 0x01};
    private static final byte[] PPS = {0x68, (byte) 0xCE, 0x3C, (byte) 0x80};

    private final RecordingSender out = new RecordingSender();
    private final RelayEngine engine = new RelayEngine(new RelayConfig(7, 500, 5000, 64, 200, 100, 100, null,
            List.of(), Map.of(H264_PT, VideoPayloadFormat.H264)), out, new RelayCounters());
    private final H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(1000).build();
    private final int[] sequence = new int[2];
    private long nowNs = 1_000_000_000L;

    @AfterEach
    void close() {
        engine.close();
    }

    private void control(InetSocketAddress from, ControlMessage message) {
        ByteBuf buf = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, 1, new byte[0], message);
        engine.onDatagram(buf, from, nowNs);
        buf.release();
    }

    private static byte[] nal(int header, int bytes) {
        byte[] nal = new byte[bytes];
        nal[0] = (byte) header;
        for (int i = 1; i < bytes; i++) {
            nal[i] = (byte) (0x11 + i % 200);
        }
        return nal;
    }

    private static byte[] annexB(byte[]... nals) {
        ByteArrayOutputStream au = new ByteArrayOutputStream();
        for (byte[] n : nals) {
            au.writeBytes(new byte[] {0, 0, 0, 1});
            au.writeBytes(n);
        }
        return au.toByteArray();
    }

    /** Sends one frame of a layer as H.264 RTP packets; returns how many packets it took. */
    private int sendFrame(Track track, int frame, boolean keyframe) {
        byte[] au = keyframe ? annexB(SPS, PPS, nal(0x65, 2500)) : annexB(nal(0x41, 1500));
        packetizer.setAccessUnit(au, 0, au.length);
        byte[] payload = new byte[1000];
        int packets = 0;
        while (packetizer.hasNext()) {
            int length = packetizer.next(payload, 0);
            byte[] packet = new byte[1100];
            int layer = track.simulcastLayer();
            int size = new RtpPacketWriter().payloadType(H264_PT).ssrc(track.ssrc())
                    .sequenceNumber(sequence[layer]++).timestamp(frame * 3000).marker(packetizer.marker())
                    .write(packet, 0, packet.length, payload, 0, length);
            ByteBuf buf = Unpooled.wrappedBuffer(packet, 0, size);
            engine.onDatagram(buf, PUBLISHER, nowNs);
            buf.release();
            packets++;
        }
        nowNs += 33_000_000L;
        return packets;
    }

    /** The SSRC of every RTP packet the viewer got since the last call, in order. */
    private List<Integer> ssrcsToViewer() {
        List<Integer> ssrcs = out.to(VIEWER).stream().map(s -> s.bytes())
                .filter(b -> b.length > 12 && (b[1] & 0x7F) == H264_PT)
                .map(b -> Unpooled.wrappedBuffer(b).getInt(8)).toList();
        out.sent.clear();
        return ssrcs;
    }

    @Test
    void loweredCap_switchesAtTheLowLayersH264Keyframe_withItsParameterSetsFirst() {
        control(PUBLISHER, new ControlMessage.Hello(1, 500));
        control(PUBLISHER, new ControlMessage.Publish("show", List.of(LOW, HIGH)));
        control(VIEWER, new ControlMessage.Hello(2, 500));
        control(VIEWER, new ControlMessage.Subscribe("show", 1, 0));
        out.sent.clear();
        int highPackets = sendFrame(HIGH, 0, true);
        sendFrame(LOW, 0, true);
        assertEquals(highPackets, ssrcsToViewer().size(), "the high layer only, to start with");

        control(VIEWER, new ControlMessage.Subscribe("show", 0, 0)); // cap lowered: go to layer 0
        out.sent.clear();
        for (int frame = 1; frame <= 3; frame++) {
            int high = sendFrame(HIGH, frame, false);
            sendFrame(LOW, frame, false); // delta frames of the target: no place to start
            assertEquals(high, ssrcsToViewer().stream().filter(s -> s == HIGH.ssrc()).count(), "frame " + frame);
        }
        // The low layer's keyframe arrives first, then the high layer's frame of the same instant.
        int lowKeyframe = sendFrame(LOW, 4, true);
        sendFrame(HIGH, 4, false);
        List<Integer> atSwitch = ssrcsToViewer();
        assertEquals(lowKeyframe, atSwitch.size(), "the whole low keyframe and nothing of the high layer: " + atSwitch);
        assertEquals(List.of(LOW.ssrc()), atSwitch.stream().distinct().toList());

        int lowDelta = sendFrame(LOW, 5, false);
        sendFrame(HIGH, 5, true); // a high keyframe is no reason to go back above the cap
        assertEquals(lowDelta, ssrcsToViewer().size());
    }
}
