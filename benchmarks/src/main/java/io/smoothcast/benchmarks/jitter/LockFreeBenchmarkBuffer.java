package io.smoothcast.benchmarks.jitter;

import io.smoothcast.jitter.FrameHandler;
import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.jitter.OfferResult;
import io.smoothcast.jitter.SpscJitterBuffer;

/** The SDK's {@link SpscJitterBuffer} behind the benchmark interface. Producer/consumer as documented there. */
public final class LockFreeBenchmarkBuffer implements BenchmarkJitterBuffer {

    private final SpscJitterBuffer buffer;
    private final FrameHandler handler = this::consume;
    private long checksum;
    private int delivered;

    /**
     * @param capacityPackets ring slots
     * @param maxPayloadBytes slot size
     * @param clockRateHz RTP clock rate
     * @param fixedDelayMs playout delay
     */
    public LockFreeBenchmarkBuffer(int capacityPackets, int maxPayloadBytes, int clockRateHz, int fixedDelayMs) {
        buffer = SpscJitterBuffer.builder().capacityPackets(capacityPackets).maxPayloadBytes(maxPayloadBytes)
                .clockRateHz(clockRateHz).fixedDelayMs(fixedDelayMs).build();
    }

    @Override
    public boolean offer(int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs, byte[] payload,
            int offset, int length) {
        return buffer.offer(1, sequenceNumber, rtpTimestamp, marker, arrivalNs, payload, offset, length)
                == OfferResult.ACCEPTED;
    }

    @Override
    public int poll(long nowNs) {
        delivered = 0;
        buffer.poll(nowNs, handler);
        return delivered;
    }

    private void consume(JitterFrame frame) {
        byte[] memory = frame.payloadArray();
        for (int i = 0; i < frame.packetCount(); i++) {
            checksum += memory[frame.payloadOffset(i)] + frame.payloadLength(i);
        }
        delivered += frame.packetCount();
    }

    @Override
    public long checksum() {
        return checksum;
    }
}
