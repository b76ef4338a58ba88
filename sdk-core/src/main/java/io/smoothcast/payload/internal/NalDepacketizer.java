package io.smoothcast.payload.internal;

import io.smoothcast.payload.PayloadErrors;

/**
 * Turns H.264 / H.265 RTP payloads back into Annex-B NAL units (each behind a 4-byte start code).
 * Single NAL unit and aggregation packets are written straight to the caller's buffer;
 * fragments are gathered in a buffer allocated once at construction and written when the end
 * fragment arrives. Nothing is allocated per packet, nothing is thrown for bad bytes.
 *
 * <p>Fragments must arrive in order with consecutive sequence numbers. A sequence gap abandons an
 * open fragmented NAL unit (counted in {@link #abandonedFragmentedNalUnits()}); any error while
 * one is open abandons it too.
 *
 * <p>Not thread-safe: one instance per received stream, used by one thread at a time.
 */
public final class NalDepacketizer {

    private final NalFormat format;
    private final byte[] fragmentBuffer;
    /** Bytes gathered of the open fragmented NAL unit (header included), or -1 if none is open. */
    private int fragmentLength = -1;
    private int fragmentType;
    /** Sequence number of the previous packet, or -1 before the first one. */
    private int lastSequence = -1;
    private long abandonedFragments;

    /**
     * @param format H.264 or H.265
     * @param maxNalUnitBytes largest NAL unit reassembled from fragments, in bytes (header included)
     */
    public NalDepacketizer(NalFormat format, int maxNalUnitBytes) {
        this.format = format;
        this.fragmentBuffer = new byte[maxNalUnitBytes];
    }

    /**
     * Depacketizes one payload; the arguments are already validated by the caller.
     *
     * @return Annex-B bytes written at {@code outOffset} (0 while a fragmented NAL unit is still
     *     open), or a negative {@link PayloadErrors} code (nothing usable written)
     */
    public int depacketize(int sequenceNumber, byte[] payload, int offset, int length, byte[] out, int outOffset) {
        int sequence = sequenceNumber & 0xFFFF;
        boolean contiguous = lastSequence >= 0 && sequence == ((lastSequence + 1) & 0xFFFF);
        lastSequence = sequence;
        if (fragmentLength >= 0 && !contiguous) {
            abandonFragment();
        }
        int result = process(payload, offset, length, out, outOffset);
        if (result < 0 && fragmentLength >= 0) {
            abandonFragment();
        }
        return result;
    }

    /** Forgets the open fragmented NAL unit (counted as abandoned) and the last sequence number. */
    public void reset() {
        if (fragmentLength >= 0) {
            abandonFragment();
        }
        lastSequence = -1;
    }

    /** @return whether a fragmented NAL unit has started and not yet ended */
    public boolean hasOpenFragment() {
        return fragmentLength >= 0;
    }

    /** @return fragmented NAL units given up (sequence gap, bad fragment, reset) so far */
    public long abandonedFragmentedNalUnits() {
        return abandonedFragments;
    }

    private int process(byte[] payload, int offset, int length, byte[] out, int outOffset) {
        int type = NalPayloads.checkPacketHeader(format, payload, offset, length);
        if (type < 0) {
            return type;
        }
        if (type == format.fragmentationType()) {
            return processFragment(payload, offset, length, out, outOffset);
        }
        if (fragmentLength >= 0) {
            return PayloadErrors.FU_INTERRUPTED;
        }
        int capacity = out.length - outOffset;
        if (type == format.aggregationType()) {
            int needed = NalPayloads.checkAggregation(format, payload, offset, length);
            if (needed < 0) {
                return needed;
            }
            if (needed > capacity) {
                return PayloadErrors.OUTPUT_TOO_SMALL;
            }
            int end = offset + length;
            int at = offset + format.headerBytes();
            int written = outOffset;
            while (at < end) {
                int size = ((payload[at] & 0xFF) << 8) | (payload[at + 1] & 0xFF);
                AnnexB.writeStartCode(out, written);
                System.arraycopy(payload, at + 2, out, written + AnnexB.START_CODE_BYTES, size);
                written += AnnexB.START_CODE_BYTES + size;
                at += 2 + size;
            }
            return needed;
        }
        int needed = AnnexB.START_CODE_BYTES + length;
        if (needed > capacity) {
            return PayloadErrors.OUTPUT_TOO_SMALL;
        }
        AnnexB.writeStartCode(out, outOffset);
        System.arraycopy(payload, offset, out, outOffset + AnnexB.START_CODE_BYTES, length);
        return needed;
    }

    private int processFragment(byte[] payload, int offset, int length, byte[] out, int outOffset) {
        int fuHeader = NalPayloads.checkFragmentHeader(format, payload, offset, length);
        if (fuHeader < 0) {
            return fuHeader;
        }
        int type = format.fragmentedType(fuHeader);
        int prefix = format.fragmentationPrefixBytes();
        int dataLength = length - prefix;
        if ((fuHeader & 0x80) != 0) {
            if (fragmentLength >= 0) {
                return PayloadErrors.FU_INTERRUPTED;
            }
            int headerBytes = format.headerBytes();
            if (headerBytes + dataLength > fragmentBuffer.length) {
                return PayloadErrors.NAL_UNIT_TOO_LARGE;
            }
            format.writeDefragmentedHeader(payload, offset, fragmentBuffer, 0);
            System.arraycopy(payload, offset + prefix, fragmentBuffer, headerBytes, dataLength);
            fragmentLength = headerBytes + dataLength;
            fragmentType = type;
            return 0;
        }
        if (fragmentLength < 0) {
            return PayloadErrors.FU_START_MISSING;
        }
        if (type != fragmentType) {
            return PayloadErrors.FU_TYPE_CHANGED;
        }
        if (dataLength > fragmentBuffer.length - fragmentLength) {
            return PayloadErrors.NAL_UNIT_TOO_LARGE;
        }
        System.arraycopy(payload, offset + prefix, fragmentBuffer, fragmentLength, dataLength);
        fragmentLength += dataLength;
        if ((fuHeader & 0x40) == 0) {
            return 0;
        }
        int needed = AnnexB.START_CODE_BYTES + fragmentLength;
        if (needed > out.length - outOffset) {
            return PayloadErrors.OUTPUT_TOO_SMALL;
        }
        AnnexB.writeStartCode(out, outOffset);
        System.arraycopy(fragmentBuffer, 0, out, outOffset + AnnexB.START_CODE_BYTES, fragmentLength);
        fragmentLength = -1;
        return needed;
    }

    private void abandonFragment() {
        fragmentLength = -1;
        abandonedFragments++;
    }
}
