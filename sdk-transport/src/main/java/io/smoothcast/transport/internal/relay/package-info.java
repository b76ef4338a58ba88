/**
 * The relay node's protocol logic: sessions, streams, fan-out, the retransmission cache, keyframe
 * request forwarding and load reports. Everything here runs on one I/O thread and takes the time
 * from its caller, so unit tests drive it in virtual time with a recording sender.
 *
 * <p>Internal: not part of the public API.
 */
package io.smoothcast.transport.internal.relay;
