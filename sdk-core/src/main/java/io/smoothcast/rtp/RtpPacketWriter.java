package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;

/**
 * Serialises RTP packets (RFC 3550) into a caller-supplied {@code byte[]}: fixed header, CSRC list,
 * RFC 8285 header extensions (one-byte or two-byte form) and padding.
 *
 * <p>A writer holds the header of the next packet. Set the fields, add extensions, then call
 * {@link #write}; {@link #reset()} clears everything for the next packet. The writer copies
 * extension data into its own fixed-size scratch array, so nothing is allocated per packet.
 *
 * <pre>{@code
 * RtpPacketWriter writer = new RtpPacketWriter();   // one per sending thread
 * int length = writer.reset()
 *     .payloadType(96).marker(true).sequenceNumber(seq).timestamp(ts).ssrc(ssrc)
 *     .addTransportSequenceNumber(ids.transportSequenceNumberId(), twSeq)
 *     .addAbsoluteCaptureTime(ids.absoluteCaptureTimeId(), NtpTime.fromUnixNanos(captureUnixNs))
 *     .write(datagram, 0, datagram.length, payload, 0, payloadLength);
 * if (length == RtpPacketWriter.DOES_NOT_FIT) { ... }
 * }</pre>
 *
 * <p>Extension form: the one-byte form is used when every element id is 1 to 14 and every
 * element is 1 to 16 bytes long; otherwise (or when {@link #forceTwoByteExtensions(boolean)} is
 * set) the two-byte form. The extension block is zero-padded to a multiple of 4 bytes.
 *
 * <p>Not thread-safe: use one instance per thread.
 */
public final class RtpPacketWriter {

    /** Returned by {@link #write} when the packet does not fit the destination. */
    public static final int DOES_NOT_FIT = -1;
    /** Most header extension elements one packet may carry. */
    public static final int MAX_EXTENSIONS = 16;
    /** Most data bytes of one header extension element (two-byte form). */
    public static final int MAX_EXTENSION_LENGTH = 255;
    /** Most contributing sources of one packet. */
    public static final int MAX_CSRCS = 15;

    private final int[] csrcs = new int[MAX_CSRCS];
    private final int[] extensionIds = new int[MAX_EXTENSIONS];
    private final int[] extensionLengths = new int[MAX_EXTENSIONS];
    private final byte[] extensionData = new byte[MAX_EXTENSIONS * MAX_EXTENSION_LENGTH];
    /**
     * The elements already encoded in the one-byte form, appended as they are added, so the
     * common case is one copy at write time. Unused once {@link #twoByteRequired} is set.
     */
    private final byte[] oneByteBlock = new byte[MAX_EXTENSIONS * 17];
    private int oneByteBlockLength;

    private boolean marker;
    private int payloadType;
    private int sequenceNumber;
    private int timestamp;
    private int ssrc;
    private int csrcCount;
    private int extensionCount;
    private int paddingLength;
    private boolean forceTwoByte;
    /** Sum of the elements' data lengths, kept as elements are added. */
    private int extensionDataBytes;
    /** Whether an element already added rules out the one-byte form. */
    private boolean twoByteRequired;

    /**
     * Clears the marker, CSRCs, extensions, padding and the two-byte form flag, and zeroes the
     * header fields.
     *
     * @return this writer
     */
    public RtpPacketWriter reset() {
        marker = false;
        payloadType = 0;
        sequenceNumber = 0;
        timestamp = 0;
        ssrc = 0;
        csrcCount = 0;
        extensionCount = 0;
        paddingLength = 0;
        forceTwoByte = false;
        extensionDataBytes = 0;
        twoByteRequired = false;
        oneByteBlockLength = 0;
        return this;
    }

    /**
     * @param marker the marker bit (end of frame for video)
     * @return this writer
     */
    public RtpPacketWriter marker(boolean marker) {
        this.marker = marker;
        return this;
    }

    /**
     * @param payloadType 0 to 127
     * @return this writer
     */
    public RtpPacketWriter payloadType(int payloadType) {
        Bytes.checkRange("payloadType", payloadType, 0, 127);
        this.payloadType = payloadType;
        return this;
    }

    /**
     * @param sequenceNumber 0 to 65535
     * @return this writer
     */
    public RtpPacketWriter sequenceNumber(int sequenceNumber) {
        Bytes.checkRange("sequenceNumber", sequenceNumber, 0, 0xFFFF);
        this.sequenceNumber = sequenceNumber;
        return this;
    }

    /**
     * @param timestamp the RTP timestamp in clock-rate units (all 32 bits used)
     * @return this writer
     */
    public RtpPacketWriter timestamp(int timestamp) {
        this.timestamp = timestamp;
        return this;
    }

    /**
     * @param ssrc the synchronisation source (all 32 bits used)
     * @return this writer
     */
    public RtpPacketWriter ssrc(int ssrc) {
        this.ssrc = ssrc;
        return this;
    }

    /**
     * @param csrc a contributing source to append
     * @return this writer
     * @throws IllegalStateException if {@value #MAX_CSRCS} CSRCs were already added
     */
    public RtpPacketWriter addCsrc(int csrc) {
        if (csrcCount == MAX_CSRCS) {
            throw new IllegalStateException("at most " + MAX_CSRCS + " CSRCs per packet");
        }
        csrcs[csrcCount++] = csrc;
        return this;
    }

    /**
     * @param paddingLength padding bytes to append, 0 (none) to 255, the count byte included
     * @return this writer
     */
    public RtpPacketWriter paddingLength(int paddingLength) {
        Bytes.checkRange("paddingLength", paddingLength, 0, 255);
        this.paddingLength = paddingLength;
        return this;
    }

    /**
     * @param force true to use the RFC 8285 two-byte form even when the one-byte form would do
     * @return this writer
     */
    public RtpPacketWriter forceTwoByteExtensions(boolean force) {
        this.forceTwoByte = force;
        return this;
    }

    /**
     * Appends a header extension element, copying its data.
     *
     * @param id local identifier, 1 to 255 (ids above 14 select the two-byte form); unique in the packet
     * @param data the element's bytes
     * @param offset index of the first byte in {@code data}
     * @param length 0 to 255 bytes (0 or more than 16 selects the two-byte form)
     * @return this writer
     * @throws IllegalArgumentException on a bad id, a duplicate id or a bad region
     * @throws IllegalStateException if {@value #MAX_EXTENSIONS} elements were already added
     */
    public RtpPacketWriter addExtension(int id, byte[] data, int offset, int length) {
        Bytes.checkRegion(data, offset, length, "length");
        Bytes.checkRange("length", length, 0, MAX_EXTENSION_LENGTH);
        int slot = newExtension(id, length);
        System.arraycopy(data, offset, extensionData, slot * MAX_EXTENSION_LENGTH, length);
        if (!twoByteRequired) {
            System.arraycopy(data, offset, oneByteBlock, oneByteBlockLength, length);
            oneByteBlockLength += length;
        }
        return this;
    }

    /**
     * Appends the transport-wide sequence number element (2 bytes).
     *
     * @param id the negotiated id, e.g. {@link RtpHeaderExtensionIds#transportSequenceNumberId()}
     * @param transportSequenceNumber 0 to 65535
     * @return this writer
     */
    public RtpPacketWriter addTransportSequenceNumber(int id, int transportSequenceNumber) {
        Bytes.checkRange("transportSequenceNumber", transportSequenceNumber, 0, 0xFFFF);
        int slot = newExtension(id, 2);
        Bytes.put16(extensionData, slot * MAX_EXTENSION_LENGTH, transportSequenceNumber);
        if (!twoByteRequired) {
            Bytes.put16(oneByteBlock, oneByteBlockLength, transportSequenceNumber);
            oneByteBlockLength += 2;
        }
        return this;
    }

    /**
     * Appends the abs-capture-time element in its 8-byte form (no clock offset).
     *
     * @param id the negotiated id, e.g. {@link RtpHeaderExtensionIds#absoluteCaptureTimeId()}
     * @param captureTimeNtp the capture time as a 64-bit NTP timestamp ({@link NtpTime#fromUnixNanos})
     * @return this writer
     */
    public RtpPacketWriter addAbsoluteCaptureTime(int id, long captureTimeNtp) {
        int slot = newExtension(id, 8);
        Bytes.put64(extensionData, slot * MAX_EXTENSION_LENGTH, captureTimeNtp);
        if (!twoByteRequired) {
            Bytes.put64(oneByteBlock, oneByteBlockLength, captureTimeNtp);
            oneByteBlockLength += 8;
        }
        return this;
    }

    private int newExtension(int id, int length) {
        Bytes.checkRange("id", id, 1, 255);
        if (extensionCount == MAX_EXTENSIONS) {
            throw tooManyExtensions();
        }
        for (int i = 0; i < extensionCount; i++) {
            if (extensionIds[i] == id) {
                throw duplicateId(id);
            }
        }
        int slot = extensionCount++;
        extensionIds[slot] = id;
        extensionLengths[slot] = length;
        extensionDataBytes += length;
        twoByteRequired |= id > 14 || length == 0 || length > 16;
        if (!twoByteRequired) {
            // The element's one-byte header; the caller appends its data right after.
            oneByteBlock[oneByteBlockLength++] = (byte) ((id << 4) | (length - 1));
        }
        return slot;
    }

    // Exceptions are built out of line to keep the per-packet methods small enough to inline.
    private static IllegalStateException tooManyExtensions() {
        return new IllegalStateException("at most " + MAX_EXTENSIONS + " header extensions per packet");
    }

    private static IllegalArgumentException duplicateId(int id) {
        return new IllegalArgumentException("id " + id + " already added to this packet");
    }

    /**
     * @return whether the current extensions will be written in the two-byte form
     */
    public boolean usesTwoByteExtensions() {
        return extensionCount > 0 && (forceTwoByte || twoByteRequired);
    }

    /** @return bytes the header (fixed part, CSRCs, extension block) will take */
    public int headerLength() {
        return RtpPacketView.FIXED_HEADER_LENGTH + 4 * csrcCount + extensionBlockLength(usesTwoByteExtensions());
    }

    private int extensionBlockLength(boolean twoByte) {
        if (extensionCount == 0) {
            return 0;
        }
        int data = (twoByte ? 2 : 1) * extensionCount + extensionDataBytes;
        return 4 + ((data + 3) & ~3);
    }

    /**
     * Writes the packet.
     *
     * @param destination where to write
     * @param offset index in {@code destination} of the packet's first byte
     * @param capacity bytes available from {@code offset}
     * @param payload the payload bytes (may be null when {@code payloadLength} is 0)
     * @param payloadOffset index of the payload's first byte
     * @param payloadLength payload length in bytes
     * @return the packet's length in bytes, or {@link #DOES_NOT_FIT} (nothing useful written)
     * @throws IllegalArgumentException if a region lies outside its array
     */
    public int write(byte[] destination, int offset, int capacity, byte[] payload, int payloadOffset, int payloadLength) {
        Bytes.checkRegion(destination, offset, capacity, "capacity");
        if (payloadLength != 0 || payload != null) {
            Bytes.checkRegion(payload, payloadOffset, payloadLength, "payloadLength");
        }
        final boolean twoByte = usesTwoByteExtensions();
        final int extensionBlock = extensionBlockLength(twoByte);
        final int total = RtpPacketView.FIXED_HEADER_LENGTH + 4 * csrcCount + extensionBlock + payloadLength + paddingLength;
        if (total > capacity) {
            return DOES_NOT_FIT;
        }
        final byte[] d = destination;
        int p = offset;
        d[p] = (byte) (0x80 | (paddingLength > 0 ? 0x20 : 0) | (extensionCount > 0 ? 0x10 : 0) | csrcCount);
        d[p + 1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        Bytes.put16(d, p + 2, sequenceNumber);
        Bytes.put32(d, p + 4, timestamp);
        Bytes.put32(d, p + 8, ssrc);
        p += RtpPacketView.FIXED_HEADER_LENGTH;
        for (int i = 0; i < csrcCount; i++, p += 4) {
            Bytes.put32(d, p, csrcs[i]);
        }
        if (extensionCount > 0) {
            p = twoByte ? writeTwoByteExtensions(d, p, extensionBlock) : writeOneByteExtensions(d, p, extensionBlock);
        }
        if (payloadLength > 0) {
            System.arraycopy(payload, payloadOffset, d, p, payloadLength);
            p += payloadLength;
        }
        if (paddingLength > 0) {
            writePadding(d, p);
        }
        return total;
    }

    private void writePadding(byte[] d, int p) {
        for (int i = 0; i < paddingLength - 1; i++) {
            d[p++] = 0;
        }
        d[p] = (byte) paddingLength;
    }

    /** The usual case: the elements were already encoded by the add methods. */
    private int writeOneByteExtensions(byte[] d, int p, int blockLength) {
        final int end = p + blockLength;
        Bytes.put32(d, p, RtpPacketView.ONE_BYTE_EXTENSION_PROFILE << 16 | (blockLength - 4) >>> 2);
        // Zero the block's last word (at most 3 padding bytes), then copy the elements over all
        // but the padding: a store instead of a byte loop keeps the compiled method small.
        Bytes.put32(d, end - 4, 0);
        System.arraycopy(oneByteBlock, 0, d, p + 4, oneByteBlockLength);
        return end;
    }

    private int writeTwoByteExtensions(byte[] d, int p, int blockLength) {
        final int end = p + blockLength;
        Bytes.put16(d, p, RtpPacketView.TWO_BYTE_EXTENSION_PROFILE);
        Bytes.put16(d, p + 2, (blockLength - 4) >>> 2);
        p += 4;
        for (int i = 0; i < extensionCount; i++) {
            int len = extensionLengths[i];
            d[p] = (byte) extensionIds[i];
            d[p + 1] = (byte) len;
            p += 2;
            System.arraycopy(extensionData, i * MAX_EXTENSION_LENGTH, d, p, len);
            p += len;
        }
        while (p < end) {
            d[p++] = 0;
        }
        return end;
    }
}
