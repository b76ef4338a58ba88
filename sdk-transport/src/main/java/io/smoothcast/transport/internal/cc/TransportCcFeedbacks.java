package io.smoothcast.transport.internal.cc;

import io.smoothcast.cc.TransportFeedback;
import io.smoothcast.rtp.SequenceNumbers;
import io.smoothcast.rtp.TransportCcFeedbackView;

/**
 * Turns a parsed transport-cc feedback (16-bit numbers, receiver's clock) into the congestion
 * controller's {@link TransportFeedback} (64-bit numbers). Shared by every sender that stamps
 * the transport-wide sequence extension. Stateless; allocates nothing.
 */
public final class TransportCcFeedbacks {

    private TransportCcFeedbacks() {
    }

    /**
     * Fills {@code out} from the feedback's packet entries; entries for numbers never sent (forged
     * or stale) are skipped, and filling stops when {@code out} is full.
     *
     * @param view a wrapped feedback, its cursor at the start
     * @param lastSent the highest transport-wide sequence number sent so far (64-bit)
     * @param out cleared, then filled
     */
    public static void convert(TransportCcFeedbackView view, long lastSent, TransportFeedback out) {
        out.clear();
        if (lastSent < 0) {
            return;
        }
        while (view.nextPacket()) {
            long sequence = lastSent + SequenceNumbers.distance((int) lastSent, view.packetSequenceNumber());
            if (sequence < 0 || sequence > lastSent) {
                continue; // never sent: forged or stale
            }
            boolean added = view.packetReceived()
                    ? out.addReceived(sequence, view.packetArrivalTimeUs() * 1000)
                    : out.addLost(sequence);
            if (!added) {
                break;
            }
        }
    }
}
