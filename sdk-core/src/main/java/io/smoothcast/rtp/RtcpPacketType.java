package io.smoothcast.rtp;

/**
 * RTCP packet type and feedback message type (FMT) values understood by Smoothcast.
 *
 * <p>Constants only; thread-safe.
 */
public final class RtcpPacketType {

    /** Sender report (RFC 3550 section 6.4.1). */
    public static final int SENDER_REPORT = 200;
    /** Receiver report (RFC 3550 section 6.4.2). */
    public static final int RECEIVER_REPORT = 201;
    /** Source description (RFC 3550 section 6.5). */
    public static final int SOURCE_DESCRIPTION = 202;
    /** Goodbye (RFC 3550 section 6.6). */
    public static final int BYE = 203;
    /** Application-defined (RFC 3550 section 6.7). */
    public static final int APP = 204;
    /** Transport-layer feedback (RFC 4585 section 6.2). */
    public static final int TRANSPORT_FEEDBACK = 205;
    /** Payload-specific feedback (RFC 4585 section 6.3). */
    public static final int PAYLOAD_FEEDBACK = 206;

    /** FMT of a generic NACK in a {@link #TRANSPORT_FEEDBACK} packet (RFC 4585 section 6.2.1). */
    public static final int FMT_GENERIC_NACK = 1;
    /** FMT of transport-wide congestion control feedback in a {@link #TRANSPORT_FEEDBACK} packet. */
    public static final int FMT_TRANSPORT_CC = 15;
    /** FMT of a picture loss indication in a {@link #PAYLOAD_FEEDBACK} packet (RFC 4585 section 6.3.1). */
    public static final int FMT_PLI = 1;
    /** FMT of a full intra request in a {@link #PAYLOAD_FEEDBACK} packet (RFC 5104 section 4.3.1). */
    public static final int FMT_FIR = 4;

    private RtcpPacketType() {
    }

    /**
     * @param packetType an RTCP packet type
     * @return whether the compound reader delivers packets of this type (200 to 206)
     */
    public static boolean isKnown(int packetType) {
        return packetType >= SENDER_REPORT && packetType <= PAYLOAD_FEEDBACK;
    }
}
