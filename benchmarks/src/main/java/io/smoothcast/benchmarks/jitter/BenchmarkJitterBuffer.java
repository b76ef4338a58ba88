package io.smoothcast.benchmarks.jitter;

/**
 * The operations the jitter buffer benchmarks drive, so the SDK's lock-free buffer and the
 * baselines run the same workload. Each implementation offers packets, assembles complete frames
 * by timestamp and marker bit, delivers them in order at their playout time, and touches every
 * delivered payload (first byte and length) so no work can be skipped. Each is built either to
 * copy payloads into memory of its own, or to borrow them (keep a reference to the caller's
 * array and hand it back, counted in {@link #releasedPayloads()}, once the packet is consumed).
 *
 * <p>Thread-safety: {@link #offer} from one producer thread, {@link #poll} from one consumer
 * thread.
 */
public interface BenchmarkJitterBuffer {

    /**
     * @param sequenceNumber 16-bit RTP sequence number
     * @param rtpTimestamp 32-bit RTP timestamp
     * @param marker RTP marker bit
     * @param arrivalNs arrival time
     * @param payload payload array
     * @param offset payload start
     * @param length payload length
     * @return true if the packet was stored
     */
    boolean offer(int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs, byte[] payload, int offset,
            int length);

    /**
     * @param nowNs current time
     * @return the number of packets delivered (inside complete frames)
     */
    int poll(long nowNs);

    /** @return a sum over every delivered payload, so the JIT cannot drop the reads */
    long checksum();

    /** @return borrowed payloads handed back so far (0 when payloads are copied); consumer thread */
    long releasedPayloads();
}
