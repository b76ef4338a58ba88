/**
 * The client side of the protocol, shared by the broadcaster and the viewer: joining a node,
 * requests with retransmission, keepalives, the generic payload format, packetization and the
 * per-client engines that run on the client's I/O thread.
 *
 * <p>Internal: not part of the public API.
 */
package io.smoothcast.transport.internal.client;
