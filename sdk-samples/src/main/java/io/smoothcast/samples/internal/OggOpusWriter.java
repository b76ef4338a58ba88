package io.smoothcast.samples.internal;

import io.smoothcast.payload.OpusPackets;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes Opus packets as an Ogg Opus stream (RFC 7845 on the Ogg framing of RFC 3533): the
 * OpusHead and OpusTags header pages, then one page per audio packet with its granule position
 * (48 kHz samples decoded by the end of the page). ffmpeg reads the result as an input, so the
 * viewer can remux received audio next to the video without re-encoding.
 *
 * <p>Packets come from the network: one that is not a well-formed Opus packet (its TOC and frame
 * count as RFC 6716 3.1 and 3.2 define them) is dropped and counted, never written.
 *
 * <p>Not thread-safe: one writer thread, then {@link #close()}.
 */
public final class OggOpusWriter implements Closeable {

    private static final int HEADER_TYPE_CONTINUED = 0x01;
    private static final int HEADER_TYPE_FIRST = 0x02;
    private static final int HEADER_TYPE_LAST = 0x04;
    private static final int MAX_SEGMENTS = 255;
    private static final int[] CRC_TABLE = crcTable();

    private final OutputStream out;
    private final int serial;
    private final byte[] page = new byte[27 + MAX_SEGMENTS + MAX_SEGMENTS * 255];
    private byte[] pending = new byte[OpusPackets.MAX_FRAME_BYTES * 2];
    private int pendingLength = -1;
    private long pendingGranule;
    private int pageSequence;
    private long granule;
    private long packetsWritten;
    private long packetsDropped;
    private boolean headersWritten;

    /**
     * @param out where the Ogg stream goes; closed by {@link #close()}
     * @param serial the logical stream's serial number
     */
    public OggOpusWriter(OutputStream out, int serial) {
        this.out = out;
        this.serial = serial;
    }

    /**
     * Writes one Opus packet (kept back until the next one or {@link #close()}, so the last page
     * can carry the end-of-stream flag).
     *
     * @param packet array holding the packet
     * @param offset its first byte
     * @param length its length in bytes
     * @return true if written; false if it is not a well-formed Opus packet (dropped, counted)
     * @throws IOException if writing fails
     */
    public boolean write(byte[] packet, int offset, int length) throws IOException {
        int samples = length <= 0 ? -1 : OpusPackets.samplesPerPacket(packet, offset, length);
        if (samples <= 0 || length > MAX_SEGMENTS * 255 - 1) {
            packetsDropped++;
            return false;
        }
        if (!headersWritten) {
            boolean stereo = (packet[offset] & 0x04) != 0;
            writeHeaders(stereo ? 2 : 1);
        }
        flushPending(0);
        if (pending.length < length) {
            pending = new byte[length];
        }
        System.arraycopy(packet, offset, pending, 0, length);
        pendingLength = length;
        granule += samples;
        pendingGranule = granule;
        packetsWritten++;
        return true;
    }

    /** @return Opus packets accepted so far */
    public long packetsWritten() {
        return packetsWritten;
    }

    /** @return packets dropped as malformed */
    public long packetsDropped() {
        return packetsDropped;
    }

    /** Writes the last packet with the end-of-stream flag and closes the output. */
    @Override
    public void close() throws IOException {
        try {
            flushPending(HEADER_TYPE_LAST);
        } finally {
            out.close();
        }
    }

    private void flushPending(int flags) throws IOException {
        if (pendingLength >= 0) {
            writePage(flags, pendingGranule, pending, pendingLength);
            pendingLength = -1;
        }
    }

    private void writeHeaders(int channels) throws IOException {
        byte[] head = new byte[19];
        System.arraycopy("OpusHead".getBytes(StandardCharsets.US_ASCII), 0, head, 0, 8);
        head[8] = 1; // version
        head[9] = (byte) channels;
        // pre-skip 0 (the encoder's priming samples were not carried over RTP), bytes 10-11
        putLittleEndian(head, 12, 48_000, 4); // input sample rate, informational
        // output gain 0 (bytes 16-17) and channel mapping family 0 (byte 18)
        writePage(HEADER_TYPE_FIRST, 0, head, head.length);
        byte[] vendor = "smoothcast".getBytes(StandardCharsets.US_ASCII);
        byte[] tags = new byte[8 + 4 + vendor.length + 4];
        System.arraycopy("OpusTags".getBytes(StandardCharsets.US_ASCII), 0, tags, 0, 8);
        putLittleEndian(tags, 8, vendor.length, 4);
        System.arraycopy(vendor, 0, tags, 12, vendor.length);
        // no user comments: the trailing 4-byte count stays 0
        writePage(0, 0, tags, tags.length);
        headersWritten = true;
    }

    private void writePage(int headerType, long granulePosition, byte[] data, int length) throws IOException {
        // Lacing (RFC 3533 6): 255-byte segments, then one shorter (possibly empty) to end the packet.
        int segments = length / 255 + 1;
        page[0] = 'O';
        page[1] = 'g';
        page[2] = 'g';
        page[3] = 'S';
        page[4] = 0; // stream structure version
        page[5] = (byte) (headerType & ~HEADER_TYPE_CONTINUED);
        putLittleEndian(page, 6, granulePosition, 8);
        putLittleEndian(page, 14, serial, 4);
        putLittleEndian(page, 18, pageSequence++, 4);
        putLittleEndian(page, 22, 0, 4); // checksum, filled in below
        page[26] = (byte) segments;
        for (int i = 0; i < segments - 1; i++) {
            page[27 + i] = (byte) 255;
        }
        page[27 + segments - 1] = (byte) (length % 255);
        int headerLength = 27 + segments;
        System.arraycopy(data, 0, page, headerLength, length);
        int total = headerLength + length;
        putLittleEndian(page, 22, crc(page, total), 4);
        out.write(page, 0, total);
    }

    /** The Ogg checksum: CRC-32 with polynomial 0x04C11DB7, initial value 0, no reflection, no final xor. */
    static int crc(byte[] data, int length) {
        int crc = 0;
        for (int i = 0; i < length; i++) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ data[i]) & 0xFF];
        }
        return crc;
    }

    private static int[] crcTable() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                r = (r & 0x8000_0000) != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1;
            }
            table[i] = r;
        }
        return table;
    }

    private static void putLittleEndian(byte[] b, int at, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            b[at + i] = (byte) (value >>> (8 * i));
        }
    }
}
