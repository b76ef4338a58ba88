package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Property: random compound packets built from every RTCP writer read back, through the compound
 * reader and the typed views, to exactly what was written.
 */
class RtcpRoundTripTest {

    private static final long SEED = 0xC0FFEE_2026L;
    private static final int CASES = 3000;

    /** Checks one packet of the compound at the reader's position. */
    private interface Expectation {
        void check(RtcpCompoundReader reader, String where);
    }

    private final RtcpReportWriter reportWriter = new RtcpReportWriter();
    private final TransportCcFeedbackWriter feedbackWriter = new TransportCcFeedbackWriter(300);
    private final RtcpReportView reportView = new RtcpReportView();
    private final RtcpSdesView sdesView = new RtcpSdesView();
    private final RtcpByeView byeView = new RtcpByeView();
    private final RtcpAppView appView = new RtcpAppView();
    private final RtcpNackView nackView = new RtcpNackView();
    private final RtcpPliView pliView = new RtcpPliView();
    private final RtcpFirView firView = new RtcpFirView();
    private final TransportCcFeedbackView feedbackView = new TransportCcFeedbackView();

    @Test
    void roundTrip_randomCompoundPackets_readBackEqual() {
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] out = new byte[16384];
        RtcpCompoundReader reader = new RtcpCompoundReader();
        for (int c = 0; c < CASES; c++) {
            String where = "seed " + SEED + " case " + c;
            List<Expectation> expectations = new ArrayList<>();
            int start = random.nextInt(4);
            int p = start;
            int packets = 1 + random.nextInt(8);
            for (int i = 0; i < packets; i++) {
                int length = writeRandomPacket(random, out, p, expectations);
                assertTrue(length > 0 && length % 4 == 0, where);
                p += length;
            }
            assertEquals(ParseStatus.OK, reader.wrap(out, start, p - start), where);
            for (int i = 0; i < expectations.size(); i++) {
                assertTrue(reader.next(), where + " packet " + i);
                expectations.get(i).check(reader, where + " packet " + i);
            }
            assertFalse(reader.next(), where);
            assertEquals(ParseStatus.OK, reader.status(), where);
        }
    }

    private int writeRandomPacket(SplittableRandom random, byte[] out, int at, List<Expectation> expectations) {
        int capacity = out.length - at;
        switch (random.nextInt(9)) {
            case 0:
            case 1: {
                boolean sr = random.nextBoolean();
                int ssrc = random.nextInt();
                long ntp = random.nextLong();
                int rtpTs = random.nextInt();
                long packets = random.nextLong(1L << 32);
                long octets = random.nextLong(1L << 32);
                if (sr) {
                    reportWriter.startSenderReport(ssrc, ntp, rtpTs, packets, octets);
                } else {
                    reportWriter.startReceiverReport(ssrc);
                }
                int blocks = random.nextInt(32);
                int[][] fields = new int[blocks][];
                for (int b = 0; b < blocks; b++) {
                    fields[b] = new int[] {random.nextInt(), random.nextInt(256),
                        random.nextInt(-0x800000, 0x800000), random.nextInt(), random.nextInt(),
                        random.nextInt(), random.nextInt()};
                    int[] f = fields[b];
                    reportWriter.addReportBlock(f[0], f[1], f[2], f[3] & 0xFFFFFFFFL, f[4] & 0xFFFFFFFFL, f[5], f[6]);
                }
                expectations.add((r, where) -> {
                    assertEquals(sr ? RtcpPacketType.SENDER_REPORT : RtcpPacketType.RECEIVER_REPORT, r.packetType(), where);
                    assertEquals(ParseStatus.OK, reportView.wrap(r.buffer(), r.packetOffset(), r.packetLength()), where);
                    assertEquals(sr, reportView.isSenderReport(), where);
                    assertEquals(ssrc, reportView.ssrc(), where);
                    if (sr) {
                        assertEquals(ntp, reportView.ntpTimestamp(), where);
                        assertEquals(rtpTs, reportView.rtpTimestamp(), where);
                        assertEquals(packets, reportView.senderPacketCount(), where);
                        assertEquals(octets, reportView.senderOctetCount(), where);
                    }
                    assertEquals(blocks, reportView.reportCount(), where);
                    for (int b = 0; b < blocks; b++) {
                        int[] f = fields[b];
                        assertEquals(f[0], reportView.reportSsrc(b), where);
                        assertEquals(f[1], reportView.fractionLost(b), where);
                        assertEquals(f[2], reportView.cumulativeLost(b), where);
                        assertEquals(f[3] & 0xFFFFFFFFL, reportView.extendedHighestSequence(b), where);
                        assertEquals(f[4] & 0xFFFFFFFFL, reportView.interarrivalJitter(b), where);
                        assertEquals(f[5], reportView.lastSr(b), where);
                        assertEquals(f[6], reportView.delaySinceLastSr(b), where);
                    }
                });
                return reportWriter.write(out, at, capacity);
            }
            case 2: {
                int ssrc = random.nextInt();
                byte[] cname = new byte[1 + random.nextInt(255)];
                random.nextBytes(cname);
                expectations.add((r, where) -> {
                    assertEquals(ParseStatus.OK, sdesView.wrap(r.buffer(), r.packetOffset(), r.packetLength()), where);
                    assertTrue(sdesView.nextChunk(), where);
                    assertEquals(ssrc, sdesView.chunkSsrc(), where);
                    assertTrue(sdesView.nextItem(), where);
                    assertEquals(RtcpSdesView.ITEM_CNAME, sdesView.itemType(), where);
                    assertArrayEquals(cname, Arrays.copyOfRange(r.buffer(), sdesView.itemOffset(),
                        sdesView.itemOffset() + sdesView.itemLength()), where);
                    assertFalse(sdesView.nextItem(), where);
                    assertFalse(sdesView.nextChunk(), where);
                });
                return RtcpWriter.writeSdesCname(out, at, capacity, ssrc, cname, 0, cname.length);
            }
            case 3: {
                int[] ssrcs = random.ints(random.nextInt(32)).toArray();
                byte[] reason = random.nextBoolean() ? null : new byte[random.nextInt(256)];
                if (reason != null) {
                    random.nextBytes(reason);
                }
                expectations.add((r, where) -> {
                    assertEquals(ParseStatus.OK, byeView.wrap(r.buffer(), r.packetOffset(), r.packetLength()), where);
                    assertEquals(ssrcs.length, byeView.ssrcCount(), where);
                    for (int i = 0; i < ssrcs.length; i++) {
                        assertEquals(ssrcs[i], byeView.ssrc(i), where);
                    }
                    if (reason == null) {
                        assertEquals(-1, byeView.reasonOffset(), where);
                    } else {
                        assertArrayEquals(reason, Arrays.copyOfRange(r.buffer(), byeView.reasonOffset(),
                            byeView.reasonOffset() + byeView.reasonLength()), where);
                    }
                });
                return RtcpWriter.writeBye(out, at, capacity, ssrcs, ssrcs.length, reason, 0,
                    reason == null ? 0 : reason.length);
            }
            case 4: {
                int subtype = random.nextInt(32);
                int ssrc = random.nextInt();
                int name = random.nextInt();
                byte[] data = new byte[4 * random.nextInt(20)];
                random.nextBytes(data);
                expectations.add((r, where) -> {
                    assertEquals(ParseStatus.OK, appView.wrap(r.buffer(), r.packetOffset(), r.packetLength()), where);
                    assertEquals(subtype, appView.subtype(), where);
                    assertEquals(ssrc, appView.ssrc(), where);
                    assertEquals(name, appView.name(), where);
                    assertArrayEquals(data, Arrays.copyOfRange(r.buffer(), appView.dataOffset(),
                        appView.dataOffset() + appView.dataLength()), where);
                });
                return RtcpWriter.writeApp(out, at, capacity, subtype, ssrc, name, data, 0, data.length);
            }
            case 5: {
                int sender = random.nextInt();
                int media = random.nextInt();
                TreeSet<Integer> lost = new TreeSet<>();
                int first = random.nextInt(65536);
                int count = 1 + random.nextInt(60);
                int seq = first;
                for (int i = 0; i < count; i++) {
                    lost.add(seq & 0xFFFF);
                    seq += 1 + (random.nextInt(4) == 0 ? random.nextInt(40) : 0);
                }
                // In sending order, across a possible wrap.
                int[] lostInOrder = new int[lost.size()];
                for (int i = 0, s = first; i < lostInOrder.length; s++) {
                    if (lost.contains(s & 0xFFFF)) {
                        lostInOrder[i++] = s & 0xFFFF;
                    }
                }
                expectations.add((r, where) -> {
                    assertEquals(ParseStatus.OK, nackView.wrap(r.buffer(), r.packetOffset(), r.packetLength()), where);
                    assertEquals(sender, nackView.senderSsrc(), where);
                    assertEquals(media, nackView.mediaSsrc(), where);
                    TreeSet<Integer> reported = new TreeSet<>();
                    for (int e = 0; e < nackView.entryCount(); e++) {
                        int pid = nackView.packetId(e);
                        reported.add(pid);
                        for (int bit = 0; bit < 16; bit++) {
                            if ((nackView.lostBitmask(e) & (1 << bit)) != 0) {
                                reported.add((pid + bit + 1) & 0xFFFF);
                            }
                        }
                    }
                    assertEquals(lost, reported, where);
                });
                return NackWriter.writeLost(out, at, capacity, sender, media, lostInOrder, lostInOrder.length);
            }
            case 6: {
                int sender = random.nextInt();
                int media = random.nextInt();
                expectations.add((r, where) -> {
                    assertEquals(ParseStatus.OK, pliView.wrap(r.buffer(), r.packetOffset(), r.packetLength()), where);
                    assertEquals(sender, pliView.senderSsrc(), where);
                    assertEquals(media, pliView.mediaSsrc(), where);
                });
                return RtcpWriter.writePli(out, at, capacity, sender, media);
            }
            case 7: {
                int sender = random.nextInt();
                int entries = 1 + random.nextInt(5);
                int[] ssrcs = random.ints(entries).toArray();
                int[] seqNrs = random.ints(entries, 0, 256).toArray();
                expectations.add((r, where) -> {
                    assertEquals(ParseStatus.OK, firView.wrap(r.buffer(), r.packetOffset(), r.packetLength()), where);
                    assertEquals(sender, firView.senderSsrc(), where);
                    assertEquals(entries, firView.entryCount(), where);
                    for (int i = 0; i < entries; i++) {
                        assertEquals(ssrcs[i], firView.ssrc(i), where);
                        assertEquals(seqNrs[i], firView.commandSequenceNumber(i), where);
                    }
                });
                return RtcpWriter.writeFir(out, at, capacity, sender, ssrcs, seqNrs, entries);
            }
            default: {
                int base = random.nextInt(65536);
                int count = 1 + random.nextInt(300);
                boolean[] received = new boolean[count];
                feedbackWriter.reset(random.nextInt(), random.nextInt(), base, random.nextInt(256));
                long now = random.nextLong(1L << 30);
                for (int i = 0; i < count; i++) {
                    received[i] = random.nextInt(4) != 0;
                    if (received[i]) {
                        now += random.nextInt(8) == 0 ? 100_000 : random.nextInt(3000);
                        feedbackWriter.addReceived(now);
                    } else {
                        feedbackWriter.addLost();
                    }
                }
                expectations.add((r, where) -> {
                    assertEquals(ParseStatus.OK, feedbackView.wrap(r.buffer(), r.packetOffset(), r.packetLength()), where);
                    assertEquals(base, feedbackView.baseSequenceNumber(), where);
                    assertEquals(count, feedbackView.packetStatusCount(), where);
                    for (int i = 0; i < count; i++) {
                        assertTrue(feedbackView.nextPacket(), where);
                        assertEquals(received[i], feedbackView.packetReceived(), where);
                    }
                    assertFalse(feedbackView.nextPacket(), where);
                });
                return feedbackWriter.write(out, at, capacity);
            }
        }
    }
}
