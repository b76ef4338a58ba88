/**
 * Smoothcast's own control protocol (join, publish, subscribe, keepalive, probe, leave, error,
 * load report): message types and a bounds-checked binary codec. The byte layout is documented
 * in {@code PROTOCOL.md} at the root of the repository; this package is its only implementation.
 *
 * <p>Internal: not part of the public API and may change without notice.
 */
package io.smoothcast.transport.internal.control;
