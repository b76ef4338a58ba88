package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.security.SframeDecryptor;
import io.smoothcast.security.SframeStatus;
import io.smoothcast.transport.internal.SingleWriterCounters;

/**
 * The viewer's end-to-end decryption step: joins the pieces of a complete frame from the jitter
 * buffer (without their one-byte payload headers) and opens it with SFrame (RFC 9605). Altered,
 * replayed and foreign frames are refused and counted per reason; only authentic plaintext comes
 * out.
 *
 * <p>Not thread-safe: the viewer's playout thread only, except {@link #counters()} reads.
 * Allocates only when a frame is larger than any before it; otherwise nothing outside
 * {@code javax.crypto}.
 */
public final class FrameOpener {

    /** Counter: frames opened (authentic and fresh). Counters of refusals are at {@code -status}. */
    public static final int FRAMES_OPENED = 0;
    private static final int INITIAL_CAPACITY = 16 * 1024;

    private final SframeDecryptor decryptor;
    private final SingleWriterCounters counters = new SingleWriterCounters(SframeStatus.COUNT);
    /** Most tracks whose refused frames are remembered for {@link #takeRefusalBefore}. */
    private static final int MAX_TRACKS = 16;

    private byte[] sealed = new byte[INITIAL_CAPACITY];
    private byte[] plain = new byte[INITIAL_CAPACITY];
    /** SSRCs of tracks with a refused frame since their last opened one. */
    private final int[] refusedSsrcs = new int[MAX_TRACKS];
    private int refusedCount;

    /** @param decryptor the viewer's decryptor with its keys (owned by this opener from now on) */
    public FrameOpener(SframeDecryptor decryptor) {
        this.decryptor = decryptor;
    }

    /**
     * Opens a frame.
     *
     * @param frame a complete frame in the generic payload format
     * @return the plaintext length (the bytes are in {@link #plaintext()} until the next call), or
     *     a negative {@link SframeStatus} (counted)
     */
    public int open(JitterFrame frame) {
        int length = Math.max(0, frame.totalPayloadLength() - frame.packetCount() * GenericPayload.HEADER_LENGTH);
        if (sealed.length < length) {
            sealed = new byte[length];
            plain = new byte[length];
        }
        int at = 0;
        for (int i = 0; i < frame.packetCount(); i++) {
            int piece = frame.payloadLength(i) - GenericPayload.HEADER_LENGTH;
            if (piece < 0) { // a packet too short for its payload header: not from our packetizer
                counters.increment(-SframeStatus.MALFORMED);
                return SframeStatus.MALFORMED;
            }
            System.arraycopy(frame.payloadArray(i), frame.payloadOffset(i) + GenericPayload.HEADER_LENGTH, sealed, at,
                    piece);
            at += piece;
        }
        int n = decryptor.decrypt(sealed, 0, length, null, plain, 0, plain.length);
        counters.increment(n >= 0 ? FRAMES_OPENED : -n);
        return n;
    }

    /**
     * Remembers that a frame of a track was refused, so the next frame opened on it can be
     * flagged as following a loss (the decoder may need a keyframe).
     *
     * @param ssrc the track's SSRC
     */
    public void noteRefusal(int ssrc) {
        for (int i = 0; i < refusedCount; i++) {
            if (refusedSsrcs[i] == ssrc) {
                return;
            }
        }
        if (refusedCount < MAX_TRACKS) {
            refusedSsrcs[refusedCount++] = ssrc;
        }
    }

    /**
     * @param ssrc a track's SSRC
     * @return whether a frame of the track was refused since the last call for it (and forgets it)
     */
    public boolean takeRefusalBefore(int ssrc) {
        for (int i = 0; i < refusedCount; i++) {
            if (refusedSsrcs[i] == ssrc) {
                refusedSsrcs[i] = refusedSsrcs[--refusedCount];
                return true;
            }
        }
        return false;
    }

    /** @return the last opened frame's plaintext (valid until the next call) */
    public byte[] plaintext() {
        return plain;
    }

    /** The counters, readable from any thread: {@link #FRAMES_OPENED}, and refusals at {@code -status}. */
    public SingleWriterCounters counters() {
        return counters;
    }
}
