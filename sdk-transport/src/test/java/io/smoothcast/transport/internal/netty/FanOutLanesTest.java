package io.smoothcast.transport.internal.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.smoothcast.time.ManualNanoClock;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import io.smoothcast.transport.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FanOutLanesTest {

    private static final int TRANSPORT_OFFSET = 18;

    private final ManualNanoClock clock = new ManualNanoClock(1_000_000);
    private final ManualExecutor laneThread = new ManualExecutor();
    private final DatagramHandler laneHandler = new DatagramHandler(sender -> new Ignore(), clock);
    private final EmbeddedChannel laneChannel = new EmbeddedChannel(laneHandler);
    private final List<long[]> residences = new ArrayList<>();
    private final FanOutLanes lanes = new FanOutLanes(List.of(laneHandler), List.of(laneThread), clock,
            (stampNs, residenceNs, drained) -> residences.add(new long[] {stampNs, residenceNs}));

    @BeforeAll
    static void watchLeaks() {
        NettyLeaks.install();
    }

    @AfterEach
    void close() {
        laneChannel.finishAndReleaseAll();
        NettyLeaks.assertNoLeaks();
    }

    private static InetSocketAddress viewer(int i) {
        return new InetSocketAddress("127.0.0.1", 6000 + i);
    }

    private static ByteBuf packet(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return Unpooled.wrappedBuffer(bytes);
    }

    private List<DatagramPacket> sent() {
        List<DatagramPacket> sent = new ArrayList<>();
        DatagramPacket packet;
        while ((packet = laneChannel.readOutbound()) != null) {
            sent.add(packet);
        }
        return sent;
    }

    @Test
    void eachCopyCarriesItsRecipientsNumber_everyOtherByteUnchanged_oneTaskPerPacket() {
        SplittableRandom random = new SplittableRandom(7);
        ByteBuf shared = packet(random, 1100);
        byte[] original = ByteBufUtil.getBytes(shared);
        lanes.begin(shared, TRANSPORT_OFFSET, 400_000);
        for (int i = 0; i < 5; i++) {
            assertTrue(lanes.add(1, viewer(i), 0xFFFE + i));
        }
        lanes.dispatch();
        assertEquals(1, laneThread.pending(), "one hand-off per packet and lane");
        assertEquals(2, shared.refCnt(), "the lane holds one reference until it has made its copies");
        assertEquals(List.of(), sent(), "nothing leaves before the lane's thread runs");

        clock.advanceNs(250_000);
        laneThread.runAll();
        assertEquals(1, shared.refCnt(), "the lane released its reference");
        List<DatagramPacket> sent = sent();
        assertEquals(5, sent.size());
        for (int i = 0; i < 5; i++) {
            DatagramPacket copy = sent.get(i);
            assertEquals(viewer(i), copy.recipient());
            byte[] bytes = ByteBufUtil.getBytes(copy.content());
            assertEquals((0xFFFE + i) & 0xFFFF, ((bytes[TRANSPORT_OFFSET] & 0xFF) << 8) | (bytes[TRANSPORT_OFFSET + 1] & 0xFF));
            byte[] expected = original.clone();
            expected[TRANSPORT_OFFSET] = bytes[TRANSPORT_OFFSET];
            expected[TRANSPORT_OFFSET + 1] = bytes[TRANSPORT_OFFSET + 1];
            assertArrayEquals(expected, bytes, "copy " + i);
            copy.release();
        }
        assertArrayEquals(original, ByteBufUtil.getBytes(shared), "the shared packet is not written to");
        assertEquals(1, residences.size(), "one residence report per packet and lane");
        assertArrayEquals(new long[] {400_000, clock.nanoTime() - 400_000}, residences.get(0));
        shared.release();
    }

    @Test
    void withoutNumbers_theLaneSendsThePacketItself() {
        ByteBuf shared = packet(new SplittableRandom(8), 300);
        byte[] original = ByteBufUtil.getBytes(shared);
        lanes.begin(shared, -1, 0);
        lanes.add(1, viewer(1), FanOutLanes.NO_SEQUENCE);
        lanes.add(1, viewer(2), FanOutLanes.NO_SEQUENCE);
        lanes.dispatch();
        laneThread.runAll();
        List<DatagramPacket> sent = sent();
        assertEquals(2, sent.size());
        for (DatagramPacket copy : sent) {
            assertArrayEquals(original, ByteBufUtil.getBytes(copy.content()));
            copy.release();
        }
        assertEquals(1, shared.refCnt());
        shared.release();
    }

    @Test
    void aLaneFarBehind_refusesCopies_untilItCatchesUp() {
        List<ByteBuf> packets = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(9);
        for (int p = 0; p < FanOutLanes.BATCHES_PER_LANE; p++) {
            ByteBuf shared = packet(random, 100);
            packets.add(shared);
            lanes.begin(shared, TRANSPORT_OFFSET, p);
            assertTrue(lanes.add(1, viewer(1), p), "packet " + p);
            lanes.dispatch();
        }
        ByteBuf late = packet(random, 100);
        lanes.begin(late, TRANSPORT_OFFSET, 99);
        assertFalse(lanes.add(1, viewer(1), 99), "the lane is a full ring behind: the copy is refused");
        assertEquals(0, lanes.dispatch());
        assertEquals(FanOutLanes.BATCHES_PER_LANE, laneThread.pending(), "no hand-off for a refused copy");
        assertEquals(1, late.refCnt());

        laneThread.runAll();
        List<DatagramPacket> caughtUp = sent();
        assertEquals(FanOutLanes.BATCHES_PER_LANE, caughtUp.size());
        caughtUp.forEach(DatagramPacket::release);
        lanes.begin(late, TRANSPORT_OFFSET, 100);
        assertTrue(lanes.add(1, viewer(1), 100), "caught up");
        lanes.dispatch();
        laneThread.runAll();
        sent().forEach(DatagramPacket::release);
        for (ByteBuf shared : packets) {
            assertEquals(1, shared.refCnt());
            shared.release();
        }
        late.release();
    }

    @Test
    void aBatchGrowsWithTheSubscribers_andIsReused() {
        SplittableRandom random = new SplittableRandom(10);
        for (int round = 0; round < 3 * FanOutLanes.BATCHES_PER_LANE; round++) {
            int copies = 1 + random.nextInt(300);
            ByteBuf shared = packet(random, 60);
            lanes.begin(shared, TRANSPORT_OFFSET, round);
            for (int i = 0; i < copies; i++) {
                assertTrue(lanes.add(1, viewer(i), i));
            }
            lanes.dispatch();
            laneThread.runAll();
            List<DatagramPacket> sent = sent();
            assertEquals(copies, sent.size(), "round " + round + " (seed 10)");
            for (int i = 0; i < copies; i++) {
                assertEquals(viewer(i), sent.get(i).recipient(), "round " + round + " (seed 10)");
                sent.get(i).release();
            }
            shared.release();
        }
    }

    @Test
    void aLaneWhoseLoopIsShutDown_dropsItsBatch_andGivesThePacketsReferenceBack() {
        DefaultEventLoop stopped = new DefaultEventLoop();
        stopped.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        FanOutLanes toStopped = new FanOutLanes(List.of(laneHandler), List.of(stopped), clock, null);
        SplittableRandom random = new SplittableRandom(11);
        // More packets than the lane has batches: each refused batch is free again at once.
        for (int p = 0; p < FanOutLanes.BATCHES_PER_LANE + 2; p++) {
            ByteBuf shared = packet(random, 80);
            toStopped.begin(shared, TRANSPORT_OFFSET, p);
            assertTrue(toStopped.add(1, viewer(1), p), "packet " + p);
            assertTrue(toStopped.add(1, viewer(2), p), "packet " + p);
            assertEquals(2, toStopped.dispatch(), "both copies of packet " + p + " dropped, no exception");
            assertEquals(1, shared.refCnt(), "the refused batch released its reference to packet " + p);
            shared.release();
        }
        assertEquals(List.of(), sent());
    }

    @Test
    void anOwnedPacket_queuesBehindTheLanesCopies_takesARingSlot_noResidence_releasedWhenDroppedOrSent() {
        SplittableRandom random = new SplittableRandom(11);
        assertFalse(lanes.holdsCopies(1), "an idle lane");
        ByteBuf shared = packet(random, 200);
        lanes.begin(shared, TRANSPORT_OFFSET, 400_000);
        assertTrue(lanes.add(1, viewer(0), 5));
        lanes.dispatch();
        assertTrue(lanes.holdsCopies(1));
        ByteBuf owned = packet(random, 120);
        byte[] ownedBytes = ByteBufUtil.getBytes(owned);
        assertTrue(lanes.sendOwned(1, owned, viewer(0)));
        assertEquals(2, laneThread.pending(), "a task of its own, after the copies'");
        // The ring has room for BATCHES_PER_LANE - 2 more; then an owned packet is refused and freed.
        for (int i = 0; i < FanOutLanes.BATCHES_PER_LANE - 2; i++) {
            assertTrue(lanes.sendOwned(1, packet(random, 50), viewer(1)));
        }
        ByteBuf tooMany = packet(random, 50);
        assertFalse(lanes.sendOwned(1, tooMany, viewer(1)), "the lane is a whole ring behind");
        assertEquals(0, tooMany.refCnt(), "a refused packet is released");
        laneThread.runAll();
        assertFalse(lanes.holdsCopies(1), "drained");
        List<DatagramPacket> sent = sent();
        assertEquals(FanOutLanes.BATCHES_PER_LANE, sent.size());
        assertEquals(200, sent.get(0).content().readableBytes(), "the copy first");
        assertArrayEquals(ownedBytes, ByteBufUtil.getBytes(sent.get(1).content()), "then the owned packet, unchanged");
        assertEquals(viewer(0), sent.get(1).recipient());
        sent.forEach(DatagramPacket::release);
        assertEquals(1, residences.size(), "only the copy's batch reports a residence");
        assertEquals(1, shared.refCnt());
        shared.release();
        assertEquals(0, owned.refCnt(), "the owned packet was released by the lane");
    }

    @Test
    void single_isTheOwnerAlone() {
        assertEquals(1, FanOutLanes.single().laneCount());
        assertEquals(2, lanes.laneCount());
    }

    @Test
    void oneExecutorPerSender_isRequired() {
        assertThrows(IllegalArgumentException.class,
                () -> new FanOutLanes(List.of(laneHandler), List.of(), clock, null));
    }

    /** The lane channel's own reads are not under test here. */
    @Test
    void copiesTheFullSocketHasNotTakenYet_areStillHeldByTheLane_untilItDrains() {
        DatagramHandler handler = new DatagramHandler(sender -> new Ignore(), clock);
        FullSocketChannel channel = new FullSocketChannel(handler);
        FanOutLanes full = new FanOutLanes(List.of(handler), List.of(laneThread), clock, null);
        try {
            channel.fillSocket();
            ByteBuf shared = packet(new SplittableRandom(3), 300);
            full.begin(shared, TRANSPORT_OFFSET, 400_000);
            assertTrue(full.add(1, viewer(0), 9));
            full.dispatch();
            shared.release();
            laneThread.runAll();
            assertTrue(full.holdsCopies(1), "the batch has run, but its copy waits for the socket");
            channel.drain();
            assertFalse(full.holdsCopies(1), "the socket took it");
            DatagramPacket sent = channel.readOutbound();
            assertEquals(viewer(0), sent.recipient());
            sent.release();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static final class Ignore implements DatagramReceiver {
        @Override
        public void onDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        }

        @Override
        public void onHandlerFailure(RuntimeException failure) {
        }
    }
}
