package io.smoothcast.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SrtpSenderReceiverTest {

    private static final byte[] KEY = Hex.decode("00112233445566778899aabbccddeeff");
    private static final byte[] SALT = Hex.decode("0102030405060708090a0b0c");
    private static final int SSRC = 0x11223344;

    private final SrtpSender sender = SrtpSender.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT).build();
    private final SrtpReceiver receiver = SrtpReceiver.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT).build();

    /** An RTP packet with one CSRC and a one-byte-form header extension, in a buffer with room for the tag. */
    static byte[] rtp(int ssrc, int seq, int payloadBytes) {
        byte[] b = new byte[12 + 4 + 8 + payloadBytes + 16];
        b[0] = (byte) 0x91; // V=2, X=1, CC=1
        b[1] = 96;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        b[7] = (byte) seq;
        b[8] = (byte) (ssrc >>> 24);
        b[9] = (byte) (ssrc >>> 16);
        b[10] = (byte) (ssrc >>> 8);
        b[11] = (byte) ssrc;
        b[15] = 7; // CSRC
        b[16] = (byte) 0xBE;
        b[17] = (byte) 0xDE;
        b[19] = 1; // one word of extension
        b[20] = 0x11; // id 1, 2 bytes
        b[21] = (byte) (seq >>> 8);
        b[22] = (byte) seq;
        for (int i = 0; i < payloadBytes; i++) {
            b[24 + i] = (byte) (i * 13 + seq);
        }
        return b;
    }

    static int rtpLength(byte[] b) {
        return b.length - 16;
    }

    static byte[] rtcp(int ssrc, int bodyBytes) {
        byte[] b = new byte[8 + bodyBytes + 20];
        b[0] = (byte) 0x80;
        b[1] = (byte) 201; // RR
        b[3] = (byte) ((8 + bodyBytes) / 4 - 1);
        b[4] = (byte) (ssrc >>> 24);
        b[5] = (byte) (ssrc >>> 16);
        b[6] = (byte) (ssrc >>> 8);
        b[7] = (byte) ssrc;
        for (int i = 0; i < bodyBytes; i++) {
            b[8 + i] = (byte) (i + 1);
        }
        return b;
    }

    @Test
    void rtp_roundTrip_inPlace_headerVisiblePayloadNot() {
        byte[] packet = rtp(SSRC, 1000, 200);
        byte[] plain = packet.clone();
        int len = rtpLength(packet);

        int protectedLen = sender.protectRtp(packet, 0, len);

        assertEquals(len + 16, protectedLen);
        assertArrayEquals(Arrays.copyOf(plain, 24), Arrays.copyOf(packet, 24), "header stays readable");
        assertTrue(!Arrays.equals(plain, 24, 224, packet, 24, 224), "payload is encrypted");
        assertEquals(len, receiver.unprotectRtp(packet, 0, protectedLen));
        assertArrayEquals(Arrays.copyOf(plain, len), Arrays.copyOf(packet, len));
        assertEquals(1, receiver.acceptedRtpPackets());
    }

    @Test
    void rtp_roundTrip_aes256_intoSeparateBuffers() {
        byte[] key = Hex.decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        SrtpSender s = SrtpSender.builder(SrtpProfile.AEAD_AES_256_GCM, key, SALT).build();
        SrtpReceiver r = SrtpReceiver.builder(SrtpProfile.AEAD_AES_256_GCM, key, SALT).build();
        byte[] packet = rtp(SSRC, 5, 100);
        int len = rtpLength(packet);
        byte[] wire = new byte[300];
        int n = s.protectRtp(packet, 0, len, wire, 7);
        byte[] out = new byte[300];
        assertEquals(len, r.unprotectRtp(wire, 7, n, out, 3));
        assertArrayEquals(Arrays.copyOf(packet, len), Arrays.copyOfRange(out, 3, 3 + len));
    }

    @Test
    void tamperedPackets_everyByteFlipped_neverAccepted_andDstUntouched() {
        byte[] packet = rtp(SSRC, 42, 60);
        int n = sender.protectRtp(packet, 0, rtpLength(packet));
        for (int i = 0; i < n; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] copy = Arrays.copyOf(packet, n);
                copy[i] ^= (byte) (1 << bit);
                byte[] out = new byte[n];
                int result = receiver.unprotectRtp(copy, 0, n, out, 0);
                assertTrue(result < 0, "byte " + i + " bit " + bit + " accepted");
                assertArrayEquals(new byte[n], out, "byte " + i + " bit " + bit + " wrote output");
            }
        }
        assertEquals(0, receiver.acceptedRtpPackets());
        assertTrue(receiver.dropCount(SrtpStatus.AUTHENTICATION_FAILED) > 0);
        // The untouched packet is still fine: forgeries did not move the replay window.
        assertEquals(rtpLength(packet), receiver.unprotectRtp(packet, 0, n));
    }

    @Test
    void wrongKey_failsAuthentication() {
        SrtpReceiver other = SrtpReceiver.builder(SrtpProfile.AEAD_AES_128_GCM, new byte[16], SALT).build();
        byte[] packet = rtp(SSRC, 1, 10);
        int n = sender.protectRtp(packet, 0, rtpLength(packet));
        assertEquals(SrtpStatus.AUTHENTICATION_FAILED, other.unprotectRtp(packet, 0, n));
        assertEquals(1, other.dropCount(SrtpStatus.AUTHENTICATION_FAILED));
    }

    @Test
    void replayedPacket_isDroppedAndCounted() {
        byte[] packet = rtp(SSRC, 7, 30);
        int n = sender.protectRtp(packet, 0, rtpLength(packet));
        byte[] copy = packet.clone();
        assertTrue(receiver.unprotectRtp(packet, 0, n) > 0);
        assertEquals(SrtpStatus.REPLAYED, receiver.unprotectRtp(copy, 0, n));
        assertEquals(1, receiver.dropCount(SrtpStatus.REPLAYED));
    }

    @Test
    void reorderedWithinTheWindow_accepted_behindIt_tooOld() {
        byte[][] wire = new byte[300][];
        int[] lengths = new int[300];
        for (int seq = 0; seq < 300; seq++) {
            wire[seq] = rtp(SSRC, seq, 20);
            lengths[seq] = sender.protectRtp(wire[seq], 0, rtpLength(wire[seq]));
        }
        assertTrue(receiver.unprotectRtp(wire[299], 0, lengths[299]) > 0);
        assertTrue(receiver.unprotectRtp(wire[299 - 127], 0, lengths[299 - 127]) > 0, "inside a 128-packet window");
        assertEquals(SrtpStatus.TOO_OLD, receiver.unprotectRtp(wire[299 - 128], 0, lengths[299 - 128]));
    }

    @Test
    void rolloverCounter_followsSequenceWraps_withReorderingAcrossTheWrap() {
        long seed = 99;
        SplittableRandom random = new SplittableRandom(seed);
        int start = 65_000;
        int total = 140_000; // two wraps
        byte[][] pending = new byte[4][];
        int[] pendingLen = new int[4];
        int accepted = 0;
        for (int i = 0; i < total; i++) {
            int seq = (start + i) & 0xFFFF;
            byte[] p = rtp(SSRC, seq, 8);
            int n = sender.protectRtp(p, 0, rtpLength(p));
            assertEquals(rtpLength(p) + 16, n, "seed " + seed + " i " + i);
            // Hold each packet in a 4-slot shuffle so neighbours arrive out of order.
            int slot = random.nextInt(4);
            if (pending[slot] != null) {
                assertTrue(receiver.unprotectRtp(pending[slot], 0, pendingLen[slot]) > 0, "seed " + seed + " i " + i);
                accepted++;
            }
            pending[slot] = p;
            pendingLen[slot] = n;
        }
        for (int slot = 0; slot < 4; slot++) {
            if (pending[slot] != null) {
                assertTrue(receiver.unprotectRtp(pending[slot], 0, pendingLen[slot]) > 0);
                accepted++;
            }
        }
        assertEquals(total, accepted);
        assertEquals(0, receiver.totalDrops());
    }

    @Test
    void receiverJoiningWithAnotherRolloverCounter_cannotAuthenticate() {
        // The ROC is not on the wire: a receiver that missed a whole wrap stays out of sync.
        SrtpReceiver late = SrtpReceiver.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT).build();
        byte[] last = null;
        int lastLen = 0;
        for (int i = 0; i < 65_540; i++) {
            last = rtp(SSRC, i & 0xFFFF, 4);
            lastLen = sender.protectRtp(last, 0, rtpLength(last));
        }
        assertEquals(SrtpStatus.AUTHENTICATION_FAILED, late.unprotectRtp(last, 0, lastLen));
    }

    @Test
    void sender_refusesToProtectAnIndexTwice() {
        byte[] first = rtp(SSRC, 10, 10);
        byte[] again = rtp(SSRC, 10, 12);
        assertTrue(sender.protectRtp(first, 0, rtpLength(first)) > 0);
        assertEquals(SrtpStatus.REPLAYED, sender.protectRtp(again, 0, rtpLength(again)));
    }

    @Test
    void malformedPackets_areCountedNotThrown() {
        byte[] buf = new byte[64];
        assertEquals(SrtpStatus.MALFORMED, receiver.unprotectRtp(buf, 0, 27), "too short for header + tag");
        buf[0] = (byte) 0x40;
        assertEquals(SrtpStatus.MALFORMED, receiver.unprotectRtp(buf, 0, 40), "version 1");
        buf[0] = (byte) 0x8F; // 15 CSRCs = 72 bytes of header
        assertEquals(SrtpStatus.MALFORMED, receiver.unprotectRtp(buf, 0, 64), "CSRCs overrun");
        buf[0] = (byte) 0x90;
        buf[14] = (byte) 0xFF; // extension of 0xFF.. words
        assertEquals(SrtpStatus.MALFORMED, receiver.unprotectRtp(buf, 0, 64), "extension overruns");
        assertEquals(4, receiver.dropCount(SrtpStatus.MALFORMED));
        assertEquals(SrtpStatus.MALFORMED, sender.protectRtp(new byte[40], 0, 11));
        assertEquals(SrtpStatus.MALFORMED, receiver.unprotectRtcp(new byte[64], 0, 27));
        byte[] rtcpV0 = rtcp(SSRC, 8);
        rtcpV0[0] = 0;
        assertEquals(SrtpStatus.MALFORMED, receiver.unprotectRtcp(rtcpV0, 0, rtcpV0.length));
    }

    @Test
    void outputTooSmall_isAStatus() {
        byte[] packet = rtp(SSRC, 1, 10);
        int len = rtpLength(packet);
        assertEquals(SrtpStatus.BUFFER_TOO_SMALL, sender.protectRtp(packet, 0, len, new byte[len + 15], 0));
        int n = sender.protectRtp(packet, 0, len);
        assertEquals(SrtpStatus.BUFFER_TOO_SMALL, receiver.unprotectRtp(packet, 0, n, new byte[len - 1], 0));
        assertEquals(len, receiver.unprotectRtp(packet, 0, n, new byte[len], 0));
    }

    @Test
    void tooManyStreams_boundsStateAndOnlyAuthenticatedSsrcsTakeASlot() {
        SrtpReceiver small = SrtpReceiver.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT).maxStreams(2).build();
        SrtpSender s = SrtpSender.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT).maxStreams(8).build();
        // Forged packets with fresh SSRCs must not fill the table.
        for (int ssrc = 100; ssrc < 200; ssrc++) {
            byte[] forged = rtp(ssrc, 1, 10);
            assertEquals(SrtpStatus.AUTHENTICATION_FAILED, small.unprotectRtp(forged, 0, forged.length));
        }
        assertEquals(0, small.streamCount());
        for (int ssrc = 1; ssrc <= 3; ssrc++) {
            byte[] p = rtp(ssrc, 1, 10);
            int n = s.protectRtp(p, 0, rtpLength(p));
            int result = small.unprotectRtp(p, 0, n);
            assertEquals(ssrc <= 2 ? rtpLength(p) : SrtpStatus.TOO_MANY_STREAMS, result, "ssrc " + ssrc);
        }
        SrtpSender one = SrtpSender.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT).maxStreams(1).build();
        byte[] a = rtp(1, 1, 4);
        byte[] b = rtp(2, 1, 4);
        assertTrue(one.protectRtp(a, 0, rtpLength(a)) > 0);
        assertEquals(SrtpStatus.TOO_MANY_STREAMS, one.protectRtp(b, 0, rtpLength(b)));
    }

    @Test
    void rtcp_roundTrip_encrypted_indexCountsUp_andReplayDropped() {
        for (int i = 0; i < 3; i++) {
            byte[] packet = rtcp(SSRC, 24);
            byte[] plain = packet.clone();
            int n = sender.protectRtcp(packet, 0, 32);
            assertEquals(52, n);
            assertEquals(0x80, packet[n - 4] & 0xFF, "E flag set");
            assertEquals(i, packet[n - 1], "SRTCP index");
            assertTrue(!Arrays.equals(plain, 8, 32, packet, 8, 32), "body encrypted");
            byte[] replay = Arrays.copyOf(packet, n);
            assertEquals(32, receiver.unprotectRtcp(packet, 0, n));
            assertArrayEquals(Arrays.copyOf(plain, 32), Arrays.copyOf(packet, 32));
            assertEquals(SrtpStatus.REPLAYED, receiver.unprotectRtcp(replay, 0, n));
        }
        assertEquals(3, receiver.acceptedRtcpPackets());
    }

    @Test
    void rtcp_authenticatedOnly_readableButTamperProof() {
        SrtpSender clearRtcp = SrtpSender.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT).encryptRtcp(false).build();
        byte[] packet = rtcp(SSRC, 24);
        byte[] plain = packet.clone();
        int n = clearRtcp.protectRtcp(packet, 0, 32);
        assertEquals(0, packet[n - 4] & 0x80, "E flag clear");
        assertArrayEquals(Arrays.copyOf(plain, 32), Arrays.copyOf(packet, 32), "body readable");
        byte[] tampered = Arrays.copyOf(packet, n);
        tampered[12] ^= 1;
        assertEquals(SrtpStatus.AUTHENTICATION_FAILED, receiver.unprotectRtcp(tampered, 0, n));
        byte[] flagFlipped = Arrays.copyOf(packet, n);
        flagFlipped[n - 4] ^= (byte) 0x80;
        assertEquals(SrtpStatus.AUTHENTICATION_FAILED, receiver.unprotectRtcp(flagFlipped, 0, n));
        assertEquals(32, receiver.unprotectRtcp(packet, 0, n));
    }

    @Test
    void rtcp_tamperedTrailerIndex_failsAuthentication() {
        byte[] packet = rtcp(SSRC, 4);
        int n = sender.protectRtcp(packet, 0, 12);
        packet[n - 1] ^= 1;
        assertEquals(SrtpStatus.AUTHENTICATION_FAILED, receiver.unprotectRtcp(packet, 0, n));
    }

    @Test
    void randomBytes_neverThrow_neverAccepted() {
        long seed = 1234;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buf = new byte[1500];
        for (int i = 0; i < 20_000; i++) {
            int len = random.nextInt(buf.length + 1);
            random.nextBytes(buf);
            if (random.nextBoolean()) {
                buf[0] = (byte) (0x80 | (buf[0] & 0x3F));
            }
            assertTrue(receiver.unprotectRtp(buf, 0, len) < 0, "seed " + seed + " i " + i);
            assertTrue(receiver.unprotectRtcp(buf, 0, len) < 0, "seed " + seed + " i " + i);
        }
        assertEquals(40_000, receiver.totalDrops());
    }

    @Test
    void argumentChecks_nameTheArgument() {
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> SrtpSender.builder(SrtpProfile.AEAD_AES_256_GCM, KEY, SALT)).getMessage().contains("masterKey"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> SrtpReceiver.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, new byte[14])).getMessage().contains("masterSalt"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> receiver.unprotectRtp(null, 0, 0)).getMessage().contains("src"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> receiver.unprotectRtp(new byte[10], 5, 6)).getMessage().contains("src"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> SrtpReceiver.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT).replayWindowPackets(100))
            .getMessage().contains("window"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> SrtpReceiver.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT).maxStreams(0))
            .getMessage().contains("maxStreams"));
        assertThrows(IllegalArgumentException.class, () -> receiver.dropCount(0));
        SrtpSender.Builder once = SrtpSender.builder(SrtpProfile.AEAD_AES_128_GCM, KEY, SALT);
        once.build();
        assertThrows(IllegalStateException.class, once::build, "a second build would key with the wiped copy");
        assertEquals("REPLAYED", SrtpStatus.name(SrtpStatus.REPLAYED));
        assertEquals("OK", SrtpStatus.name(52));
    }
}
