package io.smoothcast.payload;

/**
 * Depacketizes Opus RTP payloads (RFC 7587): each payload is one Opus packet, checked against
 * RFC 6716 section 3.4 (untrusted bytes get a negative {@link PayloadErrors} code, never an
 * exception) and copied out for the decoder. {@link #lastPacketSamples()} tells how much audio
 * it holds, in 48 kHz samples, for playout and concealment bookkeeping.
 *
 * <p>Not thread-safe ({@link #lastPacketSamples()} is per instance): one instance per received
 * stream. Allocates nothing.
 */
public final class OpusDepacketizer {

    private int lastPacketSamples;

    /**
     * @param payload array holding the RTP payload (after header, extensions and padding)
     * @param offset first payload byte
     * @param length payload length, in bytes
     * @param out destination for the Opus packet
     * @param outOffset where to write in {@code out}
     * @return the Opus packet length in bytes, or a negative {@link PayloadErrors} code (then
     *     {@link #lastPacketSamples()} is 0)
     * @throws IllegalArgumentException if an array is null or a range lies outside its array
     */
    public int depacketize(byte[] payload, int offset, int length, byte[] out, int outOffset) {
        Arguments.checkRange(payload, offset, length, "payload");
        Arguments.checkOutput(out, outOffset);
        int samples = OpusPackets.copyChecked(payload, offset, length, out, outOffset);
        lastPacketSamples = Math.max(samples, 0);
        return samples < 0 ? samples : length;
    }

    /** @return the duration of the last packet depacketized, in 48 kHz samples (0 after an error) */
    public int lastPacketSamples() {
        return lastPacketSamples;
    }
}
