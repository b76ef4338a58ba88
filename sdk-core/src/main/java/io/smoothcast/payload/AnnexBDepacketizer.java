package io.smoothcast.payload;

import io.smoothcast.payload.internal.NalDepacketizer;
import io.smoothcast.payload.internal.NalFormat;

/**
 * The public methods of {@link H264Depacketizer} and {@link H265Depacketizer}: one algorithm whose
 * codec-specific part (NAL header size, aggregation and fragmentation packet types, rejected types)
 * lives in {@link NalFormat}. Package-private so the two public classes stay the only API.
 *
 * <p>The methods are final and the subclasses sealed: a call on the per-packet path binds to one
 * target, whichever codec the caller uses.
 *
 * <p>Not thread-safe: one instance per received stream, used by one thread at a time.
 */
abstract sealed class AnnexBDepacketizer permits H264Depacketizer, H265Depacketizer {

    private final NalDepacketizer depacketizer;
    private final int maxNalUnitBytes;

    /**
     * @param maxNalUnitBytes largest NAL unit reassembled from fragments, in bytes, from 16 to
     *     256 MiB; that many bytes are allocated now
     * @throws IllegalArgumentException if out of range
     */
    AnnexBDepacketizer(NalFormat format, int maxNalUnitBytes) {
        this.maxNalUnitBytes = Arguments.checkBetween(maxNalUnitBytes, 16, 256 * 1024 * 1024, "maxNalUnitBytes");
        this.depacketizer = new NalDepacketizer(format, maxNalUnitBytes);
    }

    /**
     * Depacketizes one RTP payload.
     *
     * @param sequenceNumber the packet's 16-bit RTP sequence number (fragments must be consecutive)
     * @param payload array holding the RTP payload (after the RTP header, extensions and padding)
     * @param offset first payload byte in {@code payload}
     * @param length payload length, in bytes
     * @param out destination for Annex-B bytes
     * @param outOffset where to write in {@code out}
     * @return the number of bytes written at {@code outOffset}: one or more complete NAL units,
     *     each behind a start code, or 0 while a fragmented NAL unit is still open; or a negative
     *     {@link PayloadErrors} code, after which the bytes in {@code out} are meaningless
     * @throws IllegalArgumentException if an array is null or a range lies outside its array
     */
    public final int depacketize(int sequenceNumber, byte[] payload, int offset, int length, byte[] out,
            int outOffset) {
        Arguments.checkRange(payload, offset, length, "payload");
        Arguments.checkOutput(out, outOffset);
        return depacketizer.depacketize(sequenceNumber, payload, offset, length, out, outOffset);
    }

    /**
     * Forgets the open fragmented NAL unit, if any (counted as abandoned), and the previous
     * sequence number: call it when the stream restarts or packets were given up.
     */
    public final void reset() {
        depacketizer.reset();
    }

    /** @return whether a fragmented NAL unit has started and not yet ended */
    public final boolean hasOpenFragment() {
        return depacketizer.hasOpenFragment();
    }

    /** @return fragmented NAL units given up so far (sequence gap, bad fragment, {@link #reset()}) */
    public final long abandonedFragmentedNalUnits() {
        return depacketizer.abandonedFragmentedNalUnits();
    }

    /** @return the largest NAL unit reassembled from fragments, in bytes */
    public final int maxNalUnitBytes() {
        return maxNalUnitBytes;
    }
}
