package io.smoothcast.transport.internal.direct;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.Pacer;
import io.smoothcast.cc.PacketPriority;
import io.smoothcast.cc.TransportFeedback;
import io.smoothcast.payload.H264Packetizer;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpCompoundReader;
import io.smoothcast.rtp.RtcpNackView;
import io.smoothcast.rtp.RtcpPacketType;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.rtp.TransportCcFeedbackView;
import io.smoothcast.transport.internal.cc.TransportFeedbackConverter;
import io.smoothcast.transport.internal.rtx.RetransmissionBudget;
import io.smoothcast.transport.internal.rtx.RetransmissionCache;
import io.smoothcast.transport.internal.rtx.RtpHeaders;
import io.smoothcast.transport.internal.rtx.RtxPackets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

/**
 * Sends one H.264 stream as plain RTP (RFC 3550, payload format RFC 6184) straight to a peer's
 * host:port, with no Smoothcast control protocol: what a standard RTP receiver (GStreamer's
 * {@code rtpbin}) expects. Every packet carries the transport-wide sequence number extension;
 * the peer's RTCP (transport-cc feedback, generic NACK) comes back to this sender's socket and
 * drives the same pieces as the broadcaster engine: the {@link CongestionController} sets the
 * {@link Pacer}'s rate, and NACKed packets are resent as RFC 4588 RTX from a
 * {@link RetransmissionCache}, within a {@link RetransmissionBudget}, by the broadcaster's rule:
 * the RTX bytes queued over any second stay within {@link RetransmissionBudget#MAX_SHARE} (half)
 * of the controller's target, and the RTX packets within the budget's packet cap (a NACK over
 * either is counted in {@link DirectRtpSenderStats#rtxOverBudget()}, not answered), so a
 * capacity drop does not turn into a flood of resends the path cannot carry either. The caller's
 * encoder should follow {@link #mediaTargetBitrateBps}, the target less that RTX, so media plus
 * repairs stay within the target.
 *
 * <p>Driven by one caller thread with its own clock: {@link #sendAccessUnit} queues a frame,
 * {@link #poll} reads pending RTCP and sends what the pacer allows. Not thread-safe.
 */
public final class DirectRtpSender implements AutoCloseable {

    /** Offset of the 16-bit transport-wide sequence number: fixed header, extension header, element id byte. */
    private static final int TRANSPORT_SEQUENCE_OFFSET = 12 + 4 + 1;
    private static final int PACED_RING = 4096;
    private static final int MAX_DATAGRAM = 1500;

    private final DatagramChannel channel;
    private final InetSocketAddress peer;
    private final int payloadType;
    private final int ssrc;
    private final int rtxPayloadType;
    private final int rtxSsrc;
    private final int transportSequenceId;
    private final CongestionController controller;
    private final Pacer pacer;
    private final H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(1100).build();
    private final RtpPacketWriter writer = new RtpPacketWriter();
    private final RetransmissionCache sent = new RetransmissionCache(1024);
    private final RetransmissionBudget retransmissionBudget = new RetransmissionBudget(RetransmissionBudget.WINDOW_NS);
    private final ByteBufAllocator allocator = UnpooledByteBufAllocator.DEFAULT;
    private final ByteBuf[] paced = new ByteBuf[PACED_RING];
    private final boolean[] pacedIsRtx = new boolean[PACED_RING];
    private final byte[] scratch = new byte[MAX_DATAGRAM];
    private final DatagramReadLoop rtcpReader;
    private final RtcpCompoundReader rtcp = new RtcpCompoundReader();
    private final TransportCcFeedbackView transportCc = new TransportCcFeedbackView();
    private final RtcpNackView nack = new RtcpNackView();
    private final TransportFeedbackConverter feedbackConverter = new TransportFeedbackConverter();
    private final DirectRtpSenderStats stats = new DirectRtpSenderStats();
    private long nextHandle;
    private long nextTransportSequence;
    private int nextSequence;
    private int nextRtxSequence;

    /**
     * @param peer where RTP goes (the peer's RTP port)
     * @param payloadType H.264 payload type, 0-127
     * @param ssrc media SSRC
     * @param rtxPayloadType RTX payload type, 0-127
     * @param rtxSsrc RTX SSRC
     * @param transportSequenceId extension id of the transport-wide sequence number, 1-14
     * @param startBitrateBps the controller's start and the pacer's initial rate, bits per second
     * @throws IOException if the local socket cannot be opened
     */
    public DirectRtpSender(InetSocketAddress peer, int payloadType, int ssrc, int rtxPayloadType, int rtxSsrc,
            int transportSequenceId, long startBitrateBps) throws IOException {
        if (transportSequenceId < 1 || transportSequenceId > 14) {
            throw new IllegalArgumentException("transportSequenceId must be 1-14: " + transportSequenceId);
        }
        this.peer = peer;
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.rtxPayloadType = rtxPayloadType;
        this.rtxSsrc = rtxSsrc;
        this.transportSequenceId = transportSequenceId;
        this.controller = CongestionController.builder().startBitrateBps(startBitrateBps).build();
        this.pacer = Pacer.builder().initialTargetBitrateBps(startBitrateBps).build();
        this.channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(peer.getAddress(), 0));
        channel.configureBlocking(false);
        this.rtcpReader = new DatagramReadLoop(channel, MAX_DATAGRAM, this::onRtcpDatagram);
    }

    /** @return the local address: the peer sends its RTCP here */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** @return counters, updated as packets go and come */
    public DirectRtpSenderStats stats() {
        return stats;
    }

    /** @return the congestion controller's current target, bits per second */
    public long targetBitrateBps() {
        return controller.targetBitrateBps();
    }

    /**
     * The rate the caller's encoder should aim at: the controller's target less the RTX queued
     * over the last second (at most half the target), as the broadcaster tells its application.
     *
     * @param nowNs the caller's clock
     * @return bits per second, at least half of {@link #targetBitrateBps()}
     */
    public long mediaTargetBitrateBps(long nowNs) {
        return retransmissionBudget.mediaTargetBps(controller.targetBitrateBps(), nowNs);
    }

    /** @return packets the peer's transport-cc feedback reported received, as the controller counted them */
    public long feedbackReportedReceivedPackets() {
        return controller.reportedReceivedPackets();
    }

    /**
     * Packetizes one access unit and queues its packets in the pacer.
     *
     * @param accessUnit Annex-B bytes
     * @param offset first byte
     * @param length bytes
     * @param rtpTimestamp the frame's 90 kHz timestamp
     * @param nowNs the caller's clock
     * @return packets queued, or a negative {@link io.smoothcast.payload.PayloadErrors} code
     */
    public int sendAccessUnit(byte[] accessUnit, int offset, int length, int rtpTimestamp, long nowNs) {
        int nalUnits = packetizer.setAccessUnit(accessUnit, offset, length);
        if (nalUnits < 0) {
            stats.malformedFrames++;
            return nalUnits;
        }
        int queued = 0;
        while (packetizer.hasNext()) {
            int payloadLength = packetizer.next(scratch, 0);
            writer.reset().payloadType(payloadType).sequenceNumber(nextSequence).timestamp(rtpTimestamp).ssrc(ssrc)
                    .marker(packetizer.marker()).addTransportSequenceNumber(transportSequenceId, 0);
            ByteBuf packet = allocator.heapBuffer(writer.headerLength() + payloadLength);
            int written = writer.write(packet.array(), packet.arrayOffset(), packet.capacity(), scratch, 0, payloadLength);
            packet.writerIndex(written);
            nextSequence = (nextSequence + 1) & 0xFFFF;
            if (enqueue(packet, PacketPriority.VIDEO, false, nowNs)) {
                queued++;
            }
        }
        poll(nowNs);
        return queued;
    }

    private boolean enqueue(ByteBuf packet, PacketPriority priority, boolean rtx, long nowNs) {
        int slot = (int) (nextHandle & (PACED_RING - 1));
        if (paced[slot] != null || !pacer.enqueue(priority, nextHandle, packet.readableBytes(), nowNs)) {
            packet.release();
            stats.pacerDropped++;
            return false;
        }
        paced[slot] = packet;
        pacedIsRtx[slot] = rtx;
        nextHandle++;
        return true;
    }

    /**
     * Reads every pending RTCP datagram, then sends what the pacer allows now.
     *
     * @param nowNs the caller's clock
     * @return when the pacer allows the next packet ({@code Long.MAX_VALUE} if none is queued)
     */
    public long poll(long nowNs) {
        if (!rtcpReader.readAll(nowNs)) {
            stats.receiveErrors++;
        }
        controller.onTick(nowNs);
        pacer.setTargetBitrateBps(controller.targetBitrateBps());
        long handle;
        while ((handle = pacer.poll(nowNs)) >= 0) {
            int slot = (int) (handle & (PACED_RING - 1));
            ByteBuf packet = paced[slot];
            paced[slot] = null;
            long transportSequence = nextTransportSequence++;
            packet.setShort(packet.readerIndex() + TRANSPORT_SEQUENCE_OFFSET, (int) transportSequence);
            int size = packet.readableBytes();
            if (!pacedIsRtx[slot]) {
                sent.put(RtpHeaders.sequenceNumber(packet, packet.readerIndex()), packet);
            }
            controller.onPacketSent(transportSequence, size, nowNs, pacer.lastProbeClusterId());
            try {
                channel.send(packet.nioBuffer(), peer);
                stats.packetsSent++;
            } catch (IOException e) {
                stats.sendErrors++;
            }
            packet.release();
        }
        return pacer.nextSendTimeNs(nowNs);
    }

    /**
     * Takes one datagram as read from the socket (package-private so tests can feed hostile
     * bytes without a network). Counted once as {@code rtcpReceived} or {@code malformedRtcp}.
     */
    void onRtcpDatagram(byte[] data, int length, long nowNs) {
        stats.datagramsReceived++;
        if (length > scratch.length) {
            stats.malformedRtcp++;
            return;
        }
        System.arraycopy(data, 0, scratch, 0, length);
        if (rtcp.wrap(scratch, 0, length) != ParseStatus.OK) {
            stats.malformedRtcp++;
            return;
        }
        while (rtcp.next()) {
            if (rtcp.packetType() != RtcpPacketType.TRANSPORT_FEEDBACK) {
                continue;
            }
            if (rtcp.format() == RtcpPacketType.FMT_TRANSPORT_CC
                    && transportCc.wrap(scratch, rtcp.packetOffset(), rtcp.packetLength()) == ParseStatus.OK) {
                stats.transportFeedbackReceived++;
                TransportFeedback feedback = feedbackConverter.convert(transportCc, nextTransportSequence - 1);
                if (feedback != null) {
                    controller.onFeedback(feedback, nowNs);
                    pacer.setTargetBitrateBps(controller.targetBitrateBps());
                }
            } else if (rtcp.format() == RtcpPacketType.FMT_GENERIC_NACK
                    && nack.wrap(scratch, rtcp.packetOffset(), rtcp.packetLength()) == ParseStatus.OK) {
                if (nack.mediaSsrc() == ssrc) {
                    stats.nacksReceived++;
                    answerNack(nowNs);
                } else {
                    stats.foreignNacks++;
                }
            }
        }
        if (rtcp.status() == ParseStatus.OK) {
            stats.rtcpReceived++;
        } else {
            stats.malformedRtcp++;
        }
    }

    private void answerNack(long nowNs) {
        for (int e = 0; e < nack.entryCount(); e++) {
            int pid = nack.packetId(e);
            int blp = nack.lostBitmask(e);
            for (int bit = -1; bit < 16; bit++) {
                if (bit < 0 || (blp & (1 << bit)) != 0) {
                    retransmit((pid + bit + 1) & 0xFFFF, nowNs);
                }
            }
        }
    }

    private void retransmit(int sequenceNumber, long nowNs) {
        stats.nackedPackets++;
        ByteBuf original = sent.get(sequenceNumber);
        if (original == null) {
            return;
        }
        int rtxBytes = original.readableBytes() + 2; // RFC 4588: the original sequence number in front
        long allowedBps = RetransmissionBudget.allowedBitrateBps(controller.targetBitrateBps());
        if (!retransmissionBudget.hasRoomFor(rtxBytes, allowedBps, nowNs)) {
            stats.rtxOverBudget++;
            return;
        }
        ByteBuf rtx = RtxPackets.toRtx(allocator, original, rtxPayloadType, rtxSsrc, nextRtxSequence);
        if (rtx == null) {
            return;
        }
        nextRtxSequence = (nextRtxSequence + 1) & 0xFFFF;
        if (enqueue(rtx, PacketPriority.RETRANSMISSION, true, nowNs)) {
            retransmissionBudget.record(rtxBytes, nowNs);
            stats.rtxQueued++;
        }
    }

    /** Releases every queued and cached packet and closes the socket. */
    @Override
    public void close() throws IOException {
        for (int i = 0; i < paced.length; i++) {
            if (paced[i] != null) {
                paced[i].release();
                paced[i] = null;
            }
        }
        sent.clear();
        channel.close();
    }
}
