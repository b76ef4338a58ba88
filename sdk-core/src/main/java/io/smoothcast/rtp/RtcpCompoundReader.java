package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;

/**
 * Iterates the individual packets of an RTCP compound packet (RFC 3550 section 6.1) without
 * allocating: a cursor over the caller's {@code byte[]}.
 *
 * <pre>{@code
 * RtcpCompoundReader rtcp = new RtcpCompoundReader();   // reusable, one per thread
 * rtcp.wrap(datagram, 0, length);
 * while (rtcp.next()) {
 *     switch (rtcp.packetType()) {
 *         case RtcpPacketType.SENDER_REPORT -> {
 *             if (report.wrap(rtcp.buffer(), rtcp.packetOffset(), rtcp.packetLength()) == ParseStatus.OK) { ... }
 *         }
 *         case RtcpPacketType.TRANSPORT_FEEDBACK -> { ... }
 *         default -> { }
 *     }
 * }
 * if (rtcp.status() != ParseStatus.OK) { malformed++; }   // packets before the bad one were delivered
 * }</pre>
 *
 * <p>Each packet's common header is checked (version 2, length field within the datagram,
 * padding). Packets of unknown types (anything but 200 to 206, e.g. XR) are skipped and counted
 * ({@link #skippedPacketCount()}); the packets after them are still read. Reading stops at the
 * first packet whose header is malformed, because its length cannot be trusted to find the next
 * one; {@link #status()} then says why. The body of each packet is checked by the typed view
 * the caller hands it to ({@link RtcpReportView}, {@link RtcpSdesView}, {@link RtcpByeView},
 * {@link RtcpAppView}, {@link RtcpNackView}, {@link RtcpPliView}, {@link RtcpFirView},
 * {@link TransportCcFeedbackView}).
 *
 * <p>Not thread-safe: use one instance per thread. The buffer is referenced, not copied.
 */
public final class RtcpCompoundReader {

    private byte[] buffer;
    private int end;
    private int cursor;
    private int status = ParseStatus.OK;
    private int packetOffset;
    private int packetLength;
    private int contentLength;
    private int packetCount;
    private int skippedPacketCount;

    /**
     * Whether a datagram is RTCP rather than RTP when both share a port (RFC 5761 section 4):
     * version 2 and a second byte (packet type) in 192 to 223.
     *
     * @param buffer the datagram's bytes
     * @param offset index of its first byte
     * @param length its length in bytes
     * @return true if it should be handed to the RTCP reader
     */
    public static boolean isRtcp(byte[] buffer, int offset, int length) {
        Bytes.checkRegion(buffer, offset, length, "length");
        if (length < RtcpHeaders.HEADER_LENGTH || ((buffer[offset] & 0xFF) >>> 6) != 2) {
            return false;
        }
        int type = buffer[offset + 1] & 0xFF;
        return type >= 192 && type <= 223;
    }

    /**
     * Starts reading a compound packet. The first {@link #next()} moves to its first packet.
     *
     * @param buffer the datagram's bytes; kept by reference
     * @param offset index of the first byte
     * @param length the datagram's length in bytes
     * @return {@link ParseStatus#OK}, or {@link ParseStatus#TRUNCATED_HEADER} when fewer than 4
     *     bytes are given, or {@link ParseStatus#BAD_VERSION} when the first packet is not version 2
     *     (then {@link #next()} returns false at once)
     * @throws IllegalArgumentException if {@code buffer} is null or the region lies outside it
     */
    public int wrap(byte[] buffer, int offset, int length) {
        Bytes.checkRegion(buffer, offset, length, "length");
        this.buffer = buffer;
        this.cursor = offset;
        this.end = offset + length;
        this.packetCount = 0;
        this.skippedPacketCount = 0;
        this.packetOffset = offset;
        this.packetLength = 0;
        this.contentLength = 0;
        if (length < RtcpHeaders.HEADER_LENGTH) {
            status = ParseStatus.TRUNCATED_HEADER;
        } else if (((buffer[offset] & 0xFF) >>> 6) != 2) {
            status = ParseStatus.BAD_VERSION;
        } else {
            status = ParseStatus.OK;
        }
        return status;
    }

    /**
     * Moves to the next packet of a known type.
     *
     * @return true if positioned on a packet; false at the end of the datagram or at a malformed
     *     header (see {@link #status()})
     */
    public boolean next() {
        while (status == ParseStatus.OK && cursor < end) {
            final int at = cursor;
            int length = RtcpHeaders.packetLength(buffer, at, end - at);
            if (length < 0) {
                status = length;
                return false;
            }
            int content = RtcpHeaders.contentLength(buffer, at, length);
            if (content < 0) {
                status = content;
                return false;
            }
            cursor = at + length;
            if (!RtcpPacketType.isKnown(buffer[at + 1] & 0xFF)) {
                skippedPacketCount++;
                continue;
            }
            packetOffset = at;
            packetLength = length;
            contentLength = content;
            packetCount++;
            return true;
        }
        return false;
    }

    /**
     * @return {@link ParseStatus#OK} while the datagram is well framed so far (also after a clean
     *     end), or the error that stopped the iteration
     */
    public int status() {
        return status;
    }

    /** @return the wrapped buffer */
    public byte[] buffer() {
        return buffer;
    }

    /** @return index in {@link #buffer()} of the current packet's first byte */
    public int packetOffset() {
        return packetOffset;
    }

    /** @return the current packet's length in bytes, header and padding included (hand this to a view) */
    public int packetLength() {
        return packetLength;
    }

    /** @return the current packet's length without its padding, header included */
    public int contentLength() {
        return contentLength;
    }

    /** @return the current packet's type, e.g. {@link RtcpPacketType#SENDER_REPORT} */
    public int packetType() {
        return buffer[packetOffset + 1] & 0xFF;
    }

    /** @return the current packet's 5-bit count field (reception report count, source count, subtype or FMT) */
    public int format() {
        return buffer[packetOffset] & 0x1F;
    }

    /** @return packets of known types delivered by {@link #next()} so far */
    public int packetCount() {
        return packetCount;
    }

    /** @return well-framed packets of unknown types skipped so far */
    public int skippedPacketCount() {
        return skippedPacketCount;
    }
}
