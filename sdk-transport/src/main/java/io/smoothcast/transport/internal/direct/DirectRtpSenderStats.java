package io.smoothcast.transport.internal.direct;

/**
 * Counters of a {@link DirectRtpSender}. Written only by the sender's caller thread; read them
 * from that thread (or after it stopped).
 */
public final class DirectRtpSenderStats {

    long packetsSent;
    long datagramsReceived;
    long foreignNacks;
    long sendErrors;
    long receiveErrors;
    long rtcpReceived;
    long malformedRtcp;
    long malformedFrames;
    long pacerDropped;
    long transportFeedbackReceived;
    long nacksReceived;
    long nackedPackets;
    long rtxQueued;
    long rtxOverBudget;

    DirectRtpSenderStats() {
    }

    /** @return RTP packets (media and RTX) handed to the socket */
    public long packetsSent() {
        return packetsSent;
    }

    /** @return RTCP compound datagrams that parsed to the end */
    public long rtcpReceived() {
        return rtcpReceived;
    }

    /**
     * @return datagrams that are not RTCP, or compounds broken part-way (their well-formed
     *     packets before the break are still used)
     */
    public long malformedRtcp() {
        return malformedRtcp;
    }

    /** @return transport-cc feedback packets given to the congestion controller */
    public long transportFeedbackReceived() {
        return transportFeedbackReceived;
    }

    /** @return generic NACK packets for our SSRC */
    public long nacksReceived() {
        return nacksReceived;
    }

    /** @return sequence numbers asked for by those NACKs */
    public long nackedPackets() {
        return nackedPackets;
    }

    /** @return RTX packets queued in answer (a NACKed packet no longer cached is not resent) */
    public long rtxQueued() {
        return rtxQueued;
    }

    /**
     * @return NACKed packets still cached but not resent because the RTX bytes queued over the
     *     last second had reached the congestion controller's target
     */
    public long rtxOverBudget() {
        return rtxOverBudget;
    }

    /** @return packets the pacer refused (queue full or too old) */
    public long pacerDropped() {
        return pacerDropped;
    }

    /** @return access units the packetizer rejected */
    public long malformedFrames() {
        return malformedFrames;
    }

    /**
     * @return datagrams read from the socket; each is counted once more as
     *     {@link #rtcpReceived} or {@link #malformedRtcp}
     */
    public long datagramsReceived() {
        return datagramsReceived;
    }

    /** @return generic NACKs for another media SSRC than this sender's (ignored) */
    public long foreignNacks() {
        return foreignNacks;
    }

    /** @return socket receive failures */
    public long receiveErrors() {
        return receiveErrors;
    }

    /** @return socket send failures */
    public long sendErrors() {
        return sendErrors;
    }

    @Override
    public String toString() {
        return "packetsSent=" + packetsSent + " datagramsReceived=" + datagramsReceived + " rtcp=" + rtcpReceived + " malformedRtcp=" + malformedRtcp
                + " transportCc=" + transportFeedbackReceived + " nacks=" + nacksReceived + " foreignNacks=" + foreignNacks + " nackedPackets="
                + nackedPackets + " rtxQueued=" + rtxQueued + " rtxOverBudget=" + rtxOverBudget + " pacerDropped=" + pacerDropped + " sendErrors="
                + sendErrors + " receiveErrors=" + receiveErrors;
    }
}
