package io.smoothcast.benchmarks.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.abr.EncoderMode;
import io.smoothcast.abr.RenditionLadder;
import io.smoothcast.abr.RenditionSelector;
import io.smoothcast.netsim.FlowContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The harness sender in virtual time, driven by hand through a recording {@link FlowContext}. */
class MediaSenderTest {

    private static final long MS = 1_000_000L;
    private static final long BUDGET_NS = 400 * MS;
    private static final RenditionLadder LADDER = RenditionLadder.defaults();

    /** Records sends and the timer; the test advances time to each timer. */
    private static final class RecordingContext implements FlowContext {
        final List<long[]> sent = new ArrayList<>(); // {timeNs, sequence, sizeBytes}
        long nowNs;
        long timerNs = Long.MAX_VALUE;

        @Override
        public int flowId() {
            return 0;
        }

        @Override
        public long nowNs() {
            return nowNs;
        }

        @Override
        public boolean send(long sequence, int sizeBytes, Object payload) {
            sent.add(new long[] {nowNs, sequence, sizeBytes});
            return true;
        }

        @Override
        public void setTimerNs(long timeNs) {
            timerNs = timeNs;
        }

        @Override
        public void cancelTimer() {
            timerNs = Long.MAX_VALUE;
        }

        @Override
        public SplittableRandom random() {
            return new SplittableRandom(1);
        }

        long bitsSentBetween(long fromNs, long toNs) {
            long bits = 0;
            for (long[] s : sent) {
                if (s[0] >= fromNs && s[0] < toNs) {
                    bits += s[2] * 8;
                }
            }
            return bits;
        }
    }

    /**
     * Runs the sender's timer until {@code endNs}; returns the number of wake-ups. A sender
     * that keeps re-arming its timer a nanosecond ahead fails here instead of hanging.
     */
    private static int runUntil(MediaSender sender, RecordingContext context, long endNs) {
        int wakeUps = 0;
        while (context.timerNs <= endNs) {
            assertTrue(wakeUps < 100_000, "timer spinning at " + context.nowNs + " ns");
            assertTrue(context.timerNs >= context.nowNs, "timer in the past");
            context.nowNs = context.timerNs;
            context.timerNs = Long.MAX_VALUE;
            sender.onTimer(context.nowNs);
            wakeUps++;
        }
        return wakeUps;
    }

    private static MediaSender start(RateController controller, RenditionSelector selector,
            FrameLedger ledger, RecordingContext context) {
        MediaSender sender = new MediaSender(controller, selector, LADDER, ledger,
                FlowSpec.media(0), BUDGET_NS);
        sender.onStart(context, 0);
        return sender;
    }

    @Test
    void fixedBitrate_sendsFramesPacedAtTheEncoderRatePlusHeaders() {
        RecordingContext context = new RecordingContext();
        FrameLedger ledger = new FrameLedger();
        MediaSender sender = start(new FixedBitrateController(900_000), null, ledger, context);
        int wakeUps = runUntil(sender, context, 9_990 * MS);
        assertEquals(300, ledger.frameCount(), "30 fps for 10 s");
        double wireBps = context.bitsSentBetween(1_000 * MS, 9_000 * MS) / 8.0;
        // 3750-byte frames in 4 packets, each with 48 bytes of headers.
        double expected = 900_000 + 30 * 4 * MediaSender.OVERHEAD_BYTES * 8;
        assertEquals(expected, wireBps, expected * 0.01);
        assertTrue(wakeUps < 10_000 / 5 * 2, "no busy timer: " + wakeUps);
    }

    @Test
    void pacingSlowerThanEncoder_discardsFramesOlderThanTheBudget() {
        RecordingContext context = new RecordingContext();
        FrameLedger ledger = new FrameLedger();
        MediaSender sender = new MediaSender(new RateController() {
            @Override
            public void onPacketSent(long sequence, int sizeBytes, boolean isProbe, long nowNs) {
            }

            @Override
            public void onFeedback(Object payload, long nowNs) {
            }

            @Override
            public long targetBitrateBps() {
                return 900_000;
            }

            @Override
            public long pacingBitrateBps() {
                return 300_000; // a third of what the encoder produces
            }
        }, null, LADDER, ledger, FlowSpec.media(0), BUDGET_NS);
        sender.onStart(context, 0);
        runUntil(sender, context, 5_000 * MS);
        int discarded = 0;
        for (int i = 0; i < ledger.frameCount(); i++) {
            // Nothing was delivered in this test, so "stalled" here means discarded or unsent.
            discarded += ledger.stalled(i, BUDGET_NS) ? 1 : 0;
        }
        assertEquals(ledger.frameCount(), discarded);
        double wireBps = context.bitsSentBetween(1_000 * MS, 5_000 * MS) / 4.0;
        assertEquals(300_000, wireBps, 300_000 * 0.05, "the pacer keeps its rate");
    }

    @Test
    void audioOnly_padsAtTheAbrRate_withoutDelayingAudioFrames() {
        RecordingContext context = new RecordingContext();
        FrameLedger ledger = new FrameLedger();
        RenditionSelector selector = RenditionSelector.builder(LADDER).build();
        MediaSender sender = start(new FixedBitrateController(200_000), selector, ledger, context);
        int wakeUps = runUntil(sender, context, 10_000 * MS);
        assertTrue(selector.isAudioOnly(), "200 kbit/s is under the 240 kbit/s floor");
        long padding = selector.paddingBitrateBps();
        assertTrue(padding > 0);
        double wireBps = context.bitsSentBetween(5_000 * MS, 10_000 * MS) / 5.0;
        double audioWire = 48_000 + 30 * MediaSender.OVERHEAD_BYTES * 8;
        assertEquals(audioWire + padding, wireBps, (audioWire + padding) * 0.05);
        assertTrue(wakeUps < 10_000 / 5 * 3, "padding does not spin the timer: " + wakeUps);
        // Audio frames leave within one frame interval of capture although padding is paced.
        long worstWaitNs = 0;
        for (long[] s : context.sent) {
            if (ledger.isMedia(s[1]) && s[0] >= 5_000 * MS) {
                long captureNs = (s[0] / MediaSender.FRAME_INTERVAL_NS) * MediaSender.FRAME_INTERVAL_NS;
                worstWaitNs = Math.max(worstWaitNs, s[0] - captureNs);
            }
        }
        assertTrue(worstWaitNs < MediaSender.FRAME_INTERVAL_NS, "audio waited " + worstWaitNs);
    }

    @Test
    void ladderEncoder_runsAtRenditionBitrate_andPadsUpToTheTarget() {
        RecordingContext context = new RecordingContext();
        FrameLedger ledger = new FrameLedger();
        RenditionSelector selector = RenditionSelector.builder(LADDER)
                .encoderMode(EncoderMode.LADDER).build();
        MediaSender sender = start(new FixedBitrateController(700_000), selector, ledger, context);
        runUntil(sender, context, 5_000 * MS);
        assertEquals("360p", selector.current().name());
        assertEquals(400_000, ledger.bitrateBps(ledger.frameCount() - 1));
        double wireBps = context.bitsSentBetween(1_000 * MS, 5_000 * MS) / 4.0;
        // Target on the wire 700k; media is 400k of payload plus headers; padding fills to the
        // target net of headers.
        assertEquals(700_000, wireBps, 700_000 * 0.06);
    }

    @Test
    void nack_retransmitsMediaStillWithinBudget_withANewSequence_andIgnoresOldFramesAndPadding() {
        RecordingContext context = new RecordingContext();
        FrameLedger ledger = new FrameLedger();
        MediaSender sender = start(new FixedBitrateController(900_000), null, ledger, context);
        runUntil(sender, context, 1_000 * MS);
        long[] recent = context.sent.get(context.sent.size() - 1); // last frame, just captured
        long[] old = context.sent.get(0); // first frame, a second old
        int sentBefore = context.sent.size();
        sender.onNack(new NackMessage(new long[] {old[1], recent[1], 1_000_000L}), context.nowNs);
        runUntil(sender, context, context.nowNs + 20 * MS);
        assertEquals(1, sender.retransmissions(), "only the recent packet is repaired");
        // Retransmissions go ahead of new media: the first packet sent after the NACK.
        long[] rtx = context.sent.get(sentBefore);
        assertTrue(rtx[1] > recent[1], "a new sequence number");
        assertEquals(recent[2], rtx[2], "the same size");
        assertEquals(ledger.frameOfSequence(recent[1]), ledger.frameOfSequence(rtx[1]));
    }

    @Test
    void ladderPadding_aTinyPaddingRateEarlier_doesNotHoldPaddingBackWhenTheTargetRises() {
        // A target just above the 400k rendition asks for about 1 kbit/s of padding: one
        // 1000-byte padding packet is then followed by an 8 s gap at that rate. When the target
        // rises, padding must follow at once (it used to stay off for those 8 s, so an
        // application-limited controller never saw the capacity and the flow stayed at 400k).
        RecordingContext context = new RecordingContext();
        FrameLedger ledger = new FrameLedger();
        long[] targetBps = {401_000L * (MediaSender.MAX_PAYLOAD_BYTES + MediaSender.OVERHEAD_BYTES)
                / MediaSender.MAX_PAYLOAD_BYTES};
        RateController controller = new RateController() {
            @Override
            public void onPacketSent(long sequence, int sizeBytes, boolean isProbe, long nowNs) {
            }

            @Override
            public void onFeedback(Object payload, long nowNs) {
            }

            @Override
            public long targetBitrateBps() {
                return targetBps[0];
            }
        };
        RenditionSelector selector = RenditionSelector.builder(LADDER).encoderMode(EncoderMode.LADDER).build();
        MediaSender sender = start(controller, selector, ledger, context);
        runUntil(sender, context, 1_000 * MS);
        targetBps[0] = 700_000;
        runUntil(sender, context, 3_000 * MS);
        double wireBps = context.bitsSentBetween(2_000 * MS, 3_000 * MS);
        // Media 400k plus headers, padded up to the target (net of headers): about 690 kbit/s.
        assertTrue(wireBps >= 0.9 * 700_000, "sent in the second after the rise: " + wireBps);
        assertTrue(wireBps <= 700_000 * 1.02, "never above the target: " + wireBps);
    }
}
