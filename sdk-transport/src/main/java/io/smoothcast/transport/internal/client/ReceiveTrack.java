package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.transport.internal.control.Track;

/**
 * A track a viewer receives and its jitter buffer. The I/O thread is the buffer's producer, the
 * playout thread its consumer.
 *
 * @param track the track as announced by the node
 * @param buffer its jitter buffer
 * @param reception what the receiver reports about it (I/O thread only)
 * @param captureAnchor maps its RTP timestamps to capture times (written by the I/O thread, read
 *     by the playout thread)
 */
public record ReceiveTrack(Track track, SpscJitterBuffer buffer, ReceptionStatistics reception,
        CaptureAnchor captureAnchor) {
}
