package io.smoothcast.transport;

/**
 * Counters of end-to-end frame encryption (SFrame, RFC 9605) since start. A broadcaster fills the
 * first two, a viewer the others; all are zero without encryption.
 *
 * <p>Immutable; thread-safe.
 *
 * @param framesEncrypted frames sealed by the broadcaster
 * @param encryptionFailed frames the broadcaster could not seal (not sent)
 * @param framesDecrypted frames that authenticated and were handed to the viewer's listener
 * @param authenticationFailed frames whose tag did not verify: altered on the way, or sealed
 *     with another base key (a viewer with the wrong key sees only these)
 * @param replayed frames whose counter was already accepted (a replay)
 * @param tooOld frames whose counter is behind the replay window
 * @param unknownKey frames under a key id the viewer does not hold (or not encrypted at all)
 * @param malformed frames too short or with a bad SFrame header
 */
public record FrameEncryptionStats(long framesEncrypted, long encryptionFailed, long framesDecrypted,
        long authenticationFailed, long replayed, long tooOld, long unknownKey, long malformed) {

    /** No encryption, or not started. */
    static final FrameEncryptionStats NONE = new FrameEncryptionStats(0, 0, 0, 0, 0, 0, 0, 0);

    /** @return frames the viewer refused, for any reason */
    public long framesRejected() {
        return authenticationFailed + replayed + tooOld + unknownKey + malformed;
    }
}
