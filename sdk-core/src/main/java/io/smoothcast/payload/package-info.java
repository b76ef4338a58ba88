/**
 * RTP payload formats: packetizers, depacketizers, keyframe detection and jitter-buffer frame
 * checks for H.264 (RFC 6184, packetization-mode 1), H.265 (RFC 7798) and Opus (RFC 7587).
 *
 * <p>Sending: {@link H264Packetizer} and {@link H265Packetizer} turn an Annex-B access unit into
 * MTU-sized payloads ({@link AccessUnitSplitter} cuts an elementary stream into access units);
 * {@link OpusPacketizer} sends one Opus packet per payload.
 *
 * <p>Receiving: {@link H264Depacketizer}, {@link H265Depacketizer} and {@link OpusDepacketizer}
 * write Annex-B (or the Opus packet) into a caller-supplied buffer and return its length, or a
 * negative {@link PayloadErrors} code for hostile bytes: no exceptions for bad input and no
 * allocation per packet. {@link H264FrameCompletenessCheck} and {@link H265FrameCompletenessCheck}
 * plug into the jitter buffer; {@link H264Keyframes} and {@link H265Keyframes} tell whether a
 * decoder can start at an access unit, a payload or a frame.
 *
 * <p>Arguments that are programming errors (null arrays, ranges outside an array, a packetizer
 * output buffer that is too small) throw {@link IllegalArgumentException} naming the argument.
 * Each class states its thread-safety; packetizers and depacketizers hold per-stream state and
 * are used by one thread at a time.
 */
package io.smoothcast.payload;
