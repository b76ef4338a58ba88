package io.smoothcast.payload;

import io.smoothcast.payload.internal.NalFormat;

/**
 * The jitter buffer's frame-completeness hook for H.264 (RFC 6184): a candidate run of packets is
 * a complete frame when
 * <ul>
 *   <li>it is closed (marker bit, or the next packet carries another timestamp);</li>
 *   <li>its first payload opens an access unit: SPS, PPS, SEI, access unit delimiter, or a slice
 *       with first_mb_in_slice 0 (a fragment only if it is the start fragment). This is checked
 *       even when the buffer confirms the start, which at a stream start is only an assumption;</li>
 *   <li>every payload is well formed (as {@link H264Depacketizer} checks it) and every fragmented
 *       NAL unit runs from its start fragment to its end fragment with nothing else in between.</li>
 * </ul>
 * A malformed run is never complete, so the buffer gives it up at its deadline (and asks for a
 * keyframe) instead of handing broken bytes to the decoder. Streams with arbitrary slice order
 * (H.264 Baseline ASO, where a picture may begin with another slice than its first) are not
 * supported.
 *
 * <pre>{@code
 * SpscJitterBuffer buffer = SpscJitterBuffer.builder()
 *         .completenessCheck(H264FrameCompletenessCheck.INSTANCE)
 *         .build();
 * }</pre>
 *
 * <p>Stateless; thread-safe; one instance may be shared by any number of buffers.
 */
public final class H264FrameCompletenessCheck extends NalFrameCompletenessCheck {

    /** The shared instance. */
    public static final H264FrameCompletenessCheck INSTANCE = new H264FrameCompletenessCheck();

    private H264FrameCompletenessCheck() {
        super(NalFormat.H264);
    }
}
