package io.smoothcast.transport;

import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.transport.internal.client.GenericPayload;

/**
 * A frame handed to {@link ViewerListener#onFrame}: a view into the viewer's jitter buffer,
 * valid only during that call (the memory is reused as soon as it returns). Copy the bytes with
 * {@link #copyTo} or {@link #toByteArray()} to keep them.
 *
 * <p>Not thread-safe: use it only on the playout thread, inside the callback.
 */
public final class ReceivedFrame {

    private JitterFrame frame;
    private MediaKind kind;
    private int ssrc;
    /** The decrypted frame, or null when the frame's own payload is delivered. */
    private byte[] decrypted;
    private int decryptedLength;
    /** A frame of this track was refused by decryption just before this one. */
    private boolean refusedBefore;

    ReceivedFrame() {
    }

    ReceivedFrame bind(JitterFrame jitterFrame, MediaKind trackKind, int trackSsrc) {
        this.frame = jitterFrame;
        this.kind = trackKind;
        this.ssrc = trackSsrc;
        this.decrypted = null;
        this.refusedBefore = false;
        return this;
    }

    /**
     * Delivers {@code length} bytes of {@code plaintext} instead of the received (sealed) payload.
     *
     * @param afterRefusal a frame of this track was refused by decryption since the last one delivered
     */
    void useDecrypted(byte[] plaintext, int length, boolean afterRefusal) {
        this.decrypted = plaintext;
        this.decryptedLength = length;
        this.refusedBefore = afterRefusal;
    }

    /** @return audio or video */
    public MediaKind kind() {
        return kind;
    }

    /** @return the SSRC of the track the frame belongs to */
    public int ssrc() {
        return ssrc;
    }

    /**
     * @return the frame's RTP timestamp (unsigned 32-bit value carried in an int): a
     *     Smoothcast broadcaster starts each track at a random value, so it wraps past 2^32 at any
     *     time; compare two frames of one track by the {@code int} difference of their timestamps
     */
    public int rtpTimestamp() {
        return frame.rtpTimestamp();
    }

    /** @return when the frame was due to play, in nanoseconds of the viewer's clock */
    public long playoutTimeNs() {
        return frame.playoutTimeNs();
    }

    /** @return when the frame's first packet arrived, in nanoseconds of the viewer's clock */
    public long firstArrivalNs() {
        return frame.firstArrivalNs();
    }

    /**
     * @return true if frames were lost just before this one, in the network or refused by
     *     end-to-end decryption (the decoder may need a keyframe)
     */
    public boolean followsLoss() {
        return frame.followsLoss() || refusedBefore;
    }

    /** @return true if the broadcaster marked the frame as decodable on its own */
    public boolean keyframe() {
        return GenericPayload.isKeyframe(frame);
    }

    /** @return the frame's length in bytes */
    public int length() {
        if (decrypted != null) {
            return decryptedLength;
        }
        return frame.totalPayloadLength() - frame.packetCount() * GenericPayload.HEADER_LENGTH;
    }

    /**
     * Copies the frame's bytes.
     *
     * @param destination where to copy
     * @param offset index of the first byte to write
     * @return the number of bytes copied ({@link #length()})
     * @throws IllegalArgumentException if the frame does not fit from {@code offset}
     */
    public int copyTo(byte[] destination, int offset) {
        int length = length();
        if (destination == null || offset < 0 || offset > destination.length - length) {
            throw new IllegalArgumentException("destination must have room for " + length + " bytes from offset " + offset);
        }
        if (decrypted != null) {
            System.arraycopy(decrypted, 0, destination, offset, length);
            return length;
        }
        int at = offset;
        for (int i = 0; i < frame.packetCount(); i++) {
            int pieceLength = frame.payloadLength(i) - GenericPayload.HEADER_LENGTH;
            System.arraycopy(frame.payloadArray(i), frame.payloadOffset(i) + GenericPayload.HEADER_LENGTH, destination,
                    at, pieceLength);
            at += pieceLength;
        }
        return length;
    }

    /**
     * Copies the frame's bytes into a new array.
     *
     * @return the frame's bytes
     */
    public byte[] toByteArray() {
        byte[] bytes = new byte[length()];
        copyTo(bytes, 0);
        return bytes;
    }
}
