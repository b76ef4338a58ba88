package io.smoothcast.jitter;

/** Test fixture: offers packets with a recognisable payload. */
final class Packets {

    static final int SSRC = 0x1234_5678;
    static final long MS = 1_000_000L;
    /** 90 kHz ticks per 33.3 ms frame (30 fps). */
    static final int TICKS_PER_FRAME = 3000;

    private Packets() {
    }

    /** Payload whose bytes identify the sequence number. */
    static byte[] payloadFor(int sequence) {
        return new byte[] {(byte) (sequence >>> 8), (byte) sequence, (byte) 0xA5};
    }

    static int offer(SpscJitterBuffer buffer, int sequence, int timestamp, boolean marker, long arrivalNs) {
        byte[] p = payloadFor(sequence);
        return buffer.offer(SSRC, sequence & 0xFFFF, timestamp, marker, arrivalNs, p, 0, p.length);
    }

    static int offer(SpscJitterBuffer buffer, int ssrc, int sequence, int timestamp, boolean marker, long arrivalNs) {
        byte[] p = payloadFor(sequence);
        return buffer.offer(ssrc, sequence & 0xFFFF, timestamp, marker, arrivalNs, p, 0, p.length);
    }

    static SpscJitterBuffer.Builder fixed(int delayMs) {
        return SpscJitterBuffer.builder().fixedDelayMs(delayMs).capacityPackets(64).maxPayloadBytes(64);
    }
}
