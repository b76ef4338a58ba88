package io.smoothcast.transport.internal.client;

import static io.smoothcast.transport.internal.client.ViewerTestPackets.packetize;
import static io.smoothcast.transport.internal.client.ViewerTestPackets.rtx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A viewer of simulcast layers whose I/O thread stalls (CPU starvation): the packets queued in
 * the socket meanwhile are read late, in one burst, with their numbering unbroken. Every frame
 * the viewer's buffers release must still be one whole frame as sent (the contract:
 * only complete frames are delivered), in virtual time against scripted packets.
 */
class ViewerStalledLayerTest {

    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7000);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Track LOW = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 100_000);
    private static final Track HIGH = new Track(0x2000, 0x2001, 96, 97, MediaKind.VIDEO, 1, 90_000, 1_000_000);
    private static final int TICKS_PER_FRAME = 3000; // 30 fps at 90 kHz

    private final RecordingSender out = new RecordingSender();
    private final ViewerEngine engine = TestViewerEngines.oneNode(out, NODE);
    private long nowNs = 1_000 * MS;
    /** The frames sent on the high layer, by frame index. */
    private final List<byte[]> sent = new ArrayList<>();
    /** The packets of the high layer, in sending order (one or more a frame). */
    private final List<byte[]> packets = new ArrayList<>();
    /** Which frame each of {@link #packets} belongs to. */
    private final List<Integer> packetFrames = new ArrayList<>();

    @BeforeEach
    void subscribe() {
        engine.start(nowNs);
        receive(out.replyToLast(new ControlMessage.HelloAck(1, 500, 5000, 9)));
        receive(out.replyToLast(new ControlMessage.SubscribeAck("show", List.of(LOW, HIGH))));
        assertEquals(2, engine.tracks().length);
        out.drain();
    }

    /** Encodes the high layer's 40 frames, of {@code minBytes} to {@code maxBytes} (exclusive). */
    private void encode(int minBytes, int maxBytes) {
        SplittableRandom random = new SplittableRandom(0x5EED);
        int seq = 1000;
        for (int f = 0; f < 40; f++) {
            byte[] frame = new byte[minBytes + random.nextInt(maxBytes - minBytes)];
            random.nextBytes(frame);
            sent.add(frame);
            for (byte[] p : packetize(HIGH, frame, seq, 9000 + f * TICKS_PER_FRAME)) {
                packets.add(p);
                packetFrames.add(f);
                seq++;
            }
        }
    }

    private void receive(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        engine.onDatagram(buf, NODE, nowNs);
        buf.release();
    }

    /** Plays what the high layer's buffer releases by now; each frame must be one sent, whole. */
    private void play(List<Integer> played) {
        engine.tracks()[1].buffer().poll(nowNs, f -> {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            for (int i = 0; i < f.packetCount(); i++) {
                frame.write(f.payloadArray(i), f.payloadOffset(i) + 1, f.payloadLength(i) - 1);
            }
            byte[] bytes = frame.toByteArray();
            int index = (f.rtpTimestamp() - 9000) / TICKS_PER_FRAME;
            boolean intact = index >= 0 && index < sent.size() && Arrays.equals(sent.get(index), bytes);
            played.add(intact ? index : -1 - index);
        });
    }

    /**
     * Sends the high layer's 40 frames (encoded before), 33 ms apart, with the viewer's I/O
     * thread stalled for 400 ms (more than a layer pause) right after the second packet of frame
     * 10: the packets sent meanwhile queue up in the socket and are read in one burst. The
     * playout thread goes on meanwhile, every 10 ms.
     *
     * @param lostAfterStall how many packets right after the stall never arrive
     * @param repaired whether their retransmissions arrive right after the burst (the engine is
     *     not ticked here, so no NACK is sent: the RTX stands for the node's answer to one)
     * @return the frames played, by index; a frame not delivered whole as {@code -1 - index}
     */
    private List<Integer> sendWithAStallInFrame10(int lostAfterStall, boolean repaired) {
        List<Integer> played = new ArrayList<>();
        long startNs = nowNs;
        long stallEndNs = Long.MIN_VALUE;
        int stalledAt = -1;
        for (int p = 0; p < packets.size(); p++) {
            int frame = packetFrames.get(p);
            long sendNs = startNs + frame * 33 * MS;
            while (nowNs < Math.max(sendNs, stallEndNs)) {
                nowNs = Math.min(nowNs + 10 * MS, Math.max(sendNs, stallEndNs));
                play(played);
            }
            boolean lost = stalledAt >= 0 && p > stalledAt && p <= stalledAt + lostAfterStall;
            if (!lost) {
                receive(packets.get(p));
            }
            if (repaired && stalledAt >= 0 && p == stalledAt + lostAfterStall + 1) {
                for (int q = stalledAt + 1; q <= stalledAt + lostAfterStall; q++) {
                    receive(rtx(HIGH, packets.get(q), q));
                }
            }
            if (p == stallPoint()) {
                stalledAt = p;
                stallEndNs = nowNs + 400 * MS;
            }
        }
        for (int t = 0; t < 100; t++) {
            nowNs += 10 * MS;
            play(played);
        }
        return played;
    }

    /** The packet after which the thread stalls: the second packet of frame 10. */
    private int stallPoint() {
        return packetFrames.indexOf(10) + 1;
    }

    private static List<Integer> broken(List<Integer> played) {
        return played.stream().filter(i -> i < 0).map(i -> -1 - i).toList();
    }

    @Test
    void ioThreadStallsInTheMiddleOfAFrame_nothingLost_everyFramePlaysWhole_noLayerResume() {
        encode(3000, 5000); // 3 to 5 packets a frame
        List<Integer> played = sendWithAStallInFrame10(0, false);
        assertEquals(List.of(), broken(played), "frames delivered not whole (by index), of " + played);
        assertEquals(IntStream.range(0, 40).boxed().toList(), played, "nothing was lost: every frame plays");
        assertEquals(0, engine.counters().get(ViewerEngine.LAYER_RESUMES),
                "the numbering went on: a stall, not the node resuming the layer");
    }

    @Test
    void ioThreadStallsInTheMiddleOfAFrame_aFewPacketsLostAcrossIt_noLayerResume_theLossIsRepaired() {
        // A silence followed by a small gap: the numbering went on across the stall, give or
        // take the losses, so the buffer keeps its run and NACKs the gap; the RTX completes frame 10.
        encode(3000, 5000);
        List<Integer> played = sendWithAStallInFrame10(3, true);
        assertEquals(0, engine.counters().get(ViewerEngine.LAYER_RESUMES),
                "3 numbers skipped after 400 ms of a layer that uses about 120 a second: a stall, not a resume");
        assertEquals(List.of(), broken(played), "frames delivered not whole (by index), of " + played);
        assertEquals(IntStream.range(0, 40).boxed().toList(), played, "repaired: every frame plays");
    }

    @Test
    void aJumpLikeTheSilencesOwnNumbers_isALayerResume_theFrameCutInTwoIsNeverDelivered() {
        // Nothing after frame 10's second packet reaches the viewer for 400 ms (the node paused
        // the layer, or the path lost it all), and the numbering then goes on where the source
        // is: the jump is what the silence would have carried, a resume, and frame 10 stays cut.
        encode(3000, 5000);
        int firstAfterPause = stallPoint() + 1;
        while (packetFrames.get(firstAfterPause) * 33 < 10 * 33 + 400) {
            firstAfterPause++;
        }
        List<Integer> played = sendWithAStallInFrame10(firstAfterPause - stallPoint() - 1, false);

        assertEquals(1, engine.counters().get(ViewerEngine.LAYER_RESUMES));
        assertEquals(List.of(), broken(played), "frames delivered not whole (by index), of " + played);
        assertFalse(played.contains(10), "frame 10 was cut by the pause: " + played);
        assertEquals(IntStream.range(0, 10).boxed().toList(), played.subList(0, 10), "the frames before it play");
        assertEquals(39, played.get(played.size() - 1), "the stream plays on after the pause: " + played);
    }

    @Test
    void ioThreadStalls_aRetransmissionOfAFrameGivenUpComesInTheBurst_neverPlayedBackInTime() {
        // One packet a frame. Frame 8 is lost; frame 9 is played and frame 8 given up. The I/O
        // thread then stalls after frame 10 for 400 ms; the retransmission of frame 8's packet,
        // answering a NACK sent before, is read in the burst after frame 11.
        encode(100, 1000);
        List<Integer> played = new ArrayList<>();
        long startNs = nowNs;
        long stallEndNs = startNs + 10 * 33 * MS + 400 * MS;
        for (int f = 0; f < 40; f++) {
            long readNs = startNs + f * 33 * MS;
            if (f > 10) {
                readNs = Math.max(readNs, stallEndNs);
            }
            while (nowNs < readNs) {
                nowNs = Math.min(nowNs + 10 * MS, readNs);
                play(played);
            }
            if (f != 8) {
                receive(packets.get(f));
            }
            if (f == 11) {
                receive(rtx(HIGH, packets.get(8), 1));
            }
        }
        for (int t = 0; t < 100; t++) {
            nowNs += 10 * MS;
            play(played);
        }
        assertEquals(List.of(), broken(played), "frames delivered not whole (by index), of " + played);
        int newest = -1;
        for (int index : played) {
            assertTrue(index > newest, "frame " + index + " played after frame " + newest + ": " + played);
            newest = index;
        }
        assertEquals(39, newest);
    }
}
