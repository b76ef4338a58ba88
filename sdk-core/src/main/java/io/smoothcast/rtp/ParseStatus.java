package io.smoothcast.rtp;

/**
 * Result codes of the wire-format parsers ({@link RtpPacketView#wrap}, {@link RtcpCompoundReader},
 * and the RTCP views). {@link #OK} is zero; every error is a distinct negative constant, so a
 * caller can count drops per cause without allocating.
 *
 * <p>Parsers never throw for hostile bytes: they return one of these codes. Exceptions are kept
 * for programming errors (a null buffer, an offset/length outside the array).
 *
 * <p>Stateless; thread-safe.
 */
public final class ParseStatus {

    /** The bytes were parsed successfully. */
    public static final int OK = 0;
    /** Fewer bytes than the fixed header of the packet (12 for RTP, 4 for an RTCP packet). */
    public static final int TRUNCATED_HEADER = -1;
    /** The version field is not 2. */
    public static final int BAD_VERSION = -2;
    /** The RTP CSRC count claims more CSRC words than the datagram holds. */
    public static final int CSRC_OVERRUN = -3;
    /** The RTP header extension (its 4-byte header or its declared length) runs past the datagram. */
    public static final int EXTENSION_OVERRUN = -4;
    /** An RFC 8285 extension element runs past the end of the extension block. */
    public static final int EXTENSION_ELEMENT_OVERRUN = -5;
    /** The padding count is zero or larger than the bytes available after the header. */
    public static final int PADDING_OVERRUN = -6;
    /** An RTCP length field points beyond the datagram. */
    public static final int LENGTH_OVERRUN = -7;
    /** An RTCP packet is shorter than its type requires (for instance a feedback packet without SSRCs). */
    public static final int TRUNCATED_PACKET = -8;
    /** The RTCP report/source count needs more bytes than the packet holds. */
    public static final int COUNT_OVERRUN = -9;
    /** A generic NACK (or FIR) carries no feedback control information entry. */
    public static final int EMPTY_FCI = -10;
    /** Transport-cc feedback: the status chunks end before the packet status count is covered. */
    public static final int STATUS_COUNT_OVERRUN = -11;
    /** Transport-cc feedback: the receive deltas run past the end of the packet. */
    public static final int DELTA_OVERRUN = -12;
    /** Transport-cc feedback: a chunk uses the reserved packet status symbol 3. */
    public static final int RESERVED_STATUS = -13;
    /** An SDES item or chunk runs past the end of the packet. */
    public static final int SDES_ITEM_OVERRUN = -14;
    /** A BYE reason runs past the end of the packet. */
    public static final int REASON_OVERRUN = -15;
    /** The RTCP packet handed to a view has a different packet type or format. */
    public static final int WRONG_PACKET_TYPE = -16;

    private static final String[] NAMES = {
        "OK", "TRUNCATED_HEADER", "BAD_VERSION", "CSRC_OVERRUN", "EXTENSION_OVERRUN",
        "EXTENSION_ELEMENT_OVERRUN", "PADDING_OVERRUN", "LENGTH_OVERRUN", "TRUNCATED_PACKET",
        "COUNT_OVERRUN", "EMPTY_FCI", "STATUS_COUNT_OVERRUN", "DELTA_OVERRUN", "RESERVED_STATUS",
        "SDES_ITEM_OVERRUN", "REASON_OVERRUN", "WRONG_PACKET_TYPE",
    };

    private ParseStatus() {
    }

    /**
     * The constant's name, for logs and metrics labels (no allocation).
     *
     * @param status a status returned by a parser
     * @return the constant's name, or {@code "UNKNOWN"} for a value that is not a status
     */
    public static String name(int status) {
        int index = -status;
        return index >= 0 && index < NAMES.length ? NAMES[index] : "UNKNOWN";
    }
}
