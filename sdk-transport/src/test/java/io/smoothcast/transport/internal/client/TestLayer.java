package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.Track;

/**
 * Test fixture shared by the simulcast playout tests ({@link LayerGateTest},
 * {@link LayerPlayoutTest}): one video layer as a viewer receives it, a real jitter buffer with
 * its own fixed delay and its own RTP timestamp origin. Each packet carries the generic payload
 * header and, in its second byte, the index of the frame it belongs to, so a test can tell which
 * capture instant was played.
 *
 * <p>Not thread-safe: one test thread, virtual time.
 */
final class TestLayer {

    final ReceiveTrack track;
    final int timestampOrigin;
    /** How much later than the source's instant this layer's encoder stamps its frames, in ns. */
    long captureOffsetNs;
    /** RTP sequence number of the next packet (16 bits taken). */
    int sequence;

    /**
     * @param layer the simulcast layer, 0-2 (the track's SSRC is {@code 0x1000 + layer})
     * @param delayMs the buffer's fixed playout delay
     * @param timestampOrigin the RTP timestamp of the layer's first capture instant
     */
    TestLayer(int layer, int delayMs, int timestampOrigin) {
        Track t = new Track(0x1000 + layer, 0, 96, 0, MediaKind.VIDEO, layer, 90_000, 500_000);
        SpscJitterBuffer buffer = SpscJitterBuffer.builder().clockRateHz(90_000)
                .completenessCheck(GenericPayload.COMPLETENESS).fixedDelayMs(delayMs).build();
        this.track = new ReceiveTrack(t, buffer, new ReceptionStatistics(90_000), new CaptureAnchor(90_000));
        this.timestampOrigin = timestampOrigin;
    }

    /**
     * Offers the next packet of frame {@code frameIndex} to the layer's buffer.
     *
     * @param first whether it is the frame's first packet (the generic payload's start flag)
     * @param keyframe whether the frame is a keyframe (flagged on its first packet only)
     * @param marker whether it is the frame's last packet
     * @return the buffer's {@link io.smoothcast.jitter.OfferResult}
     */
    int offer(int frameIndex, int rtpTimestamp, boolean first, boolean keyframe, boolean marker, long arrivalNs) {
        int flags = first ? GenericPayload.START | (keyframe ? GenericPayload.KEYFRAME : 0) : 0;
        byte[] payload = {(byte) flags, (byte) frameIndex};
        return track.buffer().offer(track.track().ssrc(), sequence++ & 0xFFFF, rtpTimestamp, marker, arrivalNs,
                payload, 0, payload.length);
    }

    /**
     * The capture index a played frame carries (see {@link #offer}).
     *
     * @param frame a frame of a layer's buffer
     * @return the index written into its first packet
     */
    static int frameIndex(JitterFrame frame) {
        return frame.payloadArray(0)[frame.payloadOffset(0) + 1];
    }

    /**
     * Which of {@code frames} frames a node forwards on one layer.
     *
     * @return true for the indices {@code from} (inclusive) to {@code to} (exclusive)
     */
    static boolean[] range(int frames, int from, int to) {
        boolean[] b = new boolean[frames];
        for (int i = from; i < to; i++) {
            b[i] = true;
        }
        return b;
    }
}
