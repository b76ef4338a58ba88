package io.smoothcast.payload;

import io.smoothcast.payload.internal.NalFormat;

/**
 * Packetizes H.264 access units for RTP (RFC 6184, packetization-mode 1): from an Annex-B access
 * unit to RTP payloads of at most {@link Builder#maxPayloadBytes(int) maxPayloadBytes} bytes each.
 *
 * <p>Each NAL unit that fits goes into a single NAL unit packet, or, with the NAL units after it
 * that fit as well (parameter sets, SEI, small slices), into one STAP-A aggregation packet. A NAL
 * unit larger than the limit is cut into FU-A fragmentation units. The last packet of the access
 * unit carries the RTP marker bit ({@link #marker()}).
 *
 * <pre>{@code
 * H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(1200).build();
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
public final class H264Packetizer extends AnnexBPacketizer {

    /** Default largest payload, in bytes: leaves room for RTP, SRTP and header extensions in a 1500-byte MTU. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1200;
    /** Smallest accepted payload limit, in bytes: FU-A prefix plus one data byte. */
    public static final int MIN_MAX_PAYLOAD_BYTES = 3;
    /** Largest accepted payload limit, in bytes. */
    public static final int MAX_MAX_PAYLOAD_BYTES = 65_535;
    /** Default largest number of NAL units in one access unit. */
    public static final int DEFAULT_MAX_NAL_UNITS = 1024;

    private H264Packetizer(Builder builder) {
        super(NalFormat.H264, builder.maxPayloadBytes, builder.aggregation, builder.maxNalUnits);
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** Options for {@link H264Packetizer}. Not thread-safe. */
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
         * @param enabled whether consecutive small NAL units may share one STAP-A packet (default true);
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
        public H264Packetizer build() {
            return new H264Packetizer(this);
        }
    }
}
