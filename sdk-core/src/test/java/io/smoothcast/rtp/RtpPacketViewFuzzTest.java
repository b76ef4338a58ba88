package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Arrays;

/**
 * Fuzzes {@link RtpPacketView}. Oracle: {@code wrap} returns a status for any bytes (no
 * exception); after {@code OK} every getter stays inside the packet; and writing the parsed
 * fields back with {@link RtpPacketWriter} gives a packet that parses to the same fields.
 *
 * <p>{@code mvn test} replays the seeds in {@code RtpPacketViewFuzzTestInputs/}; {@code .ci/fuzz}
 * runs it in fuzzing mode.
 */
class RtpPacketViewFuzzTest {

    /** RFC 8285 ids run from 1 (one-byte form: to 14) to 255 (two-byte form). */
    private static final int MAX_ID = 255;

    @FuzzTest(maxDuration = "30s")
    void wrap(byte[] data) {
        if (data == null) {
            return;
        }
        RtpPacketView view = new RtpPacketView();
        int status = view.wrap(data, 0, data.length);
        if (status != ParseStatus.OK) {
            assertTrue(status < 0 && !"UNKNOWN".equals(ParseStatus.name(status)), "undocumented status " + status);
            return;
        }
        checkBounds(view);
        Fields original = Fields.of(view);
        if (!original.writable) {
            return;
        }
        byte[] written = new byte[data.length + 64];
        int length = original.writeTo(written);
        assertTrue(length > 0, "writer refused parsed fields");
        RtpPacketView again = new RtpPacketView();
        assertEquals(ParseStatus.OK, again.wrap(written, 0, length));
        Fields reparsed = Fields.of(again);
        original.assertSame(reparsed);
    }

    private static void checkBounds(RtpPacketView view) {
        int end = view.offset() + view.length();
        assertEquals(end, view.payloadOffset() + view.payloadLength() + view.paddingLength());
        assertTrue(view.headerLength() >= RtpPacketView.FIXED_HEADER_LENGTH);
        assertTrue(view.payloadLength() >= 0);
        for (int i = 0; i < view.csrcCount(); i++) {
            view.csrc(i);
        }
        int extensionEnd = view.extensionDataOffset() + view.extensionDataLength();
        for (int id = 1; id <= MAX_ID; id++) {
            int at = view.extensionOffset(id);
            if (at != RtpPacketView.NOT_FOUND) {
                assertTrue(at >= view.extensionDataOffset() && at + view.extensionLength(id) <= extensionEnd,
                    "extension " + id + " outside its block");
            }
            view.transportSequenceNumber(id);
            view.absoluteCaptureTimeNtp(id);
        }
    }

    /** The fields a writer can reproduce. */
    private static final class Fields {
        boolean writable = true;
        boolean marker;
        int payloadType;
        int sequenceNumber;
        int timestamp;
        int ssrc;
        int[] csrcs;
        boolean twoByte;
        int[] ids = new int[0];
        byte[][] data = new byte[0][];
        byte[] payload;
        int padding;

        static Fields of(RtpPacketView v) {
            Fields f = new Fields();
            f.marker = v.marker();
            f.payloadType = v.payloadType();
            f.sequenceNumber = v.sequenceNumber();
            f.timestamp = v.timestamp();
            f.ssrc = v.ssrc();
            f.csrcs = new int[v.csrcCount()];
            for (int i = 0; i < f.csrcs.length; i++) {
                f.csrcs[i] = v.csrc(i);
            }
            int profile = v.extensionProfile();
            boolean rfc8285 = profile == RtpPacketView.ONE_BYTE_EXTENSION_PROFILE
                || profile == RtpPacketView.TWO_BYTE_EXTENSION_PROFILE;
            if (profile != RtpPacketView.NO_EXTENSION && !rfc8285) {
                f.writable = false; // a profile-specific extension the writer does not produce
            }
            f.twoByte = profile == RtpPacketView.TWO_BYTE_EXTENSION_PROFILE;
            int distinct = 0;
            int[] ids = new int[MAX_ID];
            byte[][] data = new byte[MAX_ID][];
            for (int id = 1; id <= MAX_ID && rfc8285; id++) {
                int at = v.extensionOffset(id);
                if (at != RtpPacketView.NOT_FOUND) {
                    ids[distinct] = id;
                    data[distinct] = Arrays.copyOfRange(v.buffer(), at, at + v.extensionLength(id));
                    distinct++;
                }
            }
            if (distinct != v.extensionElementCount() || distinct > RtpPacketWriter.MAX_EXTENSIONS) {
                f.writable = false; // repeated ids, or more elements than a writer holds
            }
            f.ids = Arrays.copyOf(ids, distinct);
            f.data = Arrays.copyOf(data, distinct);
            f.payload = Arrays.copyOfRange(v.buffer(), v.payloadOffset(), v.payloadOffset() + v.payloadLength());
            f.padding = v.paddingLength();
            return f;
        }

        int writeTo(byte[] out) {
            RtpPacketWriter w = new RtpPacketWriter().reset().marker(marker).payloadType(payloadType)
                .sequenceNumber(sequenceNumber).timestamp(timestamp).ssrc(ssrc).paddingLength(padding)
                .forceTwoByteExtensions(twoByte);
            for (int csrc : csrcs) {
                w.addCsrc(csrc);
            }
            for (int i = 0; i < ids.length; i++) {
                w.addExtension(ids[i], data[i], 0, data[i].length);
            }
            return w.write(out, 0, out.length, payload, 0, payload.length);
        }

        void assertSame(Fields o) {
            assertEquals(marker, o.marker);
            assertEquals(payloadType, o.payloadType);
            assertEquals(sequenceNumber, o.sequenceNumber);
            assertEquals(timestamp, o.timestamp);
            assertEquals(ssrc, o.ssrc);
            assertArrayEquals(csrcs, o.csrcs);
            assertArrayEquals(ids, o.ids);
            for (int i = 0; i < ids.length; i++) {
                assertArrayEquals(data[i], o.data[i], "extension " + ids[i]);
            }
            if (ids.length > 0) {
                assertEquals(twoByte, o.twoByte, "extension form");
            }
            assertArrayEquals(payload, o.payload);
            assertEquals(padding, o.padding);
        }
    }
}
