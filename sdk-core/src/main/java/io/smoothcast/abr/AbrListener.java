package io.smoothcast.abr;

/**
 * Receives rendition changes and audio-only fallback events from a {@link RenditionSelector}.
 *
 * <p>Callbacks run synchronously on the thread that calls
 * {@link RenditionSelector#update(long, long)}, inside that call. They must be fast, must not
 * block and must not throw; hand work to another thread if it is slow (reconfiguring an encoder
 * usually is). Every method has a no-op default.
 */
public interface AbrListener {

    /** A listener that ignores every event. */
    AbrListener NONE = new AbrListener() { };

    /**
     * The selected rendition changed. Also called, after the fallback event, when the selector
     * falls back to audio-only, and, after the recovery event, when it recovers.
     *
     * @param previous the rendition selected before
     * @param current the rendition selected now
     * @param targetBitrateBps the target bitrate that caused the change, in bits per second
     * @param nowNs the time passed to {@code update}, in nanoseconds
     */
    default void onRenditionChanged(Rendition previous, Rendition current, long targetBitrateBps,
            long nowNs) {
    }

    /**
     * The target stayed under the audio-only floor long enough: video stops and only audio is
     * sent (as Agora's {@code STREAM_FALLBACK_OPTION_AUDIO_ONLY}).
     *
     * @param targetBitrateBps the target bitrate, in bits per second
     * @param nowNs the time passed to {@code update}, in nanoseconds
     */
    default void onAudioOnlyFallback(long targetBitrateBps, long nowNs) {
    }

    /**
     * The target recovered while in audio-only mode: video resumes.
     *
     * @param resumed the video rendition sending resumes with
     * @param targetBitrateBps the target bitrate, in bits per second
     * @param nowNs the time passed to {@code update}, in nanoseconds
     */
    default void onAudioOnlyRecovered(Rendition resumed, long targetBitrateBps, long nowNs) {
    }
}
