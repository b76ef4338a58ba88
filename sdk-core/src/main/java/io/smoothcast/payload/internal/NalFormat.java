package io.smoothcast.payload.internal;

import io.smoothcast.payload.KeyframeKind;
import io.smoothcast.payload.PayloadErrors;

/**
 * What differs between the H.264 (RFC 6184) and H.265 (RFC 7798) RTP payload formats: the NAL
 * unit header (one or two bytes), the aggregation and fragmentation packet types and their
 * headers, where an access unit starts and which NAL units make a keyframe. The packetizer,
 * depacketizer and frame checks are written once against this.
 *
 * <p>Stateless; thread-safe.
 */
public enum NalFormat {

    /** H.264: 1-byte header {@code F | NRI(2) | Type(5)}; STAP-A = 24, FU-A = 28. */
    H264 {
        @Override
        public int headerBytes() {
            return 1;
        }

        @Override
        public int nalType(byte[] data, int offset) {
            return data[offset] & 0x1F;
        }

        @Override
        public int aggregationType() {
            return 24;
        }

        @Override
        public int fragmentationType() {
            return 28;
        }

        @Override
        public boolean isSingleNalType(int type) {
            return type >= 1 && type <= 23;
        }

        @Override
        public int checkHeader(byte[] data, int offset) {
            return (data[offset] & 0x80) != 0 ? PayloadErrors.FORBIDDEN_BIT : 0;
        }

        @Override
        public void writeAggregationHeader(byte[] src, int[] nalStarts, int from, int to, byte[] out, int offset) {
            // F is the OR of the units' F bits, NRI their maximum (RFC 6184 section 5.7).
            int f = 0;
            int nri = 0;
            for (int i = from; i < to; i++) {
                int header = src[nalStarts[i]];
                f |= header & 0x80;
                nri = Math.max(nri, header & 0x60);
            }
            out[offset] = (byte) (f | nri | 24);
        }

        @Override
        public void writeFragmentationPrefix(byte[] src, int nalStart, boolean start, boolean end, byte[] out,
                int offset) {
            int header = src[nalStart];
            out[offset] = (byte) ((header & 0xE0) | 28);
            out[offset + 1] = (byte) ((start ? 0x80 : 0) | (end ? 0x40 : 0) | (header & 0x1F));
        }

        @Override
        public int fragmentedType(int fuHeader) {
            return fuHeader & 0x1F;
        }

        @Override
        public void writeDefragmentedHeader(byte[] payload, int offset, byte[] out, int outOffset) {
            out[outOffset] = (byte) ((payload[offset] & 0xE0) | (payload[offset + 1] & 0x1F));
        }

        @Override
        public boolean isSlice(int type) {
            return type >= 1 && type <= 5;
        }

        @Override
        public boolean startsAccessUnit(int type, int firstBodyByte) {
            switch (type) {
                case 1: case 2: case 5:
                    // Slice header begins with first_mb_in_slice, ue(v): a leading 1 bit codes 0.
                    return firstBodyByte >= 0 && (firstBodyByte & 0x80) != 0;
                case 6: case 7: case 8: case 9: case 14: case 15: case 16: case 17: case 18:
                    // SEI, SPS, PPS, AUD and types 14..18 open an access unit (H.264 7.4.1.2.3).
                    return true;
                default:
                    return false;
            }
        }

        @Override
        public KeyframeKind classify(long nalTypeMask) {
            if ((nalTypeMask & (1L << 5)) == 0) {
                return KeyframeKind.NONE;
            }
            long parameterSets = (1L << 7) | (1L << 8);
            return (nalTypeMask & parameterSets) == parameterSets
                    ? KeyframeKind.KEYFRAME_WITH_PARAMETER_SETS : KeyframeKind.KEYFRAME;
        }
    },

    /**
     * H.265: 2-byte header {@code F | Type(6) | LayerId(6) | TID(3)}; AP = 48, FU = 49, PACI = 50
     * (unsupported). No DON fields: sprop-max-don-diff is taken as 0.
     */
    H265 {
        @Override
        public int headerBytes() {
            return 2;
        }

        @Override
        public int nalType(byte[] data, int offset) {
            return (data[offset] >> 1) & 0x3F;
        }

        @Override
        public int aggregationType() {
            return 48;
        }

        @Override
        public int fragmentationType() {
            return 49;
        }

        @Override
        public boolean isSingleNalType(int type) {
            return type >= 0 && type <= 47;
        }

        @Override
        public int checkHeader(byte[] data, int offset) {
            if ((data[offset] & 0x80) != 0) {
                return PayloadErrors.FORBIDDEN_BIT;
            }
            // nuh_temporal_id_plus1 must not be zero.
            return (data[offset + 1] & 0x07) == 0 ? PayloadErrors.INVALID_NAL_HEADER : 0;
        }

        @Override
        public void writeAggregationHeader(byte[] src, int[] nalStarts, int from, int to, byte[] out, int offset) {
            // F is the OR of the units' F bits; LayerId and TID are their minima (RFC 7798 4.4.2).
            int f = 0;
            int layerId = 63;
            int tid = 7;
            for (int i = from; i < to; i++) {
                int s = nalStarts[i];
                f |= src[s] & 0x80;
                layerId = Math.min(layerId, ((src[s] & 0x01) << 5) | ((src[s + 1] & 0xF8) >> 3));
                tid = Math.min(tid, src[s + 1] & 0x07);
            }
            out[offset] = (byte) (f | (48 << 1) | (layerId >> 5));
            out[offset + 1] = (byte) (((layerId & 0x1F) << 3) | tid);
        }

        @Override
        public void writeFragmentationPrefix(byte[] src, int nalStart, boolean start, boolean end, byte[] out,
                int offset) {
            int type = (src[nalStart] >> 1) & 0x3F;
            out[offset] = (byte) ((src[nalStart] & 0x81) | (49 << 1));
            out[offset + 1] = src[nalStart + 1];
            out[offset + 2] = (byte) ((start ? 0x80 : 0) | (end ? 0x40 : 0) | type);
        }

        @Override
        public int fragmentedType(int fuHeader) {
            return fuHeader & 0x3F;
        }

        @Override
        public void writeDefragmentedHeader(byte[] payload, int offset, byte[] out, int outOffset) {
            out[outOffset] = (byte) ((payload[offset] & 0x81) | ((payload[offset + 2] & 0x3F) << 1));
            out[outOffset + 1] = payload[offset + 1];
        }

        @Override
        public boolean isSlice(int type) {
            return type >= 0 && type <= 31;
        }

        @Override
        public boolean startsAccessUnit(int type, int firstBodyByte) {
            if (isSlice(type)) {
                // VCL: the slice segment header begins with first_slice_segment_in_pic_flag.
                return firstBodyByte >= 0 && (firstBodyByte & 0x80) != 0;
            }
            // VPS, SPS, PPS, AUD, prefix SEI and types 41..44 open an access unit (H.265 7.4.2.4.4).
            return (type >= 32 && type <= 35) || type == 39 || (type >= 41 && type <= 44);
        }

        @Override
        public KeyframeKind classify(long nalTypeMask) {
            long irap = 0xFFL << 16;
            if ((nalTypeMask & irap) == 0) {
                return KeyframeKind.NONE;
            }
            long parameterSets = (1L << 32) | (1L << 33) | (1L << 34);
            return (nalTypeMask & parameterSets) == parameterSets
                    ? KeyframeKind.KEYFRAME_WITH_PARAMETER_SETS : KeyframeKind.KEYFRAME;
        }
    };

    /** @return NAL unit header length in bytes (also the payload header length) */
    public abstract int headerBytes();

    /**
     * @param data bytes holding a NAL unit or payload header
     * @param offset index of the header's first byte
     * @return the header's type field
     */
    public abstract int nalType(byte[] data, int offset);

    /** @return the payload type of an aggregation packet (STAP-A 24, AP 48) */
    public abstract int aggregationType();

    /** @return the payload type of a fragmentation unit (FU-A 28, FU 49) */
    public abstract int fragmentationType();

    /** @return bytes before the fragment data in a fragmentation unit: payload header plus FU header */
    public int fragmentationPrefixBytes() {
        return headerBytes() + 1;
    }

    /**
     * @param type a header type field
     * @return true if a NAL unit of this type may be sent as is, aggregated or fragmented
     */
    public abstract boolean isSingleNalType(int type);

    /**
     * @param data bytes holding a header of {@link #headerBytes()} bytes
     * @param offset the header's first byte
     * @return 0 if the header is valid, else a negative {@link PayloadErrors} code
     */
    public abstract int checkHeader(byte[] data, int offset);

    /**
     * Writes the payload header of an aggregation packet for NAL units {@code from..to-1}.
     *
     * @param src bytes holding the NAL units
     * @param nalStarts header index of each NAL unit
     * @param from first unit aggregated
     * @param to unit after the last one aggregated
     * @param out destination
     * @param offset where to write {@link #headerBytes()} bytes
     */
    public abstract void writeAggregationHeader(byte[] src, int[] nalStarts, int from, int to, byte[] out,
            int offset);

    /**
     * Writes the payload header and FU header of one fragment.
     *
     * @param src bytes holding the NAL unit
     * @param nalStart index of its header
     * @param start whether this is the first fragment
     * @param end whether this is the last fragment
     * @param out destination
     * @param offset where to write {@link #fragmentationPrefixBytes()} bytes
     */
    public abstract void writeFragmentationPrefix(byte[] src, int nalStart, boolean start, boolean end,
            byte[] out, int offset);

    /**
     * @param fuHeader the FU header byte (unsigned)
     * @return the NAL unit type it carries
     */
    public abstract int fragmentedType(int fuHeader);

    /**
     * Rebuilds a fragmented NAL unit's header from a fragmentation unit's payload and FU headers.
     *
     * @param payload the fragmentation unit
     * @param offset its first byte
     * @param out destination
     * @param outOffset where to write {@link #headerBytes()} bytes
     */
    public abstract void writeDefragmentedHeader(byte[] payload, int offset, byte[] out, int outOffset);

    /**
     * @param type a NAL unit type
     * @return true for the coded slice (VCL) types: H.264 1 to 5, H.265 0 to 31
     */
    public abstract boolean isSlice(int type);

    /**
     * Whether a NAL unit of this type, with this first byte after its header, can only be the
     * first NAL unit of an access unit that the receiver needs (parameter sets, SEI, delimiters,
     * or the first slice of a picture).
     *
     * @param type the NAL unit type
     * @param firstBodyByte the unsigned byte after the header, or -1 if there is none
     * @return true if an access unit starts at this NAL unit
     */
    public abstract boolean startsAccessUnit(int type, int firstBodyByte);

    /**
     * @param nalTypeMask bit {@code t} set for every NAL unit type {@code t} present
     * @return what the NAL units offer a decoder starting fresh
     */
    public abstract KeyframeKind classify(long nalTypeMask);
}
