package io.smoothcast.transport.internal.cc;

import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpAppView;
import io.smoothcast.rtp.RtcpWriter;

/**
 * The RTCP APP packet (RFC 3550 section 6.7, name {@code SCUT}, subtype 0) with which a
 * receiver of transport-cc numbered packets says that the arrival times it reports for a range
 * of transport-wide sequence numbers are not arrival times: its own reader was off the CPU, and
 * these packets waited in its socket and were stamped when it read them afterwards. It goes
 * first in the datagram that carries the transport-cc feedback reporting those numbers
 * (PROTOCOL.md, section 4, "Receiver stalls").
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |V=2|P| subtype=0 |   PT=204      |          length = 3           |
 * |                     SSRC of the receiver                        |
 * |                        name = "SCUT"                            |
 * |   first transport-wide number |             count             |
 * </pre>
 *
 * <p>A peer that does not know the packet ignores it (RFC 3550 asks so of unknown APP
 * packets), and reads the feedback after it as before. Other subtypes are reserved for later
 * revisions and ignored.
 *
 * <p>Not thread-safe: one instance per thread (it keeps the report read last and a scratch
 * view). Allocates nothing after construction.
 */
public final class UntimedArrivalsReport {

    /** The APP name "SCUT", big-endian. */
    public static final int NAME = 'S' << 24 | 'C' << 16 | 'U' << 8 | 'T';
    /** The only subtype defined (revision 0). */
    public static final int SUBTYPE = 0;
    /** Length of the packet in bytes. */
    public static final int LENGTH = 16;
    /** Most numbers one report may cover: one transport-cc feedback's. */
    public static final int MAX_COUNT = TransportFeedbackCollector.MAX_PACKETS_PER_FEEDBACK;

    private static final int DATA_LENGTH = 4;

    private final RtcpAppView view = new RtcpAppView();
    private final byte[] data = new byte[DATA_LENGTH];
    private int first;
    private int count;

    /**
     * Writes a report.
     *
     * @param destination where to write
     * @param offset index of the first byte
     * @param senderSsrc the receiver's SSRC
     * @param firstSequence the first transport-wide number covered (16 bits)
     * @param count how many consecutive numbers are covered, 1 to {@value #MAX_COUNT}
     * @return the length written ({@value #LENGTH}), or {@link RtcpWriter#DOES_NOT_FIT}
     */
    public int write(byte[] destination, int offset, int senderSsrc, int firstSequence, int count) {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be 1 to " + MAX_COUNT + ": " + count);
        }
        data[0] = (byte) (firstSequence >>> 8);
        data[1] = (byte) firstSequence;
        data[2] = (byte) (count >>> 8);
        data[3] = (byte) count;
        return RtcpWriter.writeApp(destination, offset, destination.length - offset, SUBTYPE, senderSsrc, NAME, data,
                0, DATA_LENGTH);
    }

    /**
     * Reads an APP packet of a compound.
     *
     * @param buffer the bytes
     * @param offset index of the APP packet's first byte
     * @param length its length (e.g. {@link io.smoothcast.rtp.RtcpCompoundReader#packetLength()})
     * @return {@link ParseStatus#OK} if it is a report of this kind (then {@link #firstSequence()}
     *     and {@link #count()} hold it); {@link ParseStatus#WRONG_PACKET_TYPE} for another APP
     *     packet or subtype (to be ignored); {@link ParseStatus#COUNT_OVERRUN} for a count outside
     *     1 to {@value #MAX_COUNT}; any other status for a malformed packet
     */
    public int read(byte[] buffer, int offset, int length) {
        int status = view.wrap(buffer, offset, length);
        if (status != ParseStatus.OK) {
            return status;
        }
        if (view.name() != NAME || view.subtype() != SUBTYPE) {
            return ParseStatus.WRONG_PACKET_TYPE;
        }
        if (view.dataLength() < DATA_LENGTH) {
            return ParseStatus.TRUNCATED_PACKET;
        }
        int p = view.dataOffset();
        first = (buffer[p] & 0xFF) << 8 | (buffer[p + 1] & 0xFF);
        count = (buffer[p + 2] & 0xFF) << 8 | (buffer[p + 3] & 0xFF);
        return count >= 1 && count <= MAX_COUNT ? ParseStatus.OK : ParseStatus.COUNT_OVERRUN;
    }

    /** The first transport-wide number of the report read last (16 bits). */
    public int firstSequence() {
        return first;
    }

    /** How many consecutive numbers the report read last covers. */
    public int count() {
        return count;
    }
}
