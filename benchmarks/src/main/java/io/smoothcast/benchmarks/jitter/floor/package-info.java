/**
 * Reference "buffers" for the floor studies of the jitter buffer (BENCHMARKS.md, "Jitter buffer",
 * session 9): the harness alone ({@link io.smoothcast.benchmarks.jitter.floor.PassThroughBuffer},
 * single thread), a minimal ring with the contract's skeleton and optional SDK parts
 * ({@link io.smoothcast.benchmarks.jitter.floor.MinimalRingBuffer}, one or two threads) and a bare
 * one-slot-per-packet SPSC hand-off ({@link io.smoothcast.benchmarks.jitter.floor.HandOffQueue},
 * two threads). Not jitter buffers: they exist to price the parts of one, through
 * {@code JitterBufferBenchmark}, {@code JitterBufferCpuTime} and {@code JitterBufferSpscWindows}
 * ({@code impl} {@code passthrough}, {@code minimalring} or {@code handoff}, payload
 * {@code borrowed}).
 */
package io.smoothcast.benchmarks.jitter.floor;
