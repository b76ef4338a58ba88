package io.smoothcast.samples.examples;

/** The application's video decoder or player, as the viewer example uses it. */
public interface VideoDecoder {

    /**
     * Decodes one frame. Called on the viewer's playout thread, at the frame's playout time.
     *
     * @param data array holding the frame
     * @param length the frame's length in bytes, from index 0
     * @param keyframe whether it decodes on its own
     */
    void decode(byte[] data, int length, boolean keyframe);
}
