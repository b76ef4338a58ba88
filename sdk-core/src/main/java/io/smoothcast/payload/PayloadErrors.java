package io.smoothcast.payload;

/**
 * Negative result codes returned by the packetizers and depacketizers of this package instead of
 * throwing: bad media bytes are an expected condition, not a programming error.
 *
 * <p>Every method that can return one of these returns a length (zero or more) on success, so
 * {@code result < 0} is the only test a caller needs. {@link #name(int)} turns a code into a
 * readable name for logs and counters.
 *
 * <p>Stateless; thread-safe.
 */
public final class PayloadErrors {

    /** The payload is shorter than the header of its packet type, or carries no data after it. */
    public static final int TRUNCATED_PACKET = -1;
    /** The forbidden_zero_bit (F) of a NAL unit header or payload header is set. */
    public static final int FORBIDDEN_BIT = -2;
    /** A packet or NAL unit type that is reserved or not supported (for example STAP-B, MTAP, FU-B, PACI). */
    public static final int UNSUPPORTED_TYPE = -3;
    /** An aggregation packet (STAP-A, AP) is empty, or a unit size runs past the end of the payload. */
    public static final int TRUNCATED_AGGREGATION = -4;
    /** A fragmentation unit continues or ends a NAL unit whose start fragment was never received. */
    public static final int FU_START_MISSING = -5;
    /** A fragmentation unit carries another NAL unit type than the start fragment it continues. */
    public static final int FU_TYPE_CHANGED = -6;
    /**
     * Another packet (or a new start fragment) arrived, with no sequence gap, while a fragmented
     * NAL unit was still open: the sender broke the rule that fragments are sent back to back.
     * The open NAL unit and this packet are both dropped.
     */
    public static final int FU_INTERRUPTED = -7;
    /** A fragmentation unit header has both start and end bits set, or names an invalid NAL unit type. */
    public static final int FU_BAD_HEADER = -8;
    /** A NAL unit header is invalid in a way other than the F bit (an H.265 TemporalId of zero). */
    public static final int INVALID_NAL_HEADER = -9;
    /** A fragmented NAL unit grew beyond the depacketizer's configured maximum NAL unit size. */
    public static final int NAL_UNIT_TOO_LARGE = -10;
    /** The caller's output buffer is too small for the bytes this packet produces. */
    public static final int OUTPUT_TOO_SMALL = -11;
    /** An access unit handed to a packetizer holds no NAL unit. */
    public static final int NO_NAL_UNITS = -12;
    /** An access unit handed to a packetizer holds more NAL units than the packetizer was built for. */
    public static final int TOO_MANY_NAL_UNITS = -13;
    /** An access unit handed to a packetizer has non-zero bytes before its first Annex-B start code. */
    public static final int NOT_ANNEX_B = -14;
    /** An Opus packet's frame lengths break RFC 6716 section 3.4 (requirements R1 to R7). */
    public static final int INVALID_OPUS_FRAMES = -15;
    /** An Opus code 3 packet declares zero frames or more than 120 ms of audio. */
    public static final int INVALID_OPUS_FRAME_COUNT = -16;
    /** A payload is larger than the configured maximum RTP payload size. */
    public static final int PAYLOAD_TOO_LARGE = -17;

    private PayloadErrors() {
    }

    /**
     * @param code a result code
     * @return the constant's name for a negative code defined here, {@code "OK"} for a length
     *     (zero or more), {@code "UNKNOWN(<code>)"} otherwise
     */
    public static String name(int code) {
        switch (code) {
            case TRUNCATED_PACKET: return "TRUNCATED_PACKET";
            case FORBIDDEN_BIT: return "FORBIDDEN_BIT";
            case UNSUPPORTED_TYPE: return "UNSUPPORTED_TYPE";
            case TRUNCATED_AGGREGATION: return "TRUNCATED_AGGREGATION";
            case FU_START_MISSING: return "FU_START_MISSING";
            case FU_TYPE_CHANGED: return "FU_TYPE_CHANGED";
            case FU_INTERRUPTED: return "FU_INTERRUPTED";
            case FU_BAD_HEADER: return "FU_BAD_HEADER";
            case INVALID_NAL_HEADER: return "INVALID_NAL_HEADER";
            case NAL_UNIT_TOO_LARGE: return "NAL_UNIT_TOO_LARGE";
            case OUTPUT_TOO_SMALL: return "OUTPUT_TOO_SMALL";
            case NO_NAL_UNITS: return "NO_NAL_UNITS";
            case TOO_MANY_NAL_UNITS: return "TOO_MANY_NAL_UNITS";
            case NOT_ANNEX_B: return "NOT_ANNEX_B";
            case INVALID_OPUS_FRAMES: return "INVALID_OPUS_FRAMES";
            case INVALID_OPUS_FRAME_COUNT: return "INVALID_OPUS_FRAME_COUNT";
            case PAYLOAD_TOO_LARGE: return "PAYLOAD_TOO_LARGE";
            default: return code >= 0 ? "OK" : "UNKNOWN(" + code + ")";
        }
    }
}
