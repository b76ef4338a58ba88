/**
 * The viewer's jitter buffer: {@link io.smoothcast.jitter.SpscJitterBuffer} takes RTP packets from
 * the receiving I/O thread and hands complete frames, in order and at their playout time, to the
 * playout thread, lock-free and without allocating per packet. It requests retransmissions
 * (NACK) and keyframes (PLI) for the transport to send, adapts its playout delay to measured
 * jitter (or keeps a fixed one), and publishes W3C webrtc-stats style counters readable from any
 * thread ({@link io.smoothcast.jitter.JitterBufferStats}).
 *
 * <p>All decisions take the current time ({@code nowNs}, {@code arrivalNs}) from the caller, so
 * the buffer runs identically in real and in virtual time.
 */
package io.smoothcast.jitter;
