package io.smoothcast.transport.internal.client;

import io.netty.buffer.ByteBuf;

/**
 * A frame handed in by the application, on its way to the I/O thread. The buffer belongs to the
 * frame: whoever takes the frame out of the queue sends and releases it.
 *
 * @param trackIndex which of the broadcaster's tracks
 * @param data the frame's bytes (a pooled copy of the application's array)
 * @param captureTimeNs when the frame was captured, in ns of the client's clock (becomes the RTP timestamp)
 * @param captureTimeNtp the same instant in wall-clock time, as a 64-bit NTP timestamp (stamped as
 *     abs-capture-time), or {@link io.smoothcast.rtp.NtpTime#UNKNOWN}
 * @param keyframe whether the frame is decodable on its own
 * @param queuedNs when the application handed it in ({@code send()}), in ns of the client's clock:
 *     the start of the broadcaster's own send delay
 */
public record OutgoingFrame(int trackIndex, ByteBuf data, long captureTimeNs, long captureTimeNtp, boolean keyframe,
        long queuedNs) {
}
