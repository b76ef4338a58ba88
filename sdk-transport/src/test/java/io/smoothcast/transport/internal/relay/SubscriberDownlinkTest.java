package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.transport.internal.cc.TransportFeedbackCollector;
import io.smoothcast.transport.internal.cc.UntimedArrivalsReport;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link SubscriberDownlink} fed, in virtual time, the feedback the viewer's real
 * {@link TransportFeedbackCollector} writes, handled as the relay's feedback handler does: a
 * {@code SCUT} report in front goes to {@link SubscriberDownlink#onUntimedArrivals} first.
 */
class SubscriberDownlinkTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int PACKET_BYTES = 1200;

    private final SubscriberDownlink downlink = new SubscriberDownlink(2_000_000);
    private final TransportFeedbackCollector viewer = new TransportFeedbackCollector();
    private final UntimedArrivalsReport report = new UntimedArrivalsReport();
    private final byte[] datagram = new byte[1500];
    private long nowNs = TimeUnit.SECONDS.toNanos(100);
    /** Packets on their way to the viewer or waiting in its socket: {sequence, arrival ns}. */
    private final ArrayDeque<long[]> waiting = new ArrayDeque<>();
    private int sent;
    private double highestLossFraction;
    private long lowestEstimateBps = Long.MAX_VALUE;

    /** The viewer's feedback datagrams so far, handled as {@code FeedbackHandler} does. */
    private void feedbackToTheNode() {
        int length;
        while ((length = viewer.writeFeedback(datagram, 0, 0x6001, 0x300)) > 0) {
            int offset = 0;
            if (report.read(datagram, 0, length) == ParseStatus.OK) {
                downlink.onUntimedArrivals(report.firstSequence(), report.count());
                offset = UntimedArrivalsReport.LENGTH;
            }
            assertTrue(downlink.onFeedback(datagram, offset, length - offset, nowNs + 20 * MS));
            highestLossFraction = Math.max(highestLossFraction, downlink.lossFraction());
            lowestEstimateBps = Math.min(lowestEstimateBps, downlink.estimateBps());
        }
    }

    /**
     * Runs {@code ms} of a 2 Mbit/s downlink (a packet every 5 ms, 20 ms one way, feedback every
     * 50 ms); every {@code lossEvery}-th packet is lost. While the viewer's reader is stalled it
     * reads nothing; what it reads within one stall length after the stall is marked untimed, as
     * the viewer does. Times are ms from the start of this call.
     */
    private void run(long ms, int lossEvery, long stallFromMs, long stallToMs) {
        for (long t = 1; t <= ms; t++) {
            nowNs += MS;
            if (t % 5 == 0) {
                int sequence = downlink.recordSent(PACKET_BYTES, nowNs);
                if (++sent % lossEvery != 0) {
                    waiting.add(new long[] {sequence, nowNs + 20 * MS});
                }
            }
            boolean stalled = t >= stallFromMs && t < stallToMs;
            while (!stalled && !waiting.isEmpty() && waiting.peek()[1] <= nowNs) {
                long[] arrival = waiting.poll();
                boolean readLate = t >= stallToMs && t < stallToMs + (stallToMs - stallFromMs);
                viewer.onPacket((int) arrival[0], nowNs, readLate);
            }
            if (t % 50 == 0 && !stalled) {
                feedbackToTheNode();
                downlink.onTick(nowNs);
            }
        }
    }

    /**
     * A 300 ms stall of the viewer's reader on a downlink that loses 1 packet in 25: the packets
     * it read late count as received, so the loss share stays at 4 % and the estimate is not cut
     * (before, the losses were counted against only the arrivals read on time: 100 % loss, a
     * halved estimate).
     */
    @Test
    void packetsTheViewerReadLate_countAsReceivedInTheLossShare() {
        run(3_000, 25, Long.MAX_VALUE, Long.MAX_VALUE);
        long estimateBefore = downlink.estimateBps();
        assertEquals(0.04, downlink.lossFraction(), 0.02, "settled at the link's own loss");
        highestLossFraction = 0;
        lowestEstimateBps = Long.MAX_VALUE;

        run(2_000, 25, 500, 800);

        assertTrue(highestLossFraction < 0.10, "loss share after the stall: " + highestLossFraction);
        assertTrue(lowestEstimateBps >= estimateBefore, estimateBefore + " -> " + lowestEstimateBps);
    }
}
