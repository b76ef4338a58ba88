package io.smoothcast.abr;

/**
 * How the broadcaster's encoder takes its bitrate from a {@link RenditionSelector}.
 */
public enum EncoderMode {
    /**
     * The encoder accepts any bitrate: it follows the target continuously (clamped to the
     * ladder's range); the rendition only sets the frame size.
     */
    CONTINUOUS,
    /**
     * The encoder runs each rendition at that rendition's nominal bitrate. The sender then
     * sends less than the target, which an application-limited congestion controller cannot
     * grow past; the selector asks for padding up to the next rendition's threshold so that the
     * controller can find out whether the path carries it.
     */
    LADDER
}
