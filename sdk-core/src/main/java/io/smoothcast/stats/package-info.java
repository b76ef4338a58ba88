/**
 * Immutable statistics snapshots of a stream (send side and receive side) and of a relay node,
 * and the samplers that turn cumulative counters into interval rates.
 *
 * <p>Names follow the W3C "Identifiers for WebRTC's Statistics API" where an equivalent exists
 * ({@code packetsLost}, {@code jitter}, {@code roundTripTime}, {@code framesPerSecond},
 * {@code freezeCount}, {@code totalFreezesDuration}, {@code jitterBufferDelay}), with the unit
 * appended ({@code jitterMs}, {@code roundTripTimeMs}). Measured values that may be unknown are
 * {@code double}s where {@link Double#NaN} means "not measured"; counters are cumulative
 * {@code long}s; instants are monotonic nanoseconds from the caller's
 * {@link io.smoothcast.time.NanoClock} ({@link io.smoothcast.stats.StatsTimes#NEVER} when an event
 * never happened).
 *
 * <p>Snapshots are records: immutable, safe to share between threads and cheap to read. They are
 * built off the media path (once per sampling interval, typically 1-2 s), so reading them never
 * slows media.
 */
package io.smoothcast.stats;
