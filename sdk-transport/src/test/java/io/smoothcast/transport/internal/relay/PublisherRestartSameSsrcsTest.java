package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.rtp.NackWriter;
import io.smoothcast.rtp.RtpHeaderExtensionIds;
import io.smoothcast.rtp.RtpPacketWriter;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An edge (a real {@link RelayEngine} with an upstream node), in virtual time, whose origin's
 * publisher restarted with the same SSRCs and started its sequence numbers again, the edge having
 * lost the empty STREAM_INFO that said the old publisher left: the next STREAM_INFO carries the
 * same track list, which the edge takes for a repeat, so nothing in the control protocol tells it
 * the old session's cached packets are no longer the stream's. The SDK's own broadcaster draws new
 * random SSRCs for each instance and keeps its numbering across a failover, so this takes a
 * publisher of its own making (PROTOCOL.md lets any RTP sender publish).
 */
class PublisherRestartSameSsrcsTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Track VIDEO = new Track(0x1000, 0x1001, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    private static final InetSocketAddress ORIGIN = new InetSocketAddress("127.0.0.1", 7000);
    private static final InetSocketAddress VIEWER = new InetSocketAddress("127.0.0.1", 6001);

    private final RecordingSender out = new RecordingSender();
    private final RelayCounters counters = new RelayCounters();
    private RelayEngine edge = edgeWithCache(64);
    private long nowNs = 100_000 * MS;

    @BeforeEach
    void viewerWatchesTheOriginsStreamOnTheEdge() {
        receive(RecordingSender.controlDatagram(1, new ControlMessage.Hello(1, 500)), VIEWER);
        receive(RecordingSender.controlDatagram(2, new ControlMessage.Subscribe("show", 2, 0)), VIEWER);
        originAnswers(new ControlMessage.HelloAck(1, 500, 5000, 9));
        originAnswers(new ControlMessage.SubscribeAck("show", List.of(VIDEO)));
        out.drain();
    }

    @AfterEach
    void close() {
        edge.close();
    }

    private RelayEngine edgeWithCache(int packets) {
        return new RelayEngine(new RelayConfig(1, 500, 5000, packets, 200, 100, 100, ORIGIN), out, counters);
    }

    /** Replaces the edge by one with the largest cache (32768 packets), the viewer watching. */
    private void largestCache() {
        edge.close();
        edge = edgeWithCache(32768);
        viewerWatchesTheOriginsStreamOnTheEdge();
    }

    /** The origin forwards a session's packets {@code from..to}, 0.1 ms apart, the edge not ticking. */
    private void originSendsQuickly(int session, int from, int to) {
        for (int seq = from; seq <= to; seq++) {
            nowNs += MS / 10;
            receive(media(session, seq & 0xFFFF), ORIGIN);
        }
    }

    private void receive(byte[] datagram, InetSocketAddress from) {
        ByteBuf buf = Unpooled.wrappedBuffer(datagram);
        edge.onDatagram(buf, from, nowNs);
        buf.release();
    }

    private void originAnswers(ControlMessage answer) {
        byte[] datagram = out.replyToLast(ORIGIN, answer);
        out.drain();
        receive(datagram, ORIGIN);
    }

    /** A session's payload of a packet: different bytes for each session under one number. */
    private static byte[] payload(int session, int seq) {
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) (session * 16 + seq));
        return payload;
    }

    /**
     * A packet of a publisher session: each session has its own RTP timestamp base, far from the
     * others' (as a random base is, RFC 3550 section 5.1).
     */
    private static byte[] rtp(int ssrc, int payloadType, int session, int seq, byte[] payload) {
        return rtp(ssrc, payloadType, session, seq, seq, payload);
    }

    /**
     * As above, with the timestamp of the packet numbered {@code mediaSeq} (an RTX packet carries
     * its original's) and the transport-wide number {@code seq}.
     */
    private static byte[] rtp(int ssrc, int payloadType, int session, int seq, int mediaSeq, byte[] payload) {
        byte[] packet = new byte[1500];
        int length = new RtpPacketWriter().payloadType(payloadType).sequenceNumber(seq)
                .timestamp(session * 100_000_000 + mediaSeq * 3000).ssrc(ssrc)
                .addTransportSequenceNumber(RtpHeaderExtensionIds.DEFAULT_TRANSPORT_SEQUENCE_NUMBER_ID, seq)
                .write(packet, 0, packet.length, payload, 0, payload.length);
        return Arrays.copyOf(packet, length);
    }

    private static byte[] media(int session, int seq) {
        return rtp(VIDEO.ssrc(), VIDEO.payloadType(), session, seq, payload(session, seq));
    }

    /** The origin's RTX of a session's packet (RFC 4588: the original number in front). */
    private static byte[] originRtx(int session, int rtxSeq, int osn) {
        byte[] original = payload(session, osn);
        byte[] payload = new byte[original.length + 2];
        payload[0] = (byte) (osn >>> 8);
        payload[1] = (byte) osn;
        System.arraycopy(original, 0, payload, 2, original.length);
        return rtp(VIDEO.rtxSsrc(), VIDEO.rtxPayloadType(), session, rtxSeq, osn, payload);
    }

    /** The origin forwards these packets of a session, 10 ms apart, the edge ticking. */
    private void originSends(int session, int... sequenceNumbers) {
        for (int seq : sequenceNumbers) {
            nowNs += 10 * MS;
            receive(media(session, seq), ORIGIN);
            edge.onTick(nowNs);
        }
    }

    /** The edge ticks through the 20 ms reorder wait of its gap tracker. */
    private void afterTheReorderWait() {
        nowNs += 20 * MS;
        edge.onTick(nowNs);
    }

    /** The stream goes quiet for 300 ms, the edge ticking: its tail probe is due. */
    private void streamGoesQuiet() {
        for (int tick = 0; tick < 30; tick++) {
            nowNs += 10 * MS;
            edge.onTick(nowNs);
        }
    }

    /**
     * The stream goes quiet: the tail probe resends the new session's (2) newest packet, not the
     * old session's (1).
     */
    private void theTailProbeResendsTheNewSessions(int newest, int oldNewest) {
        out.drain();
        streamGoesQuiet();
        assertTrue(viewerGotPayload(payload(2, newest)), "the probe resends the new session's newest, " + newest);
        assertFalse(viewerGotPayload(payload(1, oldNewest)), "not the old session's " + oldNewest);
    }

    private void viewerNacks(int seq) {
        byte[] nack = new byte[64];
        int length = NackWriter.writeLost(nack, 0, nack.length, 0x5555, VIDEO.ssrc(), new int[] {seq}, 1);
        receive(Arrays.copyOf(nack, length), VIEWER);
    }

    /** Whether the viewer was sent a packet ending in these payload bytes. */
    private boolean viewerGotPayload(byte[] payload) {
        return out.to(VIEWER).stream().anyMatch(sent -> sent.bytes().length > payload.length
                && Arrays.equals(payload, Arrays.copyOfRange(sent.bytes(), sent.bytes().length - payload.length,
                        sent.bytes().length)));
    }

    /**
     * The old session sends 100..300 (the cache holds 237..300), then the origin's next
     * STREAM_INFO names the same tracks (its empty one, the old publisher leaving, was lost).
     */
    private void oldSessionUpTo300() {
        int[] old = new int[201];
        for (int i = 0; i < old.length; i++) {
            old[i] = 100 + i;
        }
        originSends(1, old);
        nowNs += 50 * MS;
        receive(RecordingSender.controlDatagram(0, new ControlMessage.StreamInfo("show", List.of(VIDEO))), ORIGIN);
    }

    private void oldSessionThenTheRestartedOne() {
        originSends(1, 100, 101, 102, 103, 104, 105);
        out.drain();
        // The old publisher leaves and a new one publishes the same tracks at once: the origin's
        // empty STREAM_INFO is lost on the way here, and its next one names the tracks the edge has.
        nowNs += 50 * MS;
        receive(RecordingSender.controlDatagram(0, new ControlMessage.StreamInfo("show", List.of(VIDEO))), ORIGIN);
        assertEquals(List.of(), out.drain(), "the same list again: nothing to announce");
        // The new session numbers from 100 again; its 102 is lost between the origin and the edge.
        originSends(2, 100, 101, 103);
    }

    @Test
    void aViewersNackForAReusedNumber_isNotAnsweredWithTheOldSessionsPacket() {
        oldSessionThenTheRestartedOne();
        out.drain();
        viewerNacks(102);
        assertEquals(0, counters.get(RelayCounter.RTX_SENT), "no RTX of the old session's 102");
        assertFalse(viewerGotPayload(payload(1, 102)), "the old session's bytes never reach the viewer");
    }

    @Test
    void theEdgeAsksTheOriginForTheNewSessionsLoss_andForwardsItsRepair() {
        oldSessionThenTheRestartedOne();
        // 103 showed the gap at 102: after the 20 ms reorder wait the edge asks the origin.
        afterTheReorderWait();
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "102 of the new session asked for");
        out.drain();
        receive(originRtx(2, 7, 102), ORIGIN);
        assertEquals(0, counters.get(RelayCounter.SOURCE_RTX_ALREADY_HELD), "not mistaken for the old 102");
        assertTrue(viewerGotPayload(payload(2, 102)), "the new session's 102 forwarded to the viewer");
        out.drain();
        viewerNacks(102);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT));
        assertTrue(viewerGotPayload(payload(2, 102)), "and answered from the cache with the new bytes");
    }

    @Test
    void theNewSessionsTailIsProbed_notTheOldSessionsNewestPacket() {
        oldSessionThenTheRestartedOne();
        out.drain();
        streamGoesQuiet();
        assertEquals(1, counters.get(RelayCounter.TAIL_PROBES_SENT));
        assertTrue(viewerGotPayload(payload(2, 103)), "the probe resends the new session's newest, 103");
        assertFalse(viewerGotPayload(payload(1, 105)), "not the old session's 105");
    }

    /**
     * The new session numbers from further behind than the edge's cache (64 packets) reaches: the
     * slot of each of its numbers holds a newer packet of the old session, never the same number,
     * so no comparison of bytes can tell. Its losses must still be asked for, and the tail probe
     * must resend its newest packet, not the old session's.
     */
    @Test
    void aRestartFurtherBehindThanTheCache_isStillARestart() {
        oldSessionUpTo300();
        out.drain();
        originSends(2, 200, 201, 203); // 100 behind the old newest; 202 lost on the way here
        afterTheReorderWait();
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "the new session's 202 asked for");
        theTailProbeResendsTheNewSessions(203, 300);
    }

    /**
     * A restart further behind than the cache is seen at the new session's second packet; its
     * first, cached before, is of the new session too and stays held: a viewer that lost it on
     * its downlink still gets it repaired.
     */
    @Test
    void aRestartFurtherBehindThanTheCache_keepsTheNewSessionsFirstPacket() {
        oldSessionUpTo300();
        originSends(2, 200, 201, 202);
        out.drain();
        viewerNacks(200);
        assertTrue(viewerGotPayload(payload(2, 200)), "the new session's first packet, 200, repaired");
    }

    /**
     * The guard's other side: a repair the edge asked for, forwarded by the origin as an original
     * more than a cache length late (a slow ingest), is no restart: the cache and the other
     * requests stay.
     */
    @Test
    void aRepairAskedForArrivingACacheLengthLate_isNoRestart() {
        originSends(1, 100, 101, 103, 104, 106); // 102 and 105 lost
        afterTheReorderWait();
        assertEquals(2, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "102 and 105 asked for");
        for (int seq = 107; seq <= 186; seq++) { // 166 is in 102's slot
            nowNs += MS;
            receive(media(1, seq), ORIGIN);
        }
        originSends(1, 102); // the origin's forwarded repair, 84 packets late
        out.drain();
        viewerNacks(150);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "150 still cached");
        assertTrue(viewerGotPayload(payload(1, 150)));
        long asked = counters.get(RelayCounter.SOURCE_NACKED_PACKETS);
        nowNs += 1000 * MS;
        edge.onTick(nowNs);
        assertTrue(counters.get(RelayCounter.SOURCE_NACKED_PACKETS) > asked, "105 still asked for");
    }

    /**
     * A network duplicate of a packet the cache no longer holds, a cache length late, alone
     * proves nothing: no restart, the cache stays.
     */
    @Test
    void oneStrayPacketACacheLengthLate_isNoRestart() {
        for (int seq = 100; seq <= 180; seq++) { // 174 is in 110's slot
            nowNs += MS;
            receive(media(1, seq), ORIGIN);
        }
        originSends(1, 110, 181);
        out.drain();
        viewerNacks(150);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "150 still cached");
        assertTrue(viewerGotPayload(payload(1, 150)));
    }

    /** The guard's other side: a network duplicate (same bytes) is no restart, the cache stays. */
    @Test
    void aDuplicatedPacket_keepsTheCache() {
        originSends(1, 100, 101, 102, 103);
        receive(media(1, 101), ORIGIN);
        out.drain();
        viewerNacks(100);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "100 still cached after the duplicate of 101");
        byte[] rtx = out.to(VIEWER).get(0).bytes();
        byte[] expected = payload(1, 100);
        assertArrayEquals(expected, Arrays.copyOfRange(rtx, rtx.length - expected.length, rtx.length));
    }

    /**
     * A late original after its repair: the copy rebuilt from the RTX carries the RTX packet's
     * header extensions (another transport-wide number), the same timestamp and payload. No
     * restart: the cache stays.
     */
    @Test
    void aLateOriginalAfterItsRepair_keepsTheCache() {
        originSends(1, 100, 101, 103);
        receive(originRtx(1, 7, 102), ORIGIN);
        receive(media(1, 102), ORIGIN);
        out.drain();
        viewerNacks(100);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "100 still cached after the late original of 102");
    }

    /**
     * The largest cache (32768 packets) is half the number space: a slot's next number is the
     * number it held before, a lap on, so "a cache length behind the packet in its slot" never
     * held and no restart further behind than the cache was ever seen. Here the old session was
     * short (its packets fill few slots) and the new one starts 30100 behind it, on empty slots.
     */
    @Test
    void largestCache_aRestartFarBehindOnEmptySlots_isARestart() {
        largestCache();
        originSendsQuickly(1, 40000, 40100);
        originSends(2, 10000, 10001, 10003); // 10002 lost on the way here
        afterTheReorderWait();
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "the new session's 10002 asked for");
        assertEquals(1, counters.get(RelayCounter.SOURCE_RESTARTS));
        out.drain();
        viewerNacks(10000);
        assertTrue(viewerGotPayload(payload(2, 10000)), "the new session's first packet kept");
        theTailProbeResendsTheNewSessions(10003, 40100);
    }

    /**
     * With the largest cache, a restart 33010 behind the old newest (as far ahead: 32526) is
     * taken for a jump ahead; the new session's numbers then reach the old session's still
     * cached under the same 16-bit numbers (the old session jumped from 7300 to 40000: its
     * 7200..7300 are in the window). Those are behind the window now that the new session's
     * numbers lead it: no comparison with them clears the new session's cached packets and its
     * gaps, and no NACK is answered with them.
     */
    @Test
    void largestCache_aRestartThatLooksLikeAJumpAhead_keepsTheNewSessionsPacketsAndGaps() {
        largestCache();
        originSendsQuickly(1, 7200, 7300);
        originSendsQuickly(1, 40000, 40010);
        originSendsQuickly(2, 7000, 7198);
        originSends(2, 7200, 7201); // 7199 lost on the way here
        afterTheReorderWait();
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "the new session's 7199 asked for");
        out.drain();
        viewerNacks(7100);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "the new session's 7100 still cached");
        assertTrue(viewerGotPayload(payload(2, 7100)));
        out.drain();
        viewerNacks(7290);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "nothing for 7290: the new session's has not arrived");
        assertFalse(viewerGotPayload(payload(1, 7290)), "the old session's 7290 is not sent");
    }

    /**
     * A repair the edge asked for that comes more than a cache length late is forwarded, but
     * does not replace the newer packet of its slot, nor become the newest packet.
     */
    @Test
    void aRepairMoreThanACacheLengthLate_keepsTheNewerPacketOfItsSlot() {
        originSends(1, 100, 101, 103); // 102 lost
        afterTheReorderWait();
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "102 asked for");
        originSendsQuickly(1, 104, 170); // 166 is in 102's slot
        receive(originRtx(1, 7, 102), ORIGIN);
        assertTrue(viewerGotPayload(payload(1, 102)), "the repair forwarded");
        out.drain();
        receive(originRtx(1, 8, 102), ORIGIN); // the answer to a second request, later still
        assertEquals(List.of(), out.to(VIEWER), "not forwarded again");
        assertEquals(1, counters.get(RelayCounter.SOURCE_RTX_ALREADY_HELD));
        viewerNacks(166);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "166 still cached");
        assertTrue(viewerGotPayload(payload(1, 166)));
        out.drain();
        streamGoesQuiet();
        assertTrue(viewerGotPayload(payload(1, 170)), "the tail probe resends the newest, 170");
        assertFalse(viewerGotPayload(payload(1, 102)), "not the late repair");
    }

    /**
     * The memory of packets forwarded too late to be cached holds numbers of past laps too: a
     * repair of 102 that came a cache length late, then a lap of 65536 numbers later another
     * number 102, lost, whose first repair also comes a cache length late. That repair is a
     * packet no subscriber has had: forwarded, not dropped as the old 102's second repair. (The
     * lap is run in a few jumps ahead, each less than half the number space, to keep the test
     * short: the cache's window and the memory see the same numbers as in a stream sending all.)
     */
    @Test
    void aFirstRepairACacheLengthLate_aLapAfterAnotherOfItsNumber_isForwarded() {
        originSends(1, 100, 101, 103); // 102 lost
        originSendsQuickly(1, 104, 170);
        receive(originRtx(1, 7, 102), ORIGIN); // forwarded, too late to be cached
        assertTrue(viewerGotPayload(payload(1, 102)));
        for (int from = 16_000; from < 65536; from += 16_000) {
            originSendsQuickly(1, from, from + 9);
        }
        originSendsQuickly(1, 65536 + 103, 65536 + 170); // the new lap's 102 lost
        out.drain();
        receive(originRtx(3, 8, 102), ORIGIN); // its first repair (other bytes), a cache length late
        assertTrue(viewerGotPayload(payload(3, 102)), "the new lap's 102 forwarded");
        assertEquals(0, counters.get(RelayCounter.SOURCE_RTX_ALREADY_HELD), "not taken for the old 102's repair");
    }

    /**
     * A restart further behind than the cache whose first packets land on slots nothing was put
     * in since the last restart (that session was short): it is still a restart.
     */
    @Test
    void aRestartFurtherBehindThanTheCache_ontoEmptySlots_isARestart() {
        oldSessionUpTo300();
        originSends(2, 200, 201); // a restart: the cache then holds 200..220 only
        originSendsQuickly(2, 202, 220);
        assertEquals(1, counters.get(RelayCounter.SOURCE_RESTARTS));
        out.drain();
        originSends(3, 100, 101, 103); // 120 behind, on empty slots 36..39; 102 lost
        afterTheReorderWait();
        assertEquals(2, counters.get(RelayCounter.SOURCE_RESTARTS));
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "the third session's 102 asked for");
        out.drain();
        viewerNacks(100);
        assertTrue(viewerGotPayload(payload(3, 100)), "its first packet kept");
    }

    /**
     * The new session's first packet lies exactly a cache length (64) behind the old newest, its
     * second one less: one far behind, then one within the window (session 18 needed two far
     * behind, or two within it, and lost the first). It is kept: a viewer's NACK for it is answered.
     */
    @Test
    void aRestartStartingExactlyACacheLengthBehind_keepsTheNewSessionsFirstPacket() {
        shortOldSession();
        originSends(2, 66, 67, 68); // 130 - 64 = 66
        assertEquals(1, counters.get(RelayCounter.SOURCE_RESTARTS));
        out.drain();
        viewerNacks(66);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "the new session's 66 kept");
        assertTrue(viewerGotPayload(payload(2, 66)));
    }

    /**
     * As above, the new session's first packet further behind than the cache, its second lost on
     * the way, its third within the window onto a slot the old session holds: the first is kept
     * and the second asked for.
     */
    @Test
    void aRestartCrossingIntoTheWindowAfterALoss_keepsTheFirstPacketAndAsksForTheLost() {
        oldSessionUpTo300();
        out.drain();
        originSends(2, 235, 237, 238); // 300 - 64 = 236: 235 beyond the window, 236 lost
        assertEquals(1, counters.get(RelayCounter.SOURCE_RESTARTS));
        afterTheReorderWait();
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "the new session's 236 asked for");
        out.drain();
        viewerNacks(235);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "the new session's 235 kept");
        assertTrue(viewerGotPayload(payload(2, 235)));
    }

    /**
     * The new session's packets reordered further behind than the cache: its third arrives
     * first, then its first (the restart shows there), its second lost. The first two that came
     * are kept and the lost one between them is asked for (session 19 started the gap tracker
     * at the third, taking the first for a late packet, and never asked for the second).
     */
    @Test
    void aRestartFarBehind_secondPacketBeforeTheFirst_asksForTheLostOneBetween() {
        oldSessionUpTo300();
        out.drain();
        originSends(2, 232, 230, 233, 234); // 300 - 64 = 236: all beyond the window, 231 lost
        assertEquals(1, counters.get(RelayCounter.SOURCE_RESTARTS));
        afterTheReorderWait();
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "the new session's 231 asked for");
        for (int seq : new int[] {230, 232}) {
            out.drain();
            viewerNacks(seq);
            assertTrue(viewerGotPayload(payload(2, seq)), seq + " kept");
        }
    }

    /**
     * With the smallest cache (16 packets), two consecutive network duplicates delayed behind 30
     * later packets are further behind than the cache, never asked for: their timestamps are the
     * stream's own, no restart (session 18 took them for one and forgot the cache).
     */
    @Test
    void smallestCache_twoConsecutiveDuplicatesACacheLengthLate_areNoRestart() {
        edge.close();
        edge = edgeWithCache(16);
        viewerWatchesTheOriginsStreamOnTheEdge();
        originSendsQuickly(1, 100, 200);
        originSends(1, 170, 171, 201);
        assertEquals(0, counters.get(RelayCounter.SOURCE_RESTARTS));
        out.drain();
        viewerNacks(195);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "195 still cached");
        assertTrue(viewerGotPayload(payload(1, 195)));
    }

    /**
     * The decision the rule above takes: a restarted source that keeps its clock (a timestamp from
     * wall time) further behind than the cache is not seen there, its packets taken for late ones
     * (forwarded, not cached), until its numbers reach one the cache holds, with other bytes.
     */
    @Test
    void aRestartKeepingItsClockFarBehind_isSeenWhenItReachesAHeldNumber() {
        oldSessionUpTo300();
        for (int seq = 200; seq <= 236; seq++) {
            nowNs += MS;
            receive(sameClockNewSession(seq), ORIGIN);
        }
        assertEquals(0, counters.get(RelayCounter.SOURCE_RESTARTS), "unseen beyond the window");
        nowNs += MS;
        receive(sameClockNewSession(237), ORIGIN);
        assertEquals(1, counters.get(RelayCounter.SOURCE_RESTARTS), "seen at 237, held with other bytes");
        theTailProbeResendsTheNewSessions(237, 300);
    }

    /** The old session sends 100..130 only (shorter than the cache), then the same STREAM_INFO. */
    private void shortOldSession() {
        originSendsQuickly(1, 100, 129);
        originSends(1, 130);
        nowNs += 50 * MS;
        receive(RecordingSender.controlDatagram(0, new ControlMessage.StreamInfo("show", List.of(VIDEO))), ORIGIN);
        out.drain();
    }

    /**
     * A restart 50 behind the old newest (within the 64-packet cache) onto slots that hold
     * nothing: no byte comparison, and not a cache length behind. The new session's timestamps
     * are far from the old one's: a restart all the same, seen at its second packet.
     */
    @Test
    void aRestartWithinTheCacheOntoEmptySlots_isARestart() {
        shortOldSession();
        originSends(2, 80, 81, 83); // 82 lost on the way here
        assertEquals(1, counters.get(RelayCounter.SOURCE_RESTARTS));
        afterTheReorderWait();
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "the new session's 82 asked for");
        out.drain();
        viewerNacks(80);
        assertTrue(viewerGotPayload(payload(2, 80)), "its first packet kept");
        out.drain();
        viewerNacks(120);
        assertFalse(viewerGotPayload(payload(1, 120)), "the old session's 120 is not sent for it");
        theTailProbeResendsTheNewSessions(83, 130);
    }

    /**
     * The new session's first packets are as lossy as any: its 81 lost on the way, its 80 twice
     * (a network duplicate), its 84 before its 83. The restart shows at 82 all the same, 80 stays
     * cached and the lost 81 is asked for (until session 18 only consecutive numbers, one right
     * after the other, counted: here nothing showed the restart).
     */
    @Test
    void aRestartWithinTheCache_lossyDuplicatedFirstPackets_isARestart_keepsThemAndAsksForTheLost() {
        shortOldSession();
        originSends(2, 80, 80, 82);
        assertEquals(1, counters.get(RelayCounter.SOURCE_RESTARTS), "seen at 82");
        originSends(2, 84, 83);
        assertEquals(1, counters.get(RelayCounter.SOURCE_RESTARTS));
        afterTheReorderWait();
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "the new session's 81 asked for");
        out.drain();
        viewerNacks(80);
        viewerNacks(82);
        viewerNacks(83);
        assertEquals(3, counters.get(RelayCounter.RTX_SENT), "the new session's 80, 82 and 83 kept");
        assertTrue(viewerGotPayload(payload(2, 80)));
        out.drain();
        viewerNacks(120);
        assertFalse(viewerGotPayload(payload(1, 120)), "the old session's 120 is not sent for it");
        theTailProbeResendsTheNewSessions(84, 130);
    }

    /**
     * The new session's first two packets swapped on the way: the restart shows at the second to
     * come (its 80, just before the 81 that came first), and both stay cached (until session 18
     * the run had to come in order: 81 was dropped).
     */
    @Test
    void aRestartWithinTheCache_swappedFirstPackets_keepsBoth() {
        shortOldSession();
        originSends(2, 81, 80);
        assertEquals(1, counters.get(RelayCounter.SOURCE_RESTARTS), "seen at 80");
        originSends(2, 82);
        out.drain();
        viewerNacks(81);
        viewerNacks(80);
        assertEquals(2, counters.get(RelayCounter.RTX_SENT), "the new session's 80 and 81 kept");
        assertTrue(viewerGotPayload(payload(2, 81)));
        assertTrue(viewerGotPayload(payload(2, 80)));
        afterTheReorderWait();
        assertEquals(0, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "nothing lost");
    }

    /**
     * The guard's other side: packets numbered before the edge's first one, never missed, come
     * after it (the stream's first packets reordered, or the origin's repairs of its own losses
     * forwarded after the edge subscribed), with the stream's own timestamps: no restart.
     */
    @Test
    void packetsFromBeforeTheFirstWithTheStreamsClock_areNoRestart() {
        originSends(1, 200, 201, 202);
        originSends(1, 150, 151, 152, 198, 199, 203);
        assertEquals(0, counters.get(RelayCounter.SOURCE_RESTARTS));
        out.drain();
        viewerNacks(201);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "201 still cached");
        assertTrue(viewerGotPayload(payload(1, 201)));
    }

    /** A restarted source that keeps its clock (a timestamp from wall time): its bytes differ. */
    private static byte[] sameClockNewSession(int seq) {
        return rtp(VIDEO.ssrc(), VIDEO.payloadType(), 1, seq, seq, payload(2, seq));
    }

    /**
     * The new session keeps the old one's clock and starts on empty slots: nothing shows the
     * restart until its numbers reach one the cache holds, with other bytes. Its packets before
     * that one are of the new session: kept, so a viewer's NACK for one is answered.
     */
    @Test
    void aRestartSeenByTheBytes_keepsTheNewSessionsPacketsBeforeIt() {
        shortOldSession();
        for (int seq = 90; seq <= 101; seq++) {
            nowNs += MS;
            receive(sameClockNewSession(seq), ORIGIN);
        }
        assertEquals(1, counters.get(RelayCounter.SOURCE_RESTARTS), "seen at 100");
        viewerNacks(90);
        viewerNacks(99);
        assertEquals(2, counters.get(RelayCounter.RTX_SENT), "the new session's 90 and 99 kept");
        assertTrue(viewerGotPayload(payload(2, 90)));
        assertTrue(viewerGotPayload(payload(2, 99)));
        out.drain();
        viewerNacks(110);
        assertEquals(2, counters.get(RelayCounter.RTX_SENT), "the old session's 110 forgotten");
        assertFalse(viewerGotPayload(payload(1, 110)));
        nowNs += 10 * MS;
        receive(sameClockNewSession(103), ORIGIN); // 102 lost
        afterTheReorderWait();
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "the new session's 102 asked for");
    }

    /**
     * A restart more than half the number space behind is as far ahead: taken for a jump ahead,
     * nothing to forget and not counted (README, RelayStats#sourceRestarts). The new session's
     * losses are still asked for, and the old session's packets are never sent for its numbers.
     */
    @Test
    void aRestartMoreThanHalfTheSpaceBehind_isAJumpAhead_notCounted() {
        originSendsQuickly(1, 50000, 50099);
        originSends(1, 50100);
        originSends(2, 10000, 10001, 10003); // 40100 behind, 25436 ahead; 10002 lost
        afterTheReorderWait();
        assertEquals(0, counters.get(RelayCounter.SOURCE_RESTARTS));
        assertEquals(1, counters.get(RelayCounter.SOURCE_NACKED_PACKETS), "the new session's 10002 asked for");
        out.drain();
        viewerNacks(50090);
        assertEquals(0, counters.get(RelayCounter.RTX_SENT), "the old session's 50090 is out of the window");
        out.drain();
        streamGoesQuiet();
        assertTrue(viewerGotPayload(payload(2, 10003)), "the probe resends the new session's newest");
    }

    /** One packet with another clock, within the cache on an empty slot, proves nothing. */
    @Test
    void oneStrayPacketWithAnotherClock_isNoRestart() {
        shortOldSession();
        originSends(2, 80);
        originSends(1, 131, 132);
        assertEquals(0, counters.get(RelayCounter.SOURCE_RESTARTS));
        out.drain();
        viewerNacks(120);
        assertEquals(1, counters.get(RelayCounter.RTX_SENT), "120 still cached");
        assertTrue(viewerGotPayload(payload(1, 120)));
    }

    /**
     * The guard against false restarts: one session's stream across the 16-bit wrap, its first
     * ten packets after the next ten (numbers before the edge's first, consecutive), then any
     * packet delayed behind up to 40 later ones (more than half the 64-packet cache), 10 % lost,
     * 5 % duplicated, the edge ticking (asking for the gaps): never a restart.
     */
    @Test
    void aReorderedLossyDuplicatedStream_isNeverARestart() {
        originSendsQuickly(1, 64010, 64019);
        originSendsQuickly(1, 64000, 64009);
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        java.util.PriorityQueue<long[]> arrivals = new java.util.PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 20; i < 3000; i++) {
            if (random.nextDouble() < 0.10) {
                continue;
            }
            long delay = random.nextDouble() < 0.05 ? random.nextInt(40) : 0;
            arrivals.add(new long[] {(i + delay) * 1000L + i % 1000, 64000 + i});
            if (random.nextDouble() < 0.05) {
                arrivals.add(new long[] {(i + random.nextInt(40)) * 1000L + 999, 64000 + i});
            }
        }
        while (!arrivals.isEmpty()) {
            nowNs += MS;
            receive(media(1, (int) arrivals.poll()[1] & 0xFFFF), ORIGIN);
            edge.onTick(nowNs);
        }
        assertEquals(0, counters.get(RelayCounter.SOURCE_RESTARTS));
        assertTrue(counters.get(RelayCounter.SOURCE_NACKED_PACKETS) > 250, "the losses asked for");
    }

    /** Replaces the edge by one with this cache, the viewer watching (the counters go on). */
    private void freshEdge(int cachePackets) {
        edge.close();
        edge = edgeWithCache(cachePackets);
        viewerWatchesTheOriginsStreamOnTheEdge();
    }

    /**
     * A seeded model of normal streams (the reviewer's of session 18, smaller): 8 streams, the
     * smallest caches, each packet lost (3 %) or delayed behind up to 30 later ones (5 %), and
     * runs of 2 to 4 consecutive packets duplicated and delivered 17 to 40 packets late (3 %:
     * more than the 16-packet cache). Never a restart.
     */
    @Test
    void model_normalStreamsWithLateDuplicateRuns_areNeverARestart() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(19);
        for (int stream = 0; stream < 8; stream++) {
            freshEdge(stream % 2 == 0 ? 16 : 64);
            int first = random.nextInt(65536);
            java.util.PriorityQueue<long[]> arrivals = new java.util.PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
            for (int i = 0; i < 250; i++) {
                int seq = (first + i) & 0xFFFF;
                if (i > 0 && random.nextDouble() < 0.03) {
                    continue;
                }
                long delay = i > 0 && random.nextDouble() < 0.05 ? random.nextInt(31) : 0;
                arrivals.add(new long[] {(i + delay) * 1000L + 1, seq});
                if (random.nextDouble() < 0.03) {
                    long late = 17 + random.nextInt(24);
                    for (int d = 0, run = 2 + random.nextInt(3); d < run; d++) {
                        arrivals.add(new long[] {(i + late) * 1000L + 2 + d, (seq + d) & 0xFFFF});
                    }
                }
            }
            while (!arrivals.isEmpty()) {
                nowNs += MS;
                receive(media(1, (int) arrivals.poll()[1]), ORIGIN);
                edge.onTick(nowNs);
            }
        }
        assertEquals(0, counters.get(RelayCounter.SOURCE_RESTARTS));
    }

    /**
     * A seeded model of restarts: 36 trials, caches of 16, 64 and 128 packets, an old session
     * of half to twice the cache, then a new one (its own clock) starting 2 to a cache length +
     * 20 behind the old newest (within the window on held or empty slots, exactly at its edge,
     * beyond it), its first 12 packets each lost (10 %, not the first) or swapped with the next
     * (10 %). Every restart is seen, once, and every packet of the new session that arrived is
     * cached: a viewer's NACK for it is answered with its bytes.
     */
    @Test
    void model_restartsAroundTheCachesEdge_areSeen_andKeepEveryNewPacket() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(1919);
        int[] caches = {16, 64, 128};
        for (int trial = 0; trial < 36; trial++) {
            int cachePackets = caches[trial % caches.length];
            freshEdge(cachePackets);
            int oldFirst = random.nextInt(65536);
            int oldLength = cachePackets / 2 + random.nextInt(cachePackets * 3 / 2);
            originSendsQuickly(1, oldFirst, oldFirst + oldLength - 1);
            long restarts = counters.get(RelayCounter.SOURCE_RESTARTS);
            int start = oldFirst + oldLength - 1 - (2 + random.nextInt(cachePackets + 19));
            java.util.List<Integer> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                if (i == 0 || random.nextDouble() >= 0.10) {
                    sent.add((start + i) & 0xFFFF);
                }
            }
            for (int i = 0; i + 1 < sent.size(); i++) {
                if (random.nextDouble() < 0.10) {
                    java.util.Collections.swap(sent, i, i + 1);
                    i++;
                }
            }
            for (int seq : sent) {
                nowNs += MS;
                receive(media(2, seq), ORIGIN);
            }
            String what = "trial " + trial + ": cache " + cachePackets + ", old " + oldFirst + " +" + oldLength
                    + ", new " + sent;
            assertEquals(restarts + 1, counters.get(RelayCounter.SOURCE_RESTARTS), what);
            for (int seq : sent) {
                out.drain();
                viewerNacks(seq);
                assertTrue(viewerGotPayload(payload(2, seq)), what + ": " + seq + " kept");
            }
        }
    }
}
