package io.smoothcast.transport.internal.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpCompoundReader;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtcpNackView;
import io.smoothcast.rtp.RtcpPacketType;
import io.smoothcast.rtp.RtcpPliView;
import io.smoothcast.rtp.RtcpWriter;
import io.smoothcast.transport.internal.cc.UntimedArrivalsReport;
import io.smoothcast.transport.internal.netty.UdpTransport;
import io.smoothcast.transport.internal.rtx.RetransmissionBudget;
import io.smoothcast.transport.internal.rtx.RtxPackets;

/**
 * RTCP on the relay: checks the compound framing, answers generic NACKs from subscribers with
 * RTX built from the retransmission cache (RFC 4588 section 4: the original sequence number in
 * the first two payload bytes, on the track's RTX SSRC and payload type), and turns PLIs into
 * rate-limited keyframe requests to the publisher.
 *
 * <p>A NACK costs its sender a few bytes per 17 packets asked for, and each answer is a full
 * media packet: the cache look-ups are bounded per NACK ({@link #MAX_RETRANSMISSIONS_PER_NACK}),
 * and the RTX bytes sent to a subscriber session over any second by half of what its downlink
 * carries ({@link RetransmissionBudget#allowedBitrateBps} of the session's {@link SubscriberDownlink}
 * estimate, as the broadcaster bounds its own RTX by half its target; the budget caps the RTX
 * packets too, so small packets do not go out at many times the rate of full-size ones). The
 * subscription's layer choice gets the estimate less that RTX ({@link Subscription#updateTarget}),
 * so layer plus RTX stay within the estimate. After a capacity drop the viewer NACKs
 * everything its full bottleneck dropped, and answering all of it at once would only be
 * dropped again. The estimate is the subscriber's own report, so the budget never exceeds
 * {@link #MAX_RETRANSMISSION_BPS} however high a client claims its downlink is. A NACKed packet that is not in the cache spends nothing of the budget
 * (after a failover the viewer asks its new node for the gap only the old node had). What is
 * asked beyond either bound is counted, not answered.
 *
 * <p>The sdk-core RTCP views read a {@code byte[]}, so the datagram (at most one receive
 * buffer, usually under 100 bytes) is copied into a reused scratch array once.
 *
 * <p>Not thread-safe: I/O thread only. Allocates only the outgoing buffers.
 */
final class FeedbackHandler {

    /**
     * Most packets one NACK gets back: the viewer asks for at most 256 per NACK (a 300 ms loss
     * burst at 8 Mbps), so a bigger ask is not ours to honour.
     */
    static final int MAX_RETRANSMISSIONS_PER_NACK = 256;
    /**
     * The budget of a session, in bps, until its downlink has an estimate (no transport-cc
     * feedback yet, or none ever: an older client, a plain RTP tool): the RTX share of the
     * estimate the relay starts every downlink with.
     */
    static final long NO_ESTIMATE_RETRANSMISSION_BPS =
            RetransmissionBudget.allowedBitrateBps(RelayEngine.DEFAULT_DOWNLINK_START_BPS);
    /**
     * Ceiling of any session's budget, in bps: a client's feedback can claim any downlink, and
     * the node's egress is not its to spend (an 8 Mbps stream with 20 % loss needs 1.6).
     */
    static final long MAX_RETRANSMISSION_BPS = 10_000_000;

    private final RelayEngine engine;
    private final RelayCounters counters;
    private final byte[] scratch = new byte[UdpTransport.RECEIVE_BUFFER_BYTES];
    private final byte[] pliScratch = new byte[12];
    private final RtcpCompoundReader reader = new RtcpCompoundReader();
    private final RtcpNackView nack = new RtcpNackView();
    private final RtcpPliView pli = new RtcpPliView();
    private final UntimedArrivalsReport untimedArrivals = new UntimedArrivalsReport();
    private int loadedLength;

    FeedbackHandler(RelayEngine engine, RelayCounters counters) {
        this.engine = engine;
        this.counters = counters;
    }

    /**
     * Copies an RTCP datagram into the scratch array and checks that every packet's header is
     * well formed. The copy stays loaded for {@link #onSubscriberRtcp}.
     */
    boolean isWellFramed(ByteBuf datagram) {
        loadedLength = datagram.readableBytes();
        datagram.getBytes(datagram.readerIndex(), scratch, 0, loadedLength);
        if (reader.wrap(scratch, 0, loadedLength) != ParseStatus.OK) {
            return false;
        }
        while (reader.next()) {
            // walk to the end: framing errors show up in status()
        }
        return reader.status() == ParseStatus.OK && reader.packetCount() + reader.skippedPacketCount() > 0;
    }

    /** Acts on the feedback in the datagram last passed to {@link #isWellFramed}. */
    void onSubscriberRtcp(RelaySession session, ByteBuf datagram, long nowNs) {
        reader.wrap(scratch, 0, loadedLength);
        while (reader.next()) {
            int type = reader.packetType();
            int format = reader.format();
            if (type == RtcpPacketType.TRANSPORT_FEEDBACK && format == RtcpPacketType.FMT_GENERIC_NACK) {
                if (nack.wrap(scratch, reader.packetOffset(), reader.packetLength()) == ParseStatus.OK) {
                    answerNack(session, nowNs);
                } else {
                    counters.increment(RelayCounter.MALFORMED_RTCP_DROPPED);
                }
            } else if (type == RtcpPacketType.TRANSPORT_FEEDBACK && format == RtcpPacketType.FMT_TRANSPORT_CC) {
                // Feeds the controller of this session's downlink (the layer choice).
                if (session.downlink != null
                        && !session.downlink.onFeedback(scratch, reader.packetOffset(), reader.packetLength(), nowNs)) {
                    counters.increment(RelayCounter.MALFORMED_RTCP_DROPPED);
                }
            } else if (type == RtcpPacketType.APP && session.downlink != null) {
                // A subscriber's own stall: the feedback after it reports these numbers read late.
                int status = untimedArrivals.read(scratch, reader.packetOffset(), reader.packetLength());
                if (status == ParseStatus.OK) {
                    counters.increment(RelayCounter.UNTIMED_ARRIVAL_REPORTS_RECEIVED);
                    session.downlink.onUntimedArrivals(untimedArrivals.firstSequence(), untimedArrivals.count());
                } else if (status != ParseStatus.WRONG_PACKET_TYPE) {
                    counters.increment(RelayCounter.MALFORMED_RTCP_DROPPED);
                }
            } else if (type == RtcpPacketType.PAYLOAD_FEEDBACK && format == RtcpPacketType.FMT_PLI) {
                if (pli.wrap(scratch, reader.packetOffset(), reader.packetLength()) == ParseStatus.OK) {
                    counters.increment(RelayCounter.PLI_RECEIVED);
                    RelayStream stream = engine.subscribedStream(session, pli.mediaSsrc());
                    if (stream != null) {
                        engine.requestKeyframe(stream, pli.mediaSsrc(), nowNs);
                    }
                } else {
                    counters.increment(RelayCounter.MALFORMED_RTCP_DROPPED);
                }
            }
            // Receiver reports end here: the node is the subscriber's media sender on this hop,
            // and the publisher gets its own feedback from the node.
        }
    }

    private void answerNack(RelaySession session, long nowNs) {
        RelayTrack track = engine.subscribedTrack(session, nack.mediaSsrc());
        int lookedUp = 0;
        for (int i = 0; i < nack.entryCount(); i++) {
            int pid = nack.packetId(i);
            int blp = nack.lostBitmask(i);
            for (int bit = -1; bit < 16; bit++) {
                if (bit >= 0 && (blp & (1 << bit)) == 0) {
                    continue;
                }
                counters.increment(RelayCounter.NACKED_PACKETS);
                int sequenceNumber = (pid + bit + 1) & 0xFFFF;
                if (track != null && engine.predatesLayerStart(session, track, sequenceNumber)) {
                    // never sent to this subscriber: not loss, and no part of its budget
                    counters.increment(RelayCounter.NACKS_BEFORE_LAYER_START);
                    continue;
                }
                if (lookedUp == MAX_RETRANSMISSIONS_PER_NACK) {
                    counters.increment(RelayCounter.NACK_RETRANSMISSIONS_LIMITED);
                    continue;
                }
                lookedUp++;
                retransmit(session, track, sequenceNumber, nowNs);
            }
        }
    }

    private void retransmit(RelaySession session, RelayTrack track, int sequenceNumber, long nowNs) {
        ByteBuf original = track == null || !track.track.hasRtx() ? null : track.cache.get(sequenceNumber);
        if (original == null) {
            counters.increment(track != null && track.missing.isMissing(sequenceNumber)
                    ? RelayCounter.RTX_PENDING_FROM_SOURCE : RelayCounter.RTX_MISSES);
            return;
        }
        if (sendRtx(session, track, original, RelayCounter.NACK_RETRANSMISSIONS_LIMITED, nowNs)) {
            counters.increment(RelayCounter.RTX_SENT);
        }
    }

    /**
     * Sends one subscriber a cached packet as RTX (RFC 4588) with the session's own transport-wide
     * number, within the session's budget: the RTX bytes sent to it over any second stay within
     * {@link #retransmissionBoundBps}, and the RTX packets within the budget's packet cap. Serves NACK
     * answers and the node's tail loss probes alike.
     *
     * @param refusedAs where a refusal by the budget is counted: {@link
     *     RelayCounter#NACK_RETRANSMISSIONS_LIMITED} or {@link RelayCounter#TAIL_PROBES_LIMITED}
     * @return whether it was sent; a packet that cannot be made RTX is counted in
     *     {@link RelayCounter#RTX_BUILD_FAILED}, one its fan-out lane dropped in
     *     {@link RelayCounter#FAN_OUT_LANE_BEHIND} (its budget and numbers stay used, as for an
     *     RTX lost on the way)
     */
    boolean sendRtx(RelaySession session, RelayTrack track, ByteBuf original, RelayCounter refusedAs, long nowNs) {
        int rtxBytes = original.readableBytes() + 2; // RFC 4588: the original sequence number in front
        if (session.retransmissions == null) {
            session.retransmissions = new RetransmissionBudget(RetransmissionBudget.WINDOW_NS);
        }
        if (!session.retransmissions.hasRoomFor(rtxBytes, retransmissionBoundBps(session), nowNs)) {
            counters.increment(refusedAs);
            return false;
        }
        ByteBuf rtx = RtxPackets.toRtx(engine.sender().allocator(), original, track.track.rtxPayloadType(),
                track.track.rtxSsrc(), track.nextRtxSequence);
        if (rtx == null) {
            counters.increment(RelayCounter.RTX_BUILD_FAILED);
            return false;
        }
        session.retransmissions.record(rtxBytes, nowNs);
        track.nextRtxSequence = (track.nextRtxSequence + 1) & 0xFFFF;
        // RTX keeps the original's extensions: it gets the session's own transport-wide number.
        return engine.sendOwnedToSubscriber(session, rtx, TransportSequenceExtension.offsetOf(rtx, rtx.readerIndex(),
                rtx.readableBytes(), RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID), nowNs);
    }

    /**
     * The bound of the session's RTX rate, in bps: the RTX share of what its downlink is believed
     * to carry, at most {@link #MAX_RETRANSMISSION_BPS}.
     */
    static long retransmissionBoundBps(RelaySession session) {
        SubscriberDownlink downlink = session.downlink;
        return downlink != null && downlink.hasEstimate()
                ? Math.min(RetransmissionBudget.allowedBitrateBps(downlink.estimateBps()), MAX_RETRANSMISSION_BPS)
                : NO_ESTIMATE_RETRANSMISSION_BPS;
    }

    /** A 12-byte PLI from this node to a publisher. */
    ByteBuf pli(ByteBufAllocator allocator, int senderSsrc, int mediaSsrc) {
        int length = RtcpWriter.writePli(pliScratch, 0, pliScratch.length, senderSsrc, mediaSsrc);
        ByteBuf buf = allocator.buffer(length);
        buf.writeBytes(pliScratch, 0, length);
        return buf;
    }
}
