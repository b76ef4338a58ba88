package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RtcpCompoundReaderTest {

    // RR from SSRC 1 with no block; XR (type 207, unknown to us) of 2 words; NACK PID 10 BLP 0x0003.
    private static final String RR = "80 C9 0001 00000001";
    private static final String XR = "80 CF 0002 00000001 AABBCCDD";
    private static final String NACK = "81 CD 0003 00000001 00000002 000A 0003";

    private final RtcpCompoundReader reader = new RtcpCompoundReader();

    @Test
    void next_walksEveryPacketOfACompound() {
        byte[] compound = Hex.bytes(RR + NACK);
        assertEquals(ParseStatus.OK, reader.wrap(compound, 0, compound.length));
        assertTrue(reader.next());
        assertEquals(RtcpPacketType.RECEIVER_REPORT, reader.packetType());
        assertEquals(0, reader.format());
        assertEquals(0, reader.packetOffset());
        assertEquals(8, reader.packetLength());
        assertTrue(reader.next());
        assertEquals(RtcpPacketType.TRANSPORT_FEEDBACK, reader.packetType());
        assertEquals(RtcpPacketType.FMT_GENERIC_NACK, reader.format());
        assertEquals(8, reader.packetOffset());
        assertEquals(16, reader.packetLength());
        assertFalse(reader.next());
        assertEquals(ParseStatus.OK, reader.status());
        assertEquals(2, reader.packetCount());
    }

    @Test
    void hostile_unknownPacketType_isSkippedAndTheRestIsRead() {
        byte[] compound = Hex.bytes(RR + XR + NACK);
        reader.wrap(compound, 0, compound.length);
        assertTrue(reader.next());
        assertEquals(RtcpPacketType.RECEIVER_REPORT, reader.packetType());
        assertTrue(reader.next());
        assertEquals(RtcpPacketType.TRANSPORT_FEEDBACK, reader.packetType());
        RtcpNackView nack = new RtcpNackView();
        assertEquals(ParseStatus.OK, nack.wrap(reader.buffer(), reader.packetOffset(), reader.packetLength()));
        assertEquals(10, nack.packetId(0));
        assertFalse(reader.next());
        assertEquals(ParseStatus.OK, reader.status());
        assertEquals(1, reader.skippedPacketCount());
    }

    @Test
    void hostile_lengthFieldBeyondDatagram_stopsWithLengthOverrunAfterEarlierPackets() {
        // Second packet claims 0x0100 words.
        byte[] compound = Hex.bytes(RR + "81 CD 0100 00000001 00000002 000A 0003");
        reader.wrap(compound, 0, compound.length);
        assertTrue(reader.next());
        assertFalse(reader.next());
        assertEquals(ParseStatus.LENGTH_OVERRUN, reader.status());
        assertFalse(reader.next(), "stays stopped");
    }

    @Test
    void hostile_wrongVersionInsideCompound_stopsWithBadVersion() {
        byte[] compound = Hex.bytes(RR + "41 CD 0003 00000001 00000002 000A 0003");
        reader.wrap(compound, 0, compound.length);
        assertTrue(reader.next());
        assertFalse(reader.next());
        assertEquals(ParseStatus.BAD_VERSION, reader.status());

        byte[] first = Hex.bytes("00 C9 0001 00000001");
        assertEquals(ParseStatus.BAD_VERSION, reader.wrap(first, 0, first.length));
        assertFalse(reader.next());
    }

    @Test
    void hostile_trailingBytesShorterThanAHeader_areTruncatedHeader() {
        byte[] compound = Hex.bytes(RR + "80 C9 00");
        reader.wrap(compound, 0, compound.length);
        assertTrue(reader.next());
        assertFalse(reader.next());
        assertEquals(ParseStatus.TRUNCATED_HEADER, reader.status());
        assertEquals(ParseStatus.TRUNCATED_HEADER, reader.wrap(compound, 0, 2));
        assertFalse(reader.next());
    }

    @Test
    void hostile_paddingCountBeyondPacket_isPaddingOverrun() {
        byte[] compound = Hex.bytes("A0 C9 0001 000000 09");
        reader.wrap(compound, 0, compound.length);
        assertFalse(reader.next());
        assertEquals(ParseStatus.PADDING_OVERRUN, reader.status());
    }

    @Test
    void padding_isExcludedFromContent() {
        byte[] compound = Hex.bytes("A0 C9 0002 00000001 00000004");
        reader.wrap(compound, 0, compound.length);
        assertTrue(reader.next());
        assertEquals(12, reader.packetLength());
        assertEquals(8, reader.contentLength());
    }

    @Test
    void isRtcp_separatesRtcpFromRtpOnOnePort() {
        byte[] rtcp = Hex.bytes(RR);
        byte[] rtp = Hex.bytes("80 60 0001 00000002 00000003");
        byte[] rtpWithMarkerPt96 = Hex.bytes("80 E0 0001 00000002 00000003");
        assertTrue(RtcpCompoundReader.isRtcp(rtcp, 0, rtcp.length));
        assertFalse(RtcpCompoundReader.isRtcp(rtp, 0, rtp.length));
        assertFalse(RtcpCompoundReader.isRtcp(rtpWithMarkerPt96, 0, rtpWithMarkerPt96.length));
        assertFalse(RtcpCompoundReader.isRtcp(rtcp, 0, 3));
    }
}
