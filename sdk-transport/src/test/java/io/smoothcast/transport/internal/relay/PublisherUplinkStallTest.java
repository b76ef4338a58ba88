package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.Pacer;
import io.smoothcast.cc.internal.LossBasedController;
import io.smoothcast.rtp.NtpTime;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.client.BroadcasterEngine;
import io.smoothcast.transport.internal.client.IgnoringBroadcasterListener;
import io.smoothcast.transport.internal.client.OutgoingFrame;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stalls of the RELAY's I/O thread as its publisher sees them, in virtual time: a real
 * {@link BroadcasterEngine} publishes to a real {@link RelayEngine} over a simulated uplink (set
 * capacity, 20 ms one way, 300 ms of buffer). While the relay's thread is stalled it reads
 * nothing and does not tick; the datagrams that arrived meanwhile wait in its socket and are read
 * at the stall's end, microseconds apart, as Netty's epoll transport (no receive timestamps)
 * reads them. The relay's feedback goes back 20 ms one way.
 *
 * <p>"Not reported" is a revision-2 relay: the {@code SCUT} report in front of the feedback is
 * taken out on the way back, the feedback itself is unchanged.
 */
class PublisherUplinkStallTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long US = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long ONE_WAY_NS = 20 * MS;
    private static final long TOP_BITRATE_BPS = 5_000_000;
    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, (int) TOP_BITRATE_BPS);
    private static final InetSocketAddress RELAY = new InetSocketAddress("127.0.0.1", 7000);
    private static final InetSocketAddress PUBLISHER = new InetSocketAddress("127.0.0.1", 5000);
    /** Stalls as SimulcastDownlinkIT's hosts showed them under a CPU hog: 60 to 451 ms. */
    private static final long[] STALLS_MS = {208, 60, 451, 130, 256, 90, 186, 400};
    /**
     * Waits 600 ms of silence before it takes the relay for dead: with the defaults, a silence of
     * one 100 ms heartbeat plus about 90 ms (this path's RTT allowance) already counts as a dead
     * node, so the longer stalls here would make the publisher fail over, which is another matter.
     */
    private static final FailoverPolicy PATIENT = FailoverPolicy.builder().silenceFloorMs(600).latencyBudgetMs(600)
            .build();

    private Uplink uplink;

    /** A publisher, the uplink, the relay and the way back, in virtual time. */
    private static final class Uplink {
        private final RecordingSender relayOut = new RecordingSender();
        private final RelayCounters relayCounters = new RelayCounters();
        private final RelayEngine relay = new RelayEngine(
                new RelayConfig(0x0DE, 500, 60_000, 512, 200, 100, 100, null), relayOut, relayCounters);
        private final RecordingSender publisherOut = new RecordingSender();
        private final Queue<OutgoingFrame> frames = new ArrayBlockingQueue<>(64);
        private final BroadcasterEngine publisher;
        private final CongestionController controller = CongestionController.builder()
                .startBitrateBps(TOP_BITRATE_BPS).maxBitrateBps(TOP_BITRATE_BPS).initialProbing(false).build();
        /** Datagrams on their way to the relay: {arrival ns, bytes}. */
        private final ArrayDeque<Object[]> uplink = new ArrayDeque<>();
        /** Datagrams on their way back to the publisher, with their arrival times. */
        private final ArrayDeque<Object[]> downlink = new ArrayDeque<>();
        private final boolean relayReportsStalls;
        /** The virtual clock's origin: the schedule below counts from it, whatever its sign. */
        private final long originNs;
        private long nowNs;
        private long uplinkCapacityBps = 20_000_000;
        private long uplinkFreeNs;
        /** The encoder's bitrate: it follows the controller's target, as an application's would. */
        private long encoderBps = TOP_BITRATE_BPS;
        private boolean relayStalled;
        private long relayResumedNs;
        private long relayLastReadNs;
        private long lowestTargetBps = Long.MAX_VALUE;
        /** Every this many datagrams into the uplink one is lost on the way (0: none). */
        private int lossEvery;
        private long uplinkDatagrams;
        private double highestLossFraction;
        /** While set, the publisher's own thread is stalled: the application's frames queue up, nothing else runs. */
        private boolean publisherStalled;
        /** Most bytes the publisher put on the uplink within any 10 ms since this was last reset. */
        private long mostBytesIn10Ms;
        private final long[] sentBytesLast10Ms = new long[10];
        private boolean feedbackTimedOut;

        Uplink(boolean relayReportsStalls, long originNs) {
            this.relayReportsStalls = relayReportsStalls;
            this.originNs = originNs;
            this.nowNs = originNs + TimeUnit.SECONDS.toNanos(50);
            // Times, not zero: from a negative origin a zero lay an hour ahead, so the uplink
            // seemed busy for an hour (everything tail-dropped) and the relay read at time 0.
            this.uplinkFreeNs = nowNs;
            this.relayResumedNs = nowNs;
            this.relayLastReadNs = nowNs;
            this.publisher = new BroadcasterEngine(publisherOut, List.of(RELAY), 1L,
                    new ControlMessage.Publish("show", List.of(VIDEO)), PATIENT, frames,
                    new IgnoringBroadcasterListener() {
                        @Override
                        public void onTargetBitrate(long bitrateBps) {
                            encoderBps = Math.min(bitrateBps, TOP_BITRATE_BPS);
                        }
                    }, 3L,
                    controller,
                    Pacer.builder().initialTargetBitrateBps(TOP_BITRATE_BPS).build(), null);
        }

        void close() {
            publisher.close(nowNs);
            relay.close();
        }

        /** The publisher's datagrams into the uplink: serialized at its capacity, tail-dropped over 300 ms. */
        private void routeFromPublisher() {
            for (RecordingSender.Sent sent : publisherOut.drain()) {
                byte[] bytes = sent.bytes();
                long departureNs = Math.max(nowNs, uplinkFreeNs) + bytes.length * 8L * 1_000_000_000L / uplinkCapacityBps;
                if (departureNs - nowNs > 300 * MS) {
                    continue;
                }
                if (lossEvery > 0 && ++uplinkDatagrams % lossEvery == 0) {
                    continue;
                }
                uplinkFreeNs = departureNs;
                sentBytesLast10Ms[(int) (msSinceOrigin() % 10)] += bytes.length;
                uplink.add(new Object[] {departureNs + ONE_WAY_NS, bytes});
            }
        }

        /** The relay's datagrams to the publisher (feedback, NACKs, control), sent at {@code sentNs}. */
        private void routeFromRelay(long sentNs) {
            for (RecordingSender.Sent sent : relayOut.drain()) {
                if (sent.recipient().equals(PUBLISHER)) {
                    byte[] bytes = relayReportsStalls ? sent.bytes() : withoutLeadingApp(sent.bytes());
                    downlink.add(new Object[] {sentNs + ONE_WAY_NS, bytes});
                }
            }
        }

        /** A revision-2 relay's datagram: an RTCP compound without the APP packet in front. */
        private static byte[] withoutLeadingApp(byte[] bytes) {
            if (bytes.length < 4 || (bytes[0] & 0xC0) != 0x80 || (bytes[1] & 0xFF) != 204) {
                return bytes;
            }
            int appLength = ((bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF)) * 4 + 4;
            return Arrays.copyOfRange(bytes, appLength, bytes.length);
        }

        /** The relay reads what has arrived by now: at arrival while it runs, the backlog at once after a stall. */
        private void relayReads() {
            if (relayStalled) {
                return;
            }
            while (!uplink.isEmpty() && (long) uplink.peek()[0] - nowNs <= 0) {
                Object[] arrival = uplink.poll();
                long readNs = Math.max((long) arrival[0], Math.max(relayResumedNs, relayLastReadNs + US));
                relayLastReadNs = readNs;
                ByteBuf buf = Unpooled.wrappedBuffer((byte[]) arrival[1]);
                relay.onDatagram(buf, PUBLISHER, readNs);
                buf.release();
                routeFromRelay(readNs);
            }
        }

        private void publisherReads() {
            while (!downlink.isEmpty() && (long) downlink.peek()[0] - nowNs <= 0) {
                ByteBuf buf = Unpooled.wrappedBuffer((byte[]) downlink.poll()[1]);
                publisher.onDatagram(buf, RELAY, nowNs);
                buf.release();
            }
        }

        /**
         * Milliseconds since the clock's origin: never negative, so that it serves as an index and
         * as the schedule's phase (a negative {@code nowNs / MS % 10} indexed out of the array).
         */
        private long msSinceOrigin() {
            return (nowNs - originNs) / MS;
        }

        /**
         * Runs virtual time: a frame every 33 ms at the encoder's bitrate, the publisher's pacer every
         * millisecond and its ticks every 25 ms, the relay's ticks every 20 ms (none while stalled).
         */
        private void run(long durationMs) {
            for (long ms = 0; ms < durationMs; ms++) {
                nowNs += MS;
                long tMs = msSinceOrigin();
                if (!publisherStalled) {
                    publisherReads();
                }
                if (tMs % 33 == 0) {
                    int bytes = (int) (encoderBps / 30 / 8);
                    frames.add(new OutgoingFrame(0, Unpooled.wrappedBuffer(new byte[bytes]), nowNs, NtpTime.UNKNOWN,
                            tMs % 3000 < 33, nowNs));
                }
                if (!publisherStalled) {
                    publisher.drain(nowNs);
                    publisher.onWake(nowNs);
                    if (tMs % 25 == 0) {
                        publisher.onTick(nowNs);
                    }
                }
                sentBytesLast10Ms[(int) (tMs % 10)] = 0;
                routeFromPublisher();
                mostBytesIn10Ms = Math.max(mostBytesIn10Ms, Arrays.stream(sentBytesLast10Ms).sum());
                feedbackTimedOut |= controller.isFeedbackTimedOut();
                relayReads();
                if (tMs % 20 == 0 && !relayStalled) {
                    relay.onTick(nowNs);
                    routeFromRelay(nowNs);
                }
                lowestTargetBps = Math.min(lowestTargetBps, target());
                highestLossFraction = Math.max(highestLossFraction, controller.lossFraction());
            }
        }

        private void stallRelay(long stallMs) {
            relayStalled = true;
            run(stallMs);
            relayStalled = false;
            relayResumedNs = nowNs;
        }

        /** Stalls the relay for each of {@code stallsMs} in turn, each stall followed by 1.5 s of running. */
        private void stallRelayRepeatedly(long... stallsMs) {
            for (long stallMs : stallsMs) {
                stallRelay(stallMs);
                run(1_500);
            }
        }

        private void stallPublisher(long stallMs) {
            publisherStalled = true;
            run(stallMs);
            publisherStalled = false;
        }

        private long target() {
            return publisher.counters().get(BroadcasterEngine.TARGET_BITRATE_BPS);
        }

        /** The target now; {@link #lowestTargetBps} tracks the lowest from here on. */
        private long targetBeforeStalls() {
            lowestTargetBps = Long.MAX_VALUE;
            return target();
        }

        private void connectAndSettle() {
            publisher.start(nowNs);
            routeFromPublisher();
            run(6_000);
            assertEquals(1, relayCounters.get(RelayCounter.PUBLISHERS), "published");
            assertTrue(target() >= TOP_BITRATE_BPS * 9 / 10, "settled near the top: " + target());
        }
    }

    @AfterEach
    void close() {
        if (uplink != null) {
            uplink.close();
        }
    }

    /**
     * Where the virtual clock starts. The engines must work whatever the origin of
     * {@code System.nanoTime()}; a subclass runs every test again from a negative origin.
     */
    long originNs() {
        return 0;
    }

    private Uplink withRelayThat(boolean reportsStalls) {
        uplink = new Uplink(reportsStalls, originNs());
        return uplink;
    }

    @Test
    void oneRelayStall_notReported_cutsThePublishersRate() {
        Uplink t = withRelayThat(false);
        t.connectAndSettle();
        long beforeBps = t.targetBeforeStalls();

        t.stallRelayRepeatedly(208);

        assertEquals(1, t.relayCounters.get(RelayCounter.IO_THREAD_STALLS));
        assertEquals(0, t.publisher.counters().get(BroadcasterEngine.NODE_STALL_REPORTS));
        assertTrue(t.lowestTargetBps < beforeBps / 2, "the backlog's read times look like a queue to the publisher"
                + " (the case the report exists for): " + beforeBps + " -> " + t.lowestTargetBps);
    }

    @Test
    void oneRelayStall_reported_leavesThePublishersRateAlone() {
        Uplink t = withRelayThat(true);
        t.connectAndSettle();
        long beforeBps = t.targetBeforeStalls();

        t.stallRelayRepeatedly(208);

        assertEquals(1, t.relayCounters.get(RelayCounter.IO_THREAD_STALLS));
        assertTrue(t.relayCounters.get(RelayCounter.UNTIMED_ARRIVAL_REPORTS_SENT) >= 1);
        assertEquals(t.relayCounters.get(RelayCounter.UNTIMED_ARRIVAL_REPORTS_SENT),
                t.publisher.counters().get(BroadcasterEngine.NODE_STALL_REPORTS), "every report reached the publisher");
        assertTrue(t.publisher.counters().get(BroadcasterEngine.UNTIMED_ARRIVALS_MARKED) > 0);
        assertEquals(0, t.publisher.counters().get(BroadcasterEngine.MALFORMED_DROPPED));
        assertTrue(t.lowestTargetBps >= beforeBps * 9 / 10, "the relay's stall is no congestion of the uplink: "
                + beforeBps + " -> " + t.lowestTargetBps);
    }

    @Test
    void manyRelayStalls_notReported_cutThePublishersRate() {
        Uplink t = withRelayThat(false);
        t.connectAndSettle();
        long beforeBps = t.targetBeforeStalls();

        t.stallRelayRepeatedly(STALLS_MS);

        assertTrue(t.lowestTargetBps < beforeBps / 2, beforeBps + " -> " + t.lowestTargetBps);
    }

    @Test
    void manyRelayStalls_reported_keepThePublishersRate() {
        Uplink t = withRelayThat(true);
        t.connectAndSettle();
        long beforeBps = t.targetBeforeStalls();

        t.stallRelayRepeatedly(STALLS_MS);

        assertEquals(STALLS_MS.length, t.relayCounters.get(RelayCounter.IO_THREAD_STALLS));
        assertTrue(t.lowestTargetBps >= beforeBps * 9 / 10, beforeBps + " -> " + t.lowestTargetBps);
    }

    /** The reports do not blind the publisher: a real drop of the uplink during the stalls still cuts its rate. */
    @Test
    void uplinkCapacityDrop_whileTheRelayKeepsStalling_stillCutsThePublishersRate() {
        Uplink t = withRelayThat(true);
        t.connectAndSettle();

        t.uplinkCapacityBps = 1_200_000;
        t.stallRelayRepeatedly(208, 60, 451, 130, 256, 90);

        assertTrue(t.publisher.counters().get(BroadcasterEngine.NODE_STALL_REPORTS) > 0, "the stalls were reported");
        assertTrue(t.target() <= 1_200_000, "follows the uplink down to 1.2 Mbit/s: " + t.target());
    }

    /**
     * After the same drop during reported stalls the target climbs back as without stalls, within
     * a factor. Before the acknowledged bitrate counted the untimed arrivals' bytes, the
     * first stall hid the drop from it (no window closed across the stall and the arrivals read
     * late), the first decrease kept the old 5 Mbit/s as its base (3.67 Mbit/s instead of 1.39),
     * more was lost (1240 packets against 980) and the loss-based limit fell further: 5 s later
     * 56.8 kbit/s against 118.7 without stalls (0.48x).
     */
    @Test
    void uplinkCapacityDrop_whileTheRelayKeepsStalling_climbsBackAsWithoutStalls() {
        long withoutStallsBps = targetFiveSecondsAfterADrop(false);
        long reportedStallsBps = targetFiveSecondsAfterADrop(true);

        assertTrue(reportedStallsBps >= withoutStallsBps * 55 / 100, "5 s after the drop: "
                + reportedStallsBps + " with reported stalls, " + withoutStallsBps + " without stalls");
    }

    /** The uplink drops to 1.2 Mbit/s; six reported relay stalls (or none) 1.5 s apart; then 5 s. */
    private long targetFiveSecondsAfterADrop(boolean relayStalls) {
        Uplink t = withRelayThat(true);
        t.connectAndSettle();
        t.uplinkCapacityBps = 1_200_000;
        for (long stallMs : new long[] {208, 60, 451, 130, 256, 90}) {
            if (relayStalls) {
                t.stallRelay(stallMs);
            } else {
                t.run(stallMs);
            }
            t.run(1_500);
        }
        t.run(5_000);
        assertEquals(relayStalls ? 6 : 0, t.relayCounters.get(RelayCounter.IO_THREAD_STALLS));
        long targetBps = t.target();
        t.close();
        uplink = null;
        return targetBps;
    }

    /**
     * Stalls of the PUBLISHER's own thread while the application keeps handing it frames, on an
     * uplink with 20 % headroom (6 Mbit/s for 5 Mbit/s). After the stall the pacer sends the
     * backlog within its burst allowance, no feedback timeout fires, and the target is cut only
     * for the real queue the catch-up builds. Before the controller was told of the stall, the
     * acknowledged-bitrate window over the stall read the stall's trickle as the path's rate, and
     * the decrease that followed went from there: 5.00 -> 2.23 Mbit/s after 100 ms, 2.41 after
     * 200 ms, 3.87 after 300 ms.
     */
    @Test
    void publisherStalls_cutTheRateOnlyForTheQueueTheCatchUpBuilds() {
        for (long stallMs : new long[] {100, 200, 300}) {
            Uplink t = withRelayThat(true);
            t.uplinkCapacityBps = 6_000_000;
            t.connectAndSettle();
            long beforeBps = t.target();
            t.stallPublisher(stallMs);
            t.lowestTargetBps = Long.MAX_VALUE;
            t.mostBytesIn10Ms = 0;
            t.feedbackTimedOut = false;

            t.run(1_500);

            assertEquals(1, t.publisher.counters().get(BroadcasterEngine.OWN_STALLS), stallMs + " ms");
            // Pacer: 2.5 x the target with a 10 ms burst allowance, so at most 20 ms of its rate in 10 ms.
            long pacerMostBytes = (long) (2.5 * beforeBps) * 20 / 1000 / 8;
            assertTrue(t.mostBytesIn10Ms <= pacerMostBytes, stallMs + " ms: the backlog is paced, "
                    + t.mostBytesIn10Ms + " bytes in 10 ms, allowance " + pacerMostBytes);
            assertTrue(!t.feedbackTimedOut, stallMs + " ms: the feedback read after the stall is in time");
            assertTrue(t.lowestTargetBps >= beforeBps * 8 / 10, stallMs + " ms: " + beforeBps + " -> " + t.lowestTargetBps);
            t.close();
            uplink = null;
        }
    }

    /**
     * Packets the relay read late still arrived: on an uplink that loses 1 in 25, the loss share
     * the publisher's controller sees stays near 4 % through the stalls instead of counting the
     * losses against only the arrivals read on time.
     */
    @Test
    void randomLoss_whileTheRelayKeepsStalling_isNotOverstated() {
        Uplink t = withRelayThat(true);
        t.lossEvery = 25;
        t.connectAndSettle();
        long beforeBps = t.targetBeforeStalls();
        t.highestLossFraction = 0;

        t.stallRelayRepeatedly(STALLS_MS);

        assertTrue(t.publisher.counters().get(BroadcasterEngine.UNTIMED_ARRIVALS_MARKED) > 0, "stalls reported");
        // Counting only the arrivals read on time, one feedback after a stall showed 95 % loss.
        assertTrue(t.highestLossFraction < LossBasedController.HIGH_LOSS,
                "loss share after the stalls: " + t.highestLossFraction);
        assertTrue(t.lowestTargetBps >= beforeBps * 9 / 10, beforeBps + " -> " + t.lowestTargetBps);
    }

    /**
     * After a 5 -> 1.2 Mbit/s uplink drop (no stalls) the publisher's retransmissions stay within
     * the target. Before RTX was budgeted, the NACKs for what the full 300 ms buffer dropped were
     * all answered (779 RTX queued in the first 1.25 s), the pacer drained them at about
     * 4 Mbit/s until 3 s after the drop (3.6 Mbit/s on average from 0.5 to 2.5 s), most were lost
     * again, the loss share stayed at 65-70 % and the loss-based limit fell to 30 kbit/s: 5 s
     * after the drop the target was 47 kbit/s.
     */
    @Test
    void uplinkCapacityDrop_retransmissionsStayWithinTheTarget() {
        Uplink t = withRelayThat(true);
        t.connectAndSettle();
        t.uplinkCapacityBps = 1_200_000;
        t.run(500);
        long bytesBefore = t.publisher.counters().get(BroadcasterEngine.BYTES_SENT);
        t.run(2_000);
        long sentBps = (t.publisher.counters().get(BroadcasterEngine.BYTES_SENT) - bytesBefore) * 8 / 2;
        t.highestLossFraction = 0;
        t.run(2_500);

        assertTrue(sentBps <= 1_200_000, "sent from 0.5 to 2.5 s after the drop, bit/s: " + sentBps);
        assertTrue(t.highestLossFraction < 0.1, "loss share from 2.5 to 5 s: " + t.highestLossFraction);
        assertTrue(t.target() >= 500_000, "target 5 s after the drop: " + t.target());
        assertTrue(t.publisher.counters().get(BroadcasterEngine.RTX_OVER_BUDGET) > 0, "some NACKs went unanswered");
        assertTrue(t.publisher.counters().get(BroadcasterEngine.RTX_SENT) > 0, "others were answered");
    }
}
