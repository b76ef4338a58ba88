package io.smoothcast.transport.internal.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.smoothcast.rtp.NtpTime;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.transport.internal.control.Track;

/**
 * Cuts frames into RTP packets of the {@link GenericPayload} format for one track: consecutive
 * sequence numbers, the frame's timestamp on every packet, the marker bit on the last, and room
 * for a transport-wide sequence number extension, which the sender fills in when the pacer lets
 * the packet go (so the numbers follow the sending order across tracks). The first packet of a
 * frame also carries the frame's capture time (abs-capture-time, 8-byte form), from which viewers
 * measure end-to-end latency; the other packets of the frame would only repeat it.
 *
 * <p>Not thread-safe: the client's I/O thread only. Allocates only the outgoing buffers.
 */
public final class FramePacketizer {

    /** Largest RTP payload per packet, in bytes (keeps datagrams under a 1280-byte path MTU). */
    public static final int MAX_PAYLOAD_BYTES = 1180;
    /** Frame bytes per packet: the payload less the payload header. */
    private static final int CHUNK_BYTES = MAX_PAYLOAD_BYTES - GenericPayload.HEADER_LENGTH;

    private final Track track;
    private final int transportSequenceExtensionId;
    private final int captureTimeExtensionId;
    private final RtpPacketWriter writer = new RtpPacketWriter();
    private final RtpPacketView view = new RtpPacketView();
    private final byte[] payload = new byte[MAX_PAYLOAD_BYTES];
    private final byte[] packet = new byte[MAX_PAYLOAD_BYTES + 64];
    private int nextSequenceNumber;

    /**
     * A packetizer that stamps capture times with the default abs-capture-time id
     * ({@link RtpHeaderExtensionIds#DEFAULT_ABSOLUTE_CAPTURE_TIME_ID}).
     *
     * @param track the track's SSRC and payload type
     * @param transportSequenceExtensionId RFC 8285 id of the transport-wide sequence number
     * @param firstSequenceNumber the first RTP sequence number (random, RFC 3550)
     */
    public FramePacketizer(Track track, int transportSequenceExtensionId, int firstSequenceNumber) {
        this(track, transportSequenceExtensionId, RtpHeaderExtensionIds.DEFAULT_ABSOLUTE_CAPTURE_TIME_ID,
                firstSequenceNumber);
    }

    /**
     * @param track the track's SSRC and payload type
     * @param transportSequenceExtensionId RFC 8285 id of the transport-wide sequence number
     * @param captureTimeExtensionId RFC 8285 id of abs-capture-time (differs from the other id)
     * @param firstSequenceNumber the first RTP sequence number (random, RFC 3550)
     */
    public FramePacketizer(Track track, int transportSequenceExtensionId, int captureTimeExtensionId,
            int firstSequenceNumber) {
        if (transportSequenceExtensionId == captureTimeExtensionId) {
            throw new IllegalArgumentException("captureTimeExtensionId must differ from transportSequenceExtensionId: "
                    + captureTimeExtensionId);
        }
        this.track = track;
        this.transportSequenceExtensionId = transportSequenceExtensionId;
        this.captureTimeExtensionId = captureTimeExtensionId;
        this.nextSequenceNumber = firstSequenceNumber & 0xFFFF;
    }

    /**
     * @param frameBytes a frame's size in bytes, &gt;= 0
     * @return how many packets {@link #packetize} makes of it (an empty frame is one packet)
     */
    public static int packetCount(int frameBytes) {
        return Math.max(1, (frameBytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
    }

    /** Receives each packet of a frame, in order. */
    @FunctionalInterface
    public interface PacketSink {
        /**
         * @param packet the RTP packet; ownership passes to the sink
         * @param sequenceNumber its RTP sequence number
         * @param transportSequenceOffset where, from the packet's reader index, the 16-bit
         *     transport-wide sequence number is to be written
         */
        void onPacket(ByteBuf packet, int sequenceNumber, int transportSequenceOffset);
    }

    /**
     * Packetizes one frame without a capture time.
     *
     * @param frame the frame's bytes (readable region); not released here
     * @param rtpTimestamp the frame's timestamp
     * @param keyframe sets the K bit
     * @param allocator where packet buffers come from
     * @param sink receives the packets
     * @return number of packets produced
     */
    public int packetize(ByteBuf frame, int rtpTimestamp, boolean keyframe, ByteBufAllocator allocator,
            PacketSink sink) {
        return packetize(frame, rtpTimestamp, NtpTime.UNKNOWN, keyframe, allocator, sink);
    }

    /**
     * Packetizes one frame.
     *
     * @param frame the frame's bytes (readable region); not released here
     * @param rtpTimestamp the frame's timestamp
     * @param captureTimeNtp the frame's wall-clock capture time as a 64-bit NTP timestamp, stamped
     *     on the first packet; {@link NtpTime#UNKNOWN} for none
     * @param keyframe sets the K bit
     * @param allocator where packet buffers come from
     * @param sink receives the packets
     * @return number of packets produced
     */
    public int packetize(ByteBuf frame, int rtpTimestamp, long captureTimeNtp, boolean keyframe,
            ByteBufAllocator allocator, PacketSink sink) {
        int remaining = frame.readableBytes();
        int index = frame.readerIndex();
        int packets = 0;
        boolean first = true;
        do {
            int chunk = Math.min(CHUNK_BYTES, remaining);
            payload[0] = (byte) ((first ? GenericPayload.START : 0) | (keyframe ? GenericPayload.KEYFRAME : 0));
            frame.getBytes(index, payload, GenericPayload.HEADER_LENGTH, chunk);
            index += chunk;
            remaining -= chunk;
            int sequenceNumber = nextSequenceNumber;
            nextSequenceNumber = (nextSequenceNumber + 1) & 0xFFFF;
            writer.reset()
                    .marker(remaining == 0)
                    .payloadType(track.payloadType())
                    .sequenceNumber(sequenceNumber)
                    .timestamp(rtpTimestamp)
                    .ssrc(track.ssrc())
                    .addTransportSequenceNumber(transportSequenceExtensionId, 0);
            if (first && captureTimeNtp != NtpTime.UNKNOWN) {
                writer.addAbsoluteCaptureTime(captureTimeExtensionId, captureTimeNtp);
            }
            int length = writer.write(packet, 0, packet.length, payload, 0, chunk + GenericPayload.HEADER_LENGTH);
            view.wrap(packet, 0, length);
            int transportSequenceOffset = view.extensionOffset(transportSequenceExtensionId);
            ByteBuf out = allocator.buffer(length);
            out.writeBytes(packet, 0, length);
            sink.onPacket(out, sequenceNumber, transportSequenceOffset);
            packets++;
            first = false;
        } while (remaining > 0);
        return packets;
    }
}
