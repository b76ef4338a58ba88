/**
 * Implementation helpers of {@link io.smoothcast.rtp}: big-endian byte access and argument
 * checks, the RFC 8285 extension walker, the common RTCP header, the fixed-size FCI entries of
 * feedback messages and the RFC 3550 A.1 jump probation shared with the transport's viewer. Not a
 * public API: may change without notice.
 */
package io.smoothcast.rtp.internal;
