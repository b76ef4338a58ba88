package io.smoothcast.jitter;

/**
 * Receives complete frames from {@link SpscJitterBuffer#poll(long, FrameHandler)}, on the
 * consumer (playout) thread.
 *
 * <p>The {@link JitterFrame} and the payload memory it points to are valid only until
 * {@link #onFrame} returns: the buffer then hands the slots back to the producer. Copy whatever
 * must be kept. Implementations should be quick and should not throw; if one throws, the frame
 * still counts as delivered and the exception propagates out of {@code poll}.
 */
@FunctionalInterface
public interface FrameHandler {

    /**
     * @param frame the frame, a view valid only during this call
     */
    void onFrame(JitterFrame frame);
}
