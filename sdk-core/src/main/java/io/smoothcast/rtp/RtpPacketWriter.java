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
    /**
     * The value of each element added by a typed adder (2 or 8 bytes, big-endian when written),
     * kept as a number so that adding it copies nothing; written straight into the packet.
     */
    private final long[] extensionValues = new long[MAX_EXTENSIONS];
    /** The bytes of each element added by {@link #addExtension}, {@link #MAX_EXTENSION_LENGTH} per slot. */
    private final byte[] extensionData = new byte[MAX_EXTENSIONS * MAX_EXTENSION_LENGTH];
    /** Bit i set: element i's bytes are in {@link #extensionData}, not in {@link #extensionValues}. */
    private int elementsWithData;
    /**
     * The one-byte form of the elements added so far (element headers and data), packed
     * big-endian into 64-bit words as they are added, so that writing the usual extension block
     * takes a store per 8 bytes instead of a loop over elements; bytes past the end stay zero,
     * which is the block's padding. Not kept up once {@link #twoByteRequired} is set.
     */
    private final long[] oneByteWords = new long[(MAX_EXTENSIONS * 17 + 7) / 8];
    /** Bytes packed into {@link #oneByteWords}. */
    private int oneByteLength;

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
        elementsWithData = 0;
        for (int i = 0, used = (oneByteLength + 7) >>> 3; i < used; i++) {
            oneByteWords[i] = 0;
        }
        oneByteLength = 0;
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
        elementsWithData |= 1 << slot;
        if (!twoByteRequired) {
            for (int i = 0; i < length; i++) {
                packOneByte(data[offset + i], 1);
            }
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
        extensionValues[newExtension(id, 2)] = transportSequenceNumber;
        if (!twoByteRequired) {
            packOneByte(transportSequenceNumber, 2);
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
        extensionValues[newExtension(id, 8)] = captureTimeNtp;
        if (!twoByteRequired) {
            packOneByte(captureTimeNtp, 8);
        }
        return this;
    }

    private int newExtension(int id, int length) {
        Bytes.checkRange("id", id, 1, 255);
        if (extensionCount == MAX_EXTENSIONS) {
            throw new IllegalStateException("at most " + MAX_EXTENSIONS + " header extensions per packet");
        }
        for (int i = 0; i < extensionCount; i++) {
            if (extensionIds[i] == id) {
                throw new IllegalArgumentException("id " + id + " already added to this packet");
            }
        }
        int slot = extensionCount++;
        extensionIds[slot] = id;
        extensionLengths[slot] = length;
        extensionDataBytes += length;
        twoByteRequired |= id > 14 || length == 0 || length > 16;
        if (!twoByteRequired) {
            packOneByte(id << 4 | (length - 1), 1); // the element's one-byte header; its data follows
        }
        return slot;
    }

    /** Appends the low {@code byteCount} (1 to 8) bytes of {@code value}, big-endian, to {@link #oneByteWords}. */
    private void packOneByte(long value, int byteCount) {
        int word = oneByteLength >>> 3;
        int bits = 8 * byteCount;
        long bytes = bits == 64 ? value : value & ((1L << bits) - 1);
        int shift = 64 - 8 * (oneByteLength & 7) - bits; // where the value's last byte lands in the word
        if (shift >= 0) {
            oneByteWords[word] |= bytes << shift;
        } else {
            oneByteWords[word] |= bytes >>> -shift;
            oneByteWords[word + 1] |= bytes << (64 + shift);
        }
        oneByteLength += byteCount;
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
        // The fixed header as one 32-bit and one 64-bit store: V=2, P, X, CC, M, PT, sequence
        // number; then timestamp and SSRC.
        int firstWord = (0x80 | (paddingLength > 0 ? 0x20 : 0) | (extensionCount > 0 ? 0x10 : 0) | csrcCount) << 24
            | ((marker ? 0x80 : 0) | payloadType) << 16 | sequenceNumber;
        Bytes.put32(d, offset, firstWord);
        Bytes.put64(d, offset + 4, (long) timestamp << 32 | (ssrc & 0xFFFF_FFFFL));
        int p = offset + RtpPacketView.FIXED_HEADER_LENGTH;
        if (csrcCount > 0) {
            p = writeCsrcs(d, p);
        }
        if (extensionCount > 0) {
            p = writeExtensions(d, p, extensionBlock, twoByte);
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

    private int writeCsrcs(byte[] d, int p) {
        for (int i = 0; i < csrcCount; i++, p += 4) {
            Bytes.put32(d, p, csrcs[i]);
        }
        return p;
    }

    private void writePadding(byte[] d, int p) {
        for (int i = 0; i < paddingLength - 1; i++) {
            d[p++] = 0;
        }
        d[p] = (byte) paddingLength;
    }

    /**
     * Writes the extension block of {@code blockLength} bytes at {@code p}: profile and length
     * word, then the elements, zero-padded to a multiple of 4 bytes.
     *
     * @return the index just after the block
     */
    private int writeExtensions(byte[] d, int p, int blockLength, boolean twoByte) {
        final int end = p + blockLength;
        int profile = twoByte ? RtpPacketView.TWO_BYTE_EXTENSION_PROFILE : RtpPacketView.ONE_BYTE_EXTENSION_PROFILE;
        Bytes.put32(d, p, profile << 16 | (blockLength - 4) >>> 2);
        p += 4;
        if (twoByte) {
            writeTwoByteElements(d, p, end);
            return end;
        }
        // The packed words already hold the elements and zero padding; the block's data is a
        // multiple of 4 bytes, so it ends with whole words or with half of one.
        int i = 0;
        for (; p + 8 <= end; p += 8) {
            Bytes.put64(d, p, oneByteWords[i++]);
        }
        if (p < end) {
            Bytes.put32(d, p, (int) (oneByteWords[i] >>> 32));
        }
        return end;
    }

    private void writeTwoByteElements(byte[] d, int p, int end) {
        // Zero the block's last word first (the elements then overwrite all but the padding);
        // there is one, since at least one element is present.
        Bytes.put32(d, end - 4, 0);
        for (int i = 0; i < extensionCount; i++) {
            int length = extensionLengths[i];
            Bytes.put16(d, p, extensionIds[i] << 8 | length);
            p += 2;
            if ((elementsWithData & (1 << i)) != 0) {
                System.arraycopy(extensionData, i * MAX_EXTENSION_LENGTH, d, p, length);
            } else if (length == 2) { // the typed adders store 2-byte or 8-byte values
                Bytes.put16(d, p, (int) extensionValues[i]);
            } else {
                Bytes.put64(d, p, extensionValues[i]);
            }
            p += length;
        }
    }
}
