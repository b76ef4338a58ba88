package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.smoothcast.rtp.NackWriter;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.time.ManualNanoClock;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.DatagramHandler;
import io.smoothcast.transport.internal.netty.DatagramReceiver;
import io.smoothcast.transport.internal.netty.FanOutLanes;
import io.smoothcast.transport.internal.netty.FullSocketChannel;
import io.smoothcast.transport.internal.netty.ManualExecutor;
import io.smoothcast.transport.internal.netty.RecordingSender;
import io.smoothcast.transport.internal.rtx.TailLossProbe;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.smoothcast.transport.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine spreading each packet's copies over two fan-out threads (its own and one more). */
class RelayEngineFanOutLanesTest {

    private static final Track VIDEO = new Track(0x2000, 0x2001, 96, 97, MediaKind.VIDEO, 0, 90_000, 300_000);
    private static final InetSocketAddress PUBLISHER = address(5000);

    private final ManualNanoClock clock = new ManualNanoClock(TimeUnit.SECONDS.toNanos(100));
    private final RecordingSender out = new RecordingSender();
    private final RelayCounters counters = new RelayCounters();
    private final RelayEngine engine = new RelayEngine(new RelayConfig(7, 500, 5000, 64, 200, 100, 100, null), out,
            counters, RelaySecurity.NONE);
    private final ManualExecutor laneThread = new ManualExecutor();
    private final DatagramHandler laneHandler = new DatagramHandler(sender -> new DatagramReceiver() {
        @Override
        public void onDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
        }

        @Override
        public void onHandlerFailure(RuntimeException failure) {
        }
    }, clock);
    private final FullSocketChannel laneChannel = new FullSocketChannel(laneHandler);

    RelayEngineFanOutLanesTest() {
        engine.useFanOutLanes(new FanOutLanes(List.of(laneHandler), List.of(laneThread), clock, null));
    }

    @BeforeAll
    static void watchLeaks() {
        NettyLeaks.install();
    }

    @AfterEach
    void close() {
        engine.close();
        laneChannel.finishAndReleaseAll();
        NettyLeaks.assertNoLeaks();
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    private void control(InetSocketAddress from, ControlMessage message) {
        control(engine, from, message);
    }

    private void control(RelayEngine target, InetSocketAddress from, ControlMessage message) {
        ByteBuf buf = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, 1, new byte[0], message);
        target.onDatagram(buf, from, clock.nanoTime());
        buf.release();
        laneThread.runAll();
        out.drain();
    }

    private void publish(RelayEngine target) {
        control(target, PUBLISHER, new ControlMessage.Hello(1, 500));
        control(target, PUBLISHER, new ControlMessage.Publish("show", List.of(VIDEO)));
    }

    private void subscribe(RelayEngine target, InetSocketAddress viewer) {
        control(target, viewer, new ControlMessage.Hello(viewer.getPort(), 500));
        control(target, viewer, new ControlMessage.Subscribe("show", 2, 0));
    }

    private void subscribe(InetSocketAddress viewer) {
        subscribe(engine, viewer);
    }

    private static byte[] rtp(int seq, int transportSequence) {
        byte[] payload = new byte[200];
        Arrays.fill(payload, (byte) seq);
        byte[] packet = new byte[1500];
        int length = new RtpPacketWriter().payloadType(96).sequenceNumber(seq).timestamp(seq * 3000).ssrc(VIDEO.ssrc())
                .addTransportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID, transportSequence)
                .write(packet, 0, packet.length, payload, 0, payload.length);
        return Arrays.copyOf(packet, length);
    }

    /** Every datagram sent so far, by either thread: recipient to the RTP packets it got, in order. */
    private final Map<InetSocketAddress, List<byte[]>> media = new HashMap<>();

    private void collect() {
        for (RecordingSender.Sent sent : out.drain()) {
            media.computeIfAbsent(sent.recipient(), r -> new ArrayList<>()).add(sent.bytes());
        }
        DatagramPacket packet;
        while ((packet = laneChannel.readOutbound()) != null) {
            media.computeIfAbsent(packet.recipient(), r -> new ArrayList<>()).add(ByteBufUtil.getBytes(packet.content()));
            packet.release();
        }
    }

    private List<Integer> received(List<InetSocketAddress> viewers) {
        return viewers.stream().map(v -> media.getOrDefault(v, List.of()).size()).toList();
    }

    private static int transportSequence(byte[] bytes) {
        RtpPacketView view = new RtpPacketView();
        assertEquals(ParseStatus.OK, view.wrap(bytes, 0, bytes.length));
        return view.transportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID);
    }

    @Test
    void subscribersAreSpreadOverTheLanes_eachGetsEveryPacketWithItsOwnNumbering() {
        control(PUBLISHER, new ControlMessage.Hello(1, 500));
        control(PUBLISHER, new ControlMessage.Publish("show", List.of(VIDEO)));
        List<InetSocketAddress> viewers = List.of(address(6001), address(6002), address(6003), address(6004));
        for (InetSocketAddress viewer : viewers) {
            subscribe(viewer);
        }
        for (int seq = 0; seq < 5; seq++) {
            ByteBuf packet = Unpooled.wrappedBuffer(rtp(100 + seq, 9000 + seq));
            engine.onDatagram(packet, PUBLISHER, clock.nanoTime());
            assertEquals(1, laneThread.pending(), "one hand-off per packet to the other lane");
            collect();
            assertEquals(List.of(seq + 1, seq, seq + 1, seq), received(viewers),
                    "the owner's share (viewers 1 and 3) leaves at once");
            laneThread.runAll();
            collect();
            assertEquals(List.of(seq + 1, seq + 1, seq + 1, seq + 1), received(viewers),
                    "the other lane's share (viewers 2 and 4) after its thread ran");
            packet.release();
            clock.advanceNs(1_000_000);
        }
        for (InetSocketAddress viewer : viewers) {
            List<byte[]> got = media.get(viewer);
            assertEquals(5, got.size(), viewer.toString());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(i, transportSequence(got.get(i)), "each subscriber's own numbering from 0: " + viewer);
                byte[] expected = rtp(100 + i, i);
                assertArrayEquals(expected, got.get(i), "the packet, renumbered, every other byte unchanged");
            }
        }
        assertEquals(20, counters.get(RelayCounter.PACKETS_FORWARDED));
        assertEquals(0, counters.get(RelayCounter.FAN_OUT_LANE_BEHIND));
    }

    @Test
    void aSubscriberLeaving_freesItsLaneForTheNextOne() {
        control(PUBLISHER, new ControlMessage.Hello(1, 500));
        control(PUBLISHER, new ControlMessage.Publish("show", List.of(VIDEO)));
        subscribe(address(6001)); // lane 0
        subscribe(address(6002)); // lane 1
        control(address(6002), new ControlMessage.Leave(""));
        subscribe(address(6003)); // lane 1 again, the least loaded
        ByteBuf packet = Unpooled.wrappedBuffer(rtp(1, 1));
        engine.onDatagram(packet, PUBLISHER, clock.nanoTime());
        packet.release();
        collect();
        assertEquals(List.of(address(6001)), List.copyOf(media.keySet()));
        laneThread.runAll();
        collect();
        assertTrue(media.containsKey(address(6003)));
        assertEquals(2, media.size());
    }

    private static int rtpSequence(byte[] bytes) {
        return ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF);
    }

    @Test
    void aLaneFarBehind_dropsItsSubscribersCopies_neverReordersThem() {
        control(PUBLISHER, new ControlMessage.Hello(1, 500));
        control(PUBLISHER, new ControlMessage.Publish("show", List.of(VIDEO)));
        InetSocketAddress own = address(6001); // lane 0
        InetSocketAddress lagging = address(6002); // lane 1
        subscribe(own);
        subscribe(lagging);
        int extra = 3;
        // The lane's thread does not run while the ring fills and overflows.
        for (int seq = 0; seq < FanOutLanes.BATCHES_PER_LANE + extra; seq++) {
            ByteBuf packet = Unpooled.wrappedBuffer(rtp(seq, seq));
            engine.onDatagram(packet, PUBLISHER, clock.nanoTime());
            packet.release();
            collect(); // what has left by now, in the order it left
            clock.advanceNs(1_000_000);
        }
        laneThread.runAll();
        collect();
        ByteBuf next = Unpooled.wrappedBuffer(rtp(100, 100));
        engine.onDatagram(next, PUBLISHER, clock.nanoTime());
        next.release();
        laneThread.runAll();
        collect();

        List<Integer> expected = new ArrayList<>();
        for (int seq = 0; seq < FanOutLanes.BATCHES_PER_LANE; seq++) {
            expected.add(seq);
        }
        expected.add(100);
        assertEquals(expected, media.get(lagging).stream().map(RelayEngineFanOutLanesTest::rtpSequence).toList(),
                "the lagging lane's subscriber: its queued copies in order, the refused ones dropped, then the next");
        assertEquals(FanOutLanes.BATCHES_PER_LANE + extra + 1, media.get(own).size(), "the owner's subscriber gets all");
        assertEquals(extra, counters.get(RelayCounter.FAN_OUT_LANE_BEHIND));
        assertEquals(2L * (FanOutLanes.BATCHES_PER_LANE + extra + 1) - extra,
                counters.get(RelayCounter.PACKETS_FORWARDED), "dropped copies are not counted as forwarded");
    }

    @Test
    void aLaneWhoseLoopIsShutDown_itsCopiesAreDroppedAndCounted_thePacketReleased() {
        DefaultEventLoop stopped = new DefaultEventLoop();
        stopped.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        RelayEngine withStoppedLane = new RelayEngine(new RelayConfig(7, 500, 5000, 64, 200, 100, 100, null), out,
                counters, RelaySecurity.NONE);
        withStoppedLane.useFanOutLanes(new FanOutLanes(List.of(laneHandler), List.of(stopped), clock, null));
        publish(withStoppedLane);
        subscribe(withStoppedLane, address(6001)); // lane 0
        subscribe(withStoppedLane, address(6002)); // lane 1, whose loop is shut down
        ByteBuf packet = Unpooled.wrappedBuffer(rtp(1, 1));
        withStoppedLane.onDatagram(packet, PUBLISHER, clock.nanoTime());
        collect();
        assertEquals(List.of(address(6001)), List.copyOf(media.keySet()), "the owner's share still leaves");
        assertEquals(1, counters.get(RelayCounter.FAN_OUT_LANE_BEHIND), "the refused lane's copy is counted");
        assertEquals(1, counters.get(RelayCounter.PACKETS_FORWARDED));
        withStoppedLane.close();
        assertEquals(1, packet.refCnt(), "no reference left behind by the refused lane");
        packet.release();
    }

    @Test
    void aTailProbeForALaggingLanesSubscriber_leavesAfterTheCopiesQueuedBeforeIt_neverOvertakesThem() {
        publish(engine);
        InetSocketAddress own = address(6001); // lane 0
        InetSocketAddress lagging = address(6002); // lane 1
        subscribe(own);
        subscribe(lagging);
        for (int seq = 0; seq < 3; seq++) {
            ByteBuf packet = Unpooled.wrappedBuffer(rtp(seq, seq));
            engine.onDatagram(packet, PUBLISHER, clock.nanoTime());
            packet.release();
            clock.advanceNs(1_000_000);
        }
        // The lane's thread stays off its core past the quiet timeout: the probe falls due
        // while the lagging subscriber's three copies still wait in its lane.
        clock.advanceNs(TailLossProbe.MIN_TIMEOUT_NS + 20_000_000);
        engine.onTick(clock.nanoTime());
        collect();
        assertEquals(2, counters.get(RelayCounter.TAIL_PROBES_SENT), "one probe to each subscriber");
        assertEquals(4, media.get(own).size(), "the owner's subscriber: three copies and its probe");
        assertEquals(null, media.get(lagging), "nothing has left for the lagging lane's subscriber yet");

        laneThread.runAll();
        collect();
        List<byte[]> got = media.get(lagging);
        assertEquals(List.of(0, 1, 2), got.subList(0, 3).stream().map(RelayEngineFanOutLanesTest::rtpSequence).toList(),
                "the copies first, in order");
        assertEquals(4, got.size());
        byte[] probe = got.get(3);
        assertEquals(VIDEO.rtxPayloadType(), probe[1] & 0x7F, "then the probe, an RTX");
        assertEquals(3, transportSequence(probe), "numbered after the copies it followed");
        assertEquals(0, counters.get(RelayCounter.FAN_OUT_LANE_BEHIND));

        // With the lane drained, the next quiet period's probe leaves from the engine's thread.
        ByteBuf next = Unpooled.wrappedBuffer(rtp(3, 3));
        engine.onDatagram(next, PUBLISHER, clock.nanoTime());
        next.release();
        laneThread.runAll();
        collect();
        clock.advanceNs(TailLossProbe.MIN_TIMEOUT_NS + 20_000_000);
        engine.onTick(clock.nanoTime());
        assertEquals(0, laneThread.pending(), "nothing handed to the idle lane");
        collect();
        assertEquals(6, media.get(lagging).size(), "packet 3, then its probe");
        assertEquals(VIDEO.rtxPayloadType(), media.get(lagging).get(5)[1] & 0x7F);
    }

    @Test
    void aTailProbe_queuesBehindCopiesTheLanesSocketStillHolds_afterItsBatchesRan() {
        publish(engine);
        InetSocketAddress own = address(6001); // lane 0
        InetSocketAddress lagging = address(6002); // lane 1
        subscribe(own);
        subscribe(lagging);
        laneChannel.fillSocket(); // EAGAIN: the lane's writes wait in its outbound buffer
        for (int seq = 0; seq < 3; seq++) {
            ByteBuf packet = Unpooled.wrappedBuffer(rtp(seq, seq));
            engine.onDatagram(packet, PUBLISHER, clock.nanoTime());
            packet.release();
            clock.advanceNs(1_000_000);
        }
        laneThread.runAll(); // every batch has run: the ring is idle, the socket is not
        clock.advanceNs(TailLossProbe.MIN_TIMEOUT_NS + 20_000_000);
        engine.onTick(clock.nanoTime());
        collect();
        assertEquals(null, media.get(lagging), "the probe did not leave from the engine's socket ahead of the copies");

        laneThread.runAll();
        laneChannel.drain();
        collect();
        List<byte[]> got = media.get(lagging);
        assertEquals(List.of(0, 1, 2), got.subList(0, 3).stream().map(RelayEngineFanOutLanesTest::rtpSequence).toList());
        assertEquals(4, got.size());
        assertEquals(VIDEO.rtxPayloadType(), got.get(3)[1] & 0x7F, "the probe last");
    }

    /** Fills lane 1's ring: the lane's thread does not run while BATCHES_PER_LANE packets go out. */
    private void fillLaggingLane() {
        for (int seq = 0; seq < FanOutLanes.BATCHES_PER_LANE; seq++) {
            ByteBuf packet = Unpooled.wrappedBuffer(rtp(seq, seq));
            engine.onDatagram(packet, PUBLISHER, clock.nanoTime());
            packet.release();
            clock.advanceNs(1_000_000);
        }
        assertEquals(0, counters.get(RelayCounter.FAN_OUT_LANE_BEHIND));
    }

    @Test
    void aNackAnswerALaneBehindDrops_isCountedOnce_asDropped_notAsSent() {
        publish(engine);
        InetSocketAddress lagging = address(6002); // lane 1
        subscribe(address(6001));
        subscribe(lagging);
        fillLaggingLane();
        byte[] nack = new byte[64];
        int length = NackWriter.writeLost(nack, 0, nack.length, 0x5555, VIDEO.ssrc(), new int[] {5}, 1);
        ByteBuf datagram = Unpooled.wrappedBuffer(nack, 0, length);
        engine.onDatagram(datagram, lagging, clock.nanoTime());
        datagram.release();
        assertEquals(1, counters.get(RelayCounter.FAN_OUT_LANE_BEHIND), "dropped");
        assertEquals(0, counters.get(RelayCounter.RTX_SENT), "not sent");
        laneThread.runAll();
        collect();
    }

    @Test
    void tailProbesALaneBehindDrops_areCountedOnce_asDropped_notAsSent() {
        publish(engine);
        subscribe(address(6001)); // lane 0: its probe leaves
        subscribe(address(6002)); // lane 1: a whole ring behind
        fillLaggingLane();
        clock.advanceNs(TailLossProbe.MIN_TIMEOUT_NS + 20_000_000);
        engine.onTick(clock.nanoTime());
        assertEquals(1, counters.get(RelayCounter.TAIL_PROBES_SENT), "the owner's subscriber's probe");
        assertEquals(1, counters.get(RelayCounter.FAN_OUT_LANE_BEHIND), "the lagging one's, dropped");
        laneThread.runAll();
        collect();
    }

    @Test
    void lanesAreSetOnce_beforeTheFirstSubscription() {
        assertThrows(IllegalStateException.class, () -> engine.useFanOutLanes(FanOutLanes.single()));
    }
}
