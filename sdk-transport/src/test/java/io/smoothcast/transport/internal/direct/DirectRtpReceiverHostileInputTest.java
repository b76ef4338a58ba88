package io.smoothcast.transport.internal.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.rtp.RtpPacketWriter;
import java.io.ByteArrayOutputStream;
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
 * Hostile datagrams fed straight into {@link DirectRtpReceiver#onDatagram} in virtual time: each
 * is counted exactly once and dropped without an exception, and a clean stream around them still
 * plays out byte for byte. (Also the receiver's first report, which needs the same fixture.)
 */
class DirectRtpReceiverHostileInputTest {

    private static final int PT = 96;
    private static final int RTX_PT = 97;
    private static final int SSRC = 0x1234_5678;
    private static final int LATENCY_MS = 50;
    private static final long MS = 1_000_000L;
    /** A tiny IDR slice as one single-NAL-unit packet payload (RFC 6184 5.6). */
    private static final byte[] IDR_NAL = {0x65, (byte) 0x88, (byte) 0x84, 0x21, 0x43, 0x10, 0x7f};

    private final RtpPacketWriter writer = new RtpPacketWriter();
    private final ByteArrayOutputStream played = new ByteArrayOutputStream();
    private DatagramChannel feedbackSink;
    private DirectRtpReceiver receiver;

    @BeforeEach
    void open() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        feedbackSink = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        receiver = new DirectRtpReceiver(new InetSocketAddress(loopback, 0),
                (InetSocketAddress) feedbackSink.getLocalAddress(), PT, RTX_PT, 0x0BAD_CAFE, LATENCY_MS, played);
    }

    @AfterEach
    void close() throws IOException {
        receiver.close();
        feedbackSink.close();
    }

    private byte[] media(int sequence, int ssrc, int payloadType) {
        writer.reset().payloadType(payloadType).sequenceNumber(sequence).timestamp(sequence * 3000).ssrc(ssrc).marker(true);
        byte[] packet = new byte[writer.headerLength() + IDR_NAL.length];
        int n = writer.write(packet, 0, packet.length, IDR_NAL, 0, IDR_NAL.length);
        return Arrays.copyOf(packet, n);
    }

    private void feed(byte[] datagram, long nowNs) {
        receiver.onDatagram(datagram, datagram.length, nowNs);
    }

    private void assertEveryDatagramCountedOnce() {
        DirectRtpReceiverStats s = receiver.stats();
        assertEquals(s.datagrams(), s.packetsReceived() + s.malformed() + s.unknownPayloadType() + s.unknownSsrc(),
                s.toString());
    }

    @Test
    void firstReceiverReport_leavesWithTheFirstMedia_whateverTheClocksOrigin() throws IOException {
        long nowNs = -3_600_000 * MS; // nanoTime's origin is arbitrary: its values may be negative
        feed(media(1, SSRC, PT), nowNs);
        receiver.poll(nowNs);
        assertEquals(1, receiver.stats().reportsSent());
    }

    @Test
    void truncatedPackets_areMalformed() {
        byte[] valid = media(1, SSRC, PT);
        for (int length = 0; length < 12; length++) {
            receiver.onDatagram(Arrays.copyOf(valid, length), length, 0);
        }
        DirectRtpReceiverStats s = receiver.stats();
        assertEquals(12, s.datagrams());
        assertEquals(12, s.malformed(), s.toString());
        assertEquals(0, s.packetsReceived());
    }

    @Test
    void wrongVersions_areMalformed() {
        for (int version : new int[] {0, 1, 3}) {
            byte[] packet = media(1, SSRC, PT);
            packet[0] = (byte) ((packet[0] & 0x3F) | version << 6);
            feed(packet, 0);
        }
        assertEquals(3, receiver.stats().malformed(), receiver.stats().toString());
        assertEquals(0, receiver.stats().packetsReceived());
    }

    @Test
    void csrcListAndExtensionsPastTheEnd_areMalformed() {
        byte[] csrcs = media(1, SSRC, PT);
        csrcs[0] |= 0x0F; // 15 CSRCs = 60 bytes, more than the packet holds
        feed(csrcs, 0);

        byte[] noExtensionHeader = Arrays.copyOf(media(1, SSRC, PT), 14);
        noExtensionHeader[0] |= 0x10; // X bit, but only 2 bytes after the fixed header
        feed(noExtensionHeader, 0);

        byte[] longExtension = new byte[12 + 4 + 4];
        System.arraycopy(media(1, SSRC, PT), 0, longExtension, 0, 12);
        longExtension[0] |= 0x10;
        longExtension[12] = (byte) 0xBE;
        longExtension[13] = (byte) 0xDE;
        longExtension[14] = (byte) 0xFF; // 0xFFFF words of extension
        longExtension[15] = (byte) 0xFF;
        feed(longExtension, 0);

        byte[] elementPastBlock = new byte[12 + 4 + 4 + 2];
        System.arraycopy(media(1, SSRC, PT), 0, elementPastBlock, 0, 12);
        elementPastBlock[0] |= 0x10;
        elementPastBlock[12] = (byte) 0xBE;
        elementPastBlock[13] = (byte) 0xDE;
        elementPastBlock[15] = 1; // one word
        elementPastBlock[16] = (byte) 0x1F; // id 1, 16 bytes of data: past the one-word block
        feed(elementPastBlock, 0);

        assertEquals(4, receiver.stats().malformed(), receiver.stats().toString());
        assertEquals(0, receiver.stats().packetsReceived());
    }

    @Test
    void paddingOverflowAndZeroPadding_areMalformed() {
        byte[] overflow = media(1, SSRC, PT);
        overflow[0] |= 0x20;
        overflow[overflow.length - 1] = (byte) 200; // more padding than payload
        feed(overflow, 0);

        byte[] zero = media(1, SSRC, PT);
        zero[0] |= 0x20;
        zero[zero.length - 1] = 0; // the count includes itself, so 0 is impossible
        feed(zero, 0);

        assertEquals(2, receiver.stats().malformed(), receiver.stats().toString());
    }

    @Test
    void rtxBeforeMedia_foreignSsrc_unknownPayloadType_andRtxWithoutOsn_areDroppedAndCounted() {
        feed(media(1, 0x7777, RTX_PT), 0); // RTX before any media: no original to restore to
        assertEquals(1, receiver.stats().unknownPayloadType());

        feed(media(10, SSRC, PT), 0); // latches the media SSRC
        feed(media(11, 0x7777, PT), 0);
        assertEquals(1, receiver.stats().unknownSsrc());
        feed(media(12, SSRC, 33), 0);
        assertEquals(2, receiver.stats().unknownPayloadType());

        writer.reset().payloadType(RTX_PT).sequenceNumber(5).timestamp(0).ssrc(0x7777);
        byte[] oneByteRtx = new byte[writer.headerLength() + 1];
        writer.write(oneByteRtx, 0, oneByteRtx.length, new byte[] {0}, 0, 1); // no room for the 2-byte OSN
        feed(oneByteRtx, 0);
        assertEquals(1, receiver.stats().malformed(), receiver.stats().toString());

        assertEquals(1, receiver.stats().packetsReceived());
        assertEquals(0, receiver.stats().rtxReceived());
        assertEveryDatagramCountedOnce();
    }

    @Test
    void garbageH264Payloads_areDepacketizeErrors_notExceptions() throws IOException {
        byte[][] payloads = {
            {0x7C}, // FU-A indicator without FU header
            {0x7C, 0x45}, // FU-A end without start
            {0x78, 0x00}, // STAP-A with a truncated size
            {0x78, 0x7F, (byte) 0xFF, 0x65}, // STAP-A unit longer than the packet
            {0x00}, // forbidden NAL type 0
            {(byte) 0xE5, 0x01}, // forbidden_zero_bit set
        };
        for (int i = 0; i < payloads.length; i++) {
            writer.reset().payloadType(PT).sequenceNumber(100 + i).timestamp((100 + i) * 3000).ssrc(SSRC).marker(true);
            byte[] packet = new byte[writer.headerLength() + payloads[i].length];
            writer.write(packet, 0, packet.length, payloads[i], 0, payloads[i].length);
            feed(packet, i * 33 * MS);
        }
        receiver.poll(10_000 * MS);
        DirectRtpReceiverStats s = receiver.stats();
        assertEquals(payloads.length, s.packetsReceived(), s.toString());
        assertEquals(0, s.framesWritten(), s.toString());
        assertEquals(0, played.size());
        assertEveryDatagramCountedOnce();
    }

    @Test
    void cleanStream_stillPlaysInFull_withStructuredJunkBetweenItsPackets() throws IOException {
        SplittableRandom random = new SplittableRandom(20_261_127L);
        int frames = 30;
        long nowNs = 0;
        for (int seq = 0; seq < frames; seq++) {
            feed(media(seq, SSRC, PT), nowNs);
            byte[] junk = media(seq, SSRC, PT);
            switch (seq % 5) {
                case 0 -> junk = Arrays.copyOf(junk, random.nextInt(12));
                case 1 -> junk[0] = (byte) 0x40; // version 1
                case 2 -> {
                    junk[0] |= 0x20;
                    junk[junk.length - 1] = (byte) 255;
                }
                case 3 -> junk = media(seq, 0x1111, PT); // foreign SSRC
                default -> junk = media(seq, SSRC, 111); // unknown payload type
            }
            feed(junk, nowNs);
            nowNs += 33 * MS;
            receiver.poll(nowNs);
        }
        receiver.poll(nowNs + 1000 * MS);
        DirectRtpReceiverStats s = receiver.stats();
        assertEquals(2L * frames, s.datagrams(), s.toString());
        assertEquals(frames, s.packetsReceived(), s.toString());
        assertEquals(frames, s.framesWritten(), s.toString());
        assertEveryDatagramCountedOnce();
        byte[] expectedFrame = new byte[4 + IDR_NAL.length];
        expectedFrame[3] = 1;
        System.arraycopy(IDR_NAL, 0, expectedFrame, 4, IDR_NAL.length);
        byte[] all = played.toByteArray();
        assertEquals(frames * expectedFrame.length, all.length);
        for (int f = 0; f < frames; f++) {
            assertArrayEquals(expectedFrame, Arrays.copyOfRange(all, f * expectedFrame.length,
                    (f + 1) * expectedFrame.length), "frame " + f);
        }
    }

    @Test
    void randomMutationsAndNoise_neverThrow_andAreEachCountedOnce() throws IOException {
        long seed = 0x5EED_0007L;
        SplittableRandom random = new SplittableRandom(seed);
        long nowNs = 0;
        int datagrams = 20_000;
        for (int i = 0; i < datagrams; i++) {
            byte[] datagram;
            if (random.nextInt(4) == 0) {
                datagram = new byte[random.nextInt(1500)];
                random.nextBytes(datagram);
                if (datagram.length > 0) {
                    datagram[0] = (byte) (0x80 | datagram[0] & 0x3F); // version 2, so the parser goes deeper
                }
            } else {
                datagram = media(random.nextInt(0x10000), random.nextInt(8) == 0 ? random.nextInt() : SSRC,
                        random.nextBoolean() ? PT : RTX_PT);
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    datagram[random.nextInt(datagram.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            feed(datagram, nowNs);
            if (i % 16 == 0) {
                nowNs += 5 * MS;
                receiver.poll(nowNs);
            }
        }
        receiver.poll(nowNs + 1000 * MS);
        DirectRtpReceiverStats s = receiver.stats();
        assertEquals(datagrams, s.datagrams(), "seed " + seed + ": " + s);
        assertEveryDatagramCountedOnce();
        assertTrue(s.malformed() > 0 && s.packetsReceived() > 0, "seed " + seed + ": the mix exercised both: " + s);
    }
}
