package io.smoothcast.payload;

import io.smoothcast.payload.internal.NalFormat;

/**
 * The jitter buffer's frame-completeness hook for H.265 (RFC 7798): a candidate run of packets is
 * a complete frame when
 * <ul>
 *   <li>it is closed (marker bit, or the next packet carries another timestamp);</li>
 *   <li>its first payload opens an access unit: VPS, SPS, PPS, prefix SEI, access unit delimiter,
 *       or a slice segment with first_slice_segment_in_pic_flag set (a fragment only if it is the
 *       start fragment). This is checked even when the buffer confirms the start, which at a
 *       stream start is only an assumption;</li>
 *   <li>every payload is well formed (as {@link H265Depacketizer} checks it) and every fragmented
 *       NAL unit runs from its start fragment to its end fragment with nothing else in between.</li>
 * </ul>
 * A malformed run is never complete, so the buffer gives it up at its deadline (and asks for a
 * keyframe) instead of handing broken bytes to the decoder.
 *
 * <pre>{@code
 * SpscJitterBuffer buffer = SpscJitterBuffer.builder()
 *         .completenessCheck(H265FrameCompletenessCheck.INSTANCE)
 *         .build();
 * }</pre>
 *
 * <p>Stateless; thread-safe; one instance may be shared by any number of buffers.
 */
public final class H265FrameCompletenessCheck extends NalFrameCompletenessCheck {

    /** The shared instance. */
    public static final H265FrameCompletenessCheck INSTANCE = new H265FrameCompletenessCheck();

    private H265FrameCompletenessCheck() {
        super(NalFormat.H265);
    }
}
