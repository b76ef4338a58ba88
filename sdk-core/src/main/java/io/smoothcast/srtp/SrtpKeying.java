package io.smoothcast.srtp;

import io.smoothcast.srtp.internal.SessionKeys;
import io.smoothcast.srtp.internal.StreamTable;
import java.util.Arrays;

/**
 * What the {@link SrtpSender} and {@link SrtpReceiver} builders collect the same way: a copy of the
 * master key and salt, the stream table limits, and the one-time key derivation that wipes the
 * copy afterwards (so a builder never keeps key material once its sender or receiver exists).
 *
 * <p>Not thread-safe: owned by one builder.
 */
final class SrtpKeying {

    private final SrtpProfile profile;
    private final byte[] masterKey;
    private final byte[] masterSalt;
    /** Most SSRCs per stream table; already validated. */
    int maxStreams = SrtpArguments.DEFAULT_MAX_STREAMS;
    /** Index window per SSRC, in packets; already validated. */
    int windowPackets = SrtpArguments.DEFAULT_WINDOW_PACKETS;
    private boolean derived;

    /** @throws IllegalArgumentException if an argument is null or of the wrong length */
    SrtpKeying(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        SrtpArguments.checkKeys(profile, masterKey, masterSalt);
        this.profile = profile;
        this.masterKey = masterKey.clone();
        this.masterSalt = masterSalt.clone();
    }

    /**
     * Derives the session keys, then wipes the master key copy.
     *
     * @throws IllegalStateException if called a second time (the copy is gone)
     */
    SessionKeys deriveOnce() {
        if (derived) {
            throw new IllegalStateException("build() may be called once: the master key copy was wiped");
        }
        derived = true;
        try {
            return SessionKeys.derive(profile, masterKey, masterSalt);
        } finally {
            Arrays.fill(masterKey, (byte) 0);
            Arrays.fill(masterSalt, (byte) 0);
        }
    }

    /** @return an empty stream table with the builder's limits */
    StreamTable newStreamTable() {
        return new StreamTable(maxStreams, windowPackets);
    }
}
