/**
 * Direct RTP: plain RTP/RTCP to and from a standard peer (GStreamer's {@code rtpbin}, for
 * interop), without Smoothcast's control protocol. Reuses the payload packetizers, the
 * congestion controller and pacer, the RTX cache and the RTCP views; only the socket handling is
 * its own. Internal: not part of the public API.
 */
package io.smoothcast.transport.internal.direct;
