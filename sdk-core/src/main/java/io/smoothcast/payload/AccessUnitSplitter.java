package io.smoothcast.payload;

import io.smoothcast.payload.internal.NalFormat;
import io.smoothcast.payload.internal.NalFrames;

/**
 * Finds access unit boundaries in an Annex-B elementary stream (such as ffmpeg's {@code -f h264}
 * or {@code -f hevc} output), so that each access unit can be handed to a packetizer with its
 * own RTP timestamp.
 *
 * <p>An access unit ends just before the first NAL unit, after a picture's slices, that can
 * only begin a new one: an access unit delimiter, parameter sets, SEI, or a slice that is the
 * first of its picture (H.264 {@code first_mb_in_slice == 0}; H.265
 * {@code first_slice_segment_in_pic_flag}). Streams with arbitrary slice order are not split
 * correctly. An access unit's end is only known once the next one begins, so a reader of a live
 * encoder's output (ffmpeg writing to a pipe) is one access unit behind until the stream ends.
 *
 * <pre>{@code
 * int at = 0;
 * int end;
 * while ((end = splitter.findAccessUnitEnd(stream, at, streamLength - at)) >= 0) {
 *     packetizer.setAccessUnit(stream, at, end - at);
 *     ...
 *     at = end;
 * }
 * // at the end of the stream, [at, streamLength) is the last access unit
 * }</pre>
 *
 * <p>Immutable; thread-safe. Allocates nothing.
 */
public final class AccessUnitSplitter {

    private static final AccessUnitSplitter H264 = new AccessUnitSplitter(NalFormat.H264);
    private static final AccessUnitSplitter H265 = new AccessUnitSplitter(NalFormat.H265);

    private final NalFormat format;

    private AccessUnitSplitter(NalFormat format) {
        this.format = format;
    }

    /** @return the splitter for H.264 streams */
    public static AccessUnitSplitter forH264() {
        return H264;
    }

    /** @return the splitter for H.265 streams */
    public static AccessUnitSplitter forH265() {
        return H265;
    }

    /**
     * @param stream Annex-B bytes
     * @param offset where the access unit begins (at or before its first start code)
     * @param length bytes available from {@code offset}
     * @return the index just after the access unit's last NAL unit byte (the next access unit,
     *     start code included, begins there), or -1 if the next access unit has not begun within
     *     the range (read more, or take the rest as the last access unit at end of stream)
     * @throws IllegalArgumentException if {@code stream} is null or the range lies outside it
     */
    public int findAccessUnitEnd(byte[] stream, int offset, int length) {
        Arguments.checkRange(stream, offset, length, "stream");
        return NalFrames.findAccessUnitEnd(format, stream, offset, length);
    }
}
