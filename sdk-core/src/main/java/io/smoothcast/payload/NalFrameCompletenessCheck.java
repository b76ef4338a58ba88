package io.smoothcast.payload;

import io.smoothcast.jitter.FrameCompletenessCheck;
import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.payload.internal.NalFormat;
import io.smoothcast.payload.internal.NalFrames;

/**
 * The check of {@link H264FrameCompletenessCheck} and {@link H265FrameCompletenessCheck}: one
 * algorithm ({@link NalFrames#isComplete}) whose codec-specific part (NAL header, the types that
 * open an access unit, aggregation and fragmentation packets) lives in {@link NalFormat}.
 * Package-private so the two public classes stay the only API.
 *
 * <p>Stateless; thread-safe.
 */
abstract sealed class NalFrameCompletenessCheck implements FrameCompletenessCheck
        permits H264FrameCompletenessCheck, H265FrameCompletenessCheck {

    private final NalFormat format;

    NalFrameCompletenessCheck(NalFormat format) {
        this.format = format;
    }

    /** {@inheritDoc} The payload is checked whether or not {@code startConfirmed} is set. */
    @Override
    public final boolean isComplete(JitterFrame candidate, boolean startConfirmed, boolean closed) {
        return NalFrames.isComplete(format, candidate, closed);
    }
}
