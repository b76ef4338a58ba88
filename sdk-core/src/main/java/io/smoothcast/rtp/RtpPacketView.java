package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.HeaderExtensions;

/**
 * A reusable, allocation-free view of one RTP packet (RFC 3550 section 5.1) held in a caller's
 * {@code byte[]}, with lookup of RFC 8285 header extension elements in both the one-byte and the
 * two-byte form.
 *
 * <p>Usage: {@link #wrap(byte[], int, int)} checks the bytes and returns {@link ParseStatus#OK}
 * or a negative {@link ParseStatus} code; only after {@code OK} are the getters meaningful. The
 * view keeps a reference to the buffer: it is valid until the caller reuses the buffer or wraps
 * another packet. Nothing is copied or allocated.
 *
 * <pre>{@code
 * RtpPacketView rtp = new RtpPacketView();          // one per receiving thread
 * if (rtp.wrap(datagram, 0, length) != ParseStatus.OK) { dropped++; return; }
 * int twSeq = rtp.transportSequenceNumber(config.transportSequenceNumberId());
 * }</pre>
 *
 * <p>Header-extension lookups walk the extension block (typically a few dozen bytes) on each
 * call; {@code wrap} has already verified that every element lies inside the block, so lookups
 * never read out of bounds.
 *
 * <p>Not thread-safe: use one instance per thread.
 */
public final class RtpPacketView {

    /** Length of the fixed RTP header in bytes. */
    public static final int FIXED_HEADER_LENGTH = 12;
    /** The "defined by profile" value of the RFC 8285 one-byte header form. */
    public static final int ONE_BYTE_EXTENSION_PROFILE = 0xBEDE;
    /**
     * The RFC 8285 two-byte header form: the profile value with its low 4 bits ("appbits") masked
     * off, as reported by {@link #extensionProfile()} for every value {@code 0x1000..0x100F}.
     */
    public static final int TWO_BYTE_EXTENSION_PROFILE = 0x1000;
    /** Returned by {@link #extensionProfile()} when the packet has no header extension. */
    public static final int NO_EXTENSION = -1;
    /** Returned by extension lookups when the element is absent. */
    public static final int NOT_FOUND = -1;

    private byte[] buffer;
    private int offset;
    private int length;
    private int status = ParseStatus.TRUNCATED_HEADER;
    private int csrcCount;
    private int extensionProfile = NO_EXTENSION;
    private int extensionDataOffset;
    private int extensionDataLength;
    private int extensionElementCount;
    private int payloadOffset;
    private int payloadLength;
    private int paddingLength;

    /**
     * Points this view at a packet and validates its structure: version 2, a complete fixed
     * header, CSRC list, header extension (and, for RFC 8285 forms, every element), and padding.
     *
     * @param buffer the bytes; kept by reference, not copied
     * @param offset index of the packet's first byte
     * @param length number of bytes of the datagram
     * @return {@link ParseStatus#OK}, or {@link ParseStatus#TRUNCATED_HEADER},
     *     {@link ParseStatus#BAD_VERSION}, {@link ParseStatus#CSRC_OVERRUN},
     *     {@link ParseStatus#EXTENSION_OVERRUN}, {@link ParseStatus#EXTENSION_ELEMENT_OVERRUN} or
     *     {@link ParseStatus#PADDING_OVERRUN}
     * @throws IllegalArgumentException if {@code buffer} is null or the region lies outside it
     */
    public int wrap(byte[] buffer, int offset, int length) {
        Bytes.checkRegion(buffer, offset, length, "length");
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.status = parse();
        return status;
    }

    private int parse() {
        extensionProfile = NO_EXTENSION;
        extensionDataOffset = 0;
        extensionDataLength = 0;
        extensionElementCount = 0;
        if (length < FIXED_HEADER_LENGTH) {
            return ParseStatus.TRUNCATED_HEADER;
        }
        final byte[] b = buffer;
        final int first = b[offset] & 0xFF;
        if ((first >>> 6) != 2) {
            return ParseStatus.BAD_VERSION;
        }
        csrcCount = first & 0x0F;
        int headerEnd = offset + FIXED_HEADER_LENGTH + 4 * csrcCount;
        final int end = offset + length;
        if (headerEnd > end) {
            return ParseStatus.CSRC_OVERRUN;
        }
        if ((first & 0x10) != 0) {
            if (headerEnd + 4 > end) {
                return ParseStatus.EXTENSION_OVERRUN;
            }
            int profile = Bytes.u16(b, headerEnd);
            int dataLength = 4 * Bytes.u16(b, headerEnd + 2);
            int dataOffset = headerEnd + 4;
            if (dataLength > end - dataOffset) {
                return ParseStatus.EXTENSION_OVERRUN;
            }
            extensionProfile = (profile & 0xFFF0) == TWO_BYTE_EXTENSION_PROFILE ? TWO_BYTE_EXTENSION_PROFILE : profile;
            extensionDataOffset = dataOffset;
            extensionDataLength = dataLength;
            if (extensionProfile == ONE_BYTE_EXTENSION_PROFILE || extensionProfile == TWO_BYTE_EXTENSION_PROFILE) {
                int count = HeaderExtensions.countElements(b, dataOffset, dataLength,
                    extensionProfile == TWO_BYTE_EXTENSION_PROFILE);
                if (count < 0) {
                    return ParseStatus.EXTENSION_ELEMENT_OVERRUN;
                }
                extensionElementCount = count;
            }
            headerEnd = dataOffset + dataLength;
        }
        int padding = 0;
        if ((first & 0x20) != 0) {
            padding = b[end - 1] & 0xFF;
            if (padding == 0 || padding > end - headerEnd) {
                return ParseStatus.PADDING_OVERRUN;
            }
        }
        paddingLength = padding;
        payloadOffset = headerEnd;
        payloadLength = end - headerEnd - padding;
        return ParseStatus.OK;
    }

    /** @return the result of the last {@link #wrap}; the getters are meaningful only when it is {@link ParseStatus#OK} */
    public int status() {
        return status;
    }

    /** @return the wrapped buffer (shared, not copied) */
    public byte[] buffer() {
        return buffer;
    }

    /** @return index in {@link #buffer()} of the packet's first byte */
    public int offset() {
        return offset;
    }

    /** @return the packet's length in bytes, header, payload and padding included */
    public int length() {
        return length;
    }

    /** @return the version field; always 2 after a successful wrap */
    public int version() {
        return (buffer[offset] & 0xFF) >>> 6;
    }

    /** @return whether the padding bit is set */
    public boolean hasPadding() {
        return (buffer[offset] & 0x20) != 0;
    }

    /** @return whether the extension bit is set */
    public boolean hasExtension() {
        return (buffer[offset] & 0x10) != 0;
    }

    /** @return the marker bit */
    public boolean marker() {
        return (buffer[offset + 1] & 0x80) != 0;
    }

    /** @return the payload type, 0 to 127 */
    public int payloadType() {
        return buffer[offset + 1] & 0x7F;
    }

    /** @return the 16-bit sequence number, 0 to 65535 */
    public int sequenceNumber() {
        return Bytes.u16(buffer, offset + 2);
    }

    /** @return the 32-bit RTP timestamp in clock-rate units (unsigned, carried in an int) */
    public int timestamp() {
        return Bytes.i32(buffer, offset + 4);
    }

    /** @return the synchronisation source (unsigned 32-bit, carried in an int) */
    public int ssrc() {
        return Bytes.i32(buffer, offset + 8);
    }

    /** @return the number of contributing sources, 0 to 15 */
    public int csrcCount() {
        return csrcCount;
    }

    /**
     * @param index 0 to {@link #csrcCount()} - 1
     * @return the contributing source at {@code index}
     * @throws IllegalArgumentException if {@code index} is out of range
     */
    public int csrc(int index) {
        if (index < 0 || index >= csrcCount) {
            throw new IllegalArgumentException("index must be in [0, " + csrcCount + "): " + index);
        }
        return Bytes.i32(buffer, offset + FIXED_HEADER_LENGTH + 4 * index);
    }

    /**
     * @return the extension's "defined by profile" field: {@link #ONE_BYTE_EXTENSION_PROFILE},
     *     {@link #TWO_BYTE_EXTENSION_PROFILE} (for any appbits), another 16-bit value for a
     *     non-RFC 8285 extension, or {@link #NO_EXTENSION}
     */
    public int extensionProfile() {
        return extensionProfile;
    }

    /** @return index in {@link #buffer()} of the extension data (after its 4-byte header); 0 without extension */
    public int extensionDataOffset() {
        return extensionDataOffset;
    }

    /** @return length in bytes of the extension data (a multiple of 4); 0 without extension */
    public int extensionDataLength() {
        return extensionDataLength;
    }

    /** @return the number of RFC 8285 elements in the extension block (padding bytes not counted) */
    public int extensionElementCount() {
        return extensionElementCount;
    }

    /**
     * Finds an RFC 8285 header extension element.
     *
     * @param id the element's local identifier (1 to 14 in the one-byte form, 1 to 255 in the two-byte form)
     * @return index in {@link #buffer()} of the element's data, or {@link #NOT_FOUND}
     */
    public int extensionOffset(int id) {
        long found = find(id);
        return found < 0 ? NOT_FOUND : (int) (found >>> 16);
    }

    /**
     * Length of an RFC 8285 header extension element's data.
     *
     * @param id the element's local identifier
     * @return the data length in bytes (0 to 255), or {@link #NOT_FOUND}
     */
    public int extensionLength(int id) {
        long found = find(id);
        return found < 0 ? NOT_FOUND : (int) (found & 0xFFFF);
    }

    /**
     * Reads the transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01,
     * a 2-byte element).
     *
     * @param id the element's negotiated identifier, e.g. {@link RtpHeaderExtensionIds#transportSequenceNumberId()}
     * @return the 16-bit transport-wide sequence number, or {@link #NOT_FOUND} when the element
     *     is absent or not 2 bytes long
     */
    public int transportSequenceNumber(int id) {
        long found = find(id);
        if (found < 0 || (found & 0xFFFF) != 2) {
            return NOT_FOUND;
        }
        return Bytes.u16(buffer, (int) (found >>> 16));
    }

    /**
     * Reads the absolute capture time of the abs-capture-time extension
     * (http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time): a 64-bit NTP timestamp
     * (UQ32.32 seconds since 1900), optionally followed by an estimated clock offset.
     *
     * @param id the element's negotiated identifier, e.g. {@link RtpHeaderExtensionIds#absoluteCaptureTimeId()}
     * @return the NTP timestamp (convert with {@link NtpTime}), or {@link NtpTime#UNKNOWN} (0)
     *     when the element is absent or neither 8 nor 16 bytes long
     */
    public long absoluteCaptureTimeNtp(int id) {
        long found = find(id);
        long len = found & 0xFFFF;
        if (found < 0 || (len != 8 && len != 16)) {
            return NtpTime.UNKNOWN;
        }
        return Bytes.i64(buffer, (int) (found >>> 16));
    }

    /** @return index in {@link #buffer()} of the first payload byte */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** @return payload length in bytes, padding excluded */
    public int payloadLength() {
        return payloadLength;
    }

    /** @return number of padding bytes at the end (including the count byte); 0 without padding */
    public int paddingLength() {
        return paddingLength;
    }

    /** @return header length in bytes: fixed header, CSRCs and extension */
    public int headerLength() {
        return payloadOffset - offset;
    }

    private long find(int id) {
        if (status != ParseStatus.OK || id <= 0) {
            return -1;
        }
        if (extensionProfile == ONE_BYTE_EXTENSION_PROFILE) {
            return HeaderExtensions.find(buffer, extensionDataOffset, extensionDataLength, false, id);
        }
        if (extensionProfile == TWO_BYTE_EXTENSION_PROFILE) {
            return HeaderExtensions.find(buffer, extensionDataOffset, extensionDataLength, true, id);
        }
        return -1;
    }
}
