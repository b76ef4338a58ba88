package io.smoothcast.transport.internal.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.security.SframeEncryptor;
import io.smoothcast.transport.internal.SingleWriterCounters;

/**
 * The broadcaster's end-to-end encryption step: seals each frame with SFrame (RFC 9605) before it
 * is cut into RTP packets, so relays forward ciphertext they cannot read. The packetizer's
 * one-byte payload header (start and keyframe bits) stays in clear for the relays.
 *
 * <p>Not thread-safe: the broadcaster's I/O thread only, except {@link #counters()} reads.
 * Allocates only when a frame is larger than any before it (the buffers grow); otherwise nothing
 * outside {@code javax.crypto}.
 */
public final class FrameSealer {

    /** Counter: frames sealed. */
    public static final int FRAMES_SEALED = 0;
    /** Counter: frames that could not be sealed (counter exhausted or a crypto failure); not sent. */
    public static final int SEAL_FAILED = 1;
    private static final int COUNTER_COUNT = 2;
    private static final int INITIAL_CAPACITY = 16 * 1024;

    private final SframeEncryptor encryptor;
    private final SingleWriterCounters counters = new SingleWriterCounters(COUNTER_COUNT);
    private byte[] plain = new byte[INITIAL_CAPACITY];
    private byte[] sealed = new byte[INITIAL_CAPACITY + SframeEncryptor.MAX_OVERHEAD_BYTES];
    private ByteBuf sealedView = Unpooled.wrappedBuffer(sealed);

    /** @param encryptor the stream's encryptor (owned by this sealer from now on) */
    public FrameSealer(SframeEncryptor encryptor) {
        this.encryptor = encryptor;
    }

    /**
     * Seals a frame.
     *
     * @param frame the frame's readable bytes; not modified or released
     * @return a view of the sealed frame, valid until the next call (not to be released), or null
     *     if the frame could not be sealed (counted)
     */
    public ByteBuf seal(ByteBuf frame) {
        int length = frame.readableBytes();
        if (plain.length < length) {
            plain = new byte[length];
            sealed = new byte[length + SframeEncryptor.MAX_OVERHEAD_BYTES];
            sealedView = Unpooled.wrappedBuffer(sealed);
        }
        frame.getBytes(frame.readerIndex(), plain, 0, length);
        int n = encryptor.encrypt(plain, 0, length, null, sealed, 0, sealed.length);
        if (n < 0) {
            counters.increment(SEAL_FAILED);
            return null;
        }
        counters.increment(FRAMES_SEALED);
        return sealedView.setIndex(0, n);
    }

    /** The counters, readable from any thread. */
    public SingleWriterCounters counters() {
        return counters;
    }
}
