/**
 * RTP payload formats: packetizers, depacketizers, keyframe detection and jitter-buffer frame
 * checks for H.264 (RFC 6184, packetization-mode 1), H.265 (RFC 7798) and Opus (RFC 7587).
 *
 * <p>Sending: {@link io.smoothcast.payload.H264Packetizer} / {@link io.smoothcast.payload.H265Packetizer}
 * turn an Annex-B access unit (see {@link io.smoothcast.payload.AccessUnitSplitter} to cut an
 * elementary stream into access units) into MTU-sized payloads; {@link io.smoothcast.payload.OpusPacketizer}
 * sends one Opus packet per payload. Receiving: the depacketizers write Annex-B (or Opus packets)
 * into a caller-supplied buffer and return a length, or a negative
 * {@link io.smoothcast.payload.PayloadErrors} code for hostile bytes: no exceptions for bad input
 * and no allocation per packet. {@link io.smoothcast.payload.H264FrameCompletenessCheck} and
 * {@link io.smoothcast.payload.H265FrameCompletenessCheck} plug into the jitter buffer;
 * {@link io.smoothcast.payload.H264Keyframes} and {@link io.smoothcast.payload.H265Keyframes} say
 * whether a decoder can start at an access unit, payload or frame.
 *
 * <p>Arguments that are programming errors (null arrays, ranges outside an array, a too small
 * packetizer output) throw {@link java.lang.IllegalArgumentException} naming the argument.
 * Each class states its thread-safety; packetizers and depacketizers hold per-stream state and
 * are used by one thread at a time.
 */
package io.smoothcast.payload;
