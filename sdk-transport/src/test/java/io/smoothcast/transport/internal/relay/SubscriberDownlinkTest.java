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

    /**
     * A probe for a layer above the estimate whose whole cluster the viewer reads late, after a
     * 300 ms stall of its reader that begins as the probe does: the arrivals come back untimed,
     * the controller cannot measure the cluster, and the probe has no result. That is no verdict
     * on the path: no failed probe, and the next probe comes (session 16: on a host that stalled
     * every few seconds such probes were counted as failures, each doubling the wait).
     */
    @Test
    void aProbeClusterTheViewerReadLateAfterAStall_isNotAFailedProbe() {
        run(3_000, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
        long neededBps = 10_000_000; // far above the estimate: a probe after the stable hold
        long stallMs = 300;
        long firstProbeMs = -1;
        long secondProbeMs = -1;
        int failed = 0;
        for (long t = 1; t <= 10_000 && secondProbeMs < 0; t++) {
            nowNs += MS;
            if (t % 5 == 0) {
                send();
            }
            boolean stalled = firstProbeMs >= 0 && t >= firstProbeMs && t < firstProbeMs + stallMs;
            boolean readLate = firstProbeMs >= 0 && t >= firstProbeMs + stallMs && t < firstProbeMs + 2 * stallMs;
            while (!stalled && !waiting.isEmpty() && waiting.peek()[1] <= nowNs) {
                viewer.onPacket((int) waiting.poll()[0], nowNs, readLate);
            }
            if (t % 50 == 0 && !stalled) {
                feedbackToTheNode();
                downlink.onTick(nowNs);
            }
            if (t % 20 == 0) {
                switch (downlink.probeTick(nowNs, neededBps)) {
                    case START_PROBE -> {
                        if (firstProbeMs < 0) {
                            firstProbeMs = t;
                        } else {
                            secondProbeMs = t;
                        }
                    }
                    case FAILED -> failed++;
                    default -> {
                    }
                }
                for (long due = downlink.probePaddingDue(nowNs); due > 0; due -= PACKET_BYTES) {
                    send(); // padding, as the relay sends it on its tick
                }
            }
        }
        assertTrue(firstProbeMs > 0, "probed");
        assertEquals(0, failed, "probes counted as failed (first at " + firstProbeMs + " ms)");
        assertTrue(secondProbeMs > 0, "probed again");
    }

    private void send() {
        waiting.add(new long[] {downlink.recordSent(PACKET_BYTES, nowNs), nowNs + 20 * MS});
    }
}
