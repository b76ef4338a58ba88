package io.smoothcast.srtp.internal;

/**
 * Packet index estimation of RFC 3711 section 3.3.1: the 48-bit index {@code ROC * 65536 + SEQ}
 * is never sent; each side guesses the rollover counter from the highest sequence number seen.
 *
 * <p>Stateless; thread-safe.
 */
public final class RolloverCounter {

    /** Largest rollover counter (32 bits). */
    public static final long MAX_ROC = 0xFFFF_FFFFL;

    private RolloverCounter() {
    }

    /**
     * @param highestSeq sequence number of the highest index so far, 0 to 65535
     * @param roc rollover counter of that index, 0 to {@link #MAX_ROC}
     * @param seq the arriving sequence number, 0 to 65535
     * @return the estimated index {@code v * 65536 + seq}, with v one of {@code roc - 1},
     *     {@code roc}, {@code roc + 1}; -1 when v would be below 0, and a value above
     *     {@code MAX_ROC * 65536 + 65535} when it would exceed 32 bits
     */
    public static long estimateIndex(int highestSeq, long roc, int seq) {
        long v;
        if (highestSeq < 32768) {
            v = seq - highestSeq > 32768 ? roc - 1 : roc;
        } else {
            v = highestSeq - 32768 > seq ? roc + 1 : roc;
        }
        return v < 0 ? -1 : (v << 16) | seq;
    }
}
