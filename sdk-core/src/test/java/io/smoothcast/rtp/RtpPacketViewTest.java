package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RtpPacketViewTest {

    private final RtpPacketView view = new RtpPacketView();

    @Test
    void wrap_handWrittenPacket_readsEveryField() {
        // V=2 P=0 X=0 CC=2, M=1 PT=96, seq 0x1234, ts 0xDEADBEEF, ssrc 0x01020304, 2 CSRCs, payload "abc".
        byte[] packet = Hex.bytes("82 E0 1234 DEADBEEF 01020304 0A0B0C0D 11121314 616263");
        assertEquals(ParseStatus.OK, view.wrap(packet, 0, packet.length));
        assertEquals(2, view.version());
        assertTrue(view.marker());
        assertEquals(96, view.payloadType());
        assertEquals(0x1234, view.sequenceNumber());
        assertEquals(0xDEADBEEF, view.timestamp());
        assertEquals(0x01020304, view.ssrc());
        assertEquals(2, view.csrcCount());
        assertEquals(0x0A0B0C0D, view.csrc(0));
        assertEquals(0x11121314, view.csrc(1));
        assertEquals(20, view.headerLength());
        assertEquals(20, view.payloadOffset());
        assertEquals(3, view.payloadLength());
        assertEquals(RtpPacketView.NO_EXTENSION, view.extensionProfile());
        assertEquals(RtpPacketView.NOT_FOUND, view.extensionOffset(1));
        assertThrows(IllegalArgumentException.class, () -> view.csrc(2));
    }

    @Test
    void wrap_oneByteExtensions_findsElementsSkipsPaddingBytes() {
        // X=1; profile BEDE, 4 words: id 5 len 2 (tw seq 0x0102), a padding byte, id 6 len 8 (NTP),
        // 3 padding bytes; then a 1-byte payload.
        byte[] packet = Hex.bytes("90 60 0001 00000002 00000003 BEDE 0004 51 0102 00 67 1122334455667788 000000 FF");
        assertEquals(ParseStatus.OK, view.wrap(packet, 0, packet.length));
        assertEquals(RtpPacketView.ONE_BYTE_EXTENSION_PROFILE, view.extensionProfile());
        assertEquals(2, view.extensionElementCount());
        assertEquals(0x0102, view.transportSequenceNumber(5));
        assertEquals(0x1122334455667788L, view.absoluteCaptureTimeNtp(6));
        assertEquals(2, view.extensionLength(5));
        assertEquals(17, view.extensionOffset(5));
        assertEquals(RtpPacketView.NOT_FOUND, view.extensionOffset(7));
        assertEquals(NtpTime.UNKNOWN, view.absoluteCaptureTimeNtp(5), "wrong length is not a capture time");
        assertEquals(1, view.payloadLength());
    }

    @Test
    void wrap_twoByteExtensions_findsElementsIncludingEmptyAndHighIds() {
        // profile 0x1003 (appbits 3), 2 words: id 200 len 0, id 5 len 2 (0xABCD), padding.
        byte[] packet = Hex.bytes("90 60 0001 00000002 00000003 1003 0002 C8 00 05 02 ABCD 0000");
        assertEquals(ParseStatus.OK, view.wrap(packet, 0, packet.length));
        assertEquals(RtpPacketView.TWO_BYTE_EXTENSION_PROFILE, view.extensionProfile());
        assertEquals(2, view.extensionElementCount());
        assertEquals(0, view.extensionLength(200));
        assertEquals(0xABCD, view.transportSequenceNumber(5));
        assertEquals(0, view.payloadLength());
    }

    @Test
    void wrap_oneByteId15_endsProcessingButKeepsEarlierElements() {
        byte[] packet = Hex.bytes("90 60 0001 00000002 00000003 BEDE 0001 10 AA F0 BB");
        assertEquals(ParseStatus.OK, view.wrap(packet, 0, packet.length));
        assertEquals(1, view.extensionElementCount());
        assertEquals(1, view.extensionLength(1));
    }

    @Test
    void wrap_unknownExtensionProfile_exposesRawBlockButNoElements() {
        byte[] packet = Hex.bytes("90 60 0001 00000002 00000003 ABAC 0001 51020304");
        assertEquals(ParseStatus.OK, view.wrap(packet, 0, packet.length));
        assertEquals(0xABAC, view.extensionProfile());
        assertEquals(16, view.extensionDataOffset());
        assertEquals(4, view.extensionDataLength());
        assertEquals(RtpPacketView.NOT_FOUND, view.transportSequenceNumber(5));
    }

    @Test
    void wrap_padding_excludedFromPayload() {
        byte[] packet = Hex.bytes("A0 60 0001 00000002 00000003 6162 000003");
        assertEquals(ParseStatus.OK, view.wrap(packet, 0, packet.length));
        assertEquals(3, view.paddingLength());
        assertEquals(2, view.payloadLength());
    }

    @Test
    void wrap_atOffsetInsideLargerBuffer() {
        byte[] packet = Hex.bytes("FFFF 80 08 0007 00000001 00000002 99 FFFF");
        assertEquals(ParseStatus.OK, view.wrap(packet, 2, 13));
        assertEquals(7, view.sequenceNumber());
        assertEquals(14, view.payloadOffset());
        assertEquals(1, view.payloadLength());
    }

    // ---- Bad input: one test per hostile case of the issue ----

    @Test
    void hostile_wrongVersion_isBadVersion() {
        byte[] packet = Hex.bytes("40 60 0001 00000002 00000003");
        assertEquals(ParseStatus.BAD_VERSION, view.wrap(packet, 0, packet.length));
        packet[0] = (byte) 0xC0;
        assertEquals(ParseStatus.BAD_VERSION, view.wrap(packet, 0, packet.length));
    }

    @Test
    void hostile_truncatedFixedHeader_isTruncatedHeader() {
        byte[] packet = Hex.bytes("80 60 0001 00000002 000000");
        assertEquals(ParseStatus.TRUNCATED_HEADER, view.wrap(packet, 0, packet.length));
        assertEquals(ParseStatus.TRUNCATED_HEADER, view.wrap(packet, 0, 0));
    }

    @Test
    void hostile_csrcCountBeyondDatagram_isCsrcOverrun() {
        // CC=15 but only one CSRC word follows.
        byte[] packet = Hex.bytes("8F 60 0001 00000002 00000003 00000004");
        assertEquals(ParseStatus.CSRC_OVERRUN, view.wrap(packet, 0, packet.length));
    }

    @Test
    void hostile_paddingLengthBeyondPayload_isPaddingOverrun() {
        // 2 bytes after the header, the last one claims 200 bytes of padding.
        byte[] packet = Hex.bytes("A0 60 0001 00000002 00000003 00C8");
        assertEquals(ParseStatus.PADDING_OVERRUN, view.wrap(packet, 0, packet.length));
        // Padding that would eat into the header extension.
        byte[] intoExtension = Hex.bytes("B0 60 0001 00000002 00000003 BEDE 0001 10AA0000 03");
        assertEquals(ParseStatus.PADDING_OVERRUN, view.wrap(intoExtension, 0, intoExtension.length));
    }

    @Test
    void hostile_zeroPaddingCount_isPaddingOverrun() {
        byte[] packet = Hex.bytes("A0 60 0001 00000002 00000003 6100");
        assertEquals(ParseStatus.PADDING_OVERRUN, view.wrap(packet, 0, packet.length));
    }

    @Test
    void hostile_extensionLengthBeyondDatagram_isExtensionOverrun() {
        // Declares 0xFFFF words of extension data; 4 bytes present.
        byte[] packet = Hex.bytes("90 60 0001 00000002 00000003 BEDE FFFF 10AA0000");
        assertEquals(ParseStatus.EXTENSION_OVERRUN, view.wrap(packet, 0, packet.length));
        // Extension bit set but not even the 4-byte extension header is there.
        byte[] noHeader = Hex.bytes("90 60 0001 00000002 00000003 BE");
        assertEquals(ParseStatus.EXTENSION_OVERRUN, view.wrap(noHeader, 0, noHeader.length));
    }

    @Test
    void hostile_extensionElementBeyondBlock_isElementOverrun() {
        // One-byte element id 1 claims 16 bytes inside a 4-byte block.
        byte[] oneByte = Hex.bytes("90 60 0001 00000002 00000003 BEDE 0001 1F AABBCC");
        assertEquals(ParseStatus.EXTENSION_ELEMENT_OVERRUN, view.wrap(oneByte, 0, oneByte.length));
        // Two-byte element claims 200 bytes.
        byte[] twoByte = Hex.bytes("90 60 0001 00000002 00000003 1000 0001 05 C8 AABB");
        assertEquals(ParseStatus.EXTENSION_ELEMENT_OVERRUN, view.wrap(twoByte, 0, twoByte.length));
        // Two-byte element header cut by the end of the block.
        byte[] cutHeader = Hex.bytes("90 60 0001 00000002 00000003 1000 0001 0000 0005");
        assertEquals(ParseStatus.EXTENSION_ELEMENT_OVERRUN, view.wrap(cutHeader, 0, cutHeader.length));
    }

    @Test
    void failedWrap_lookupsReportNothing() {
        byte[] good = Hex.bytes("90 60 0001 00000002 00000003 BEDE 0001 51 0102 00");
        assertEquals(ParseStatus.OK, view.wrap(good, 0, good.length));
        byte[] bad = Hex.bytes("8F 60 0001 00000002 00000003");
        assertEquals(ParseStatus.CSRC_OVERRUN, view.wrap(bad, 0, bad.length));
        assertEquals(ParseStatus.CSRC_OVERRUN, view.status());
        assertEquals(RtpPacketView.NOT_FOUND, view.transportSequenceNumber(5));
        assertFalse(view.extensionProfile() == RtpPacketView.ONE_BYTE_EXTENSION_PROFILE);
    }

    @Test
    void wrap_regionOutsideBuffer_isRejectedAsProgrammingError() {
        byte[] packet = new byte[12];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> view.wrap(packet, 4, 12));
        assertTrue(e.getMessage().contains("length"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> view.wrap(null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> view.wrap(packet, -1, 1));
    }
}
