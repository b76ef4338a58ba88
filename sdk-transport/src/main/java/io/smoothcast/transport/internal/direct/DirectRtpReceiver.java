package io.smoothcast.transport.internal.direct;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.jitter.FrameHandler;
import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.jitter.OfferResult;
import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.payload.H264Depacketizer;
import io.smoothcast.payload.H264FrameCompletenessCheck;
import io.smoothcast.rtp.NackWriter;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpReportWriter;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.transport.internal.client.ReceptionStatistics;
import io.smoothcast.transport.internal.rtx.RtxPackets;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Receives one H.264 stream as plain RTP (RFC 6184) from a standard peer, with RFC 4588 RTX
 * restored to the original packet. Packets go through the {@link SpscJitterBuffer} (with
 * {@link H264FrameCompletenessCheck}); the buffer's NACK schedule becomes generic NACKs (RFC
 * 4585), each sent in a compound packet behind a receiver report (RFC 3550) to the peer's RTCP
 * port; played-out frames are depacketized to Annex-B and written to an {@link OutputStream}.
 *
 * <p>Driven by one caller thread with its own clock ({@link #poll}); the jitter buffer's producer
 * and consumer sides are both used from that thread. Not thread-safe.
 */
public final class DirectRtpReceiver implements AutoCloseable {

    private static final int MAX_DATAGRAM = 1500;
    private static final int CLOCK_RATE_HZ = 90_000;
    private static final int MAX_ACCESS_UNIT_BYTES = 1 << 20;
    private static final long REPORT_INTERVAL_NS = 500_000_000L;

    private final DatagramChannel channel;
    private final InetSocketAddress peerRtcp;
    private final int payloadType;
    private final int rtxPayloadType;
    private final int ownSsrc;
    private final OutputStream out;
    private final SpscJitterBuffer jitter;
    private final H264Depacketizer depacketizer = new H264Depacketizer();
    private final ReceptionStatistics reception = new ReceptionStatistics(CLOCK_RATE_HZ);
    private final RtpPacketView rtp = new RtpPacketView();
    private final RtcpReportWriter report = new RtcpReportWriter();
    private final DatagramReadLoop rtpReader;
    private final byte[] rtxScratch = new byte[MAX_DATAGRAM];
    private final byte[] rtcpOut = new byte[MAX_DATAGRAM];
    private final byte[] accessUnit = new byte[MAX_ACCESS_UNIT_BYTES];
    private final int[] nackList = new int[64];
    private final DirectRtpReceiverStats stats = new DirectRtpReceiverStats();
    private final FrameHandler frameWriter = this::writeFrameOrRemember;
    private IOException writeFailure;
    private int mediaSsrc;
    private boolean haveMedia;
    /** Whether a report left: until then {@link #lastReportNs} means nothing (any clock origin). */
    private boolean reported;
    private long lastReportNs;

    /**
     * @param local where to listen for RTP (port 0 for any)
     * @param peerRtcp where the peer reads RTCP (NACKs and receiver reports go there)
     * @param payloadType H.264 payload type, 0-127
     * @param rtxPayloadType RTX payload type, 0-127
     * @param ownSsrc the SSRC this receiver reports under
     * @param latencyMs fixed jitter-buffer delay, milliseconds (room for retransmissions)
     * @param out receives the Annex-B access units played out; not closed by this receiver
     * @throws IOException if the socket cannot be opened
     */
    public DirectRtpReceiver(InetSocketAddress local, InetSocketAddress peerRtcp, int payloadType, int rtxPayloadType,
            int ownSsrc, int latencyMs, OutputStream out) throws IOException {
        this.peerRtcp = peerRtcp;
        this.payloadType = payloadType;
        this.rtxPayloadType = rtxPayloadType;
        this.ownSsrc = ownSsrc;
        this.out = out;
        this.jitter = SpscJitterBuffer.builder().clockRateHz(CLOCK_RATE_HZ).fixedDelayMs(latencyMs)
                .completenessCheck(H264FrameCompletenessCheck.INSTANCE).capacityPackets(2048).build();
        this.channel = DatagramChannel.open();
        channel.bind(local);
        channel.configureBlocking(false);
        this.rtpReader = new DatagramReadLoop(channel, MAX_DATAGRAM, this::onDatagram);
    }

    /** @return the local address: the peer sends RTP (and RTX) here */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** @return counters, updated by {@link #poll} */
    public DirectRtpReceiverStats stats() {
        return stats;
    }

    /**
     * Reads every pending datagram into the jitter buffer, sends due NACKs and receiver reports,
     * and writes every frame whose playout time has come.
     *
     * @param nowNs the caller's clock
     * @throws IOException if writing a frame to the output fails
     */
    public void poll(long nowNs) throws IOException {
        if (!rtpReader.readAll(nowNs)) {
            stats.receiveErrors++;
        }
        sendFeedback(nowNs);
        jitter.poll(nowNs, frameWriter);
        if (writeFailure != null) {
            IOException failure = writeFailure;
            writeFailure = null;
            throw failure;
        }
    }

    /**
     * Takes one datagram as read from the socket (package-private so tests can feed hostile
     * bytes without a network). Every datagram is counted once: accepted, or dropped as
     * malformed, of an unknown payload type or of an unknown SSRC.
     */
    void onDatagram(byte[] data, int length, long nowNs) {
        stats.datagrams++;
        if (rtp.wrap(data, 0, length) != ParseStatus.OK) {
            stats.malformed++;
            return;
        }
        boolean original = true;
        if (rtp.payloadType() == rtxPayloadType && haveMedia) {
            ByteBuf restored = RtxPackets.fromRtx(UnpooledByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(data, 0, length),
                    payloadType, mediaSsrc);
            if (restored == null) {
                stats.malformed++;
                return;
            }
            int restoredLength = restored.readableBytes();
            restored.readBytes(rtxScratch, 0, restoredLength);
            restored.release();
            if (rtp.wrap(rtxScratch, 0, restoredLength) != ParseStatus.OK) {
                stats.malformed++;
                return;
            }
            stats.rtxReceived++;
            original = false;
        } else if (rtp.payloadType() != payloadType) {
            stats.unknownPayloadType++;
            return;
        }
        if (!haveMedia) {
            haveMedia = true;
            mediaSsrc = rtp.ssrc();
        }
        if (rtp.ssrc() != mediaSsrc) {
            stats.unknownSsrc++;
            return;
        }
        stats.packetsReceived++;
        reception.onPacket(rtp.sequenceNumber(), rtp.timestamp(), nowNs, original);
        int payloadOffset = rtp.payloadOffset();
        int payloadLength = rtp.payloadLength();
        int result = jitter.offer(rtp.ssrc(), rtp.sequenceNumber(), rtp.timestamp(), rtp.marker(), nowNs,
                rtp.buffer(), payloadOffset, payloadLength);
        if (result != OfferResult.ACCEPTED) {
            stats.jitterRejected++;
        }
    }

    private void sendFeedback(long nowNs) {
        if (!haveMedia) {
            return;
        }
        int lost = jitter.pollNacks(nowNs, nackList);
        if (lost == 0 && reported && nowNs - lastReportNs < REPORT_INTERVAL_NS) {
            return;
        }
        report.startReceiverReport(ownSsrc);
        reception.addReportBlock(report, mediaSsrc, nowNs);
        int length = report.write(rtcpOut, 0, rtcpOut.length);
        if (length < 0) {
            return;
        }
        if (lost > 0) {
            int nackLength = NackWriter.writeLost(rtcpOut, length, rtcpOut.length - length, ownSsrc, mediaSsrc, nackList, lost);
            if (nackLength > 0) {
                length += nackLength;
                stats.nacksSent++;
                stats.nackedPackets += lost;
            }
        }
        try {
            channel.send(ByteBuffer.wrap(rtcpOut, 0, length), peerRtcp);
            stats.reportsSent++;
        } catch (IOException e) {
            stats.sendErrors++;
        }
        reported = true;
        lastReportNs = nowNs;
    }

    private void writeFrameOrRemember(JitterFrame frame) {
        if (writeFailure != null) {
            return;
        }
        try {
            writeFrame(frame);
        } catch (IOException e) {
            writeFailure = e;
        }
    }

    /**
     * Depacketizes a played-out frame to one Annex-B access unit and writes it (package-private
     * so tests can hand it frames however their packets were offered).
     */
    void writeFrame(JitterFrame frame) throws IOException {
        int written = 0;
        for (int i = 0; i < frame.packetCount(); i++) {
            if (written >= accessUnit.length) {
                stats.depacketizeErrors++; // larger than any sane access unit
                depacketizer.reset();
                return;
            }
            int n = depacketizer.depacketize(frame.sequenceNumber(i), frame.payloadArray(i), frame.payloadOffset(i),
                    frame.payloadLength(i), accessUnit, written);
            if (n < 0) {
                stats.depacketizeErrors++;
                depacketizer.reset();
                return;
            }
            written += n;
        }
        stats.framesWritten++;
        out.write(accessUnit, 0, written);
    }

    /** Closes the socket (the output stream is the caller's). */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
