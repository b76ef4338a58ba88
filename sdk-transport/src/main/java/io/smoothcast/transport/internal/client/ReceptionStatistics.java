package io.smoothcast.transport.internal.client;

import io.smoothcast.rtp.RtcpReportWriter;
import io.smoothcast.rtp.SequenceNumbers;

/**
 * What a receiver reports about one RTP source in its receiver reports (RFC 3550 section 6.4.1
 * and appendix A.3, A.8): extended highest sequence number, cumulative and fractional loss,
 * interarrival jitter in timestamp units, and the last sender report's time with the delay since.
 * Retransmitted packets restored from RTX count as received, so loss is what stayed lost.
 *
 * <p>A source whose numbering jumps on purpose (a simulcast layer the node stopped sending and
 * now sends again) is {@linkplain #restartOnNextPacket() restarted}: as in RFC 3550 A.1's
 * re-initialisation, the numbers it skipped are not expected packets. Unlike A.1 the counts go on
 * from where they were, so cumulative loss, the fraction lost and the extended highest sequence
 * number stay continuous in the reports.
 *
 * <p>Not thread-safe: the receiving I/O thread only. Allocates nothing.
 */
public final class ReceptionStatistics {

    /** Media seconds between two packets' timestamps beyond which they belong to different timelines. */
    static final long OTHER_TIMELINE_SECONDS = 20;
    /**
     * How long the current timeline may be silent while packets of the one left still come for
     * these to be taken as late: beyond, the left one may be the stream going on (the restart
     * was two foreign packets), and it is let through to be judged a restart of its own.
     */
    static final long TIMELINE_LEFT_SILENCE_NS = 1_000_000_000L;

    private final int clockRateHz;
    private boolean started;
    private boolean restartPending;
    /** The RTP timestamp of the highest-numbered packet. */
    private int highestTimestamp;
    /**
     * Whether the last restart of the numbering began another RTP timeline (a publisher that
     * started again under the same SSRC), and the left timeline's highest-numbered packet's
     * timestamp: late packets of that timeline are told apart by it.
     */
    private boolean timelineLeft;
    private int leftTimelineTimestamp;
    /** Expected packets of the numbering runs before the last restart. */
    private long expectedBeforeRestart;
    /** The extended number the current run of numbering started at. */
    private long baseExtended;
    private long highestExtended;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private boolean transitStarted;
    /**
     * The first packet's arrival: arrivals count in RTP units from it, so that their scaling
     * cannot overflow wherever the receiver's clock has its origin.
     */
    private long arrivalOriginNs;
    private int lastTransit;
    private double jitter;
    private int lastSrMiddle;
    private long lastSrArrivalNs;
    private boolean srSeen;
    private long lastArrivalNs;
    /** Where the numbering rate's current window starts: an extended number and its RTP timestamp. */
    private boolean rateWindowStarted;
    private long rateWindowExtended;
    private int rateWindowTimestamp;
    /** Sequence numbers per second of media time, measured over the last window; 0 before the first. */
    private double numbersPerSecond;

    /**
     * @param clockRateHz the source's RTP clock rate, for the jitter's units
     */
    public ReceptionStatistics(int clockRateHz) {
        this.clockRateHz = clockRateHz;
    }

    /**
     * Records a received packet.
     *
     * @param sequenceNumber its 16-bit sequence number
     * @param rtpTimestamp its RTP timestamp
     * @param arrivalNs when it arrived, in ns of the receiver's clock
     * @param original false for a packet restored from RTX (late by design: kept out of the jitter)
     */
    public void onPacket(int sequenceNumber, int rtpTimestamp, long arrivalNs, boolean original) {
        int seq = sequenceNumber & 0xFFFF;
        if (!started) {
            started = true;
            arrivalOriginNs = arrivalNs;
            baseExtended = seq;
            highestExtended = seq;
            highestTimestamp = rtpTimestamp;
        } else if (restartPending) {
            restartPending = false;
            rateWindowStarted = false; // a new run of numbering: its rate is measured afresh
            // and its timestamps may have a new random origin (a publisher that started again):
            // the step from the old run's transit is no delay change of the path.
            transitStarted = false;
            expectedBeforeRestart = expected();
            timelineLeft = onAnotherTimeline(rtpTimestamp);
            leftTimelineTimestamp = highestTimestamp;
            // Always a step forward (whichever way the number moved), so that the extended highest
            // number never goes back and its low 16 bits are the number received.
            long restarted = highestExtended + ((seq - (int) highestExtended) & 0xFFFF);
            baseExtended = restarted;
            highestExtended = restarted;
            highestTimestamp = rtpTimestamp;
        } else {
            long extended = highestExtended + SequenceNumbers.distance((int) highestExtended, seq);
            if (extended > highestExtended) {
                highestExtended = extended;
                highestTimestamp = rtpTimestamp;
                if (original) {
                    measureNumberingRate(rtpTimestamp);
                }
            }
        }
        received++;
        lastArrivalNs = arrivalNs;
        if (original) {
            long arrivalUnits = clockUnits(arrivalNs - arrivalOriginNs);
            // Modulo 2^32 like the RTP timestamp (RFC 3550 A.8): its wrap, which a random initial
            // timestamp can bring minutes into a stream, must not look like a 2^32-unit delay change.
            int transit = (int) arrivalUnits - rtpTimestamp;
            if (transitStarted) {
                long d = Math.abs((long) (transit - lastTransit));
                jitter += (d - jitter) / 16.0;
            }
            transitStarted = true;
            lastTransit = transit;
        }
    }

    /**
     * Measures sequence numbers per second of media time, from RTP timestamps rather than
     * arrival times (which a stall of the reader compresses), over windows of 0.1 to 2 s.
     */
    private void measureNumberingRate(int rtpTimestamp) {
        if (!rateWindowStarted) {
            rateWindowStarted = true;
            rateWindowExtended = highestExtended;
            rateWindowTimestamp = rtpTimestamp;
            return;
        }
        int spanUnits = rtpTimestamp - rateWindowTimestamp;
        if (spanUnits >= clockRateHz / 10) {
            numbersPerSecond = (double) (highestExtended - rateWindowExtended) * clockRateHz / spanUnits;
            if (spanUnits >= 2 * clockRateHz) {
                rateWindowExtended = highestExtended;
                rateWindowTimestamp = rtpTimestamp;
            }
        }
    }

    /**
     * How many sequence numbers the source uses per second of its media time (lost packets
     * included), over its last 0.1 to 2 s of in-order packets.
     *
     * @return the rate, or 0 before 0.1 s of media was seen
     */
    public double numbersPerSecond() {
        return numbersPerSecond;
    }

    /**
     * How far a sequence number lies ahead of the highest one recorded, before recording it.
     *
     * @param sequenceNumber a 16-bit sequence number
     * @return the forward distance, 1-32767; 0 if it is not ahead (or nothing was recorded yet)
     */
    public int aheadOfHighest(int sequenceNumber) {
        if (!started) {
            return 0;
        }
        return Math.max(0, SequenceNumbers.distance((int) highestExtended, sequenceNumber & 0xFFFF));
    }

    /**
     * How far a sequence number lies behind the highest one recorded.
     *
     * @param sequenceNumber a 16-bit sequence number
     * @return the backward distance, 1-32768; 0 if it is not behind (or nothing was recorded yet)
     */
    public int behindHighest(int sequenceNumber) {
        if (!started) {
            return 0;
        }
        return Math.max(0, -SequenceNumbers.distance((int) highestExtended, sequenceNumber & 0xFFFF));
    }

    /**
     * Whether a packet's RTP timestamp lies so far from the highest-numbered packet's (either
     * way, over {@value #OTHER_TIMELINE_SECONDS} s of media) that it belongs to another timeline:
     * a publisher that started again under the same SSRC, with a new random timestamp origin. No
     * packet of one stream is that far from its newest one: a jitter buffer holds at most its
     * maximum delay (10 s) of media.
     *
     * @param rtpTimestamp a packet's RTP timestamp
     * @return true if it is that far; false before the first packet
     */
    public boolean onAnotherTimeline(int rtpTimestamp) {
        return started && Math.abs((long) (rtpTimestamp - highestTimestamp)) > OTHER_TIMELINE_SECONDS * clockRateHz;
    }

    /**
     * Whether a packet's RTP timestamp starts another timeline (see {@link #onAnotherTimeline})
     * given how far its number lies from the highest recorded: one not ahead of the highest, or
     * ahead but with its timestamp over {@value #OTHER_TIMELINE_SECONDS} s back, or further on
     * than the silence since the last packet allows by that much (a source whose timestamps ran
     * on with the clock through a pause is the same timeline). So the restart of a publisher
     * under the same SSRC is told from a gap of losses even when its new numbering lies just
     * ahead of the old one, and the numbers between the two are not counted as lost.
     *
     * @param sequenceNumber the packet's 16-bit sequence number
     * @param rtpTimestamp the packet's RTP timestamp
     * @param nowNs its arrival
     * @return true if it starts another timeline; false before the first packet
     */
    public boolean startsAnotherTimeline(int sequenceNumber, int rtpTimestamp, long nowNs) {
        if (!onAnotherTimeline(rtpTimestamp)) {
            return false;
        }
        int stepUnits = rtpTimestamp - highestTimestamp; // modulo 2^32, as RTP timestamps
        if (aheadOfHighest(sequenceNumber) == 0 || stepUnits < 0) {
            return true;
        }
        return stepUnits - clockUnits(silentForNs(nowNs)) > OTHER_TIMELINE_SECONDS * clockRateHz;
    }

    /**
     * Whether a packet belongs to the timeline the last restart left (a publisher that started
     * again under the same SSRC): its timestamp lies on another timeline than the current one and
     * within {@value #OTHER_TIMELINE_SECONDS} s of media of the left one's highest, while the
     * current one was heard from in the last {@link #TIMELINE_LEFT_SILENCE_NS} ns. Such a packet,
     * late or retransmitted, says nothing about the new stream: its number, in the old numbering,
     * may well be one the new numbering uses too.
     *
     * @param rtpTimestamp a packet's RTP timestamp
     * @param nowNs its arrival
     * @return true if it is a packet of the timeline left; false if no restart left one
     */
    public boolean ofTimelineLeft(int rtpTimestamp, long nowNs) {
        return timelineLeft && silentForNs(nowNs) <= TIMELINE_LEFT_SILENCE_NS && onAnotherTimeline(rtpTimestamp)
                && Math.abs((long) (rtpTimestamp - leftTimelineTimestamp)) <= OTHER_TIMELINE_SECONDS * clockRateHz;
    }

    /** The highest sequence number recorded (16 bits; meaningless before the first packet). */
    public int highestSequenceNumber() {
        return (int) highestExtended & 0xFFFF;
    }

    /**
     * Makes the next packet recorded the start of a new run of numbering: the numbers between the
     * highest so far and that packet's are not expected, so they do not count as lost. For a
     * source that stopped and resumed with its numbering moved on (numbers the receiver was never
     * meant to get); a plain gap in one run is loss and needs no call.
     */
    public void restartOnNextPacket() {
        restartPending = started;
    }

    /**
     * Records a sender report from this source.
     *
     * @param ntpTimestamp its 64-bit NTP timestamp
     * @param arrivalNs when it arrived
     */
    public void onSenderReport(long ntpTimestamp, long arrivalNs) {
        lastSrMiddle = (int) (ntpTimestamp >>> 16);
        lastSrArrivalNs = arrivalNs;
        srSeen = true;
    }

    /**
     * How long nothing has been received from this source at {@code nowNs}, in ns; 0 before the
     * first packet.
     */
    public long silentForNs(long nowNs) {
        return started ? nowNs - lastArrivalNs : 0;
    }

    /** Whether anything was received, so a report block makes sense. */
    public boolean hasData() {
        return started;
    }

    /**
     * Adds this source's report block and starts the next interval for the fraction lost.
     *
     * @param writer a receiver report being written
     * @param sourceSsrc the source's SSRC
     * @param nowNs the current time
     */
    public void addReportBlock(RtcpReportWriter writer, int sourceSsrc, long nowNs) {
        long expected = expected();
        long lost = expected - received;
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        int cumulative = (int) Math.max(-0x800000, Math.min(0x7FFFFF, lost));
        // DLSR in units of 1/65536 s.
        int dlsr = srSeen ? (int) Math.min(0xFFFFFFFFL, (nowNs - lastSrArrivalNs) * 65536L / 1_000_000_000L) : 0;
        writer.addReportBlock(sourceSsrc, Math.min(255, fraction), cumulative, (int) highestExtended,
                (int) jitter, srSeen ? lastSrMiddle : 0, dlsr);
    }

    /** @return the interarrival jitter estimate, in RTP timestamp units */
    public long jitterUnits() {
        return (long) jitter;
    }

    /** @return packets expected minus packets received so far */
    public long cumulativeLost() {
        return expected() - received;
    }

    /** Packets expected so far (RFC 3550 A.3), over all runs of numbering. */
    private long expected() {
        return expectedBeforeRestart + highestExtended - baseExtended + 1;
    }

    /**
     * A time span in units of the RTP clock, exact for any clock rate (44.1 kHz too: the rate is
     * not rounded to whole kHz) and without overflow for spans of decades: whole seconds and the
     * rest are converted apart.
     */
    private long clockUnits(long spanNs) {
        long seconds = Math.floorDiv(spanNs, 1_000_000_000L);
        long restNs = Math.floorMod(spanNs, 1_000_000_000L);
        return seconds * clockRateHz + restNs * clockRateHz / 1_000_000_000L;
    }
}
