package io.smoothcast.transport.internal.client;

import static io.smoothcast.transport.internal.client.ViewerTestPackets.packetize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A viewer joining a simulcast stream (two layers named in the node's answer, one forwarded)
 * over a path that loses the answer to its SUBSCRIBE: the node forwards media at once, the
 * viewer holds it until the retransmitted SUBSCRIBE is answered. In virtual time, adaptive
 * jitter buffers, against a scripted node.
 */
class ViewerSimulcastJoinTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7000);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Track LOW = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 100_000);
    private static final Track HIGH = new Track(0x2000, 0x2001, 96, 97, MediaKind.VIDEO, 1, 90_000, 1_000_000);
    /** 30 ms frames at 90 kHz. */
    private static final int TICKS_PER_FRAME = 2700;

    /** One viewer and the node's side of its join. */
    private static final class Join {
        final RecordingSender out = new RecordingSender();
        final ViewerEngine engine = new ViewerEngine(out, List.of(NODE), 1L, 0x7777,
                new ControlMessage.Subscribe("show", 2, 0),
                FailoverPolicy.builder().heartbeatIntervalMs(5000).latencyBudgetMs(10_000).build(),
                track -> SpscJitterBuffer.builder().clockRateHz(track.clockRateHz()).adaptive()
                        .completenessCheck(GenericPayload.COMPLETENESS).build(),
                (state, reason) -> {
                });
        long nowNs = 1_000 * MS;
        /** The high layer's frames played, by index. */
        final List<Integer> played = new ArrayList<>();
        int lowFramesPlayed;
        int subscribesSent;

        void receive(byte[] bytes) {
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            engine.onDatagram(buf, NODE, nowNs);
            buf.release();
        }

        /**
         * Runs the join and 60 frames of the high layer, one every 30 ms from the moment the
         * node took the SUBSCRIBE, each arriving with the same delay (no jitter on the path).
         *
         * @param answersLost answers to the SUBSCRIBE the path loses
         */
        void run(int answersLost) {
            engine.start(nowNs);
            receive(out.replyToLast(new ControlMessage.HelloAck(1, 500, 5000, 9)));
            int toLose = answersLost;
            int frame = 0;
            int seq = 500;
            long firstFrameNs = Long.MIN_VALUE;
            for (int step = 0; step < 300; step++) {
                for (RecordingSender.Sent sent : out.drain()) {
                    DecodeResult request = ControlCodec.decode(Unpooled.wrappedBuffer(sent.bytes()));
                    if (request.ok() && request.message() instanceof ControlMessage.Subscribe) {
                        subscribesSent++;
                        if (firstFrameNs == Long.MIN_VALUE) {
                            firstFrameNs = nowNs; // the node forwards the stream as soon as it takes the SUBSCRIBE
                        }
                        if (toLose-- <= 0) {
                            ByteBuf answer = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, request.requestId(),
                                    new byte[0], new ControlMessage.SubscribeAck("show", List.of(LOW, HIGH)));
                            engine.onDatagram(answer, NODE, nowNs);
                            answer.release();
                        }
                    }
                }
                while (firstFrameNs != Long.MIN_VALUE && frame < 60 && nowNs - (firstFrameNs + frame * 30 * MS) >= 0) {
                    byte[] payload = new byte[1800];
                    payload[0] = (byte) frame;
                    for (byte[] p : packetize(HIGH, payload, seq, 9000 + frame * TICKS_PER_FRAME)) {
                        receive(p);
                        seq++;
                    }
                    frame++;
                }
                engine.onTick(nowNs);
                play();
                nowNs += 10 * MS;
            }
        }

        private void play() {
            for (ReceiveTrack t : engine.tracks()) {
                boolean high = t.track().equals(HIGH);
                t.buffer().poll(nowNs, f -> {
                    if (high) {
                        played.add((f.rtpTimestamp() - 9000) / TICKS_PER_FRAME);
                    } else {
                        lowFramesPlayed++;
                    }
                });
            }
        }

        ReceiveTrack track(Track track) {
            for (ReceiveTrack t : engine.tracks()) {
                if (t.track().equals(track)) {
                    return t;
                }
            }
            throw new AssertionError("no track " + track);
        }

        JitterBufferStats stats(Track track) {
            return track(track).buffer().readStats(new JitterBufferStats());
        }
    }

    @Test
    void firstTwoAnswersLost_theHeldLayersFramesPlayFromTheFirst_noOtherLayer_andTheJitterEstimateIsThePaths() {
        Join reference = new Join();
        reference.run(0);
        Join lossy = new Join();
        lossy.run(2);

        assertEquals(3, lossy.subscribesSent, "the SUBSCRIBE and two retransmissions");
        assertTrue(lossy.engine.counters().get(ViewerEngine.UNKNOWN_TRACK_RECOVERED) >= 6,
                "held until the answer: " + lossy.engine.counters().get(ViewerEngine.UNKNOWN_TRACK_RECOVERED));
        assertEquals(0, lossy.engine.counters().get(ViewerEngine.UNKNOWN_TRACK_DROPPED));
        assertEquals(IntStream.range(0, 60).boxed().toList(), lossy.played, "every high-layer frame, in order");
        assertEquals(reference.played, lossy.played);
        assertEquals(0, lossy.lowFramesPlayed, "nothing on the layer not forwarded");
        assertEquals(0, lossy.stats(LOW).packetsReceived());
        // Every packet came with the same delay: the held ones, as they arrived, show no jitter.
        assertEquals(reference.track(HIGH).reception().jitterUnits(), lossy.track(HIGH).reception().jitterUnits(),
                "interarrival jitter (RFC 3550) of the reports");
        assertEquals(reference.stats(HIGH).jitterSeconds(), lossy.stats(HIGH).jitterSeconds(), 1e-3,
                "the buffer's jitter estimate");
        assertEquals(reference.stats(HIGH).targetDelayNs(), lossy.stats(HIGH).targetDelayNs(), 5 * MS,
                "the buffer's target delay");
    }
}
