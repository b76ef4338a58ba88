/**
 * Retransmission (RFC 4588): the cache of sent or forwarded packets, building RTX packets from
 * it, and restoring the original packet from an RTX packet. Used by the relay and by the
 * broadcaster. Internal: not part of the public API.
 */
package io.smoothcast.transport.internal.rtx;
