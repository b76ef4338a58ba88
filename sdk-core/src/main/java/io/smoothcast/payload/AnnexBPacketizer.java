package io.smoothcast.payload;

import io.smoothcast.payload.internal.NalFormat;
import io.smoothcast.payload.internal.NalPacketizer;

/**
 * The public methods of {@link H264Packetizer} and {@link H265Packetizer}: one algorithm whose
 * codec-specific part (NAL header size, aggregation and fragmentation packet types) lives in
 * {@link NalFormat}. Package-private so the two public classes stay the only API.
 *
 * <p>The methods are final and the subclasses sealed: a call on the per-packet path binds to one
 * target, whichever codec the caller uses.
 *
 * <p>Not thread-safe: one instance per outgoing stream, used by one thread at a time.
 */
abstract sealed class AnnexBPacketizer permits H264Packetizer, H265Packetizer {

    private final NalPacketizer packetizer;
    private final int maxPayloadBytes;

    AnnexBPacketizer(NalFormat format, int maxPayloadBytes, boolean aggregation, int maxNalUnits) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.packetizer = new NalPacketizer(format, maxPayloadBytes, aggregation, maxNalUnits);
    }

    /**
     * Starts packetizing an access unit, dropping whatever was left of the previous one.
     *
     * @param accessUnit Annex-B bytes: start codes ({@code 00 00 01} or {@code 00 00 00 01}), each
     *     followed by a NAL unit; only zero bytes may come before the first start code
     * @param offset first byte of the access unit in {@code accessUnit}
     * @param length access unit length, in bytes
     * @return the number of NAL units found (at least 1), or a negative {@link PayloadErrors} code
     *     ({@link PayloadErrors#NO_NAL_UNITS}, {@link PayloadErrors#NOT_ANNEX_B},
     *     {@link PayloadErrors#TOO_MANY_NAL_UNITS}, {@link PayloadErrors#TRUNCATED_PACKET} for a NAL
     *     unit shorter than its header); after an error {@link #hasNext()} is false
     * @throws IllegalArgumentException if {@code accessUnit} is null or the range lies outside it
     */
    public final int setAccessUnit(byte[] accessUnit, int offset, int length) {
        Arguments.checkRange(accessUnit, offset, length, "accessUnit");
        return packetizer.setAccessUnit(accessUnit, offset, length);
    }

    /** @return true while the current access unit has packets left */
    public final boolean hasNext() {
        return packetizer.hasNext();
    }

    /**
     * Writes the next RTP payload of the current access unit.
     *
     * @param out destination; must have at least {@link #maxPayloadBytes()} bytes from {@code offset}
     * @param offset where the payload starts in {@code out} (typically after the RTP header)
     * @return the payload length, in bytes (1 to {@link #maxPayloadBytes()})
     * @throws IllegalStateException if {@link #hasNext()} is false
     * @throws IllegalArgumentException if {@code out} is null or too small from {@code offset}
     */
    public final int next(byte[] out, int offset) {
        if (!packetizer.hasNext()) {
            throw new IllegalStateException("no packet left: call setAccessUnit first");
        }
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        if (offset < 0 || offset > out.length - maxPayloadBytes) {
            throw new IllegalArgumentException("out must hold maxPayloadBytes=" + maxPayloadBytes
                    + " bytes from offset " + offset + ", but its length is " + out.length);
        }
        return packetizer.next(out, offset);
    }

    /** @return whether the payload last returned by {@link #next} ends the access unit (RTP marker bit) */
    public final boolean marker() {
        return packetizer.marker();
    }

    /** @return the largest payload this packetizer writes, in bytes */
    public final int maxPayloadBytes() {
        return maxPayloadBytes;
    }
}
