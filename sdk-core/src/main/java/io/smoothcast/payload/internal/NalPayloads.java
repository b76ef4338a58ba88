package io.smoothcast.payload.internal;

import io.smoothcast.payload.PayloadErrors;

/**
 * Bounds-checked reading of one H.264 / H.265 RTP payload, shared by the depacketizer, the frame
 * completeness checks and keyframe detection. Every method accepts any bytes: it returns an error
 * code, never throws, and reads only inside {@code [offset, offset + length)}.
 *
 * <p>Stateless; thread-safe.
 */
public final class NalPayloads {

    /** {@link #stepFragmentState} state: no fragmented NAL unit is open. */
    public static final int NO_OPEN_FRAGMENT = -1;
    /** {@link #stepFragmentState} state: the run of payloads is malformed. */
    public static final int BROKEN = -2;

    private NalPayloads() {
    }

    /**
     * Checks the payload header: long enough, F bit clear, valid, and a packet type this format
     * supports (single NAL unit, aggregation or fragmentation).
     *
     * @return the payload type, or a negative {@link PayloadErrors} code
     */
    public static int checkPacketHeader(NalFormat format, byte[] data, int offset, int length) {
        if (length < format.headerBytes()) {
            return PayloadErrors.TRUNCATED_PACKET;
        }
        int header = format.checkHeader(data, offset);
        if (header < 0) {
            return header;
        }
        int type = format.nalType(data, offset);
        if (format.isSingleNalType(type) || type == format.aggregationType() || type == format.fragmentationType()) {
            return type;
        }
        return PayloadErrors.UNSUPPORTED_TYPE;
    }

    /**
     * Checks a fragmentation unit's FU header (the payload header was already checked).
     *
     * @return the FU header byte (0..255), or a negative {@link PayloadErrors} code
     */
    public static int checkFragmentHeader(NalFormat format, byte[] data, int offset, int length) {
        int prefix = format.fragmentationPrefixBytes();
        // A fragment must carry at least one byte of the NAL unit.
        if (length <= prefix) {
            return PayloadErrors.TRUNCATED_PACKET;
        }
        int fuHeader = data[offset + prefix - 1] & 0xFF;
        if ((fuHeader & 0xC0) == 0xC0) {
            // Start and end in one fragment: such a NAL unit must be sent unfragmented.
            return PayloadErrors.FU_BAD_HEADER;
        }
        if (!format.isSingleNalType(format.fragmentedType(fuHeader))) {
            return PayloadErrors.FU_BAD_HEADER;
        }
        return fuHeader;
    }

    /**
     * Walks an aggregation packet's units (the payload header was already checked): each is a
     * 16-bit size followed by a whole NAL unit with a valid header of a single NAL unit type.
     *
     * @return the Annex-B bytes its units produce (a 4-byte start code each), or a negative
     *     {@link PayloadErrors} code
     */
    public static int checkAggregation(NalFormat format, byte[] data, int offset, int length) {
        int end = offset + length;
        int at = offset + format.headerBytes();
        if (at >= end) {
            return PayloadErrors.TRUNCATED_AGGREGATION;
        }
        int annexBBytes = 0;
        while (at < end) {
            if (end - at < 2) {
                return PayloadErrors.TRUNCATED_AGGREGATION;
            }
            int size = ((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF);
            at += 2;
            if (size < format.headerBytes() || size > end - at) {
                return PayloadErrors.TRUNCATED_AGGREGATION;
            }
            int header = format.checkHeader(data, at);
            if (header < 0) {
                return header;
            }
            if (!format.isSingleNalType(format.nalType(data, at))) {
                return PayloadErrors.UNSUPPORTED_TYPE;
            }
            annexBBytes += AnnexB.START_CODE_BYTES + size;
            at += size;
        }
        return annexBBytes;
    }

    /**
     * Advances the fragmentation state of a run of consecutive payloads by one payload, checking
     * it fully: fragments of one NAL unit must run from a start fragment to an end fragment with
     * the same type and nothing else in between.
     *
     * @param state {@link #NO_OPEN_FRAGMENT}, or the type of the open fragmented NAL unit
     * @return the next state: {@link #NO_OPEN_FRAGMENT}, an open type, or {@link #BROKEN}
     */
    public static int stepFragmentState(NalFormat format, int state, byte[] data, int offset, int length) {
        int type = checkPacketHeader(format, data, offset, length);
        if (type < 0) {
            return BROKEN;
        }
        if (type == format.fragmentationType()) {
            int fuHeader = checkFragmentHeader(format, data, offset, length);
            if (fuHeader < 0) {
                return BROKEN;
            }
            int fragmentedType = format.fragmentedType(fuHeader);
            if ((fuHeader & 0x80) != 0) {
                return state == NO_OPEN_FRAGMENT ? fragmentedType : BROKEN;
            }
            if (state != fragmentedType) {
                return BROKEN;
            }
            return (fuHeader & 0x40) != 0 ? NO_OPEN_FRAGMENT : state;
        }
        if (state != NO_OPEN_FRAGMENT) {
            return BROKEN;
        }
        if (type == format.aggregationType() && checkAggregation(format, data, offset, length) < 0) {
            return BROKEN;
        }
        return NO_OPEN_FRAGMENT;
    }

    /**
     * Whether this payload's first NAL unit opens an access unit (see
     * {@link NalFormat#startsAccessUnit}); a fragment counts only if it is a start fragment.
     * Malformed payloads answer false.
     */
    public static boolean startsAccessUnit(NalFormat format, byte[] data, int offset, int length) {
        int type = checkPacketHeader(format, data, offset, length);
        if (type < 0) {
            return false;
        }
        int headerBytes = format.headerBytes();
        if (type == format.fragmentationType()) {
            int fuHeader = checkFragmentHeader(format, data, offset, length);
            if (fuHeader < 0 || (fuHeader & 0x80) == 0) {
                return false;
            }
            int prefix = format.fragmentationPrefixBytes();
            return format.startsAccessUnit(format.fragmentedType(fuHeader), data[offset + prefix] & 0xFF);
        }
        if (type == format.aggregationType()) {
            if (checkAggregation(format, data, offset, length) < 0) {
                return false;
            }
            int unit = offset + headerBytes + 2;
            int size = ((data[unit - 2] & 0xFF) << 8) | (data[unit - 1] & 0xFF);
            int body = size > headerBytes ? data[unit + headerBytes] & 0xFF : -1;
            return format.startsAccessUnit(format.nalType(data, unit), body);
        }
        int body = length > headerBytes ? data[offset + headerBytes] & 0xFF : -1;
        return format.startsAccessUnit(type, body);
    }

    /**
     * The NAL unit types this payload carries, as a bit mask (bit {@code t} for type {@code t}).
     * A fragment contributes its NAL unit's type; a malformed payload contributes nothing, and an
     * aggregation packet only the units read before its first malformed one.
     */
    public static long nalTypeMask(NalFormat format, byte[] data, int offset, int length) {
        int type = checkPacketHeader(format, data, offset, length);
        if (type < 0) {
            return 0;
        }
        if (type == format.fragmentationType()) {
            int fuHeader = checkFragmentHeader(format, data, offset, length);
            return fuHeader < 0 ? 0 : 1L << format.fragmentedType(fuHeader);
        }
        if (type != format.aggregationType()) {
            return 1L << type;
        }
        long mask = 0;
        int end = offset + length;
        int at = offset + format.headerBytes();
        while (end - at >= 2) {
            int size = ((data[at] & 0xFF) << 8) | (data[at + 1] & 0xFF);
            at += 2;
            if (size < format.headerBytes() || size > end - at || format.checkHeader(data, at) < 0) {
                break;
            }
            mask |= 1L << format.nalType(data, at);
            at += size;
        }
        return mask;
    }
}
