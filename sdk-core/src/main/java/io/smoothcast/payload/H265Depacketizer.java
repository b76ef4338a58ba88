package io.smoothcast.payload;

import io.smoothcast.payload.internal.NalFormat;

/**
 * Depacketizes H.265 RTP payloads (RFC 7798, no DON fields) back into Annex-B NAL units, each
 * written behind a 4-byte start code {@code 00 00 00 01}.
 *
 * <p>Accepts single NAL unit packets, AP aggregation packets and FU fragmentation units. Every
 * payload is untrusted: a malformed one returns a negative {@link PayloadErrors} code and writes
 * nothing usable; nothing is thrown for bad bytes and nothing is allocated per packet. Rejected: a
 * set F bit or a TemporalId of zero, reserved or unsupported packet types (PACI and types 51 to
 * 63), aggregation units that are empty or run past the payload, fragments whose start is missing,
 * whose type changes, whose header has both start and end bits, or that are interrupted by another
 * packet.
 *
 * <p>Call {@link #depacketize} for each packet of a stream in sequence order (for example as a
 * {@link io.smoothcast.jitter.JitterFrame} delivers them). Fragments are gathered internally, in a
 * buffer of {@link #maxNalUnitBytes()} bytes allocated once, and written when the end fragment
 * arrives; a sequence gap abandons an open fragmented NAL unit ({@link
 * #abandonedFragmentedNalUnits()}).
 *
 * <p>Not thread-safe: one instance per received stream, used by one thread at a time.
 */
public final class H265Depacketizer extends AnnexBDepacketizer {

    /** Default largest NAL unit reassembled from fragments, in bytes (2 MiB). */
    public static final int DEFAULT_MAX_NAL_UNIT_BYTES = 2 * 1024 * 1024;

    /** A depacketizer reassembling NAL units up to {@link #DEFAULT_MAX_NAL_UNIT_BYTES}. */
    public H265Depacketizer() {
        this(DEFAULT_MAX_NAL_UNIT_BYTES);
    }

    /**
     * @param maxNalUnitBytes largest NAL unit reassembled from fragments, in bytes, from 16 to
     *     256 MiB; that many bytes are allocated now
     * @throws IllegalArgumentException if out of range
     */
    public H265Depacketizer(int maxNalUnitBytes) {
        super(NalFormat.H265, maxNalUnitBytes);
    }
}
