/**
 * Internals of the transport: datagram classification, Netty plumbing, relay state, client
 * sessions. Not part of the public API; may change without notice.
 */
package io.smoothcast.transport.internal;
