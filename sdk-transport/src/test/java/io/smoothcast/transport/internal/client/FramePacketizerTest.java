package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.Track;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FramePacketizerTest {

    private static final Track VIDEO = new Track(0xABCD, 0xABCE, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    private static final int TRANSPORT_ID = 5;

    @Test
    void frame_isCutIntoPacketsWithStartBitFirst_markerLast_consecutiveSequenceNumbers() {
        FramePacketizer packetizer = new FramePacketizer(VIDEO, TRANSPORT_ID, 65534);
        byte[] frame = new byte[3000];
        new SplittableRandom(3).nextBytes(frame);
        List<byte[]> packets = new ArrayList<>();
        List<Integer> transportOffsets = new ArrayList<>();
        int count = packetizer.packetize(Unpooled.wrappedBuffer(frame), 123_456, true, UnpooledByteBufAllocator.DEFAULT,
                (packet, seq, offset) -> {
                    packet.setShort(packet.readerIndex() + offset, 700 + packets.size());
                    packets.add(ByteBufUtil.getBytes(packet));
                    transportOffsets.add(offset);
                    packet.release();
                });
        assertEquals(3, count);
        ByteArrayOutputStream reassembled = new ByteArrayOutputStream();
        RtpPacketView view = new RtpPacketView();
        for (int i = 0; i < packets.size(); i++) {
            byte[] p = packets.get(i);
            assertEquals(ParseStatus.OK, view.wrap(p, 0, p.length));
            assertTrue(p.length <= FramePacketizer.MAX_PAYLOAD_BYTES + 64);
            assertEquals((65534 + i) & 0xFFFF, view.sequenceNumber());
            assertEquals(123_456, view.timestamp());
            assertEquals(VIDEO.ssrc(), view.ssrc());
            assertEquals(96, view.payloadType());
            assertEquals(i == packets.size() - 1, view.marker());
            assertEquals(700 + i, view.transportSequenceNumber(TRANSPORT_ID), "offset points at the extension");
            int header = p[view.payloadOffset()] & 0xFF;
            assertEquals(i == 0, (header & GenericPayload.START) != 0);
            assertTrue((header & GenericPayload.KEYFRAME) != 0);
            reassembled.write(p, view.payloadOffset() + 1, view.payloadLength() - 1);
        }
        assertEquals(ByteBufUtil.hexDump(frame), ByteBufUtil.hexDump(reassembled.toByteArray()));
    }

    @Test
    void smallFrame_isOnePacketWithStartAndMarker() {
        FramePacketizer packetizer = new FramePacketizer(VIDEO, TRANSPORT_ID, 1);
        List<ByteBuf> out = new ArrayList<>();
        packetizer.packetize(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}), 0, false, UnpooledByteBufAllocator.DEFAULT,
                (packet, seq, offset) -> out.add(packet));
        assertEquals(1, out.size());
        byte[] p = ByteBufUtil.getBytes(out.get(0));
        out.get(0).release();
        RtpPacketView view = new RtpPacketView();
        view.wrap(p, 0, p.length);
        assertTrue(view.marker());
        assertEquals(GenericPayload.START, p[view.payloadOffset()] & 0xFF);
        assertEquals(4, view.payloadLength());
    }
}
