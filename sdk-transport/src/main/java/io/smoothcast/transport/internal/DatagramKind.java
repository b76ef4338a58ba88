package io.smoothcast.transport.internal;

import io.netty.buffer.ByteBuf;
import io.smoothcast.transport.internal.control.ControlCodec;

/**
 * What a datagram arriving on a shared port is, decided from its first two bytes as RFC 7983
 * (updated by RFC 9443) demultiplexes a single port, and RTP from RTCP as RFC 5761 section 4
 * does. Stateless; {@link #classify} is thread-safe and allocation-free.
 */
public enum DatagramKind {
    /** RTP: first byte 128-191 and second byte outside 192-223. */
    RTP,
    /** RTCP: first byte 128-191 and second byte (packet type) 192-223. */
    RTCP,
    /** Smoothcast control: first byte equals {@link ControlCodec#MARKER}. */
    CONTROL,
    /** STUN (first byte 0-3); not answered yet, counted. */
    STUN,
    /** DTLS (first byte 20-63); not answered yet, counted. */
    DTLS,
    /** Anything else, including empty and one-byte datagrams for RTP. */
    UNKNOWN;

    /**
     * Classifies the readable bytes of a datagram without moving its indexes.
     *
     * @param datagram the UDP payload
     * @return its kind; never null
     */
    public static DatagramKind classify(ByteBuf datagram) {
        int length = datagram.readableBytes();
        if (length == 0) {
            return UNKNOWN;
        }
        int base = datagram.readerIndex();
        int first = datagram.getUnsignedByte(base);
        if (first >= 128 && first <= 191) {
            if (length < 2) {
                return UNKNOWN;
            }
            int second = datagram.getUnsignedByte(base + 1);
            return second >= 192 && second <= 223 ? RTCP : RTP;
        }
        if (ControlCodec.isControl(first)) {
            return CONTROL;
        }
        if (first <= 3) {
            return STUN;
        }
        if (first >= 20 && first <= 63) {
            return DTLS;
        }
        return UNKNOWN;
    }
}
