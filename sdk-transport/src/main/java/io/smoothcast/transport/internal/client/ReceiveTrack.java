package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.UdpTransport;

/**
 * A track a viewer receives and its jitter buffer. The I/O thread is the buffer's producer, the
 * playout thread its consumer.
 *
 * @param track the track as announced by the node
 * @param buffer its jitter buffer
 * @param reception what the receiver reports about it (I/O thread only)
 * @param captureAnchor maps its RTP timestamps to capture times (written by the I/O thread, read
 *     by the playout thread)
 * @param jumpProbation the packet held back after a large jump in its numbering, until the next
 *     packet confirms the jump (I/O thread only)
 */
public record ReceiveTrack(Track track, SpscJitterBuffer buffer, ReceptionStatistics reception,
        CaptureAnchor captureAnchor, SequenceJumpProbation jumpProbation) {

    /** A track with nothing on probation, holding datagrams of up to {@link UdpTransport#RECEIVE_BUFFER_BYTES}. */
    public ReceiveTrack(Track track, SpscJitterBuffer buffer, ReceptionStatistics reception, CaptureAnchor captureAnchor) {
        this(track, buffer, reception, captureAnchor, new SequenceJumpProbation(UdpTransport.RECEIVE_BUFFER_BYTES));
    }
}
