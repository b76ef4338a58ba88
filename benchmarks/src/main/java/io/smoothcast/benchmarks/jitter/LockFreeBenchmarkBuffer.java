package io.smoothcast.benchmarks.jitter;

import io.smoothcast.jitter.FrameHandler;
import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.jitter.OfferResult;
import io.smoothcast.jitter.SpscJitterBuffer;

/** The SDK's {@link SpscJitterBuffer} behind the benchmark interface. Producer/consumer as documented there. */
public final class LockFreeBenchmarkBuffer implements BenchmarkJitterBuffer {

    private final SpscJitterBuffer buffer;
    private final boolean borrow;
    /** The consumer's counts, away from the fields the producer reads on every offer. */
    private final ConsumerTally tally = new ConsumerTally();
    private final FrameHandler handler = this::consume;

    /**
     * @param capacityPackets ring slots
     * @param maxPayloadBytes slot size
     * @param clockRateHz RTP clock rate
     * @param fixedDelayMs playout delay
     * @param borrow true: {@link SpscJitterBuffer#offerBorrowed} (the payload array is the owner);
     *     false: {@link SpscJitterBuffer#offer} (copied)
     */
    public LockFreeBenchmarkBuffer(int capacityPackets, int maxPayloadBytes, int clockRateHz, int fixedDelayMs,
            boolean borrow) {
        this.borrow = borrow;
        SpscJitterBuffer.Builder builder = SpscJitterBuffer.builder().capacityPackets(capacityPackets)
                .maxPayloadBytes(maxPayloadBytes).clockRateHz(clockRateHz).fixedDelayMs(fixedDelayMs);
        if (borrow) {
            // Only a borrowing buffer gets a releaser, as an application that only copies would.
            ConsumerTally t = tally;
            builder.payloadReleaser(owner -> t.released++);
        }
        buffer = builder.build();
    }

    @Override
    public boolean offer(int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs, byte[] payload,
            int offset, int length) {
        int result = borrow
                ? buffer.offerBorrowed(1, sequenceNumber, rtpTimestamp, marker, arrivalNs, payload, offset, length, payload)
                : buffer.offer(1, sequenceNumber, rtpTimestamp, marker, arrivalNs, payload, offset, length);
        return result == OfferResult.ACCEPTED;
    }

    @Override
    public int poll(long nowNs) {
        ConsumerTally t = tally;
        t.delivered = 0;
        buffer.poll(nowNs, handler);
        return t.delivered;
    }

    private void consume(JitterFrame frame) {
        // Per packet, borrowed or copied, as the SDK's own payload readers do.
        ConsumerTally t = tally;
        for (int i = 0; i < frame.packetCount(); i++) {
            t.checksum += frame.payloadArray(i)[frame.payloadOffset(i)] + frame.payloadLength(i);
        }
        t.delivered += frame.packetCount();
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
