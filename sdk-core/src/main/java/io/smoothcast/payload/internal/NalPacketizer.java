package io.smoothcast.payload.internal;

import io.smoothcast.payload.PayloadErrors;

/**
 * Splits an Annex-B access unit into RTP payloads of at most {@code maxPayloadBytes}: a NAL unit
 * that fits goes alone (single NAL unit packet) or together with the NAL units after it in an
 * aggregation packet (STAP-A, AP) when they fit too; a NAL unit that does not fit is cut into
 * fragmentation units (FU-A, FU). Packets keep the NAL units in decoding order.
 *
 * <p>NAL unit boundaries are found once per access unit and kept in two int arrays sized at
 * construction; no allocation per access unit or packet.
 *
 * <p>Not thread-safe: one instance per sending stream, used by one thread at a time.
 */
public final class NalPacketizer {

    private final NalFormat format;
    private final int maxPayloadBytes;
    private final boolean aggregation;
    private final int[] nalStarts;
    private final int[] nalEnds;

    private byte[] source;
    private int nalCount;
    private int nextNal;
    /** Next byte of the NAL unit being fragmented, or -1 when no fragmentation is under way. */
    private int fragmentPosition = -1;
    private int fragmentNalStart;
    private int fragmentNalEnd;
    private boolean marker;

    /**
     * @param format H.264 or H.265
     * @param maxPayloadBytes largest payload produced, in bytes; already validated by the caller
     * @param aggregation whether small NAL units may share an aggregation packet
     * @param maxNalUnits most NAL units one access unit may hold
     */
    public NalPacketizer(NalFormat format, int maxPayloadBytes, boolean aggregation, int maxNalUnits) {
        this.format = format;
        this.maxPayloadBytes = maxPayloadBytes;
        this.aggregation = aggregation;
        this.nalStarts = new int[maxNalUnits];
        this.nalEnds = new int[maxNalUnits];
    }

    /**
     * Starts packetizing an access unit. The array is read, not copied, until the last packet
     * has been taken: the caller must not change it in between.
     *
     * @return the number of NAL units found, or a negative {@link PayloadErrors} code (then
     *     {@link #hasNext()} is false)
     */
    public int setAccessUnit(byte[] data, int offset, int length) {
        clear();
        int end = offset + length;
        int first = AnnexB.findStartCode(data, offset, end);
        int leadingEnd = first < 0 ? end : first;
        for (int i = offset; i < leadingEnd; i++) {
            if (data[i] != 0) {
                return PayloadErrors.NOT_ANNEX_B;
            }
        }
        int count = 0;
        int startCode = first;
        while (startCode >= 0) {
            int nalStart = startCode + 3;
            int next = AnnexB.findStartCode(data, nalStart, end);
            int nalEnd = AnnexB.trimTrailingZeros(data, nalStart, next < 0 ? end : next);
            if (nalEnd > nalStart) {
                if (nalEnd - nalStart < format.headerBytes()) {
                    return PayloadErrors.TRUNCATED_PACKET;
                }
                if (count == nalStarts.length) {
                    return PayloadErrors.TOO_MANY_NAL_UNITS;
                }
                nalStarts[count] = nalStart;
                nalEnds[count] = nalEnd;
                count++;
            }
            startCode = next;
        }
        if (count == 0) {
            return PayloadErrors.NO_NAL_UNITS;
        }
        source = data;
        nalCount = count;
        return count;
    }

    /** @return true while the current access unit has packets left */
    public boolean hasNext() {
        return fragmentPosition >= 0 || nextNal < nalCount;
    }

    /** @return whether the packet last returned by {@link #next} ends the access unit (RTP marker bit) */
    public boolean marker() {
        return marker;
    }

    /**
     * Writes the next payload.
     *
     * @param out destination with at least {@code maxPayloadBytes} bytes free at {@code offset}
     * @param offset where the payload starts
     * @return the payload length in bytes, from 1 to {@code maxPayloadBytes}
     */
    public int next(byte[] out, int offset) {
        if (fragmentPosition >= 0) {
            return writeFragment(out, offset);
        }
        int i = nextNal;
        int length = nalEnds[i] - nalStarts[i];
        if (length > maxPayloadBytes) {
            fragmentNalStart = nalStarts[i];
            fragmentNalEnd = nalEnds[i];
            fragmentPosition = fragmentNalStart + format.headerBytes();
            nextNal = i + 1;
            return writeFragment(out, offset);
        }
        int last = aggregation ? lastAggregated(i) : i;
        if (last > i) {
            return writeAggregation(i, last, out, offset);
        }
        System.arraycopy(source, nalStarts[i], out, offset, length);
        nextNal = i + 1;
        marker = nextNal == nalCount;
        return length;
    }

    /** Drops the rest of the current access unit. */
    public void clear() {
        source = null;
        nalCount = 0;
        nextNal = 0;
        fragmentPosition = -1;
        marker = false;
    }

    /** @return the last NAL unit index that fits into one aggregation packet starting at {@code first} */
    private int lastAggregated(int first) {
        int size = format.headerBytes() + 2 + (nalEnds[first] - nalStarts[first]);
        int last = first;
        while (last + 1 < nalCount) {
            int grown = size + 2 + (nalEnds[last + 1] - nalStarts[last + 1]);
            if (grown > maxPayloadBytes) {
                break;
            }
            size = grown;
            last++;
        }
        return last;
    }

    private int writeAggregation(int first, int last, byte[] out, int offset) {
        format.writeAggregationHeader(source, nalStarts, first, last + 1, out, offset);
        int at = offset + format.headerBytes();
        for (int i = first; i <= last; i++) {
            int length = nalEnds[i] - nalStarts[i];
            out[at] = (byte) (length >>> 8);
            out[at + 1] = (byte) length;
            System.arraycopy(source, nalStarts[i], out, at + 2, length);
            at += 2 + length;
        }
        nextNal = last + 1;
        marker = nextNal == nalCount;
        return at - offset;
    }

    private int writeFragment(byte[] out, int offset) {
        int prefix = format.fragmentationPrefixBytes();
        int chunk = Math.min(fragmentNalEnd - fragmentPosition, maxPayloadBytes - prefix);
        boolean start = fragmentPosition == fragmentNalStart + format.headerBytes();
        boolean end = fragmentPosition + chunk == fragmentNalEnd;
        format.writeFragmentationPrefix(source, fragmentNalStart, start, end, out, offset);
        System.arraycopy(source, fragmentPosition, out, offset + prefix, chunk);
        if (end) {
            fragmentPosition = -1;
            marker = nextNal == nalCount;
        } else {
            fragmentPosition += chunk;
            marker = false;
        }
        return prefix + chunk;
    }
}
