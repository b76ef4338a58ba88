package io.smoothcast.transport.internal.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.smoothcast.rtp.SequenceNumbers;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.VideoPayloadFormat;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.rtx.MissingPacketTracker;
import io.smoothcast.transport.internal.rtx.RtpHeaders;
import io.smoothcast.transport.internal.rtx.RetransmissionCache;
import io.smoothcast.transport.internal.netty.FanOutLanes;
import io.smoothcast.transport.internal.rtx.TailLossProbe;
import java.util.Arrays;

/**
 * A published track with its retransmission cache, RTX sequence counter, the gaps still to be
 * asked of its source, its tail loss probe and (video) its keyframe starts. I/O thread only.
 */
final class RelayTrack {

    private static final int NO_CANDIDATE = -1;

    final Track track;
    final RetransmissionCache cache;
    /** Next sequence number of the RTX stream this node generates for the track. */
    int nextRtxSequence;
    /**
     * Packets the source's stream skipped, to NACK (20 ms reorder wait, then every 120 ms or
     * the time repairs have been taking if longer, 5 times);
     * replaced when the source restarts its numbering ({@link #forgetSourceRestarted}).
     */
    MissingPacketTracker missing = newMissingPacketTracker();
    /**
     * When to resend the newest packet forwarded to the subscribers, the track having gone quiet:
     * once per quiet period, to each subscriber whose feedback has not reported that packet
     * ({@link #newestTransportSequences}); replaced when the source restarts its numbering.
     */
    TailLossProbe tailProbe = new TailLossProbe(1);
    /**
     * By a subscriber's index in its stream's subscriber list: the 16-bit transport-wide number
     * of the newest packet of this track sent to it ({@link TailLossProbe#onSent}), or
     * {@link FanOutLanes#NO_SEQUENCE} if unknown (none sent, the packet had no transport-wide
     * number, or the list changed since). Kept here rather than in each {@link Subscription}:
     * the fan-out writes it for each copy in subscriber order, consecutive stores to one array.
     */
    private int[] newestTransportSequences = new int[0];

    /**
     * How far behind the newest cached packet an original not held must be to count towards a
     * restart further behind than the cache ({@link #restartedBy}): a cache length, and at most a
     * quarter of the 16-bit number space. With the largest cache (32768) a cache length behind
     * is half the space, as far ahead as behind: such a restart cannot be told from a jump ahead
     * (and is handled as one: the tracker starts again, the cache's window moves on).
     */
    static final int MAX_RESTART_DISTANCE = 16384;

    private final int restartDistance;

    /**
     * The number of the last original if it was {@link #restartDistance} behind the newest cached
     * packet, not held, never asked for and on another clock ({@link #restartedBy}), else
     * {@link #NO_CANDIDATE}; that original's bytes are kept in {@link #candidateBytes}.
     */
    private int farBehindAt = NO_CANDIDATE;

    /**
     * A copy of the original at {@link #farBehindAt} (the new session's first packet if the next
     * one shows a restart): the cache does not keep a packet that far behind its newest (nor,
     * with the largest cache, past the restart). Grown to the largest such packet, then reused.
     */
    private byte[] candidateBytes = new byte[0];
    private int candidateLength;

    /**
     * The new session's first packet when the last restart {@link #restartedBy} saw came right
     * after one further behind than the cache (the one in {@link #candidateBytes}, of the new
     * session), else {@link #NO_CANDIDATE}.
     */
    private int restartFirst = NO_CANDIDATE;

    /**
     * The packet that showed the restart {@link #restartFirst} names when it came before that one
     * in number (the new session's first packets reordered), else {@link #NO_CANDIDATE}: the gap
     * tracker starts there, or the numbers between them would never be asked for.
     */
    private int restartSecondBefore = NO_CANDIDATE;

    /**
     * How far from the newest cached packet's RTP timestamp, in seconds of the track's clock, an
     * original within the cache's window but not held must lie to count towards a restart
     * ({@link #restartedBy}). A late packet of the same numbering (a reordered one, a late
     * repair forwarded as an original, one from before this node's first packet) was sampled
     * seconds before the newest at most; a restarted source draws a new random timestamp base
     * (RFC 3550 section 5.1), 30 s or more away in all but 0.2 % of restarts at 48 kHz and up.
     */
    static final int RESTART_CLOCK_SECONDS = 30;

    private final long restartClockDistance;

    /** The RTP timestamp of the newest original in the cache; valid unless the cache is empty. */
    private int newestTimestamp;

    /**
     * The first number of the last run of originals {@link #restartedBy} saw within the cache's
     * window behind its newest, not held, not missing and never asked for, with consecutive
     * numbers (or, on the other clock, numbers up to {@link #RUN_MAX_GAP} apart with nothing held
     * between them, in any order), arriving one after the other but for duplicates of held
     * packets (cached by the caller as they came); and the number after its last, or
     * {@link #NO_CANDIDATE} if the last original was not such. A restarted
     * source's first packets, where they land on slots that do not hold their numbers: kept when
     * the restart shows ({@link #forgetSourceRestarted}), or the subscribers' NACKs for them
     * would go unanswered.
     */
    private int runFirst;
    private int runNext = NO_CANDIDATE;
    /** Whether the last packet of that run had a timestamp {@link #RESTART_CLOCK_SECONDS} away. */
    private boolean runOtherClock;

    /**
     * How many numbers a run on the other clock may skip (packets lost, or still to come out of
     * order) and still be one run: the new session's first packets, before the restart shows,
     * are kept across such gaps and the gaps asked for.
     */
    static final int RUN_MAX_GAP = 16;

    /** The cached packets the last restart {@link #restartedBy} saw keeps: from, and how many. */
    private int keepFirst;
    private int keepCount;

    /** Numbers {@link #forwardedTooLate} remembers: 2 KB per track. */
    static final int TOO_LATE_MEMORY = 256;

    /** A {@link #tooLateNumbers} entry that holds no number. */
    private static final long NO_NUMBER = Long.MIN_VALUE;

    /**
     * By number modulo {@link #TOO_LATE_MEMORY}: the last number forwarded but not cached, a
     * cache length behind the newest, or {@link #NO_NUMBER}. Extended as the cache counts
     * ({@link RetransmissionCache#extendedNumber}): an entry left from a lap of numbers before
     * (65536 back: a minute at 1000 packets per second) is not taken for the number now.
     */
    private final long[] tooLateNumbers = new long[TOO_LATE_MEMORY];

    /** Where this video track's keyframes start; null for audio and data tracks. */
    final KeyframeStartDetector keyframes;

    RelayTrack(Track track, int cachePackets, int firstRtxSequence, VideoPayloadFormat payloadFormat) {
        this.track = track;
        this.keyframes = track.kind() == MediaKind.VIDEO ? new KeyframeStartDetector(payloadFormat) : null;
        this.cache = new RetransmissionCache(cachePackets);
        this.restartDistance = Math.min(cachePackets, MAX_RESTART_DISTANCE);
        this.restartClockDistance = (long) RESTART_CLOCK_SECONDS * track.clockRateHz();
        this.nextRtxSequence = firstRtxSequence & 0xFFFF;
        Arrays.fill(tooLateNumbers, NO_NUMBER);
    }

    /**
     * A packet was forwarded but not cached: it came a cache length or more behind the newest.
     *
     * @param sequenceNumber its 16-bit RTP sequence number
     */
    void onForwardedTooLate(int sequenceNumber) {
        tooLateNumbers[sequenceNumber & (TOO_LATE_MEMORY - 1)] = cache.extendedNumber(sequenceNumber);
    }

    /**
     * Whether a packet was forwarded too late to be cached ({@link #onForwardedTooLate}), as one
     * of the last {@value #TOO_LATE_MEMORY} numbers such: a second repair of it (the answer to a
     * repeated request, later still) is a duplicate for every subscriber. The cache cannot say:
     * it does not keep a packet that late (a newer one holds its slot).
     *
     * @param sequenceNumber a 16-bit RTP sequence number
     */
    boolean forwardedTooLate(int sequenceNumber) {
        return !cache.isEmpty()
                && tooLateNumbers[sequenceNumber & (TOO_LATE_MEMORY - 1)] == cache.extendedNumber(sequenceNumber);
    }

    private static MissingPacketTracker newMissingPacketTracker() {
        return new MissingPacketTracker(20_000_000L, 120_000_000L, 5);
    }

    /**
     * Whether an original packet (not one rebuilt from a retransmission) shows that the source
     * started its sequence numbering again behind its old numbers: a new publisher session with
     * the same SSRCs (an edge that lost the origin's empty STREAM_INFO in between never saw the
     * old one end). Either
     * <ul>
     * <li>the cache holds a packet under its sequence number with another RTP timestamp or
     *     payload. A network duplicate carries the same media, and so does a late original after
     *     the copy rebuilt from its repair (whose header extensions, the transport-wide number
     *     among them, are the RTX packet's, hence only timestamp and payload are compared); a
     *     source keeps one packet per number (its own repairs come as RTX). Or
     * <li>the one before it (arriving right before) was a cache length or more (at most
     *     {@value #MAX_RESTART_DISTANCE}) behind the newest cached packet, this one lies within
     *     {@value #RUN_MAX_GAP} numbers of it (either side: the new session's first packets are
     *     lost and reordered like any), neither is held nor ever asked for by this node, whatever
     *     their slots hold (a newer packet, an older one, nothing), and both have RTP timestamps
     *     {@value #RESTART_CLOCK_SECONDS} s or more from the newest's (this one may lie within the
     *     window; if held with other media, the first rule shows the restart and the one before is
     *     kept all the same): a restart further behind than the
     *     cache reaches (else the new session's losses would go unasked, taken for late packets,
     *     until its numbers reached the old ones, and the tail probe would resend the old
     *     session's newest packet), or starting right at its edge (until session 19 the rules
     *     below each needed two packets on their side of it, and the first was lost). A packet
     *     this node asked for is a repair, late or not: an upstream node forwards the repairs it
     *     gets as originals, and they may come seconds late. Two are needed because the tracker
     *     forgets a request once it asks for a number 4096 away (a repair answering a fifth
     *     request can come later than that at high packet rates), and a network duplicate can
     *     come that late too: one such packet alone proves nothing. The clock is needed because
     *     two consecutive duplicates can come that late (with a 16-packet cache, 16 packets are
     *     a few ms: until session 19 they were taken for a restart and the cache forgotten); a
     *     duplicate carries the stream's own timestamp, a restarted source a new random base.
     *     A restarted source that keeps its clock is not seen that far behind: its packets are
     *     taken for late ones until its numbers reach a held one (the first rule). Or
     * <li>this packet and the one before it (arriving one after the other, but for network
     *     duplicates of held packets between them; consecutive numbers, or within
     *     {@value #RUN_MAX_GAP} numbers of the run of such packets before it with no packet held
     *     in between when both have the other clock: the new session's first packets may be
     *     lost or reordered too) are each behind the newest cached packet but less than that
     *     far, not held, not missing and never asked for (a restart onto slots that hold nothing of its numbers: before the
     *     old session's first packet, which was shorter than the cache, or in its gaps), and
     *     their RTP timestamps are each {@value #RESTART_CLOCK_SECONDS} s or more (of the track's
     *     clock) from the newest's. Within the cache a late packet nobody asked for is common (the
     *     stream's first packets reordered, an upstream node's repairs of its own losses from
     *     before this node's first packet): the numbers alone cannot tell, the clock can (until
     *     session 18 such a restart went unseen: the new session's losses taken for late
     *     packets, the tail probe resending the old session's newest). A restarted source that
     *     keeps its clock is seen only when its numbers reach a held one (the first rule), as
     *     further behind.
     * </ul>
     * The packets of the new session that came before the restart showed, where they landed
     * within the cache's window on slots not holding their numbers (that run, up to this one),
     * are kept by {@link #forgetSourceRestarted}, and the numbers the run skipped become gaps.
     * Costs one slot look-up and a timestamp read per packet; a comparison only when the cache
     * holds that very number (in an ordinary stream its slot holds the number {@code capacity}
     * packets older), a look at the tracker only for a late packet not held, and a copy of the
     * packet only for one a cache length late on another clock. Allocates nothing.
     *
     * @param sequenceNumber the packet's 16-bit RTP sequence number
     * @param packet a well-formed RTP packet (its header and padding were checked)
     */
    boolean restartedBy(int sequenceNumber, ByteBuf packet) {
        ByteBuf cachedPacket = cache.get(sequenceNumber);
        int timestamp = packet.getInt(packet.readerIndex() + 4);
        boolean unknown = cachedPacket == null && cache.isBehindNewest(sequenceNumber, 1)
                && !missing.isMissing(sequenceNumber) && !missing.wasAsked(sequenceNumber);
        boolean far = unknown && cache.isBehindNewest(sequenceNumber, restartDistance);
        boolean otherClock = unknown && Math.abs((long) (timestamp - newestTimestamp)) >= restartClockDistance;
        // The last original was far behind on the other clock: a restart's first packet if this
        // one, near it, shows one (by any rule: it may lie within the window, even on a held slot).
        int offCandidate = SequenceNumbers.distance(farBehindAt, sequenceNumber);
        boolean nearCandidate = farBehindAt != NO_CANDIDATE && offCandidate != 0
                && Math.abs(offCandidate) <= RUN_MAX_GAP;
        boolean inWindow = unknown && !far;
        boolean continuesRun = sequenceNumber == runNext;
        // Within a run on the other clock, a packet of the new clock may also come out of order
        // or after a few lost ones: the new session's first packets are as lossy as any.
        boolean joinsRun = continuesRun || (otherClock && runOtherClock && runNext != NO_CANDIDATE
                && nearRun(sequenceNumber));
        boolean restarted = cachedPacket != null ? !sameMedia(cachedPacket, packet)
                : otherClock && (nearCandidate || inWindow && joinsRun && runOtherClock);
        restartFirst = restarted && nearCandidate ? farBehindAt : NO_CANDIDATE;
        restartSecondBefore = restartFirst != NO_CANDIDATE && offCandidate < 0 ? sequenceNumber : NO_CANDIDATE;
        farBehindAt = far && otherClock && !restarted ? sequenceNumber : NO_CANDIDATE;
        if (farBehindAt != NO_CANDIDATE) {
            keepCandidate(packet);
        }
        // Where this packet lies: before the run's first number (by up to RUN_MAX_GAP), within
        // the run, or after it (by up to RUN_MAX_GAP; or anywhere, if it does not join the run).
        int beforeFirst = distance(sequenceNumber, runFirst);
        boolean beforeRun = joinsRun && !continuesRun && beforeFirst > 0 && beforeFirst <= RUN_MAX_GAP;
        boolean withinRun = joinsRun && distance(runFirst, sequenceNumber) < distance(runFirst, runNext);
        if (restarted && joinsRun) {
            int end = beforeRun || withinRun ? runNext : sequenceNumber;
            keepCount = Math.min(distance(beforeRun ? sequenceNumber : runFirst, end), cache.capacity());
            keepFirst = (end - keepCount) & 0xFFFF;
        } else {
            keepCount = 0;
        }
        if (inWindow && !restarted) {
            if (!joinsRun) {
                runFirst = sequenceNumber;
                runNext = (sequenceNumber + 1) & 0xFFFF;
            } else if (beforeRun) {
                runFirst = sequenceNumber;
            } else if (!withinRun) {
                runNext = (sequenceNumber + 1) & 0xFFFF;
            }
            runOtherClock = otherClock;
        } else if (restarted || cachedPacket == null) {
            runNext = NO_CANDIDATE; // not a network duplicate of a held packet, which leaves the run be
        }
        if (restarted || cache.isEmpty() || !cache.isBehindNewest(sequenceNumber, 0)) {
            newestTimestamp = timestamp; // the packet is about to become the newest cached
        }
        return restarted;
    }

    /**
     * Whether a packet not held lies within the run ({@link #runFirst} up to {@link #runNext}), or
     * at most {@link #RUN_MAX_GAP} numbers before or after it with no packet held between them
     * (the slots a run may skip hold nothing: {@link #forgetSourceRestarted} keeps what is held
     * from its first number to its last). Looks at up to that many slots.
     */
    private boolean nearRun(int sequenceNumber) {
        int length = distance(runFirst, runNext);
        int intoRun = distance(runFirst, sequenceNumber);
        if (intoRun < length) {
            return true;
        }
        int ahead = intoRun - length + 1;
        if (ahead <= RUN_MAX_GAP) {
            return nothingHeld(runNext, ahead - 1);
        }
        int before = distance(sequenceNumber, runFirst);
        return before <= RUN_MAX_GAP && nothingHeld((sequenceNumber + 1) & 0xFFFF, before - 1);
    }

    private boolean nothingHeld(int from, int count) {
        for (int i = 0; i < count; i++) {
            if (cache.get((from + i) & 0xFFFF) != null) {
                return false;
            }
        }
        return true;
    }

    /** Numbers from one 16-bit number up to another, in serial order. */
    private static int distance(int from, int to) {
        return (to - from) & 0xFFFF;
    }

    private void keepCandidate(ByteBuf packet) {
        candidateLength = packet.readableBytes();
        if (candidateBytes.length < candidateLength) {
            candidateBytes = new byte[candidateLength];
        }
        packet.getBytes(packet.readerIndex(), candidateBytes, 0, candidateLength);
    }

    /** Same RTP timestamp and payload (padding and header extensions aside). */
    private static boolean sameMedia(ByteBuf a, ByteBuf b) {
        int aBase = a.readerIndex();
        int bBase = b.readerIndex();
        if (a.getInt(aBase + 4) != b.getInt(bBase + 4)) {
            return false;
        }
        int aLength = a.readableBytes();
        int bLength = b.readableBytes();
        int aHeader = RtpHeaders.headerLength(a, aBase, aLength);
        int bHeader = RtpHeaders.headerLength(b, bBase, bLength);
        int aPayload = aLength - aHeader - RtpHeaders.paddingLength(a, aBase, aLength, aHeader);
        int bPayload = bLength - bHeader - RtpHeaders.paddingLength(b, bBase, bLength, bHeader);
        return aPayload == bPayload && ByteBufUtil.equals(a, aBase + aHeader, b, bBase + bHeader, aPayload);
    }

    /**
     * Forgets what the source's previous numbering left: its cached packets (a NACK for a reused
     * number would be answered with the old session's bytes, a corrupt frame to the viewer, and
     * the source's own repair of it would be dropped as already held), its gaps and its newest
     * packet (numbered in the old sequence: after a restart behind the old highest number the
     * new losses would go unasked, and the tail probe would wait for the old newest number).
     * A restart further behind than the cache is seen at the new session's second packet to
     * arrive (or the next within {@link #RUN_MAX_GAP} numbers, on either side): the first stays
     * held and counted as arrived, or a subscriber that lost it could not have it repaired, and
     * the numbers between the two are asked for (whichever comes first in number). For the same
     * reason a restart seen within the cache keeps the new session's packets cached before it
     * showed ({@link #restartedBy}); the newest is then the last of them. Allocates only for the copy of a first packet a cache length behind.
     *
     * @param nowNs the current time
     */
    void forgetSourceRestarted(long nowNs) {
        if (keepCount > 0) {
            cache.retainOnly(keepFirst, keepCount);
        } else {
            cache.clear();
        }
        Arrays.fill(tooLateNumbers, NO_NUMBER);
        missing = newMissingPacketTracker();
        tailProbe = new TailLossProbe(1);
        Arrays.fill(newestTransportSequences, FanOutLanes.NO_SEQUENCE);
        for (int i = 0; i < keepCount; i++) {
            // The run's numbers held, in order: the ones it skipped become the new session's gaps.
            int kept = (keepFirst + i) & 0xFFFF;
            if (cache.get(kept) != null) {
                missing.onPacket(kept, nowNs);
            }
        }
        if (restartFirst != NO_CANDIDATE) {
            // A copy: the candidate's array is reused for the next one. Once per restart.
            ByteBuf first = Unpooled.copiedBuffer(candidateBytes, 0, candidateLength);
            try {
                cache.put(restartFirst, first, false); // never asked for: else no restart
                if (restartSecondBefore != NO_CANDIDATE) {
                    missing.onPacket(restartSecondBefore, nowNs); // again when put: then a late one
                }
                missing.onPacket(restartFirst, nowNs);
            } finally {
                first.release();
            }
        }
    }

    /**
     * The array of {@link #newestTransportSequences}, grown to hold a number for each of a list
     * of subscribers (it grows with the subscriber count, then stays: no allocation per packet).
     */
    int[] newestTransportSequences(int subscriberCount) {
        if (newestTransportSequences.length < subscriberCount) {
            int grown = newestTransportSequences.length;
            newestTransportSequences = Arrays.copyOf(newestTransportSequences, Math.max(subscriberCount, 2 * grown));
            Arrays.fill(newestTransportSequences, grown, newestTransportSequences.length, FanOutLanes.NO_SEQUENCE);
        }
        return newestTransportSequences;
    }

    /**
     * The transport-wide number of the newest packet sent to the subscriber at an index, or
     * {@link FanOutLanes#NO_SEQUENCE} if unknown.
     */
    int newestTransportSequence(int subscriberIndex) {
        return subscriberIndex < newestTransportSequences.length
                ? newestTransportSequences[subscriberIndex] : FanOutLanes.NO_SEQUENCE;
    }

    /** The subscriber list changed from an index on: the numbers kept there are no one's now. */
    void forgetSubscribersFrom(int subscriberIndex) {
        if (subscriberIndex < newestTransportSequences.length) {
            Arrays.fill(newestTransportSequences, subscriberIndex, newestTransportSequences.length,
                    FanOutLanes.NO_SEQUENCE);
        }
    }
}
