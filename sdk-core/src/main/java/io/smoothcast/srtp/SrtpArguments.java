package io.smoothcast.srtp;

import io.smoothcast.srtp.internal.RolloverCounter;
import io.smoothcast.srtp.internal.StreamState;

/** Argument checks and state updates shared by {@link SrtpSender} and {@link SrtpReceiver}. Stateless. */
final class SrtpArguments {

    static final int DEFAULT_MAX_STREAMS = 16;
    static final int MAX_MAX_STREAMS = 256;
    static final int DEFAULT_WINDOW_PACKETS = 128;

    private SrtpArguments() {
    }

    static void check(byte[] src, int srcOff, int len, byte[] dst, int dstOff) {
        if (src == null) {
            throw new IllegalArgumentException("src must not be null");
        }
        if (dst == null) {
            throw new IllegalArgumentException("dst must not be null");
        }
        if (srcOff < 0 || len < 0 || srcOff > src.length - len) {
            throw new IllegalArgumentException("src region [" + srcOff + ", +" + len + ") outside array of " + src.length);
        }
        if (dstOff < 0 || dstOff > dst.length) {
            throw new IllegalArgumentException("dstOff outside array of " + dst.length + ": " + dstOff);
        }
    }

    static void checkKeys(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        if (profile == null) {
            throw new IllegalArgumentException("profile must not be null");
        }
        if (masterKey == null || masterKey.length != profile.keyBytes()) {
            throw new IllegalArgumentException("masterKey must be " + profile.keyBytes() + " bytes for " + profile
                + ": " + (masterKey == null ? "null" : masterKey.length));
        }
        if (masterSalt == null || masterSalt.length != SrtpProfile.SALT_BYTES) {
            throw new IllegalArgumentException("masterSalt must be " + SrtpProfile.SALT_BYTES + " bytes: "
                + (masterSalt == null ? "null" : masterSalt.length));
        }
    }

    static int checkMaxStreams(int maxStreams) {
        if (maxStreams < 1 || maxStreams > MAX_MAX_STREAMS) {
            throw new IllegalArgumentException("maxStreams must be in [1, " + MAX_MAX_STREAMS + "]: " + maxStreams);
        }
        return maxStreams;
    }

    static int checkWindow(int packets) {
        if (packets < 64 || packets > 32768 || Integer.bitCount(packets) != 1) {
            throw new IllegalArgumentException("window packets must be a power of two in [64, 32768]: " + packets);
        }
        return packets;
    }

    /**
     * Estimates the RFC 3711 packet index of {@code seq} in a stream seen before and refuses one
     * this side must not process again: the same rules protect a sender from repeating a GCM IV
     * and a receiver from a replay.
     *
     * @return the index (48 bits, {@code >= 0}), or a negative {@link SrtpStatus}:
     *     {@link SrtpStatus#TOO_OLD}, {@link SrtpStatus#INDEX_EXHAUSTED} or {@link SrtpStatus#REPLAYED}
     */
    static long knownStreamIndex(StreamState state, int seq) {
        long index = RolloverCounter.estimateIndex(state.highestSeq, state.roc, seq);
        if (index < 0) {
            return SrtpStatus.TOO_OLD;
        }
        if ((index >>> 16) > RolloverCounter.MAX_ROC) {
            return SrtpStatus.INDEX_EXHAUSTED;
        }
        int seen = state.window.check(index);
        return seen != 0 ? seen : index;
    }

    /** Records an authenticated (or protected) index and moves the rollover state forward. */
    static void advance(StreamState state, long index, int seq) {
        long highest = state.window.highest();
        state.window.accept(index);
        if (index >= highest) {
            state.highestSeq = seq;
            state.roc = index >>> 16;
        }
    }
}
