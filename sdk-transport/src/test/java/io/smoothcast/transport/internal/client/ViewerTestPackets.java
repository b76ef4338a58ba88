package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpNackView;
import io.smoothcast.rtp.RtcpPacketType;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Media packets as a node sends them to a viewer, and the NACKs the viewer sends back. */
final class ViewerTestPackets {

    /** The video track the viewer tests subscribe to (simulcast layer 0, with RTX). */
    static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);

    private ViewerTestPackets() {
    }

    /** {@code frame} as the RTP packets of {@link #VIDEO}, from {@code firstSeq}, at RTP time 9000. */
    static List<byte[]> packetize(byte[] frame, int firstSeq) {
        return packetize(VIDEO, frame, firstSeq, 9000);
    }

    /** {@code frame} as the RTP packets of {@code track}, from {@code firstSeq}. */
    static List<byte[]> packetize(Track track, byte[] frame, int firstSeq, int rtpTimestamp) {
        List<byte[]> packets = new ArrayList<>();
        new FramePacketizer(track, 5, firstSeq).packetize(Unpooled.wrappedBuffer(frame), rtpTimestamp, true,
                UnpooledByteBufAllocator.DEFAULT, (packet, seq, offset) -> {
                    packets.add(ByteBufUtil.getBytes(packet));
                    packet.release();
                });
        return packets;
    }

    /** The RFC 4588 retransmission of a {@link #VIDEO} packet, with RTX sequence number {@code rtxSeq}. */
    static byte[] rtx(byte[] original, int rtxSeq) {
        return rtx(VIDEO, original, rtxSeq);
    }

    /** The RFC 4588 retransmission of a packet of {@code track}, with RTX sequence number {@code rtxSeq}. */
    static byte[] rtx(Track track, byte[] original, int rtxSeq) {
        RtpPacketView view = new RtpPacketView();
        view.wrap(original, 0, original.length);
        byte[] payload = new byte[view.payloadLength() + 2];
        payload[0] = (byte) (view.sequenceNumber() >> 8);
        payload[1] = (byte) view.sequenceNumber();
        System.arraycopy(original, view.payloadOffset(), payload, 2, view.payloadLength());
        byte[] packet = new byte[1500];
        int length = new RtpPacketWriter().payloadType(track.rtxPayloadType()).sequenceNumber(rtxSeq)
                .timestamp(view.timestamp()).marker(view.marker()).ssrc(track.rtxSsrc())
                .write(packet, 0, packet.length, payload, 0, payload.length);
        return Arrays.copyOf(packet, length);
    }

    /** The sequence numbers NACKed to {@code node} among {@code sent}. */
    static List<Integer> nackedTo(List<RecordingSender.Sent> sent, InetSocketAddress node) {
        List<Integer> nacked = new ArrayList<>();
        RtcpNackView nack = new RtcpNackView();
        for (RecordingSender.Sent s : sent) {
            byte[] b = s.bytes();
            if (s.recipient().equals(node) && (b[1] & 0xFF) == 205 && (b[0] & 0x1F) == RtcpPacketType.FMT_GENERIC_NACK) {
                assertEquals(ParseStatus.OK, nack.wrap(b, 0, b.length));
                for (int i = 0; i < nack.entryCount(); i++) {
                    nacked.add(nack.packetId(i));
                }
            }
        }
        return nacked;
    }
}
