package io.smoothcast.srtp.internal;

/**
 * A bounded set of per-SSRC states, all allocated up front. Lookup is a linear scan: an SRTP
 * session carries a handful of SSRCs (audio, video, retransmission, simulcast layers), and the
 * bound keeps a flood of invented SSRCs from growing memory.
 *
 * <p>Not thread-safe.
 */
public final class StreamTable {

    private final StreamState[] states;
    private final int windowPackets;
    private int count;

    /**
     * @param maxStreams the bound on SSRCs
     * @param windowPackets replay window size for each
     */
    public StreamTable(int maxStreams, int windowPackets) {
        this.states = new StreamState[maxStreams];
        this.windowPackets = windowPackets;
    }

    /**
     * @param ssrc an SSRC
     * @return its state, or null if it has none
     */
    public StreamState find(int ssrc) {
        for (int i = 0; i < count; i++) {
            if (states[i].ssrc == ssrc) {
                return states[i];
            }
        }
        return null;
    }

    /** @return whether no further SSRC can be added */
    public boolean isFull() {
        return count == states.length;
    }

    /**
     * Adds an SSRC that {@link #find} does not know, with a fresh state.
     *
     * @param ssrc the SSRC
     * @return its state, or null when the table is full
     */
    public StreamState add(int ssrc) {
        if (isFull()) {
            return null;
        }
        StreamState state = states[count];
        if (state == null) {
            state = new StreamState(windowPackets);
            states[count] = state;
        }
        count++;
        state.ssrc = ssrc;
        state.highestSeq = 0;
        state.roc = 0;
        state.nextSrtcpIndex = 0;
        return state;
    }

    /** @return how many SSRCs are held */
    public int size() {
        return count;
    }
}
