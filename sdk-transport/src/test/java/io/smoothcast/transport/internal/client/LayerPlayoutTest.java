package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.jitter.OfferResult;
import io.smoothcast.rtp.NtpTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Simulcast layer switches played on the shared timeline, in virtual time: each layer has a real
 * jitter buffer with its own (different) delay, the packets feed the shared timeline as the
 * engine does, and the playout loop's {@link LayerPlayout} plays them. Each layer's RTP
 * timestamps start from their own origin and are rounded down to 90 kHz ticks, as the
 * broadcaster makes them; capture instants jitter by up to 2 ms around 30 fps.
 */
class LayerPlayoutTest {

    private static final long SEED = 0x1A7E_5EEDL;
    private static final long MS = 1_000_000L;
    private static final long FRAME_NS = 33_333_333L;
    private static final long NETWORK_NS = 20 * MS;
    private static final int SHARED_DELAY_MS = 150;
    private static final long WALL_OFFSET_NS = 1_790_000_000_000_000_000L;
    private static final int FRAMES = 60;
    private static final int SWITCH = 30;

    /** A frame handed to the app. */
    private record Played(int layer, int index, long atNs) {
    }

    /** The source, the node's forwarding decisions and the network, run in virtual time. */
    private static final class Run {
        final long[] captureNs = new long[FRAMES];
        final TestLayer[] layers;
        final ReceiveTrack[] tracks;
        final SharedPlayoutTimeline timeline = SharedPlayoutTimeline.fixed(SHARED_DELAY_MS);
        final WallClockMapping wallClock = WallClockMapping.offset(WALL_OFFSET_NS);
        final LayerGate gate = new LayerGate();
        final LayerPlayout playout = new LayerPlayout(timeline, wallClock, gate, new PlayedFreezes());
        final List<Played> played = new ArrayList<>();

        Run(SplittableRandom random, TestLayer... layers) {
            this.layers = layers;
            this.tracks = new ReceiveTrack[layers.length];
            for (int l = 0; l < layers.length; l++) {
                tracks[l] = layers[l].track;
            }
            captureNs[0] = 1_000 * MS;
            for (int i = 1; i < FRAMES; i++) {
                captureNs[i] = captureNs[i - 1] + FRAME_NS + random.nextLong(-2 * MS, 2 * MS);
            }
        }

        int rtpTimestamp(TestLayer layer, int i) {
            long sinceFirstNs = captureNs[i] + layer.captureOffsetNs - captureNs[0];
            return layer.timestampOrigin + (int) Math.floorDiv(sinceFirstNs * 90, 1_000_000L);
        }

        /** Frame i of a layer in {@code packets} packets, arriving 1 ms apart, fed as the engine does. */
        void receive(TestLayer layer, int i, boolean keyframe, int packets, long arrivalNs) {
            int rtp = rtpTimestamp(layer, i);
            long captureUnixNs = NtpTime.toUnixNanos(
                    NtpTime.fromUnixNanos(wallClock.unixNs(captureNs[i] + layer.captureOffsetNs)));
            layer.track.captureAnchor().update(rtp, captureUnixNs);
            for (int p = 0; p < packets; p++) {
                long atNs = arrivalNs + p * MS;
                assertEquals(OfferResult.ACCEPTED, layer.offer(i, rtp, p == 0, keyframe, p == packets - 1, atNs));
                long capture = layer.track.captureAnchor().latestCaptureUnixNs(rtp);
                timeline.onPacket(atNs, capture - wallClock.unixNs(0), true);
            }
        }

        /**
         * Plays the stream: {@code sends[l]} says which frames the node forwards on layer l;
         * keyframes come in 5 packets, other frames in 1. Polls every {@code tickNs}.
         */
        void play(boolean[][] sends, int[] keyframes, long tickNs) {
            // every packet is in the buffers before playout starts looking: arrival order does not matter here
            for (int i = 0; i < FRAMES; i++) {
                for (int l = 0; l < layers.length; l++) {
                    if (sends[l][i]) {
                        boolean keyframe = i == keyframes[l];
                        receive(layers[l], i, keyframe, keyframe ? 5 : 1,
                                captureNs[i] + layers[l].captureOffsetNs + NETWORK_NS);
                    }
                }
            }
            for (long nowNs = captureNs[0]; nowNs < captureNs[FRAMES - 1] + 2_000 * MS; nowNs += tickNs) {
                long atNs = nowNs;
                playout.poll(tracks, nowNs, (track, frame) -> played.add(new Played(track.track().simulcastLayer(),
                        TestLayer.frameIndex(frame), atNs)));
            }
        }

        /** When the shared timeline plays frame i whose last packet arrived {@code lastPacketNs} after the first. */
        long sharedPlayoutNs(int i) {
            return captureNs[i] + NETWORK_NS + SHARED_DELAY_MS * MS;
        }
    }

    private static boolean[] range(int from, int to) {
        return TestLayer.range(FRAMES, from, to);
    }

    /** Every instant once, in order: the old layer up to the switch, the new layer from there. */
    private static void assertWholeAndInOrder(Run run, int oldLayer, int newLayer, String where) {
        assertEquals(FRAMES, run.played.size(), "every instant played once; " + where + ": " + run.played);
        for (int i = 0; i < FRAMES; i++) {
            Played p = run.played.get(i);
            assertEquals(i, p.index(), "capture order; " + where + ": " + run.played);
            assertEquals(i < SWITCH ? oldLayer : newLayer, p.layer(), "layer of frame " + i + "; " + where);
        }
    }

    /** Each frame at its instant on the shared timeline (a poll tick late at most; other layers LEAD_NS early). */
    private static void assertOnTheSharedTimeline(Run run, long tickNs, String where) {
        for (Played p : run.played) {
            long dueNs = run.sharedPlayoutNs(p.index());
            assertTrue(p.atNs() >= dueNs - LayerPlayout.LEAD_NS && p.atNs() < dueNs + tickNs,
                    "frame " + p.index() + " played " + (p.atNs() - dueNs) + " ns off its shared time; " + where);
        }
    }

    @Test
    void downSwitch_toAShorterDelayedLayer_playsEveryOldFrame_thenTheKeyframe_noGap() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int r = 0; r < 20; r++) {
            String where = "seed " + SEED + ", run " + r;
            Run run = new Run(random, new TestLayer(2, 250, random.nextInt()), new TestLayer(1, 100, random.nextInt()));
            run.play(new boolean[][] {range(0, SWITCH), range(SWITCH, FRAMES)}, new int[] {0, SWITCH}, MS);

            assertWholeAndInOrder(run, 2, 1, where);
            assertEquals(0, run.gate.framesSkipped(), "nothing skipped at the switch; " + where);
            assertOnTheSharedTimeline(run, MS, where);
            long gapNs = run.played.get(SWITCH).atNs() - run.played.get(SWITCH - 1).atNs();
            assertTrue(gapNs < FRAME_NS + 4 * MS, "no gap at the switch: " + gapNs + " ns; " + where);
        }
    }

    @Test
    void upSwitch_sameInstantOnBothLayers_theNewKeyframeIsPlayed_theOldCopySkipped() {
        // the node forwards the old layer's frame of the switch instant and the new layer's keyframe
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int r = 0; r < 20; r++) {
            String where = "seed " + (SEED + 1) + ", run " + r;
            Run run = new Run(random, new TestLayer(0, 100, random.nextInt()), new TestLayer(1, 250, random.nextInt()));
            run.play(new boolean[][] {range(0, SWITCH + 1), range(SWITCH, FRAMES)}, new int[] {0, SWITCH}, MS);

            assertWholeAndInOrder(run, 0, 1, where);
            assertEquals(1, run.gate.framesSkipped(), "only the old layer's copy of the switch instant; " + where);
            assertOnTheSharedTimeline(run, MS, where);
        }
    }

    @Test
    void upSwitch_newLayerStampedUpTo900UsLater_stillWinsItsInstant() {
        // an encoder that stamps each layer when it encodes it: the new layer's copy of an instant
        // falls due up to 0.9 ms after the old one's, often at the next 1 ms poll
        SplittableRandom random = new SplittableRandom(SEED + 4);
        for (int r = 0; r < 20; r++) {
            String where = "seed " + (SEED + 4) + ", run " + r;
            TestLayer newLayer = new TestLayer(1, 250, random.nextInt());
            newLayer.captureOffsetNs = random.nextLong(100_000L, 900_000L);
            Run run = new Run(random, new TestLayer(0, 100, random.nextInt()), newLayer);
            run.play(new boolean[][] {range(0, SWITCH + 1), range(SWITCH, FRAMES)}, new int[] {0, SWITCH}, MS);

            assertWholeAndInOrder(run, 0, 1, where);
            assertEquals(1, run.gate.framesSkipped(), "only the old layer's copy of the switch instant; " + where);
        }
    }

    @Test
    void lateWakeUps_stillPlayInCaptureOrder_acrossTheSwitch() {
        // the playout thread wakes every 70 ms: two frames of each layer can be due at one wake-up
        SplittableRandom random = new SplittableRandom(SEED + 2);
        for (int r = 0; r < 20; r++) {
            String where = "seed " + (SEED + 2) + ", run " + r;
            Run down = new Run(random, new TestLayer(2, 300, random.nextInt()), new TestLayer(1, 40, random.nextInt()));
            down.play(new boolean[][] {range(0, SWITCH), range(SWITCH, FRAMES)}, new int[] {0, SWITCH}, 70 * MS);
            assertWholeAndInOrder(down, 2, 1, "down, " + where);
            assertEquals(0, down.gate.framesSkipped(), "down, " + where);

            Run up = new Run(random, new TestLayer(0, 40, random.nextInt()), new TestLayer(1, 300, random.nextInt()));
            up.play(new boolean[][] {range(0, SWITCH + 1), range(SWITCH, FRAMES)}, new int[] {0, SWITCH}, 70 * MS);
            assertWholeAndInOrder(up, 0, 1, "up, " + where);
            assertEquals(1, up.gate.framesSkipped(), "up, " + where);
        }
    }

    @Test
    void oneVideoLayer_playsOnItsOwnBuffersTimeline() {
        TestLayer only = new TestLayer(0, 100, 12_345);
        Run run = new Run(new SplittableRandom(SEED + 3), only);
        run.play(new boolean[][] {range(0, FRAMES)}, new int[] {0}, MS);
        assertEquals(FRAMES, run.played.size());
        for (Played p : run.played) {
            long ownNs = run.captureNs[p.index()] + NETWORK_NS + 100 * MS;
            // the buffer's timeline is anchored on its first packet's arrival, rounded to 90 kHz ticks
            assertTrue(Math.abs(p.atNs() - ownNs) <= MS + 20_000, "frame " + p.index() + " at " + (p.atNs() - ownNs));
        }
    }
}
