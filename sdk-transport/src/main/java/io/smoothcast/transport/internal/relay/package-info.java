/**
 * The relay node's protocol logic: sessions, streams, fan-out, the retransmission cache, keyframe
 * request forwarding, load reports, and per-subscriber congestion control (each subscriber's own
 * transport-wide numbering and controller, the simulcast layer chosen from its estimate and
 * switched at keyframes). Everything here runs on one I/O thread and takes the time
 * from its caller, so unit tests drive it in virtual time with a recording sender.
 *
 * <p>Internal: not part of the public API.
 */
package io.smoothcast.transport.internal.relay;
