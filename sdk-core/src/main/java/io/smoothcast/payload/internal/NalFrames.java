package io.smoothcast.payload.internal;

import io.smoothcast.jitter.JitterFrame;

/**
 * Whole-frame questions about H.264 / H.265 payload runs held by the jitter buffer and about
 * Annex-B access units: completeness, keyframe content, access unit boundaries.
 *
 * <p>Stateless; thread-safe. Allocates nothing.
 */
public final class NalFrames {

    private NalFrames() {
    }

    /**
     * A run of consecutive packets sharing one RTP timestamp is a complete frame, as sent, when it
     * is closed (marker bit, or the next packet has another timestamp), its first payload opens an
     * access unit, and every payload is well formed with each fragmented NAL unit running from
     * start to end fragment. The opening is checked even when the buffer confirms the start: at a
     * stream start the buffer only assumes it (the stream's real first packets may be lost), and
     * every access unit does open with a parameter set, SEI, delimiter or first slice.
     */
    public static boolean isComplete(NalFormat format, JitterFrame frame, boolean closed) {
        int count = frame.packetCount();
        if (!closed || count == 0) {
            return false;
        }
        if (!NalPayloads.startsAccessUnit(format, frame.payloadArray(0), frame.payloadOffset(0), frame.payloadLength(0))) {
            return false;
        }
        int state = NalPayloads.NO_OPEN_FRAGMENT;
        for (int i = 0; i < count; i++) {
            state = NalPayloads.stepFragmentState(format, state, frame.payloadArray(i), frame.payloadOffset(i),
                    frame.payloadLength(i));
            if (state == NalPayloads.BROKEN) {
                return false;
            }
        }
        return state == NalPayloads.NO_OPEN_FRAGMENT;
    }

    /** @return the NAL unit types carried by every payload of the frame, as a bit mask */
    public static long nalTypeMask(NalFormat format, JitterFrame frame) {
        long mask = 0;
        for (int i = 0; i < frame.packetCount(); i++) {
            mask |= NalPayloads.nalTypeMask(format, frame.payloadArray(i), frame.payloadOffset(i), frame.payloadLength(i));
        }
        return mask;
    }

    /** @return the NAL unit types found in an Annex-B byte range, as a bit mask */
    public static long nalTypeMaskOfAnnexB(NalFormat format, byte[] data, int offset, int length) {
        int end = offset + length;
        long mask = 0;
        int startCode = AnnexB.findStartCode(data, offset, end);
        while (startCode >= 0) {
            int nal = startCode + 3;
            int next = AnnexB.findStartCode(data, nal, end);
            int nalEnd = next < 0 ? end : next;
            if (nalEnd - nal >= format.headerBytes() && format.checkHeader(data, nal) == 0) {
                mask |= 1L << format.nalType(data, nal);
            }
            startCode = next;
        }
        return mask;
    }

    /**
     * Finds where the first access unit of an Annex-B byte range ends: just before the first NAL
     * unit that opens a new access unit (see {@link NalFormat#startsAccessUnit}) after a picture's
     * slice (VCL NAL unit) was seen.
     *
     * @return the index after the access unit's last NAL unit byte, or -1 if the range ends
     *     before the next access unit begins
     */
    public static int findAccessUnitEnd(NalFormat format, byte[] data, int offset, int length) {
        int end = offset + length;
        boolean sliceSeen = false;
        int previousNal = -1;
        int startCode = AnnexB.findStartCode(data, offset, end);
        while (startCode >= 0) {
            int nal = startCode + 3;
            int next = AnnexB.findStartCode(data, nal, end);
            int nalEnd = next < 0 ? end : next;
            if (nalEnd - nal >= format.headerBytes()) {
                int type = format.nalType(data, nal);
                int bodyIndex = nal + format.headerBytes();
                int body = bodyIndex < nalEnd ? data[bodyIndex] & 0xFF : -1;
                if (sliceSeen && format.startsAccessUnit(type, body)) {
                    return AnnexB.trimTrailingZeros(data, previousNal, startCode);
                }
                if (format.isSlice(type)) {
                    sliceSeen = true;
                }
                previousNal = nal;
            }
            startCode = next;
        }
        return -1;
    }
}
