package io.smoothcast.abr;

import java.util.Objects;

/**
 * One entry of a {@link RenditionLadder}: a name, the media bitrate the rendition is encoded at
 * and, for video, its frame size. An audio-only rendition has a width and height of 0.
 *
 * <p>Thread-safety: immutable, safe to share between threads.
 *
 * @param name a short label shown in logs and events, for example {@code "720p"}; not blank
 * @param bitrateBps the nominal bitrate of the rendition in bits per second (audio and video
 *     together); positive
 * @param width the frame width in pixels, 0 for audio-only
 * @param height the frame height in pixels, 0 for audio-only
 */
public record Rendition(String name, long bitrateBps, int width, int height) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code name} is blank, {@code bitrateBps} is not
     *     positive, a dimension is negative, or exactly one dimension is 0
     */
    public Rendition {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (bitrateBps <= 0) {
            throw new IllegalArgumentException("bitrateBps must be > 0: " + bitrateBps);
        }
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException(
                    "width and height must be >= 0: " + width + "x" + height);
        }
        if ((width == 0) != (height == 0)) {
            throw new IllegalArgumentException(
                    "width and height must both be 0 (audio-only) or both be > 0: "
                            + width + "x" + height);
        }
    }

    /**
     * Creates an audio-only rendition.
     *
     * @param name the label
     * @param bitrateBps the audio bitrate in bits per second
     * @return the rendition
     */
    public static Rendition audioOnly(String name, long bitrateBps) {
        return new Rendition(name, bitrateBps, 0, 0);
    }

    /**
     * Creates a video rendition.
     *
     * @param name the label
     * @param bitrateBps the bitrate in bits per second
     * @param width the frame width in pixels, positive
     * @param height the frame height in pixels, positive
     * @return the rendition
     */
    public static Rendition video(String name, long bitrateBps, int width, int height) {
        if (width == 0 || height == 0) {
            throw new IllegalArgumentException(
                    "width and height of a video rendition must be > 0: " + width + "x" + height);
        }
        return new Rendition(name, bitrateBps, width, height);
    }

    /** Returns whether this rendition carries no video. */
    public boolean isAudioOnly() {
        return width == 0;
    }
}
