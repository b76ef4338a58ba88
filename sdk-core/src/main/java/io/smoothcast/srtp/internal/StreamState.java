package io.smoothcast.srtp.internal;

/**
 * What one side of an SRTP session remembers about one SSRC: the highest sequence number and its
 * rollover counter, a replay window over indices, and (for SRTCP senders) the next SRTCP index.
 *
 * <p>Not thread-safe. Preallocated by {@link StreamTable}.
 */
public final class StreamState {

    /** The SSRC this slot holds. */
    public int ssrc;
    /** Sequence number of the highest index accepted (or protected). */
    public int highestSeq;
    /** Rollover counter of the highest index accepted (or protected). */
    public long roc;
    /** The next SRTCP index to send. */
    public long nextSrtcpIndex;
    /** Indices seen. */
    public final ReplayWindow window;

    StreamState(int windowPackets) {
        this.window = new ReplayWindow(windowPackets);
    }
}
