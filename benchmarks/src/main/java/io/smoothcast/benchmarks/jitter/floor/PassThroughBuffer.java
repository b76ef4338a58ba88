package io.smoothcast.benchmarks.jitter.floor;

import io.smoothcast.benchmarks.jitter.BenchmarkJitterBuffer;
import io.smoothcast.benchmarks.jitter.ConsumerTally;

/**
 * The floor of the jitter-buffer benchmarks' harness: no buffer at all. {@link #offer} keeps
 * the last packet's payload reference and length, {@link #poll} hands that one packet out
 * (checksum and release counted as the real buffers' consumers do). What a benchmark case costs
 * with this "buffer" is the harness's own share of every implementation's figure: the packet's
 * fields derived from its index, the interface calls, the JMH or timing loop.
 *
 * <p>Thread-safety: single thread only (the single-thread cases).
 */
public final class PassThroughBuffer implements BenchmarkJitterBuffer {

    private final ConsumerTally tally = new ConsumerTally();
    private byte[] lastPayload;
    private int lastOffset;
    private int lastLength;
    private boolean pending;

    @Override
    public boolean offer(int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs, byte[] payload,
            int offset, int length) {
        lastPayload = payload;
        lastOffset = offset;
        lastLength = length;
        pending = true;
        return true;
    }

    @Override
    public int poll(long nowNs) {
        if (!pending) {
            return 0;
        }
        pending = false;
        ConsumerTally t = tally;
        t.checksum += lastPayload[lastOffset] + lastLength;
        t.released++;
        return 1;
    }

    @Override
    public long checksum() {
        return tally.checksum;
    }

    @Override
    public long releasedPayloads() {
        return tally.released;
    }
}
