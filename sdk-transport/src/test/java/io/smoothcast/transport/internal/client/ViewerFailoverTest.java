package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The viewer engine moving from a dead node to the next, in virtual time. */
class ViewerFailoverTest {

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);
    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RecordingSender out = new RecordingSender();
    private final List<String> states = new ArrayList<>();
    private final ViewerEngine engine = TestViewerEngines.onNodes(out, List.of(A, B), FailoverPolicy.defaults(),
            (state, reason) -> states.add(state.name()));
    private long nowNs = 1_000 * MS;

    private void reply(InetSocketAddress node, ControlMessage message) {
        ByteBuf buf = Unpooled.wrappedBuffer(out.replyToLast(node, message));
        engine.onDatagram(buf, node, nowNs);
        buf.release();
    }

    private void subscribe(InetSocketAddress node, List<Track> tracks) {
        reply(node, new ControlMessage.HelloAck(1, 500, 5000, 9));
        reply(node, new ControlMessage.SubscribeAck("show", tracks));
    }

    private void tick(long ms) {
        for (long i = 0; i < ms; i += 10) {
            nowNs += 10 * MS;
            engine.onTick(nowNs);
        }
    }

    @Test
    void deadNode_resumesOnTheNext_keepsTheJitterBuffer_andAsksThereForAKeyframe() {
        engine.start(nowNs);
        subscribe(A, List.of(VIDEO));
        SpscJitterBuffer buffer = engine.tracks()[0].buffer();
        out.drain();
        tick(700); // A says nothing at all
        assertEquals(List.of("CONNECTED", "RECONNECTING"), states);
        // B has no publisher yet: the empty track list must not throw the buffer away.
        subscribe(B, List.of());
        assertEquals(List.of("CONNECTED", "RECONNECTING", "CONNECTED"), states);
        assertSame(buffer, engine.tracks()[0].buffer());
        ByteBuf info = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, 0, new byte[0],
                new ControlMessage.StreamInfo("show", List.of(VIDEO)));
        engine.onDatagram(info, B, nowNs);
        info.release();
        assertSame(buffer, engine.tracks()[0].buffer(), "same tracks announced: same buffer");
        out.drain();
        tick(10);
        List<RecordingSender.Sent> plis = out.to(B).stream().filter(s -> (s.bytes()[1] & 0xFF) == 206).toList();
        assertEquals(1, plis.size(), "one PLI to the new node");
        assertTrue(out.to(A).stream().noneMatch(s -> (s.bytes()[1] & 0xFF) == 206), "none to the dead one");
        assertEquals(1, engine.counters().get(ViewerEngine.FAILOVERS));
    }

    @Test
    void lateJoinAnswer_fromANodeGivenUpOn_isCountedStale_notMalformed() {
        engine.start(nowNs);
        assertTrue(out.to(B).isEmpty(), "the viewer asks A first");
        for (int i = 0; i < 1000 && out.to(B).isEmpty(); i++) {
            tick(10); // A answers nothing: the viewer gives its join up and asks B
        }
        assertTrue(!out.to(B).isEmpty(), "the viewer moved on to B");
        byte[] lateHelloAck = out.replyToLast(A, new ControlMessage.HelloAck(1, 500, 5000, 9));
        long malformedBefore = engine.counters().get(ViewerEngine.MALFORMED_DROPPED);

        ByteBuf late = Unpooled.wrappedBuffer(lateHelloAck);
        engine.onDatagram(late, A, nowNs);
        late.release();
        assertEquals(1, engine.counters().get(ViewerEngine.STALE_CONTROL_IGNORED));
        assertEquals(malformedBefore, engine.counters().get(ViewerEngine.MALFORMED_DROPPED));

        // The same message from a node not in the list is no late answer.
        ByteBuf foreign = Unpooled.wrappedBuffer(lateHelloAck);
        engine.onDatagram(foreign, new InetSocketAddress("127.0.0.1", 7999), nowNs);
        foreign.release();
        assertEquals(1, engine.counters().get(ViewerEngine.STALE_CONTROL_IGNORED));
        assertEquals(malformedBefore + 1, engine.counters().get(ViewerEngine.MALFORMED_DROPPED));
    }

    @Test
    void datagramsFromTheDeadNode_areDroppedAfterTheSwitch() {
        engine.start(nowNs);
        subscribe(A, List.of(VIDEO));
        tick(700);
        subscribe(B, List.of(VIDEO));
        long before = engine.counters().get(ViewerEngine.MALFORMED_DROPPED);
        ByteBuf late = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("80600001000000000000100080"));
        engine.onDatagram(late, A, nowNs);
        late.release();
        assertEquals(before + 1, engine.counters().get(ViewerEngine.MALFORMED_DROPPED));
        assertEquals(ConnectionState.CONNECTED.name(), states.get(states.size() - 1));
    }
}
