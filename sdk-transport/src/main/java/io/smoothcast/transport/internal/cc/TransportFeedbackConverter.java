package io.smoothcast.transport.internal.cc;

import io.smoothcast.cc.TransportFeedback;
import io.smoothcast.rtp.SequenceNumbers;
import io.smoothcast.rtp.TransportCcFeedbackView;

/**
 * The sending end of transport-wide congestion control: turns one received transport-cc
 * feedback (16-bit sequence numbers, receiver's clock in microseconds) into the unwrapped
 * entries {@link io.smoothcast.cc.CongestionController#onFeedback} takes. Used by the
 * broadcaster for its uplink and by the relay for each subscriber's downlink.
 *
 * <p>Untrusted input: entries for numbers never sent (ahead of the last one sent, or before the
 * first) are skipped.
 *
 * <p>Not thread-safe: the thread that owns the controller. Allocates nothing after construction.
 */
public final class TransportFeedbackConverter {

    private final TransportFeedback feedback =
            new TransportFeedback(TransportFeedbackCollector.MAX_PACKETS_PER_FEEDBACK * 2);

    /**
     * Converts the packets of a wrapped feedback view.
     *
     * @param view a view wrapped around a well-formed feedback packet; its packets are consumed
     * @param lastSentSequence the unwrapped transport-wide sequence number of the last packet
     *     sent, or -1 if none was sent
     * @return the entries (reused by the next call), or null if nothing was sent yet
     */
    public TransportFeedback convert(TransportCcFeedbackView view, long lastSentSequence) {
        if (lastSentSequence < 0) {
            return null;
        }
        feedback.clear();
        while (view.nextPacket()) {
            long sequence = lastSentSequence + SequenceNumbers.distance((int) lastSentSequence,
                    view.packetSequenceNumber());
            if (sequence < 0 || sequence > lastSentSequence) {
                continue; // never sent: forged or stale
            }
            boolean added = view.packetReceived()
                    ? feedback.addReceived(sequence, view.packetArrivalTimeUs() * 1000)
                    : feedback.addLost(sequence);
            if (!added) {
                break;
            }
        }
        return feedback;
    }
}
