package io.smoothcast.transport.internal.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.concurrent.TimeUnit;
import io.smoothcast.transport.NettyLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InboundHandOffTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 5000);

    private final ManualNanoClock clock = new ManualNanoClock(10_000_000);
    private final ManualExecutor ownerThread = new ManualExecutor();
    private final List<String> delivered = new ArrayList<>();
    private final List<long[]> residences = new ArrayList<>();
    /** The owner: answers every datagram with one reply to its sender, as the relay's logic would. */
    private final DatagramHandler owner = new DatagramHandler(sender -> new DatagramReceiver() {
        @Override
        public void onDatagram(ByteBuf datagram, InetSocketAddress from, long nowNs) {
            delivered.add(datagram.toString(java.nio.charset.StandardCharsets.US_ASCII) + "@" + from.getPort() + "@" + nowNs);
            sender.send(Unpooled.wrappedBuffer(new byte[] {1}), from);
        }

        @Override
        public void onHandlerFailure(RuntimeException failure) {
        }
    }, clock, (stampNs, residenceNs, drained) -> residences.add(new long[] {stampNs, residenceNs}));
    private final EmbeddedChannel ownerChannel = new EmbeddedChannel(owner);
    private final InboundHandOff handOff = new InboundHandOff(ownerThread, owner);

    @BeforeAll
    static void watchLeaks() {
        NettyLeaks.install();
    }

    @AfterEach
    void close() {
        ownerChannel.finishAndReleaseAll();
        NettyLeaks.assertNoLeaks();
    }

    private ByteBuf datagram(String text) {
        return Unpooled.copiedBuffer(text, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void aDatagramReadElsewhere_isHandledOnTheOwnersThread_withItsReadStamp_thenReleased() {
        ByteBuf read = datagram("hello");
        handOff.onDatagram(read, PEER, 3_000_000);
        read.release(); // what the reading channel's handler does after the call
        assertEquals(List.of(), delivered, "nothing happens before the owner's thread runs");
        assertEquals(1, read.refCnt(), "the hand-off holds it");

        clock.advanceNs(40_000);
        ownerThread.runAll();
        assertEquals(List.of("hello@5000@3000000"), delivered);
        assertEquals(0, read.refCnt(), "released after the owner handled it");
        DatagramPacket reply = ownerChannel.readOutbound();
        assertEquals(PEER, reply.recipient(), "the owner's answer was flushed");
        reply.release();
        assertEquals(1, residences.size());
        assertArrayEquals(new long[] {3_000_000, clock.nanoTime() - 3_000_000}, residences.get(0));
    }

    @Test
    void anOwnerFarBehind_dropsAndCounts_boundedWhateverArrives() {
        List<ByteBuf> reads = new ArrayList<>();
        for (int i = 0; i < InboundHandOff.CAPACITY + 10; i++) {
            ByteBuf read = datagram("d" + i);
            reads.add(read);
            handOff.onDatagram(read, PEER, i);
            read.release();
        }
        assertEquals(10, handOff.dropped());
        assertEquals(InboundHandOff.CAPACITY, ownerThread.pending());
        ownerThread.runAll();
        assertEquals(InboundHandOff.CAPACITY, delivered.size());
        assertEquals("d0@5000@0", delivered.get(0));
        for (ByteBuf read : reads) {
            assertEquals(0, read.refCnt());
        }
        ownerChannel.releaseOutbound();

        ByteBuf again = datagram("again");
        handOff.onDatagram(again, PEER, 1);
        again.release();
        ownerThread.runAll();
        assertEquals("again@5000@1", delivered.get(delivered.size() - 1), "room again once the owner caught up");
        assertEquals(10, handOff.dropped());
    }

    @Test
    void anOwnerLoopShutDown_refusesTheHandOff_theDatagramIsReleasedAndCounted() {
        DefaultEventLoop stopped = new DefaultEventLoop();
        stopped.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        InboundHandOff toStopped = new InboundHandOff(stopped, owner);
        // More than the ring holds: a refused hand-off is free again at once.
        for (int i = 0; i < InboundHandOff.CAPACITY + 2; i++) {
            ByteBuf read = datagram("d" + i);
            toStopped.onDatagram(read, PEER, i);
            read.release(); // what the reading channel's handler does after the call
            assertEquals(0, read.refCnt(), "datagram " + i + " released, not held by a hand-off no one runs");
        }
        assertEquals(InboundHandOff.CAPACITY + 2, toStopped.dropped());
        assertEquals(List.of(), delivered);
    }
}
