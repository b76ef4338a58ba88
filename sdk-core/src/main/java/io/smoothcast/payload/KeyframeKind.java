package io.smoothcast.payload;

/**
 * What a video access unit, frame or packet offers a decoder that has lost its reference
 * pictures. Immutable; thread-safe.
 */
public enum KeyframeKind {
    /** No random access point: an H.264 non-IDR picture, an H.265 non-IRAP picture, or no picture. */
    NONE,
    /**
     * A random access picture (H.264 IDR, NAL type 5; H.265 IRAP, NAL types 16 to 23), but not all
     * parameter sets travel with it: decodable only if they were received earlier.
     */
    KEYFRAME,
    /**
     * A random access picture together with its parameter sets (H.264 SPS and PPS; H.265 VPS, SPS
     * and PPS): a fresh decoder can start here.
     */
    KEYFRAME_WITH_PARAMETER_SETS;

    /** @return true for {@link #KEYFRAME} and {@link #KEYFRAME_WITH_PARAMETER_SETS} */
    public boolean isKeyframe() {
        return this != NONE;
    }
}
