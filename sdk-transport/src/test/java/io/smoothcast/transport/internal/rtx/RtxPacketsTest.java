package io.smoothcast.transport.internal.rtx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.RtpPacketWriter;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RtxPacketsTest {

    private static byte[] original(int padding) {
        byte[] payload = new byte[300];
        new SplittableRandom(1).nextBytes(payload);
        byte[] packet = new byte[1500];
        int length = new RtpPacketWriter().payloadType(96).sequenceNumber(4242).timestamp(90_000).marker(true)
                .ssrc(0x1000).addCsrc(77).addTransportSequenceNumber(5, 9).paddingLength(padding)
                .write(packet, 0, packet.length, payload, 0, payload.length);
        return Arrays.copyOf(packet, length);
    }

    @Test
    void toRtxThenFromRtx_restoresTheOriginal_withoutPadding() {
        byte[] original = original(0);
        ByteBuf rtx = RtxPackets.toRtx(UnpooledByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(original), 97, 0x1001, 7);
        byte[] rtxBytes = ByteBufUtil.getBytes(rtx);
        RtpPacketView view = new RtpPacketView();
        assertEquals(ParseStatus.OK, view.wrap(rtxBytes, 0, rtxBytes.length));
        assertEquals(97, view.payloadType());
        assertEquals(0x1001, view.ssrc());
        assertEquals(7, view.sequenceNumber());
        assertEquals(9, view.transportSequenceNumber(5));
        assertEquals(4242, ((rtxBytes[view.payloadOffset()] & 0xFF) << 8) | (rtxBytes[view.payloadOffset() + 1] & 0xFF));
        ByteBuf restored = RtxPackets.fromRtx(UnpooledByteBufAllocator.DEFAULT, rtx, 96, 0x1000);
        assertArrayEquals(original, ByteBufUtil.getBytes(restored));
        rtx.release();
        restored.release();
    }

    @Test
    void paddingIsDropped() {
        byte[] padded = original(8);
        ByteBuf rtx = RtxPackets.toRtx(UnpooledByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(padded), 97, 0x1001, 7);
        ByteBuf restored = RtxPackets.fromRtx(UnpooledByteBufAllocator.DEFAULT, rtx, 96, 0x1000);
        byte[] bytes = ByteBufUtil.getBytes(restored);
        assertEquals(padded.length - 8, bytes.length);
        assertEquals(0, bytes[0] & 0x20, "P bit cleared");
        rtx.release();
        restored.release();
    }

    @Test
    void malformedRtx_isRefused() {
        assertNull(RtxPackets.fromRtx(UnpooledByteBufAllocator.DEFAULT,
                Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 97, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}), 96, 1), "no OSN");
        assertNull(RtxPackets.fromRtx(UnpooledByteBufAllocator.DEFAULT,
                Unpooled.wrappedBuffer(new byte[] {(byte) 0x8F, 97, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}), 96, 1),
                "CSRCs past the end");
    }
}
