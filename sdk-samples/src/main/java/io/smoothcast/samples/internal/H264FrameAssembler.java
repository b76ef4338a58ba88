package io.smoothcast.samples.internal;

import io.smoothcast.payload.H264Depacketizer;
import io.smoothcast.payload.H264Keyframes;
import io.smoothcast.payload.KeyframeKind;

/**
 * Turns a plain RTP H.264 stream (RFC 6184, packetization mode 0 or 1, as ffmpeg's and
 * GStreamer's {@code rtph264pay} send it) back into Annex-B access units: packets of one RTP
 * timestamp form an access unit, which ends at the marker bit or when the timestamp changes.
 *
 * <p>Every packet is untrusted. A sequence gap or a payload the depacketizer rejects spoils the
 * access unit it belongs to; after a spoiled one, access units are dropped until the next
 * keyframe (a decoder could not use them). Everything is counted, nothing is thrown for bad
 * bytes, and nothing is allocated per packet.
 *
 * <p>Not thread-safe: one instance per stream, fed by one thread.
 */
public final class H264FrameAssembler {

    /** Receives complete access units. The array is reused after the call returns. */
    public interface Sink {
        /**
         * @param accessUnit Annex-B bytes from index 0
         * @param length the access unit's length in bytes
         * @param rtpTimestamp its RTP timestamp (90 kHz)
         * @param keyframe whether it decodes on its own (an IDR picture)
         */
        void accessUnit(byte[] accessUnit, int length, int rtpTimestamp, boolean keyframe);
    }

    private static final int MAX_NAL_UNIT_BYTES = 1 << 20;
    private static final int MAX_ACCESS_UNIT_BYTES = 4 << 20;

    private final H264Depacketizer depacketizer = new H264Depacketizer(MAX_NAL_UNIT_BYTES);
    /** Room for a whole access unit plus one more reassembled NAL unit. */
    private final byte[] accessUnit = new byte[MAX_ACCESS_UNIT_BYTES + MAX_NAL_UNIT_BYTES];
    private final Sink sink;
    private int length;
    private int timestamp;
    private boolean pending;
    private boolean spoiled;
    private boolean needKeyframe = true;
    private int lastSequence = -1;
    private long accessUnits;
    private long spoiledAccessUnits;
    private long skippedWaitingForKeyframe;
    private long sequenceGaps;
    private long malformedPayloads;

    /**
     * @param sink where complete access units go
     */
    public H264FrameAssembler(Sink sink) {
        this.sink = sink;
    }

    /**
     * Takes one RTP packet of the stream, in arrival order.
     *
     * @param sequenceNumber the packet's 16-bit sequence number
     * @param rtpTimestamp its RTP timestamp
     * @param marker its marker bit (last packet of an access unit)
     * @param payload array holding the RTP payload
     * @param offset first payload byte
     * @param payloadLength payload length in bytes
     */
    public void onPacket(int sequenceNumber, int rtpTimestamp, boolean marker, byte[] payload, int offset, int payloadLength) {
        // Missing packets may be the tail of the open access unit or the head of the next one
        // (parameter sets, a whole slice): both are spoiled.
        boolean gap = lastSequence >= 0 && sequenceNumber != ((lastSequence + 1) & 0xFFFF);
        if (gap) {
            sequenceGaps++;
            depacketizer.reset();
            spoiled = true;
        }
        if (pending && rtpTimestamp != timestamp) {
            finish(); // the previous access unit lost its marker packet, or the sender sets none
            spoiled = gap;
        }
        lastSequence = sequenceNumber;
        pending = true;
        timestamp = rtpTimestamp;
        if (length > MAX_ACCESS_UNIT_BYTES) {
            spoiled = true; // keep reading to the end of this access unit, then drop it
        } else if (!spoiled) {
            int written = depacketizer.depacketize(sequenceNumber, payload, offset, payloadLength, accessUnit, length);
            if (written < 0) {
                malformedPayloads++;
                spoiled = true;
            } else {
                length += written;
            }
        }
        if (marker) {
            finish();
        }
    }

    private void finish() {
        if (spoiled || length == 0 || depacketizer.hasOpenFragment()) {
            spoiledAccessUnits++;
            depacketizer.reset();
            needKeyframe = true;
        } else {
            boolean keyframe = H264Keyframes.classifyAccessUnit(accessUnit, 0, length) != KeyframeKind.NONE;
            if (needKeyframe && !keyframe) {
                skippedWaitingForKeyframe++;
            } else {
                needKeyframe = false;
                accessUnits++;
                sink.accessUnit(accessUnit, length, timestamp, keyframe);
            }
        }
        pending = false;
        spoiled = false;
        length = 0;
    }

    /** @return access units handed to the sink */
    public long accessUnits() {
        return accessUnits;
    }

    /** @return access units dropped because a packet was missing or malformed */
    public long spoiledAccessUnits() {
        return spoiledAccessUnits;
    }

    /** @return complete access units dropped while waiting for a keyframe */
    public long skippedWaitingForKeyframe() {
        return skippedWaitingForKeyframe;
    }

    /** @return sequence number gaps seen */
    public long sequenceGaps() {
        return sequenceGaps;
    }

    /** @return payloads the RFC 6184 depacketizer rejected */
    public long malformedPayloads() {
        return malformedPayloads;
    }
}
