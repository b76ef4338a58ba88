package io.smoothcast.transport.internal.direct;

/**
 * Counters of a {@link DirectRtpReceiver}. Written only by the receiver's caller thread; read
 * them from that thread (or after it stopped).
 */
public final class DirectRtpReceiverStats {

    long datagrams;
    long packetsReceived;
    long rtxReceived;
    long malformed;
    long unknownPayloadType;
    long unknownSsrc;
    long jitterRejected;
    long nacksSent;
    long nackedPackets;
    long reportsSent;
    long framesWritten;
    long depacketizeErrors;
    long receiveErrors;
    long sendErrors;

    DirectRtpReceiverStats() {
    }

    /**
     * @return datagrams read; each ends in exactly one of {@link #packetsReceived},
     *     {@link #malformed}, {@link #unknownPayloadType} or {@link #unknownSsrc}
     */
    public long datagrams() {
        return datagrams;
    }

    /** @return datagrams that are not RTP (truncated, wrong version, header, extension or padding past the end) or RTX without room for its original sequence number */
    public long malformed() {
        return malformed;
    }

    /** @return RTP packets of neither the media nor (after the first media packet) the RTX payload type */
    public long unknownPayloadType() {
        return unknownPayloadType;
    }

    /** @return RTP packets of another SSRC than the first media packet's */
    public long unknownSsrc() {
        return unknownSsrc;
    }

    /** @return socket receive failures */
    public long receiveErrors() {
        return receiveErrors;
    }

    /** @return socket send failures (feedback) */
    public long sendErrors() {
        return sendErrors;
    }

    /** @return media packets accepted, restored RTX included */
    public long packetsReceived() {
        return packetsReceived;
    }

    /** @return RTX packets restored to their original */
    public long rtxReceived() {
        return rtxReceived;
    }


    /** @return NACK packets sent */
    public long nacksSent() {
        return nacksSent;
    }

    /** @return sequence numbers asked for in those NACKs (a retry counts again) */
    public long nackedPackets() {
        return nackedPackets;
    }

    /** @return RTCP compound packets sent (receiver reports, with or without a NACK) */
    public long reportsSent() {
        return reportsSent;
    }

    /** @return access units written to the output */
    public long framesWritten() {
        return framesWritten;
    }

    /** @return packets the jitter buffer refused (duplicate, late, overflow) */
    public long jitterRejected() {
        return jitterRejected;
    }

    /** @return frames dropped because a payload did not depacketize */
    public long depacketizeErrors() {
        return depacketizeErrors;
    }

    @Override
    public String toString() {
        return "datagrams=" + datagrams + " packetsReceived=" + packetsReceived + " rtxReceived=" + rtxReceived + " malformed=" + malformed
                + " unknownPt=" + unknownPayloadType + " unknownSsrc=" + unknownSsrc + " jitterRejected="
                + jitterRejected + " nacksSent=" + nacksSent + " nackedPackets=" + nackedPackets + " reportsSent="
                + reportsSent + " framesWritten=" + framesWritten + " depacketizeErrors=" + depacketizeErrors;
    }
}
