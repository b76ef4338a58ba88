package io.smoothcast.payload;

import io.smoothcast.payload.internal.NalFormat;
import io.smoothcast.payload.internal.NalPacketizer;

/**
 * Packetizes H.265 access units for RTP (RFC 7798, no DON fields): from an Annex-B access unit to
 * RTP payloads of at most {@link Builder#maxPayloadBytes(int) maxPayloadBytes} bytes each.
 *
 * <p>Each NAL unit that fits goes into a single NAL unit packet, or, with the NAL units after it
 * that fit as well (parameter sets, SEI, small slices), into one AP aggregation packet. A NAL unit
 * larger than the limit is cut into FU fragmentation units. The last packet of the access unit
 * carries the RTP marker bit ({@link #marker()}).
 *
 * <pre>{@code
 * H265Packetizer packetizer = H265Packetizer.builder().maxPayloadBytes(1200).build();
 * if (packetizer.setAccessUnit(annexB, 0, annexBLength) > 0) {
 *     while (packetizer.hasNext()) {
 *         int payloadLength = packetizer.next(packet, RTP_HEADER_BYTES);
 *         boolean marker = packetizer.marker();
 *         // fill in the RTP header (same timestamp for the whole access unit) and send
 *     }
 * }
 * }</pre>
 *
 * <p>Start codes are found once per access unit into arrays sized at build time; nothing is
 * allocated per access unit or per packet. The access unit's array is read in place until its last
 * packet was taken.
 *
 * <p>Not thread-safe: one instance per outgoing stream, used by one thread at a time.
 */
public final class H265Packetizer {

    /** Default largest payload, in bytes: leaves room for RTP, SRTP and header extensions in a 1500-byte MTU. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1200;
    /** Smallest accepted payload limit, in bytes: FU prefix plus one data byte. */
    public static final int MIN_MAX_PAYLOAD_BYTES = 4;
    /** Largest accepted payload limit, in bytes. */
    public static final int MAX_MAX_PAYLOAD_BYTES = 65_535;
    /** Default largest number of NAL units in one access unit. */
    public static final int DEFAULT_MAX_NAL_UNITS = 1024;

    private final NalPacketizer packetizer;
    private final int maxPayloadBytes;

    private H265Packetizer(Builder builder) {
        this.maxPayloadBytes = builder.maxPayloadBytes;
        this.packetizer = new NalPacketizer(NalFormat.H265, builder.maxPayloadBytes, builder.aggregation,
                builder.maxNalUnits);
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
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
    public int setAccessUnit(byte[] accessUnit, int offset, int length) {
        Arguments.checkRange(accessUnit, offset, length, "accessUnit");
        return packetizer.setAccessUnit(accessUnit, offset, length);
    }

    /** @return true while the current access unit has packets left */
    public boolean hasNext() {
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
    public int next(byte[] out, int offset) {
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
    public boolean marker() {
        return packetizer.marker();
    }

    /** @return the largest payload this packetizer writes, in bytes */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Options for {@link H265Packetizer}. Not thread-safe. */
    public static final class Builder {
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private boolean aggregation = true;
        private int maxNalUnits = DEFAULT_MAX_NAL_UNITS;

        private Builder() {
        }

        /**
         * @param bytes largest RTP payload written, in bytes, from {@link #MIN_MAX_PAYLOAD_BYTES} to
         *     {@link #MAX_MAX_PAYLOAD_BYTES} (default {@link #DEFAULT_MAX_PAYLOAD_BYTES})
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxPayloadBytes(int bytes) {
            this.maxPayloadBytes = Arguments.checkBetween(bytes, MIN_MAX_PAYLOAD_BYTES, MAX_MAX_PAYLOAD_BYTES,
                    "maxPayloadBytes");
            return this;
        }

        /**
         * @param enabled whether consecutive small NAL units may share one AP packet (default true);
         *     when false every NAL unit that fits is sent alone
         * @return this builder
         */
        public Builder aggregation(boolean enabled) {
            this.aggregation = enabled;
            return this;
        }

        /**
         * @param count most NAL units one access unit may hold, from 1 to 1,000,000 (default
         *     {@link #DEFAULT_MAX_NAL_UNITS}); sizes two int arrays
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxNalUnitsPerAccessUnit(int count) {
            this.maxNalUnits = Arguments.checkBetween(count, 1, 1_000_000, "maxNalUnitsPerAccessUnit");
            return this;
        }

        /** @return a new packetizer */
        public H265Packetizer build() {
            return new H265Packetizer(this);
        }
    }
}
