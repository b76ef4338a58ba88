/**
 * Reference "buffers" for the floor study of the jitter buffer's single-thread cost (BENCHMARKS.md,
 * "Jitter buffer", session 9): the harness alone ({@link io.smoothcast.benchmarks.jitter.floor.PassThroughBuffer})
 * and a minimal ring with the contract's skeleton and optional SDK parts
 * ({@link io.smoothcast.benchmarks.jitter.floor.MinimalRingBuffer}). Not jitter buffers: they
 * exist to price the parts of one, through the single-thread cases of
 * {@code JitterBufferBenchmark} and {@code JitterBufferCpuTime} ({@code impl} {@code passthrough}
 * or {@code minimalring}, payload {@code borrowed}).
 */
package io.smoothcast.benchmarks.jitter.floor;
