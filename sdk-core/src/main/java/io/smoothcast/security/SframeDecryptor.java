package io.smoothcast.security;

import io.smoothcast.security.internal.SframeHeader;
import io.smoothcast.security.internal.SframeKey;
import io.smoothcast.srtp.SrtpStatus;
import io.smoothcast.srtp.internal.ReplayWindow;

/**
 * Opens frames sealed by an {@link SframeEncryptor} (RFC 9605). Holds up to {@value #MAX_KEYS}
 * keys at once, chosen by the key id in each frame's header, so a key can be rotated without a
 * gap. Every key has its own replay window over frame counters: a counter is accepted once, and
 * only after its frame authenticated, so forged frames cannot move or fill the window.
 *
 * <p>Every frame gets a plaintext length or a negative {@link SframeStatus}; nothing in a frame
 * causes an exception, and the output is written only for an authentic, fresh frame.
 *
 * <p>Not thread-safe: one receiving thread. Allocates only when a key is added, and inside
 * {@code javax.crypto} per frame (see {@code SframeKey}).
 */
public final class SframeDecryptor {

    /** Most keys held at once. */
    public static final int MAX_KEYS = 4;
    /** Default replay window, in frames (about 10 s of 30 fps video plus 50 fps audio). */
    public static final int DEFAULT_REPLAY_WINDOW_FRAMES = 1024;

    private final SframeCipherSuite suite;
    private final int replayWindowFrames;
    private final SframeKey[] keys = new SframeKey[MAX_KEYS];
    private final ReplayWindow[] windows = new ReplayWindow[MAX_KEYS];
    private final SframeHeader header = new SframeHeader();

    /**
     * @param suite the cipher suite every key uses
     * @param replayWindowFrames replay window per key, a power of two from 64 to 32768
     * @throws IllegalArgumentException if an argument is out of range
     */
    public SframeDecryptor(SframeCipherSuite suite, int replayWindowFrames) {
        if (suite == null) {
            throw new IllegalArgumentException("suite must not be null");
        }
        if (replayWindowFrames < 64 || replayWindowFrames > 32768 || Integer.bitCount(replayWindowFrames) != 1) {
            throw new IllegalArgumentException("replayWindowFrames must be a power of two in [64, 32768]: "
                    + replayWindowFrames);
        }
        this.suite = suite;
        this.replayWindowFrames = replayWindowFrames;
    }

    /**
     * Adds a key, or replaces the key with the same id (its replay window starts afresh).
     *
     * @param keyId the key id senders put in their headers, >= 0
     * @param baseKey the shared secret, at least 16 bytes (not kept)
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException if {@value #MAX_KEYS} other keys are held
     */
    public void addKey(long keyId, byte[] baseKey) {
        SframeArguments.check(suite, keyId, baseKey);
        int slot = slotOf(keyId);
        if (slot < 0) {
            slot = slotOf(-1);
            if (slot < 0) {
                throw new IllegalStateException("already holding " + MAX_KEYS + " keys; remove one first");
            }
        }
        keys[slot] = new SframeKey(suite, keyId, baseKey);
        windows[slot] = new ReplayWindow(replayWindowFrames);
    }

    /**
     * Forgets a key; frames under it then get {@link SframeStatus#UNKNOWN_KEY}.
     *
     * @param keyId the key id
     * @return whether the key was held
     */
    public boolean removeKey(long keyId) {
        int slot = keyId < 0 ? -1 : slotOf(keyId);
        if (slot < 0) {
            return false;
        }
        keys[slot] = null;
        windows[slot] = null;
        return true;
    }

    /**
     * Opens one frame.
     *
     * @param src the sealed frame
     * @param off its offset
     * @param len its length
     * @param metadata the bytes the sender authenticated with the frame, or null
     * @param dst where the plaintext goes (must not overlap the sealed frame)
     * @param dstOff its offset
     * @param dstLength room from {@code dstOff}; {@code len} always suffices
     * @return the plaintext length, or a negative {@link SframeStatus}
     * @throws IllegalArgumentException if a region lies outside its array
     */
    public int decrypt(byte[] src, int off, int len, byte[] metadata, byte[] dst, int dstOff, int dstLength) {
        SframeArguments.checkRegion("src", src, off, len);
        SframeArguments.checkRegion("dst", dst, dstOff, dstLength);
        if (!header.decode(src, off, len) || len - header.length() < SframeCipherSuite.TAG_BYTES) {
            return SframeStatus.MALFORMED;
        }
        int slot = header.keyId() < 0 ? -1 : slotOf(header.keyId());
        if (slot < 0) {
            return SframeStatus.UNKNOWN_KEY;
        }
        long counter = header.counter();
        int fresh = windows[slot].check(counter);
        if (fresh == SrtpStatus.REPLAYED) {
            return SframeStatus.REPLAYED;
        }
        if (fresh == SrtpStatus.TOO_OLD) {
            return SframeStatus.TOO_OLD;
        }
        if (dstLength < len - header.length() - SframeCipherSuite.TAG_BYTES) {
            return SframeStatus.BUFFER_TOO_SMALL;
        }
        int plain = keys[slot].open(counter, src, off, header.length(), len, metadata, dst, dstOff);
        if (plain >= 0) {
            windows[slot].accept(counter);
        }
        return plain;
    }

    private int slotOf(long keyId) {
        for (int i = 0; i < MAX_KEYS; i++) {
            if (keyId < 0 ? keys[i] == null : keys[i] != null && keys[i].keyId() == keyId) {
                return i;
            }
        }
        return -1;
    }
}
