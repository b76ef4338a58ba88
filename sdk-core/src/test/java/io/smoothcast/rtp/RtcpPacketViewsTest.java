package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Hand-written bytes for every RTCP view, and the hostile cases each view must report. */
class RtcpPacketViewsTest {

    @Test
    void senderReport_readsSenderInfoAndBlocks() {
        byte[] sr = Hex.bytes("81 C8 000C 00000001 E1234567 89ABCDEF 00001000 0000000A 00000BB8"
            + " 00000002 40 FFFFFE 0001FFFF 00000020 12345678 00010000");
        RtcpReportView view = new RtcpReportView();
        assertEquals(ParseStatus.OK, view.wrap(sr, 0, sr.length));
        assertTrue(view.isSenderReport());
        assertEquals(1, view.ssrc());
        assertEquals(0xE123456789ABCDEFL, view.ntpTimestamp());
        assertEquals(0x1000, view.rtpTimestamp());
        assertEquals(10, view.senderPacketCount());
        assertEquals(3000, view.senderOctetCount());
        assertEquals(1, view.reportCount());
        assertEquals(2, view.reportSsrc(0));
        assertEquals(0x40, view.fractionLost(0));
        assertEquals(-2, view.cumulativeLost(0));
        assertEquals(0x1FFFFL, view.extendedHighestSequence(0));
        assertEquals(32, view.interarrivalJitter(0));
        assertEquals(0x12345678, view.lastSr(0));
        assertEquals(0x10000, view.delaySinceLastSr(0));
        assertThrows(IllegalArgumentException.class, () -> view.reportSsrc(1));
    }

    @Test
    void hostile_reportCountBeyondPacket_isCountOverrun() {
        // RR claiming 3 blocks with room for none.
        byte[] rr = Hex.bytes("83 C9 0001 00000001");
        assertEquals(ParseStatus.COUNT_OVERRUN, new RtcpReportView().wrap(rr, 0, rr.length));
        // SR too short for its sender info.
        byte[] sr = Hex.bytes("80 C8 0002 00000001 00000000");
        assertEquals(ParseStatus.TRUNCATED_PACKET, new RtcpReportView().wrap(sr, 0, sr.length));
    }

    @Test
    void sdes_iteratesChunksAndItems() {
        // 2 chunks: SSRC 1 with CNAME "ab" and NAME "c"; SSRC 2 with CNAME "xyz".
        byte[] sdes = Hex.bytes("82 CA 0006 00000001 01 02 6162 02 01 63 00 00000002 01 03 78797A 00 0000");
        RtcpSdesView view = new RtcpSdesView();
        assertEquals(ParseStatus.OK, view.wrap(sdes, 0, sdes.length));
        assertEquals(2, view.chunkCount());
        assertTrue(view.nextChunk());
        assertEquals(1, view.chunkSsrc());
        assertTrue(view.nextItem());
        assertEquals(RtcpSdesView.ITEM_CNAME, view.itemType());
        assertEquals("ab", view.itemText());
        assertTrue(view.nextItem());
        assertEquals(2, view.itemType());
        assertEquals("c", view.itemText());
        assertFalse(view.nextItem());
        assertTrue(view.nextChunk());
        assertEquals(2, view.chunkSsrc());
        assertTrue(view.nextItem());
        assertEquals("xyz", new String(sdes, view.itemOffset(), view.itemLength(), StandardCharsets.US_ASCII));
        assertFalse(view.nextItem());
        assertFalse(view.nextChunk());
    }

    @Test
    void hostile_sdesItemBeyondPacket_isItemOverrun() {
        byte[] sdes = Hex.bytes("81 CA 0002 00000001 01 40 6162");
        assertEquals(ParseStatus.SDES_ITEM_OVERRUN, new RtcpSdesView().wrap(sdes, 0, sdes.length));
        // Chunk without its terminating null octet.
        byte[] unterminated = Hex.bytes("81 CA 0002 00000001 01 02 6162");
        assertEquals(ParseStatus.SDES_ITEM_OVERRUN, new RtcpSdesView().wrap(unterminated, 0, unterminated.length));
        // Source count 3, one chunk present.
        byte[] missingChunks = Hex.bytes("83 CA 0002 00000001 01 01 61 00");
        assertEquals(ParseStatus.COUNT_OVERRUN, new RtcpSdesView().wrap(missingChunks, 0, missingChunks.length));
    }

    @Test
    void bye_readsSourcesAndReason() {
        byte[] bye = Hex.bytes("82 CB 0004 00000001 00000002 04 62796521 000000");
        RtcpByeView view = new RtcpByeView();
        assertEquals(ParseStatus.OK, view.wrap(bye, 0, bye.length));
        assertEquals(2, view.ssrcCount());
        assertEquals(2, view.ssrc(1));
        assertEquals("bye!", new String(bye, view.reasonOffset(), view.reasonLength(), StandardCharsets.US_ASCII));
        byte[] noReason = Hex.bytes("81 CB 0001 00000009");
        assertEquals(ParseStatus.OK, view.wrap(noReason, 0, noReason.length));
        assertEquals(-1, view.reasonOffset());
    }

    @Test
    void hostile_byeReasonOrSourcesBeyondPacket_areReported() {
        byte[] reason = Hex.bytes("81 CB 0002 00000001 20 616263");
        assertEquals(ParseStatus.REASON_OVERRUN, new RtcpByeView().wrap(reason, 0, reason.length));
        byte[] sources = Hex.bytes("85 CB 0001 00000001");
        assertEquals(ParseStatus.COUNT_OVERRUN, new RtcpByeView().wrap(sources, 0, sources.length));
    }

    @Test
    void app_readsNameAndData() {
        byte[] app = Hex.bytes("85 CC 0003 00000007 534D4353 01020304");
        RtcpAppView view = new RtcpAppView();
        assertEquals(ParseStatus.OK, view.wrap(app, 0, app.length));
        assertEquals(5, view.subtype());
        assertEquals(7, view.ssrc());
        assertEquals(0x534D4353, view.name());
        assertEquals(12, view.dataOffset());
        assertEquals(4, view.dataLength());
        byte[] truncated = Hex.bytes("85 CC 0001 00000007");
        assertEquals(ParseStatus.TRUNCATED_PACKET, view.wrap(truncated, 0, truncated.length));
    }

    @Test
    void nack_readsEntries() {
        byte[] nack = Hex.bytes("81 CD 0004 00000001 00000002 000A 8001 FFFF 0000");
        RtcpNackView view = new RtcpNackView();
        assertEquals(ParseStatus.OK, view.wrap(nack, 0, nack.length));
        assertEquals(1, view.senderSsrc());
        assertEquals(2, view.mediaSsrc());
        assertEquals(2, view.entryCount());
        assertEquals(10, view.packetId(0));
        assertEquals(0x8001, view.lostBitmask(0));
        assertEquals(0xFFFF, view.packetId(1));
    }

    @Test
    void hostile_nackWithZeroFci_isEmptyFci() {
        byte[] nack = Hex.bytes("81 CD 0002 00000001 00000002");
        assertEquals(ParseStatus.EMPTY_FCI, new RtcpNackView().wrap(nack, 0, nack.length));
        byte[] noMediaSsrc = Hex.bytes("81 CD 0001 00000001");
        assertEquals(ParseStatus.TRUNCATED_PACKET, new RtcpNackView().wrap(noMediaSsrc, 0, noMediaSsrc.length));
    }

    @Test
    void pli_andFir_readTheirSsrcs() {
        byte[] pli = Hex.bytes("81 CE 0002 00000001 00000002");
        RtcpPliView pliView = new RtcpPliView();
        assertEquals(ParseStatus.OK, pliView.wrap(pli, 0, pli.length));
        assertEquals(1, pliView.senderSsrc());
        assertEquals(2, pliView.mediaSsrc());
        byte[] shortPli = Hex.bytes("81 CE 0001 00000001");
        assertEquals(ParseStatus.TRUNCATED_PACKET, pliView.wrap(shortPli, 0, shortPli.length));

        byte[] fir = Hex.bytes("84 CE 0004 00000001 00000000 00000005 07000000");
        RtcpFirView firView = new RtcpFirView();
        assertEquals(ParseStatus.OK, firView.wrap(fir, 0, fir.length));
        assertEquals(1, firView.entryCount());
        assertEquals(5, firView.ssrc(0));
        assertEquals(7, firView.commandSequenceNumber(0));
        byte[] emptyFir = Hex.bytes("84 CE 0002 00000001 00000000");
        assertEquals(ParseStatus.EMPTY_FCI, firView.wrap(emptyFir, 0, emptyFir.length));
    }

    @Test
    void hostile_viewGivenAnotherPacketType_isWrongPacketType() {
        byte[] pli = Hex.bytes("81 CE 0002 00000001 00000002");
        assertEquals(ParseStatus.WRONG_PACKET_TYPE, new RtcpNackView().wrap(pli, 0, pli.length));
        assertEquals(ParseStatus.WRONG_PACKET_TYPE, new RtcpFirView().wrap(pli, 0, pli.length));
        assertEquals(ParseStatus.WRONG_PACKET_TYPE, new RtcpReportView().wrap(pli, 0, pli.length));
        assertEquals(ParseStatus.WRONG_PACKET_TYPE, new TransportCcFeedbackView().wrap(pli, 0, pli.length));
        assertEquals(ParseStatus.WRONG_PACKET_TYPE, new RtcpSdesView().wrap(pli, 0, pli.length));
        assertEquals(ParseStatus.WRONG_PACKET_TYPE, new RtcpByeView().wrap(pli, 0, pli.length));
        assertEquals(ParseStatus.WRONG_PACKET_TYPE, new RtcpAppView().wrap(pli, 0, pli.length));
    }

    @Test
    void hostile_viewLengthFieldBeyondGivenBytes_isLengthOverrun() {
        byte[] nack = Hex.bytes("81 CD 0009 00000001 00000002 000A 0000");
        assertEquals(ParseStatus.LENGTH_OVERRUN, new RtcpNackView().wrap(nack, 0, nack.length));
    }
}
