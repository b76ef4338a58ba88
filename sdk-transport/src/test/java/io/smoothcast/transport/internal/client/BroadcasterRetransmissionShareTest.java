package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.Pacer;
import io.smoothcast.rtp.NackWriter;
import io.smoothcast.rtp.NtpTime;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.DatagramKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Media plus retransmissions stay within the congestion controller's target: in virtual time, an
 * application encoder that follows {@link BroadcasterEngine.Listener#onTargetBitrate} sends a
 * 30 fps video to a node that loses 40 % of the packets (originals and RTX alike) and NACKs each
 * loss. The target is pinned (minimum = maximum), so it is the one number everything is measured
 * against.
 */
class BroadcasterRetransmissionShareTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7000);
    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 2_000_000);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long TARGET_BPS = 1_000_000;

    private final RecordingSender out = new RecordingSender();
    private final Queue<OutgoingFrame> frames = new ArrayBlockingQueue<>(64);
    /** What the application's encoder was last told to produce. */
    private long encoderBps = TARGET_BPS;
    private final BroadcasterEngine engine = new BroadcasterEngine(out, List.of(NODE), 1L,
            new ControlMessage.Publish("show", List.of(VIDEO)), FailoverPolicy.defaults(), frames,
            new IgnoringBroadcasterListener() {
                @Override
                public void onTargetBitrate(long bitrateBps) {
                    encoderBps = bitrateBps;
                }
            }, 3L,
            CongestionController.builder().minBitrateBps(TARGET_BPS).startBitrateBps(TARGET_BPS)
                    .maxBitrateBps(TARGET_BPS).initialProbing(false).build(),
            Pacer.builder().initialTargetBitrateBps(TARGET_BPS).build(), null);
    private long nowNs = 1_000 * MS;
    /** RTP packets sent so far: the fourth and fifth of every five are lost (40 %). */
    private long packetIndex;
    /** Sequence numbers lost since the last NACK. */
    private final List<Integer> lost = new ArrayList<>();
    private final RtpPacketView view = new RtpPacketView();

    @AfterEach
    void close() {
        engine.close(nowNs);
    }

    private void receive(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        engine.onDatagram(buf, NODE, nowNs);
        buf.release();
    }

    /**
     * One millisecond: the engine sends what its pacer allows; the node answers keepalives,
     * loses its share of the RTP and notes what it lost.
     *
     * @return the RTP bytes sent in this millisecond
     */
    private long step() {
        nowNs += MS;
        engine.onWake(nowNs);
        engine.onTick(nowNs);
        long bytes = 0;
        for (RecordingSender.Sent sent : out.drain()) {
            byte[] b = sent.bytes();
            if (DatagramKind.classify(Unpooled.wrappedBuffer(b)) == DatagramKind.CONTROL) {
                DecodeResult request = ControlCodec.decode(Unpooled.wrappedBuffer(b));
                if (request.ok() && request.message() instanceof ControlMessage.Keepalive keepalive) {
                    out.sent.add(sent);
                    receive(out.replyToLast(new ControlMessage.KeepaliveAck(keepalive.sequence())));
                    out.sent.clear();
                }
                continue;
            }
            bytes += b.length;
            if (packetIndex++ % 5 >= 3) {
                view.wrap(b, 0, b.length);
                int p = view.payloadOffset();
                lost.add(view.ssrc() == VIDEO.rtxSsrc() ? (b[p] & 0xFF) << 8 | b[p + 1] & 0xFF : view.sequenceNumber());
            }
        }
        return bytes;
    }

    /** The node NACKs what it lost since its last NACK. */
    private void nackLosses() {
        if (lost.isEmpty()) {
            return;
        }
        int[] sequences = lost.stream().mapToInt(Integer::intValue).toArray();
        lost.clear();
        byte[] nack = new byte[1500];
        int length = NackWriter.writeLost(nack, 0, nack.length, 9, VIDEO.ssrc(), sequences, sequences.length);
        receive(Arrays.copyOf(nack, length));
    }

    /**
     * Runs the stream for {@code durationMs}: a frame of the encoder's rate every 33 ms, the
     * node's NACKs every 20 ms.
     *
     * @return the RTP bytes (media and RTX) sent meanwhile
     */
    private long run(long durationMs) {
        long bytes = 0;
        for (long ms = 1; ms <= durationMs; ms++) {
            if (ms % 33 == 0) {
                int size = (int) (encoderBps / 8 / 30);
                frames.add(new OutgoingFrame(0, Unpooled.wrappedBuffer(new byte[size]), nowNs, NtpTime.UNKNOWN,
                        false, nowNs));
                engine.drain(nowNs);
            }
            if (ms % 20 == 0) {
                nackLosses();
            }
            bytes += step();
        }
        return bytes;
    }

    @Test
    void heavyLoss_mediaPlusRetransmissions_stayWithinTheTarget_andLossesAreStillRepaired() {
        engine.start(nowNs);
        receive(out.replyToLast(new ControlMessage.HelloAck(1, 500, 5000, 9)));
        receive(out.replyToLast(new ControlMessage.PublishAck("show")));
        out.drain();

        run(4_000); // settles: the encoder follows the media target
        long rtxBefore = engine.counters().get(BroadcasterEngine.RTX_SENT);
        long seconds = 6;
        long bytes = run(seconds * 1_000);

        double ratio = bytes * 8.0 / seconds / TARGET_BPS;
        assertTrue(ratio <= 1.08, "media + RTX at " + String.format("%.2f", ratio) + " x the target");
        long repairs = engine.counters().get(BroadcasterEngine.RTX_SENT) - rtxBefore;
        assertTrue(repairs > seconds * 30, "losses were still repaired: " + repairs + " RTX");
        long media = engine.counters().get(BroadcasterEngine.MEDIA_TARGET_BITRATE_BPS);
        assertTrue(media >= TARGET_BPS / 2 && media < TARGET_BPS * 0.9, "media target " + media + " bps");
    }
}
