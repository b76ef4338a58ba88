package io.smoothcast.samples.examples;

/**
 * The application's video encoder, as the broadcaster example uses it (a camera plus x264,
 * MediaCodec, ...). Implementations decide their own threading.
 */
public interface VideoEncoder {

    /**
     * Blocks until the next encoded frame is ready.
     *
     * @return the frame, or {@code null} when the source has ended
     * @throws InterruptedException if interrupted while waiting
     */
    EncodedFrame next() throws InterruptedException;

    /**
     * @param bitrateBps the bitrate to encode at from now on, bits per second
     */
    void setBitrate(long bitrateBps);

    /** Encodes the next frame as a keyframe. */
    void requestKeyframe();

    /**
     * One encoded frame.
     *
     * @param data the encoded bytes (for H.264, one Annex-B access unit)
     * @param captureTimeNs when it was captured, in {@link System#nanoTime()} nanoseconds
     * @param keyframe whether it decodes on its own
     */
    record EncodedFrame(byte[] data, long captureTimeNs, boolean keyframe) {
    }
}
