/**
 * Implementation helpers of {@link io.smoothcast.rtp}: big-endian byte access and argument
 * checks, the RFC 8285 extension walker and the common RTCP header. Not a public API: may
 * change without notice.
 */
package io.smoothcast.rtp.internal;
