package io.smoothcast.transport.internal.relay;

import io.netty.buffer.ByteBuf;
import io.smoothcast.payload.H264Keyframes;
import io.smoothcast.payload.H265Keyframes;
import io.smoothcast.transport.VideoPayloadFormat;
import io.smoothcast.transport.internal.netty.UdpTransport;

/**
 * Finds, in one video track's packets as they arrive, the packet a subscriber's decoder can
 * start from: where the relay may switch that subscriber onto this track's simulcast layer.
 *
 * <p>Generic format: the packet's S and K bits. H.264 and H.265: the first packet of an access
 * unit (a new RTP timestamp; delimiter and SEI packets do not count as the first) that carries a
 * parameter set or a keyframe slice ({@link H264Keyframes}, {@link H265Keyframes}). Switching at
 * the parameter sets rather than at the IDR/IRAP slice that follows them means the subscriber's
 * decoder gets the new layer's SPS and PPS (and VPS) before its first picture.
 *
 * <p>Malformed payloads answer false. Not thread-safe: the relay's I/O thread. Allocates nothing
 * after construction.
 */
final class KeyframeStartDetector {

    /** Generic payload format (PROTOCOL.md 4): S and K bits of the first payload byte. */
    private static final int GENERIC_KEYFRAME_START = 0xC0;
    private static final int H264_SEI = 6;
    private static final int H264_SPS = 7;
    private static final int H264_PPS = 8;
    private static final int H264_AUD = 9;
    private static final int H264_STAP_A = 24;
    private static final int H265_VPS = 32;
    private static final int H265_PPS = 34;
    private static final int H265_AUD = 35;
    private static final int H265_PREFIX_SEI = 39;
    private static final int H265_AGGREGATION = 48;

    private static final int PARAMETER_SET = 1;
    private static final int DELIMITER_OR_SEI = 2;
    private static final int OTHER = 4;

    private final VideoPayloadFormat format;
    /** The payload, copied for the sdk-core classifiers that read arrays; null for GENERIC. */
    private final byte[] scratch;
    private int lastTimestamp;
    private boolean timestampSeen;
    /** Whether no packet of the current access unit but delimiters and SEI has arrived yet. */
    private boolean accessUnitOpen;

    KeyframeStartDetector(VideoPayloadFormat format) {
        this.format = format;
        this.scratch = format == VideoPayloadFormat.GENERIC ? null : new byte[UdpTransport.RECEIVE_BUFFER_BYTES];
    }

    /**
     * Looks at the next packet of the track, in arrival order (retransmissions excluded).
     *
     * @param packet the RTP packet
     * @param base index of its first byte
     * @param headerLength length of its RTP header, extension included
     * @param payloadLength length of its payload, padding excluded
     * @return whether a subscriber can start this layer with this packet
     */
    boolean isKeyframeStart(ByteBuf packet, int base, int headerLength, int payloadLength) {
        if (format == VideoPayloadFormat.GENERIC) {
            return payloadLength > 0
                    && (packet.getUnsignedByte(base + headerLength) & GENERIC_KEYFRAME_START) == GENERIC_KEYFRAME_START;
        }
        int timestamp = packet.getInt(base + 4);
        if (!timestampSeen || timestamp != lastTimestamp) {
            timestampSeen = true;
            lastTimestamp = timestamp;
            accessUnitOpen = true;
        }
        if (!accessUnitOpen || payloadLength <= 0) {
            return false;
        }
        int length = Math.min(payloadLength, scratch.length);
        packet.getBytes(base + headerLength, scratch, 0, length);
        int kinds = nalKinds(length);
        if (kinds == DELIMITER_OR_SEI) {
            return false; // the access unit's first real packet is still to come
        }
        accessUnitOpen = false;
        return (kinds & PARAMETER_SET) != 0 || (format == VideoPayloadFormat.H264
                ? H264Keyframes.classifyPayload(scratch, 0, length).isKeyframe()
                : H265Keyframes.classifyPayload(scratch, 0, length).isKeyframe());
    }

    /**
     * What the payload's NAL units are: {@link #PARAMETER_SET}, {@link #DELIMITER_OR_SEI} and
     * {@link #OTHER} bits (a fragment counts as {@link #OTHER}; its slice type is left to the
     * sdk-core classifier); 0 if an aggregation packet is malformed.
     */
    private int nalKinds(int length) {
        boolean h264 = format == VideoPayloadFormat.H264;
        int headerBytes = h264 ? 1 : 2;
        if (length < headerBytes) {
            return 0;
        }
        int type = nalType(0);
        if (type != (h264 ? H264_STAP_A : H265_AGGREGATION)) {
            return kindOf(type);
        }
        int kinds = 0;
        int offset = headerBytes;
        while (offset + 2 <= length) {
            int size = ((scratch[offset] & 0xFF) << 8) | (scratch[offset + 1] & 0xFF);
            offset += 2;
            if (size < headerBytes || offset + size > length) {
                return 0;
            }
            kinds |= kindOf(nalType(offset));
            offset += size;
        }
        return kinds;
    }

    private int nalType(int offset) {
        return format == VideoPayloadFormat.H264 ? scratch[offset] & 0x1F : (scratch[offset] >> 1) & 0x3F;
    }

    private int kindOf(int type) {
        return isParameterSet(type) ? PARAMETER_SET : isDelimiterOrSei(type) ? DELIMITER_OR_SEI : OTHER;
    }

    private boolean isDelimiterOrSei(int type) {
        return format == VideoPayloadFormat.H264
                ? type == H264_AUD || type == H264_SEI
                : type == H265_AUD || type == H265_PREFIX_SEI;
    }

    private boolean isParameterSet(int type) {
        return format == VideoPayloadFormat.H264
                ? type == H264_SPS || type == H264_PPS
                : type >= H265_VPS && type <= H265_PPS;
    }
}
