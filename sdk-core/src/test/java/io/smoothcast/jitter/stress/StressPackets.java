package io.smoothcast.jitter.stress;

import io.smoothcast.jitter.FrameHandler;
import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.jitter.PayloadReleaser;
import io.smoothcast.jitter.SpscJitterBuffer;

/**
 * Shared pieces of the jitter buffer's jcstress tests: a buffer whose frames are all due at once,
 * packets whose every payload byte is derived from the sequence number, and a handler that
 * checks order and payload integrity of what it receives.
 */
final class StressPackets {

    static final int SSRC = 7;
    static final int PAYLOAD_BYTES = 16;
    static final long ARRIVAL_NS = 1_000_000_000L;
    /** Later than any playout time the tests produce. */
    static final long NOW_NS = 1_000_000_000_000L;

    /** Error bit: a frame arrived out of order or twice. */
    static final int ERROR_ORDER = 1;
    /** Error bit: a payload did not hold the bytes written for its sequence number (torn). */
    static final int ERROR_TORN = 2;

    private StressPackets() {
    }

    static SpscJitterBuffer newBuffer(int capacity) {
        return SpscJitterBuffer.builder().fixedDelayMs(0).clockRateHz(1000).capacityPackets(capacity)
                .maxPayloadBytes(PAYLOAD_BYTES).nackEnabled(false).build();
    }

    static byte[][] payloads(int count) {
        byte[][] out = new byte[count][PAYLOAD_BYTES];
        for (int seq = 0; seq < count; seq++) {
            for (int i = 0; i < PAYLOAD_BYTES; i++) {
                out[seq][i] = (byte) (seq * 31 + i);
            }
        }
        return out;
    }

    /** Offers single-packet frames: sequence k, timestamp 10 k, marker set. */
    static int offer(SpscJitterBuffer buffer, byte[][] payloads, int seq) {
        return buffer.offer(SSRC, seq, seq * 10, true, ARRIVAL_NS + seq, payloads[seq], 0, PAYLOAD_BYTES);
    }

    /** Offers packet {@code seq} of a frame with RTP timestamp {@code timestamp}. */
    static int offerInFrame(SpscJitterBuffer buffer, byte[][] payloads, int seq, int timestamp, boolean marker) {
        return buffer.offer(SSRC, seq, timestamp, marker, ARRIVAL_NS + seq, payloads[seq], 0, PAYLOAD_BYTES);
    }

    /**
     * A buffer that takes borrowed payloads and hands them to {@code releaser}.
     */
    static SpscJitterBuffer newBorrowingBuffer(int capacity, PayloadReleaser releaser) {
        return SpscJitterBuffer.builder().fixedDelayMs(0).clockRateHz(1000).capacityPackets(capacity)
                .maxPayloadBytes(PAYLOAD_BYTES).nackEnabled(false).payloadReleaser(releaser).build();
    }

    /** Offers a single-packet frame as {@link #offer} does, borrowing {@code payload} (its own owner). */
    static int offerBorrowed(SpscJitterBuffer buffer, byte[] payload, int seq) {
        return buffer.offerBorrowed(SSRC, seq, seq * 10, true, ARRIVAL_NS + seq, payload, 0, PAYLOAD_BYTES, payload);
    }

    /** Consumer-side checker: frames must come in increasing sequence order with intact bytes. */
    static final class Checker implements FrameHandler {
        int delivered;
        int last = -1;
        int errors;

        @Override
        public void onFrame(JitterFrame frame) {
            int seq = frame.sequenceNumber(0);
            if (frame.packetCount() != 1 || seq <= last) {
                errors |= ERROR_ORDER;
            }
            last = seq;
            byte[] memory = frame.payloadArray(0);
            int at = frame.payloadOffset(0);
            if (frame.payloadLength(0) != PAYLOAD_BYTES) {
                errors |= ERROR_TORN;
            } else {
                for (int i = 0; i < PAYLOAD_BYTES; i++) {
                    if (memory[at + i] != (byte) (seq * 31 + i)) {
                        errors |= ERROR_TORN;
                    }
                }
            }
            delivered++;
        }
    }
}
