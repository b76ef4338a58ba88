package io.smoothcast.jitter;

import java.util.ArrayList;
import java.util.List;

/** Test fixture: keeps a copy of every delivered frame. */
final class RecordingHandler implements FrameHandler {

    /** A delivered frame, copied out of the buffer. */
    record Delivered(int firstSequence, int lastSequence, int rtpTimestamp, int packetCount, byte[] payload,
            long playoutTimeNs, boolean followsLoss, boolean startsStream) {
    }

    final List<Delivered> frames = new ArrayList<>();

    @Override
    public void onFrame(JitterFrame frame) {
        byte[] copy = new byte[frame.totalPayloadLength()];
        frame.copyPayload(copy, 0);
        frames.add(new Delivered(frame.sequenceNumber(0), frame.sequenceNumber(frame.packetCount() - 1),
                frame.rtpTimestamp(), frame.packetCount(), copy, frame.playoutTimeNs(), frame.followsLoss(),
                frame.startsStream()));
    }

    List<Integer> firstSequences() {
        List<Integer> out = new ArrayList<>();
        for (Delivered d : frames) {
            out.add(d.firstSequence());
        }
        return out;
    }
}
