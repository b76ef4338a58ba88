package io.smoothcast.benchmarks.rtp;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Baseline for {@link RtpCodecBenchmark}: the RTP codec as it is commonly written in Java, with
 * {@link ByteBuffer} and one object per parsed packet (header fields, a CSRC array and a map of
 * header extension elements). Same semantics as the SDK's view and writer for the packets the
 * benchmark uses (fixed header, CSRCs, RFC 8285 one-byte extensions, padding), with the same
 * bounds checks. Benchmark code only, not part of the SDK.
 */
final class ObjectRtpCodec {

    private ObjectRtpCodec() {
    }

    /** A parsed packet. */
    static final class Packet {
        boolean marker;
        int payloadType;
        int sequenceNumber;
        int timestamp;
        int ssrc;
        int[] csrcs;
        Map<Integer, byte[]> extensions;
        int payloadOffset;
        int payloadLength;
    }

    /** @return the parsed packet, or null when the bytes are not a valid packet */
    static Packet parse(byte[] bytes, int offset, int length) {
        if (length < 12) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length).slice();
        int first = buffer.get(0) & 0xFF;
        if ((first >>> 6) != 2) {
            return null;
        }
        Packet packet = new Packet();
        packet.marker = (buffer.get(1) & 0x80) != 0;
        packet.payloadType = buffer.get(1) & 0x7F;
        packet.sequenceNumber = buffer.getShort(2) & 0xFFFF;
        packet.timestamp = buffer.getInt(4);
        packet.ssrc = buffer.getInt(8);
        int csrcCount = first & 0x0F;
        int position = 12 + 4 * csrcCount;
        if (position > length) {
            return null;
        }
        packet.csrcs = new int[csrcCount];
        for (int i = 0; i < csrcCount; i++) {
            packet.csrcs[i] = buffer.getInt(12 + 4 * i);
        }
        packet.extensions = new HashMap<>();
        if ((first & 0x10) != 0) {
            if (position + 4 > length) {
                return null;
            }
            int profile = buffer.getShort(position) & 0xFFFF;
            int extensionLength = 4 * (buffer.getShort(position + 2) & 0xFFFF);
            int start = position + 4;
            int end = start + extensionLength;
            if (end > length) {
                return null;
            }
            if (profile == 0xBEDE) {
                int p = start;
                while (p < end) {
                    int b = buffer.get(p) & 0xFF;
                    if (b == 0) {
                        p++;
                        continue;
                    }
                    int id = b >>> 4;
                    if (id == 15) {
                        break;
                    }
                    int len = (b & 0x0F) + 1;
                    if (p + 1 + len > end) {
                        return null;
                    }
                    byte[] data = new byte[len];
                    buffer.get(p + 1, data);
                    packet.extensions.put(id, data);
                    p += 1 + len;
                }
            }
            position = end;
        }
        int padding = 0;
        if ((first & 0x20) != 0) {
            padding = buffer.get(length - 1) & 0xFF;
            if (padding == 0 || padding > length - position) {
                return null;
            }
        }
        packet.payloadOffset = offset + position;
        packet.payloadLength = length - position - padding;
        return packet;
    }

    /**
     * Writes a packet with the two Smoothcast extensions (one-byte form) through a ByteBuffer.
     *
     * @return the packet's length, or -1 if it does not fit
     */
    static int write(ByteBuffer out, boolean marker, int payloadType, int sequenceNumber, int timestamp, int ssrc,
                     int transportSequenceId, int transportSequenceNumber, int captureTimeId, long captureTimeNtp,
                     byte[] payload, int payloadOffset, int payloadLength) {
        int length = 12 + 4 + 12 + payloadLength;
        if (out.capacity() < length) {
            return -1;
        }
        out.clear();
        out.put((byte) 0x90).put((byte) ((marker ? 0x80 : 0) | payloadType)).putShort((short) sequenceNumber)
            .putInt(timestamp).putInt(ssrc);
        out.putShort((short) 0xBEDE).putShort((short) 3);
        out.put((byte) ((transportSequenceId << 4) | 1)).putShort((short) transportSequenceNumber);
        out.put((byte) ((captureTimeId << 4) | 7)).putLong(captureTimeNtp);
        out.put(payload, payloadOffset, payloadLength);
        return out.position();
    }
}
