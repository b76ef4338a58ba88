package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.Pacer;
import io.smoothcast.rtp.RtcpWriter;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.ErrorCode;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stream without video ({@code Broadcaster.Builder.video(false)}): nothing asks the
 * application for a keyframe, neither a node's PLI nor a resume after the node forgot the session.
 */
class AudioOnlyBroadcasterEngineTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7000);
    private static final Track AUDIO = new Track(0x2000, 0x2001, 111, 112, MediaKind.AUDIO, 0, 48_000, 64_000);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RecordingSender out = new RecordingSender();
    private final Queue<OutgoingFrame> frames = new ArrayBlockingQueue<>(64);
    private final RecordingBroadcasterListener listener = new RecordingBroadcasterListener();
    private long nowNs = 1_000 * MS;
    private final BroadcasterEngine engine = new BroadcasterEngine(out, List.of(NODE), 1L,
            new ControlMessage.Publish("show", List.of(AUDIO)), FailoverPolicy.defaults(), frames, listener, 3L,
            CongestionController.builder().startBitrateBps(400_000).initialProbing(false).build(),
            Pacer.builder().initialTargetBitrateBps(400_000).burstNs(0).build(), null);

    @AfterEach
    void close() {
        engine.close(nowNs);
    }

    @Test
    void audioOnly_pliAndResume_askTheApplicationForNoKeyframe() {
        engine.start(nowNs);
        join();
        byte[] pli = new byte[12];
        RtcpWriter.writePli(pli, 0, 12, 9, AUDIO.ssrc());
        receive(pli);
        assertEquals(1, engine.counters().get(BroadcasterEngine.KEYFRAME_REQUESTS_IGNORED),
                "the PLI was read, and names no video track");
        assertEquals(0, engine.counters().get(BroadcasterEngine.KEYFRAME_REQUESTS));

        // The node restarted: it answers a keepalive with NOT_JOINED, and the broadcaster joins again.
        for (int i = 0; i < 1000 && lastSentOf(ControlMessage.Keepalive.class) == null; i++) {
            // ticks until a keepalive goes out
        }
        reply(new ControlMessage.Error(ErrorCode.NOT_JOINED.value(), ControlMessage.KEEPALIVE, ""));
        for (int i = 0; i < 1000 && lastSentOf(ControlMessage.Hello.class) == null; i++) {
            // ticks until the HELLO goes out again
        }
        receive(out.replyToLast(new ControlMessage.HelloAck(1, 500, 5000, 9)));
        receive(out.replyToLast(new ControlMessage.PublishAck("show")));

        assertEquals(List.of("connected", "reconnecting", "connected"),
                listener.events.stream().filter(e -> !e.startsWith("target ")).toList(),
                "resumed, and no keyframe asked for");
    }

    private void join() {
        receive(out.replyToLast(new ControlMessage.HelloAck(1, 500, 5000, 9)));
        receive(out.replyToLast(new ControlMessage.PublishAck("show")));
        out.drain();
    }

    /** Ticks 10 ms; the control message of that type the engine sent meanwhile (kept as the last sent), or null. */
    private ControlMessage lastSentOf(Class<? extends ControlMessage> type) {
        nowNs += 10 * MS;
        engine.onTick(nowNs);
        List<RecordingSender.Sent> sent = out.drain();
        for (RecordingSender.Sent s : sent) {
            var decoded = ControlCodec.decode(Unpooled.wrappedBuffer(s.bytes()));
            if (decoded.ok() && type.isInstance(decoded.message())) {
                out.sent.add(s);
                return decoded.message();
            }
        }
        return null;
    }

    private void reply(ControlMessage message) {
        receive(out.replyToLast(message));
        out.drain();
    }

    private void receive(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        engine.onDatagram(buf, NODE, nowNs);
        buf.release();
    }
}
