package io.smoothcast.payload;

/**
 * Packetizes Opus for RTP (RFC 7587): each RTP payload is exactly one Opus packet, checked against
 * RFC 6716 section 3.4 before it is copied. {@link #lastPacketSamples()} gives the RTP timestamp
 * increment for the next packet, in 48 kHz units.
 *
 * <pre>{@code
 * int payloadLength = packetizer.packetize(opus, 0, opusLength, packet, RTP_HEADER_BYTES);
 * if (payloadLength >= 0) {
 *     send(packet, rtpTimestamp); // marker: first packet of a talkspurt after DTX (RFC 3551)
 *     rtpTimestamp += packetizer.lastPacketSamples();
 * }
 * }</pre>
 *
 * <p>Not thread-safe ({@link #lastPacketSamples()} is per instance): one instance per outgoing
 * stream. Allocates nothing.
 */
public final class OpusPacketizer {

    /** Default largest payload, in bytes. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1200;

    private final int maxPayloadBytes;
    private int lastPacketSamples;

    /** A packetizer accepting Opus packets up to {@link #DEFAULT_MAX_PAYLOAD_BYTES}. */
    public OpusPacketizer() {
        this(DEFAULT_MAX_PAYLOAD_BYTES);
    }

    /**
     * @param maxPayloadBytes largest RTP payload, in bytes, from 1 to 65,535
     * @throws IllegalArgumentException if out of range
     */
    public OpusPacketizer(int maxPayloadBytes) {
        this.maxPayloadBytes = Arguments.checkBetween(maxPayloadBytes, 1, 65_535, "maxPayloadBytes");
    }

    /**
     * Checks one Opus packet and copies it as an RTP payload.
     *
     * @param opusPacket array holding the encoder's packet
     * @param offset its first byte
     * @param length its length, in bytes
     * @param out destination for the payload
     * @param outOffset where the payload starts in {@code out}
     * @return the payload length in bytes, or a negative {@link PayloadErrors} code (an invalid
     *     Opus packet, {@link PayloadErrors#PAYLOAD_TOO_LARGE} or
     *     {@link PayloadErrors#OUTPUT_TOO_SMALL}); then {@link #lastPacketSamples()} is 0
     * @throws IllegalArgumentException if an array is null or a range lies outside its array
     */
    public int packetize(byte[] opusPacket, int offset, int length, byte[] out, int outOffset) {
        Arguments.checkRange(opusPacket, offset, length, "opusPacket");
        Arguments.checkOutput(out, outOffset);
        lastPacketSamples = 0;
        if (length > maxPayloadBytes) {
            return PayloadErrors.PAYLOAD_TOO_LARGE;
        }
        int samples = OpusPackets.copyChecked(opusPacket, offset, length, out, outOffset);
        lastPacketSamples = Math.max(samples, 0);
        return samples < 0 ? samples : length;
    }

    /** @return the duration of the last packet packetized, in 48 kHz samples (0 after an error) */
    public int lastPacketSamples() {
        return lastPacketSamples;
    }

    /** @return the largest payload accepted, in bytes */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }
}
