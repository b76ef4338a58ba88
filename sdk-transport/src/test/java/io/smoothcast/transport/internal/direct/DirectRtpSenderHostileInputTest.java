package io.smoothcast.transport.internal.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.rtp.NackWriter;
import io.smoothcast.rtp.RtcpReportWriter;
import io.smoothcast.rtp.TransportCcFeedbackWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile RTCP fed straight into {@link DirectRtpSender#onRtcpDatagram} in virtual time: every
 * datagram is counted once (parsed or malformed), nothing throws, and NACKs cannot make it send
 * more than it has cached.
 */
class DirectRtpSenderHostileInputTest {

    private static final int PT = 96;
    private static final int SSRC = 0x1234_5678;
    private static final int RTX_PT = 97;
    private static final int RTX_SSRC = 0x1234_5679;
    private static final int PEER_SSRC = 0x0BAD_CAFE;
    private static final long MS = 1_000_000L;
    private static final long START_BPS = 1_000_000L;

    private DatagramChannel peer;
    private DirectRtpSender sender;

    @BeforeEach
    void open() throws IOException {
        peer = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sender = new DirectRtpSender((InetSocketAddress) peer.getLocalAddress(), PT, SSRC, RTX_PT, RTX_SSRC, 3, START_BPS);
    }

    @AfterEach
    void close() throws IOException {
        sender.close();
        peer.close();
    }

    private void feed(byte[] datagram, long nowNs) {
        sender.onRtcpDatagram(datagram, datagram.length, nowNs);
    }

    private void assertEveryDatagramCountedOnce() {
        DirectRtpSenderStats s = sender.stats();
        assertEquals(s.datagramsReceived(), s.rtcpReceived() + s.malformedRtcp(), s.toString());
    }

    /** Sends {@code frames} one-packet access units so the retransmission cache holds them. */
    private void sendFrames(int frames, long nowNs) {
        byte[] accessUnit = {0, 0, 0, 1, 0x65, (byte) 0x88, (byte) 0x84, 0x21};
        for (int f = 0; f < frames; f++) {
            sender.sendAccessUnit(accessUnit, 0, accessUnit.length, f * 3000, nowNs + f * 33 * MS);
        }
        sender.poll(nowNs + frames * 33 * MS + 1000 * MS);
    }

    private static byte[] receiverReport() {
        byte[] out = new byte[64];
        int n = new RtcpReportWriter().startReceiverReport(PEER_SSRC).write(out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    private static byte[] nack(int mediaSsrc, int[] ids, int[] masks) {
        byte[] out = new byte[1500];
        int n = NackWriter.write(out, 0, out.length, PEER_SSRC, mediaSsrc, ids, masks, ids.length);
        return Arrays.copyOf(out, n);
    }

    @Test
    void nonRtcpDatagrams_areMalformed() {
        feed(new byte[0], 0);
        for (int length = 1; length < 8; length++) {
            feed(Arrays.copyOf(receiverReport(), length), 0); // shorter than an RTCP header
        }
        byte[] wrongVersion = receiverReport();
        wrongVersion[0] = (byte) (wrongVersion[0] & 0x3F | 0x40);
        feed(wrongVersion, 0);
        byte[] lengthPastEnd = receiverReport();
        lengthPastEnd[3] = (byte) 0xFF; // 256 words
        feed(lengthPastEnd, 0);
        sender.onRtcpDatagram(new byte[4000], 4000, 0); // larger than any datagram this sender reads

        DirectRtpSenderStats s = sender.stats();
        assertEquals(11, s.datagramsReceived(), s.toString());
        assertEquals(11, s.malformedRtcp(), s.toString());
        assertEquals(0, s.rtcpReceived());
        assertEveryDatagramCountedOnce();
    }

    @Test
    void compoundBrokenPartWay_isOneMalformedDatagram_andItsGoodPartIsStillUsed() {
        sendFrames(4, 0);
        byte[] rr = receiverReport();
        byte[] nack = nack(SSRC, new int[] {1}, new int[] {0});
        byte[] compound = new byte[rr.length + nack.length + 8];
        System.arraycopy(rr, 0, compound, 0, rr.length);
        System.arraycopy(nack, 0, compound, rr.length, nack.length);
        compound[rr.length + nack.length] = (byte) 0x80; // a header whose length runs past the end
        compound[rr.length + nack.length + 1] = (byte) 201;
        compound[rr.length + nack.length + 3] = 40;
        feed(compound, 200 * MS);

        DirectRtpSenderStats s = sender.stats();
        assertEquals(1, s.malformedRtcp(), s.toString());
        assertEquals(0, s.rtcpReceived(), s.toString());
        assertEquals(1, s.nacksReceived(), s.toString());
        assertEquals(1, s.rtxQueued(), s.toString());
        assertEveryDatagramCountedOnce();
    }

    @Test
    void nackForAnotherSsrc_isCountedAndIgnored() {
        sendFrames(4, 0);
        feed(nack(0x7777, new int[] {0, 1, 2}, new int[] {0xFFFF, 0xFFFF, 0xFFFF}), 200 * MS);
        DirectRtpSenderStats s = sender.stats();
        assertEquals(1, s.foreignNacks(), s.toString());
        assertEquals(0, s.nacksReceived());
        assertEquals(0, s.rtxQueued());
        assertEquals(1, s.rtcpReceived());
    }

    @Test
    void nackStorm_resendsOnlyWhatIsCached_andNackedPacketsNeverSentAreIgnored() {
        int frames = 20;
        sendFrames(frames, 0);
        long sentBefore = sender.stats().packetsSent();
        assertEquals(frames, sentBefore, sender.stats().toString());
        // A full datagram of NACK entries, every bit set: 350 x 17 = 5950 sequence numbers, mostly never sent.
        int entries = 350;
        int[] ids = new int[entries];
        int[] masks = new int[entries];
        for (int i = 0; i < entries; i++) {
            ids[i] = (i * 17) & 0xFFFF;
            masks[i] = 0xFFFF;
        }
        byte[] storm = nack(SSRC, ids, masks);
        long nowNs = 2000 * MS;
        for (int repeat = 0; repeat < 5; repeat++) {
            feed(storm, nowNs);
        }
        DirectRtpSenderStats s = sender.stats();
        assertEquals(5, s.nacksReceived(), s.toString());
        assertEquals(5L * entries * 17, s.nackedPackets(), s.toString());
        assertTrue(s.rtxQueued() <= 5L * frames, "only cached packets are resent: " + s);
        assertTrue(s.rtxQueued() >= frames, "each cached packet was resent at least once: " + s);
        assertEveryDatagramCountedOnce();
        sender.poll(nowNs + 10_000 * MS);
        assertTrue(sender.stats().packetsSent() <= sentBefore + s.rtxQueued(), sender.stats().toString());
    }

    /**
     * A peer that NACKs everything cached every 20 ms (a capacity drop seen as loss of all it was
     * sent): the RTX queued over any second stays within the controller's target, the rest is
     * counted, and repairs still go out.
     */
    @Test
    void heavyNacks_queueRtxWithinHalfTheTargetOverAnySecond_theMediaTargetIsTheRest() {
        // 200 single-NAL frames of 1,100 bytes every 20 ms (about 450 kbit/s): all cached.
        byte[] accessUnit = new byte[4 + 1_100];
        Arrays.fill(accessUnit, (byte) 0x55); // no zero runs: the NAL unit is all of it
        accessUnit[0] = 0;
        accessUnit[1] = 0;
        accessUnit[2] = 0;
        accessUnit[3] = 1;
        accessUnit[4] = 0x65;
        long nowNs = 0;
        for (int f = 0; f < 200; f++) {
            sender.sendAccessUnit(accessUnit, 0, accessUnit.length, f * 1800, nowNs);
            for (int ms = 0; ms < 20; ms++) {
                nowNs += MS;
                sender.poll(nowNs);
            }
        }
        assertEquals(200, sender.stats().packetsSent(), sender.stats().toString());
        int[] ids = new int[12];
        int[] masks = new int[12];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i * 17;
            masks[i] = 0xFFFF; // 204 numbers: every packet sent
        }
        byte[] everything = nack(SSRC, ids, masks);
        int windows = 3_000;
        long[] queuedAtMs = new long[windows];
        long[] targetAtMs = new long[windows];
        long lowestMediaShare = Long.MAX_VALUE;
        for (int ms = 0; ms < windows; ms++) {
            nowNs += MS;
            long before = sender.stats().rtxQueued();
            targetAtMs[ms] = sender.targetBitrateBps();
            if (ms % 20 == 0) {
                feed(everything, nowNs);
            }
            queuedAtMs[ms] = sender.stats().rtxQueued() - before;
            long media = sender.mediaTargetBitrateBps(nowNs);
            assertTrue(2 * media >= sender.targetBitrateBps(), "media keeps at least half the target");
            lowestMediaShare = Math.min(lowestMediaShare, 1000 * media / sender.targetBitrateBps());
            sender.poll(nowNs);
        }
        // Each RTX is more than 1,100 bytes; without feedback the target only falls, so the
        // target at a window's start is the highest within it.
        for (int start = 0; start < windows; start++) {
            long queued = 0;
            for (int ms = start; ms < Math.min(windows, start + 950); ms++) {
                queued += queuedAtMs[ms];
            }
            assertTrue(queued * 1_100 * 8 <= targetAtMs[start] / 2, queued + " RTX within 950 ms from " + start
                    + " ms, target " + targetAtMs[start] + " bps: " + sender.stats());
        }
        DirectRtpSenderStats s = sender.stats();
        assertTrue(s.rtxQueued() >= 20, "repairs still go out: " + s);
        assertTrue(s.rtxOverBudget() > 0, s.toString());
        assertTrue(lowestMediaShare < 600, "the RTX is taken off the media target: down to "
                + lowestMediaShare + " per mille of the target");
    }

    @Test
    void garbledTransportCcFeedback_neverThrows_andLeavesASaneTarget() {
        sendFrames(10, 0);
        long seed = 0x7CC0_0001L;
        SplittableRandom random = new SplittableRandom(seed);
        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(256);
        byte[] out = new byte[1500];
        long nowNs = 1000 * MS;
        for (int i = 0; i < 5000; i++) {
            writer.reset(PEER_SSRC, SSRC, random.nextInt(0x10000), i);
            int packets = 1 + random.nextInt(200);
            long arrivalUs = random.nextLong(1L << 40);
            for (int p = 0; p < packets; p++) {
                if (random.nextInt(3) == 0) {
                    writer.addLost();
                } else {
                    arrivalUs += random.nextInt(100_000);
                    writer.addReceived(arrivalUs);
                }
            }
            int n = writer.write(out, 0, out.length);
            byte[] datagram = Arrays.copyOf(out, Math.max(n, 0));
            if (datagram.length > 12 && random.nextBoolean()) {
                datagram[12 + random.nextInt(datagram.length - 12)] ^= (byte) (1 << random.nextInt(8));
            }
            feed(datagram, nowNs);
            nowNs += MS;
            sender.poll(nowNs);
        }
        DirectRtpSenderStats s = sender.stats();
        assertEquals(5000, s.datagramsReceived(), "seed " + seed + ": " + s);
        assertEveryDatagramCountedOnce();
        assertTrue(s.transportFeedbackReceived() > 0, "seed " + seed + ": " + s);
        long target = sender.targetBitrateBps();
        assertTrue(target > 0 && target < 10_000_000_000L, "seed " + seed + ": target " + target);
    }

    @Test
    void randomNoise_neverThrows_andIsCountedOnce() {
        sendFrames(5, 0);
        long seed = 0xD1CE_0005L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] datagram = new byte[random.nextInt(1500)];
            random.nextBytes(datagram);
            if (datagram.length > 1 && random.nextBoolean()) {
                datagram[0] = (byte) (0x80 | datagram[0] & 0x3F);
                datagram[1] = (byte) (200 + random.nextInt(7));
            }
            feed(datagram, 1000 * MS + i * MS);
        }
        DirectRtpSenderStats s = sender.stats();
        assertEquals(20_000, s.datagramsReceived(), "seed " + seed + ": " + s);
        assertEveryDatagramCountedOnce();
        assertTrue(s.malformedRtcp() > 0, "seed " + seed + ": " + s);
    }
}
