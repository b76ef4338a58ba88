package io.smoothcast.transport.internal.cc;

import io.netty.buffer.ByteBuf;
import io.smoothcast.transport.internal.netty.DatagramSender;
import java.net.InetSocketAddress;

/**
 * The receiving end of transport-wide congestion control on the wire: records the arrival of
 * each packet's transport-wide sequence number and sends the feedback back to the packets'
 * sender. One instance per sender: the relay keeps one per publisher, a viewer one for its node.
 *
 * <p>Not thread-safe: the I/O thread that receives the sender's packets. Allocates only the
 * outgoing buffers.
 */
public final class TransportFeedbackSender {

    /** Bytes one feedback can take (see {@link TransportFeedbackCollector#writeFeedback}). */
    private static final int MAX_FEEDBACK_BYTES = 1500;

    private final TransportFeedbackCollector collector = new TransportFeedbackCollector();
    private final byte[] scratch = new byte[MAX_FEEDBACK_BYTES];

    /**
     * Records an arrival.
     *
     * @param transportSequence the 16-bit transport-wide sequence number from the packet
     * @param arrivalNs when it arrived, in ns of the receiver's clock
     */
    public void onPacket(int transportSequence, long arrivalNs) {
        collector.onPacket(transportSequence, arrivalNs, false);
    }

    /**
     * Records an arrival that may have waited for the receiver's reader.
     *
     * @param transportSequence the 16-bit transport-wide sequence number from the packet
     * @param arrivalNs when it arrived (or was read), in ns of the receiver's clock
     * @param readAfterStall whether the time is only when the receiver read it after a stall of
     *     its own (reported as such, see {@link UntimedArrivalsReport})
     */
    public void onPacket(int transportSequence, long arrivalNs, boolean readAfterStall) {
        collector.onPacket(transportSequence, arrivalNs, readAfterStall);
    }

    /** How many {@link UntimedArrivalsReport}s went out (in front of feedback) so far. */
    public long untimedReportsSent() {
        return collector.untimedReportsWritten();
    }

    /**
     * Sends feedback for every arrival not reported yet (several datagrams if needed), each
     * preceded by an {@link UntimedArrivalsReport} if it reports arrivals read after a stall.
     *
     * @param out where datagrams go (not flushed here)
     * @param to the media sender's address
     * @param senderSsrc SSRC of the feedback's sender
     * @param mediaSsrc SSRC of (one of) the media sender's streams
     * @return how many feedback packets were sent
     */
    public int send(DatagramSender out, InetSocketAddress to, int senderSsrc, int mediaSsrc) {
        int sent = 0;
        int length;
        while ((length = collector.writeFeedback(scratch, 0, senderSsrc, mediaSsrc)) > 0) {
            ByteBuf buf = out.allocator().buffer(length);
            buf.writeBytes(scratch, 0, length);
            out.send(buf, to);
            sent++;
        }
        return sent;
    }
}
