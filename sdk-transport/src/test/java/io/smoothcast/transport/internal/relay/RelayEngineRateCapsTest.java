package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Caps on authenticated peers (publisher media, everyone's control and RTCP), in virtual time. */
class RelayEngineRateCapsTest {

    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 2_000_000);
    private static final InetSocketAddress PUBLISHER = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress VIEWER = new InetSocketAddress("127.0.0.1", 6000);
    /** 100 packets/s and 400 kbps, 100 ms ahead at most; 20 control messages/s, bursts of 10. */
    private static final PeerRateLimits LIMITS = new PeerRateLimits(100, 400_000, 100, 20, 10);

    private final RecordingSender out = new RecordingSender();
    private final RelayCounters counters = new RelayCounters();
    private final RelayEngine engine = new RelayEngine(new RelayConfig(7, 500, 5000, 64, 200, 100, 100, null), out,
            counters, new RelaySecurity(null, null, null, 1024, LIMITS, null));
    private long nowNs = TimeUnit.SECONDS.toNanos(100);

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void publisherPacketRate_isCapped_excessDroppedAndCounted_thenRefills() {
        publishAndSubscribe();
        int seq = 0;
        for (int i = 0; i < 50; i++) {
            receive(RelayEngineTest.rtp(VIDEO.ssrc(), seq++, 96, new byte[100]), PUBLISHER); // 100 B: packet cap binds
        }
        // A packet every 10 ms, 100 ms ahead: the first 11 of a burst pass.
        assertEquals(11, counters.get(RelayCounter.RTP_RECEIVED));
        assertEquals(39, counters.get(RelayCounter.PUBLISHER_RATE_LIMITED));
        nowNs += TimeUnit.MILLISECONDS.toNanos(1000);
        for (int i = 0; i < 5; i++) {
            receive(RelayEngineTest.rtp(VIDEO.ssrc(), seq++, 96, new byte[100]), PUBLISHER);
            nowNs += TimeUnit.MILLISECONDS.toNanos(10); // exactly the sustained rate
        }
        assertEquals(16, counters.get(RelayCounter.RTP_RECEIVED), "at the sustained rate nothing is dropped");
        assertEquals(39, counters.get(RelayCounter.PUBLISHER_RATE_LIMITED));
    }

    @Test
    void publisherBitRate_isCapped_forLargePackets() {
        publishAndSubscribe();
        for (int seq = 0; seq < 30; seq++) {
            // ~1,000 bytes = 8,000 bits = 20 ms at 400 kbps: the bit cap binds before the packet cap.
            receive(RelayEngineTest.rtp(VIDEO.ssrc(), seq, 96, new byte[980]), PUBLISHER);
        }
        long passed = counters.get(RelayCounter.RTP_RECEIVED);
        assertTrue(passed >= 5 && passed <= 6, "passed " + passed);
        assertEquals(30 - passed, counters.get(RelayCounter.PUBLISHER_RATE_LIMITED));
    }

    @Test
    void subscriberControlAndRtcp_areCapped_perSession() {
        publishAndSubscribe();
        out.sent.clear();
        for (int i = 0; i < 50; i++) {
            control(VIEWER, 10 + i, new ControlMessage.Keepalive(i));
        }
        assertEquals(10, out.to(VIEWER).size(), "a burst of 10 keepalives answered, the rest dropped");
        assertEquals(40, counters.get(RelayCounter.PEER_CONTROL_RATE_LIMITED));
        // RTCP of the same session shares the cap: a PLI now is dropped too.
        byte[] pli = {(byte) 0x81, (byte) 206, 0, 2, 0, 0, 0, 1, 0, 0, 0x10, 0};
        receive(pli, VIEWER);
        assertEquals(41, counters.get(RelayCounter.PEER_CONTROL_RATE_LIMITED));
        assertEquals(0, counters.get(RelayCounter.PLI_RECEIVED));
        nowNs += TimeUnit.MILLISECONDS.toNanos(50); // one interval at 20/s
        receive(pli, VIEWER);
        assertEquals(1, counters.get(RelayCounter.PLI_RECEIVED));
        // The publisher's own budget is separate.
        out.sent.clear();
        control(PUBLISHER, 99, new ControlMessage.Keepalive(1));
        assertEquals(1, out.to(PUBLISHER).size());
    }

    @Test
    void limits_rejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new PeerRateLimits(0, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PeerRateLimits(1, 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PeerRateLimits(1, 1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PeerRateLimits(1, 1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PeerRateLimits(1, 1, 1, 1, 0));
    }

    private void publishAndSubscribe() {
        control(PUBLISHER, 1, new ControlMessage.Hello(PUBLISHER.getPort(), 500));
        assertInstanceOf(ControlMessage.HelloAck.class, onlyReplyTo(PUBLISHER));
        control(PUBLISHER, 2, new ControlMessage.Publish("show", List.of(VIDEO)));
        assertInstanceOf(ControlMessage.PublishAck.class, onlyReplyTo(PUBLISHER));
        control(VIEWER, 1, new ControlMessage.Hello(VIEWER.getPort(), 500));
        assertInstanceOf(ControlMessage.HelloAck.class, onlyReplyTo(VIEWER));
        control(VIEWER, 2, new ControlMessage.Subscribe("show", 2, 0));
        assertInstanceOf(ControlMessage.SubscribeAck.class, onlyReplyTo(VIEWER));
    }

    private void receive(byte[] datagram, InetSocketAddress from) {
        ByteBuf buf = Unpooled.wrappedBuffer(datagram);
        engine.onDatagram(buf, from, nowNs);
        buf.release();
    }

    private void control(InetSocketAddress from, int requestId, ControlMessage message) {
        receive(RecordingSender.controlDatagram(requestId, message), from);
    }

    private ControlMessage onlyReplyTo(InetSocketAddress to) {
        return out.takeOnlyReplyTo(to);
    }
}
