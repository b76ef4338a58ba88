package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.rtp.RtcpWriter;
import io.smoothcast.transport.internal.cc.ReaderStallDetector;
import io.smoothcast.transport.internal.cc.TransportFeedbackCollector;
import io.smoothcast.transport.internal.cc.UntimedArrivalsReport;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stalls of a SUBSCRIBER's reader, in virtual time, through the relay's real engine: a publisher
 * sends three simulcast layers; the subscriber sits behind a simulated bottleneck and stamps
 * arrivals as the viewer does, with its read time, so the packets that waited in its socket
 * during a stall of its thread all get read times at the stall's end. It notices its stalls with
 * the viewer's {@link ReaderStallDetector} and reports them (or, for the "before" case, does
 * not) through the viewer's real {@link TransportFeedbackCollector}.
 */
class DownlinkReceiverStallTest extends SimulcastRelayHarness {

    private static final long US = TimeUnit.MICROSECONDS.toNanos(1);

    /**
     * A subscriber behind a bottleneck of settable capacity, 20 ms one way, 300 ms of buffer,
     * whose reader ticks every 10 ms (sending its feedback then) and can stall.
     */
    private final class StallingViewer {
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", 6001);
        final TransportFeedbackCollector collector = new TransportFeedbackCollector();
        final ReaderStallDetector stalls = new ReaderStallDetector();
        final ArrayDeque<long[]> inFlight = new ArrayDeque<>(); // {transport sequence, arrival ns}
        final List<int[]> received = new ArrayList<>(); // {layer, second}
        final boolean reportsStalls;
        final Bottleneck link;
        /** While the reader is stalled: nothing is read, no tick runs. */
        boolean stalled;
        /** When the reader ran again after its last stall, in ns. */
        long resumedNs;
        long lastReadNs;

        StallingViewer(long capacityBps, boolean reportsStalls) {
            this.link = new Bottleneck(capacityBps);
            this.reportsStalls = reportsStalls;
        }

        void onPacket(byte[] bytes) {
            if (!intoBottleneck(bytes, link, inFlight)) {
                return;
            }
            int layer = layerOf(view.ssrc());
            if (view.payloadType() == LAYERS[0].payloadType() && layer >= 0) {
                received.add(new int[] {layer, (int) (nowNs / 1_000_000_000L)});
            }
        }

        /**
         * Reads what has arrived by now: each packet at its arrival while the reader runs, or,
         * right after a stall, the whole backlog at once (a microsecond per read).
         */
        void read() {
            if (stalled) {
                return;
            }
            while (!inFlight.isEmpty() && inFlight.peek()[1] - nowNs <= 0) {
                long[] arrival = inFlight.poll();
                long readNs = Math.max(arrival[1], Math.max(resumedNs, lastReadNs + US));
                lastReadNs = readNs;
                stalls.onEvent(readNs);
                collector.onPacket((int) arrival[0], readNs, reportsStalls && stalls.readTimeIsUntimed(readNs));
            }
        }

        void tick() {
            if (stalled) {
                return;
            }
            stalls.onEvent(nowNs);
            byte[] feedback = new byte[1500];
            int length;
            while ((length = collector.writeFeedback(feedback, 0, address.getPort(), LAYERS[0].ssrc())) > 0) {
                receive(Arrays.copyOf(feedback, length), address);
            }
        }

        int lowestLayerIn(int second) {
            return received.stream().filter(r -> r[1] == second).mapToInt(r -> r[0]).min().orElse(-1);
        }

        int highestLayerIn(int second) {
            return received.stream().filter(r -> r[1] == second).mapToInt(r -> r[0]).max().orElse(-1);
        }
    }

    private void route(StallingViewer viewer) {
        for (RecordingSender.Sent sent : out.drain()) {
            if (!isForPublisher(sent) && sent.recipient().equals(viewer.address) && isMedia(sent.bytes())) {
                viewer.onPacket(sent.bytes());
            }
        }
    }

    /** Runs virtual time: a frame every 33 ms, engine ticks every 20 ms, the viewer's every 10 ms. */
    private void run(long durationMs, StallingViewer viewer) {
        for (long ms = 0; ms < durationMs; ms++) {
            nowNs += MS;
            long tMs = nowNs / MS;
            sendFrameIfDue();
            route(viewer);
            viewer.read();
            if (tMs % 10 == 0) {
                viewer.tick();
            }
            if (tMs % 20 == 0) {
                engine.onTick(nowNs);
                route(viewer);
            }
        }
    }

    /** Publishes {@link #LAYERS}, subscribes the viewer to the top layer and runs {@code ms}. */
    private StallingViewer subscribedAndSettled(long capacityBps, boolean reportsStalls, long ms) {
        StallingViewer viewer = new StallingViewer(capacityBps, reportsStalls);
        publishTo(viewer.address);
        run(ms, viewer);
        int second = (int) (nowNs / 1_000_000_000L) - 1;
        assertEquals(2, viewer.lowestLayerIn(second), "settled on the top layer");
        return viewer;
    }

    /** Stalls the viewer's reader for each of {@code stallsMs}, with 1.5 s of normal running after each. */
    private void readerStalls(long[] stallsMs, StallingViewer viewer) {
        for (long stallMs : stallsMs) {
            viewer.stalled = true;
            run(stallMs, viewer);
            viewer.stalled = false;
            viewer.resumedNs = nowNs;
            run(1_500, viewer);
        }
    }

    /** The lowest layer the viewer got in any second from {@code fromSecond} to now. */
    private int lowestLayerSince(StallingViewer viewer, int fromSecond) {
        int lowest = Integer.MAX_VALUE;
        for (int s = fromSecond; s < nowNs / 1_000_000_000L; s++) {
            lowest = Math.min(lowest, viewer.lowestLayerIn(s));
        }
        return lowest;
    }

    @Test
    void readerStalls_notReported_moveTheViewerDown() {
        StallingViewer viewer = subscribedAndSettled(20_000_000, false, 6_000);
        int startSecond = (int) (nowNs / 1_000_000_000L);

        readerStalls(STALLS_MS, viewer);

        assertTrue(lowestLayerSince(viewer, startSecond) < 2,
                "the backlogs' read times look like queues to the node, which moves the viewer down (this is the"
                        + " case the report exists for)");
    }

    @Test
    void readerStalls_reported_keepTheViewerWithCapacityToSpareOnTheTopLayer() {
        StallingViewer viewer = subscribedAndSettled(20_000_000, true, 6_000);
        int startSecond = (int) (nowNs / 1_000_000_000L);

        readerStalls(STALLS_MS, viewer);
        run(3_000, viewer);

        assertEquals(STALLS_MS.length, viewer.stalls.stalls(), "every stall noticed");
        for (int s = startSecond; s < nowNs / 1_000_000_000L; s++) {
            assertEquals(2, viewer.lowestLayerIn(s), "left the top layer in second " + (s - startSecond)
                    + " of the stalls although the downlink has 20 Mbps");
        }
    }

    /** The reports do not blind the node: a real capacity drop during the stalls still moves the viewer down. */
    @Test
    void capacityDrop_whileTheReaderKeepsStalling_stillMovesTheViewerDown() {
        StallingViewer viewer = subscribedAndSettled(4_000_000, true, 8_000);

        viewer.link.capacityBps = 1_200_000; // below the 2 Mbps top layer
        readerStalls(new long[] {208, 60, 451, 130, 256, 90}, viewer);

        int second = (int) (nowNs / 1_000_000_000L) - 1;
        assertTrue(viewer.highestLayerIn(second) <= 1, "moved down, got layer " + viewer.highestLayerIn(second));
    }

    @Test
    void malformedReports_areCounted_otherAppPackets_areIgnored() {
        StallingViewer viewer = subscribedAndSettled(20_000_000, true, 6_000);
        long malformedBefore = counters.get(RelayCounter.MALFORMED_RTCP_DROPPED);
        byte[] packet = new byte[32];
        int length = RtcpWriter.writeApp(packet, 0, packet.length, 0, 0x6001, 'X' << 24 | 'Y' << 16 | 'Z' << 8 | 'W',
                new byte[4], 0, 4);
        receive(Arrays.copyOf(packet, length), viewer.address);
        assertEquals(malformedBefore, counters.get(RelayCounter.MALFORMED_RTCP_DROPPED), "someone else's APP");

        length = RtcpWriter.writeApp(packet, 0, packet.length, 0, 0x6001, UntimedArrivalsReport.NAME,
                new byte[] {0, 1, 0, 0}, 0, 4);
        receive(Arrays.copyOf(packet, length), viewer.address);
        assertEquals(malformedBefore + 1, counters.get(RelayCounter.MALFORMED_RTCP_DROPPED), "a report of 0 numbers");

        run(2_000, viewer);
        assertEquals(2, viewer.lowestLayerIn((int) (nowNs / 1_000_000_000L) - 1), "the downlink goes on");
    }
}

