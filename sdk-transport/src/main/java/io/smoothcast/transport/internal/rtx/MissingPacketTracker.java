package io.smoothcast.transport.internal.rtx;

import io.smoothcast.rtp.SequenceNumbers;
import java.util.Arrays;

/**
 * Gaps in one incoming RTP stream, for a node that asks its source (a publisher or an upstream
 * node) to retransmit: every missing sequence number is due for a NACK after a short reorder
 * wait, then again every retry interval, until it arrives or has been asked for
 * {@code maxAttempts} times.
 *
 * <p>The retry interval is the configured one, or longer when repairs take longer: a request
 * repeated before its answer could be back only brings a duplicate RTX (and the source's answer
 * may be sitting in this node's own receive queue, which a busy node makes longer still: each
 * early repeat would add a datagram to it). The tracker measures how long repairs take, from a
 * number's first request to its arrival, smooths that as TCP does its RTT (RFC 6298: mean plus
 * four mean deviations) and waits at least that long, at most {@value #MAX_RETRY_INTERVAL_MS}
 * ms, between requests for one number. Which request a repair answers is known only for a
 * number asked once; for one asked again, the source answers every request, so the first
 * answer to arrive is the first request's when the repeats came before the time repairs were
 * believed to take (that belief was too short: timed from the first request), and the last
 * request's when they came later (the earlier answers were lost: timed from the last request,
 * so a lost RTX does not make the next waits longer). A repair that comes after its number was
 * given up is timed too, from the last request: else repairs slower than all the requests of a
 * number would never be learnt. A jump of more than {@value #MAX_GAP} numbers is treated as a
 * restart of the stream, not as loss: the numbers it skips are forgotten with their requests. At
 * most {@value #CAPACITY} numbers are tracked; the oldest are forgotten first.
 *
 * <p>It also remembers the numbers it asked for after they arrived, one per number modulo
 * {@value #ASKED_MEMORY} ({@link #wasAsked}): a retransmission of a number never asked for is the
 * source's own (its tail loss probe), not a late or repeated answer to a request of this node.
 *
 * <p>Not thread-safe: the receiving I/O thread only. Allocates nothing after construction.
 */
public final class MissingPacketTracker {

    /** Most missing numbers tracked at once. */
    public static final int CAPACITY = 256;
    /** Largest gap treated as loss. */
    public static final int MAX_GAP = 200;
    /** Longest wait between requests for one number, in ms, however slow repairs have been. */
    public static final long MAX_RETRY_INTERVAL_MS = 1000;
    private static final long MAX_RETRY_INTERVAL_NS = MAX_RETRY_INTERVAL_MS * 1_000_000L;
    /**
     * Numbers whose requests are remembered: a request is kept until another number of its slot
     * (a multiple of this away) is asked for. What a relay must remember is which numbers were
     * asked for from their first request to their first arrival: it keeps that with the packet
     * in its retransmission cache ({@code RetransmissionCache#wasRequested}), held as long as the
     * packet whatever the cache's size. Numbers are asked for within 20 ms + 4 x 1 s of their gap
     * (reorder wait, retries at the 1 s cap) and only while at most {@value #CAPACITY} are
     * missing, so a first repair is remembered as asked for unless the stream moves this many
     * numbers on before it arrives (4 s at 1000 packets per second). 64 KB per track.
     */
    public static final int ASKED_MEMORY = 4096;
    private static final int NOT_ASKED = -1;

    private final int[] sequenceNumbers = new int[CAPACITY];
    private final long[] dueNs = new long[CAPACITY];
    private final int[] attempts = new int[CAPACITY];
    /** When each number was first and last asked for; valid once its attempts are above zero. */
    private final long[] firstAskedNs = new long[CAPACITY];
    private final long[] lastAskedNs = new long[CAPACITY];
    /**
     * By number modulo {@link #ASKED_MEMORY}: the number asked for in that slot since it last
     * appeared in the stream, or {@link #NOT_ASKED}.
     */
    private final int[] askedSequences = new int[ASKED_MEMORY];
    /**
     * By number modulo {@link #ASKED_MEMORY}: a number given up (asked {@code maxAttempts} times)
     * whose first repair has not arrived, or {@link #NOT_ASKED}; and when it was last asked for.
     */
    private final int[] givenUpSequences = new int[ASKED_MEMORY];
    private final long[] givenUpLastAskedNs = new long[ASKED_MEMORY];
    private final long reorderWaitNs;
    private final long retryIntervalNs;
    private final int maxAttempts;
    private int size;
    private boolean started;
    private int highest;
    /** Smoothed repair time and its mean deviation, in ns; valid if {@link #repairTimed}. */
    private long smoothedRepairNs;
    private long repairDeviationNs;
    private boolean repairTimed;

    /**
     * @param reorderWaitNs wait before the first request, in ns (reordering is normal)
     * @param retryIntervalNs wait between requests for one number, in ns
     * @param maxAttempts requests per number before it is given up
     */
    public MissingPacketTracker(long reorderWaitNs, long retryIntervalNs, int maxAttempts) {
        this.reorderWaitNs = reorderWaitNs;
        this.retryIntervalNs = retryIntervalNs;
        this.maxAttempts = maxAttempts;
        Arrays.fill(askedSequences, NOT_ASKED);
        Arrays.fill(givenUpSequences, NOT_ASKED);
    }

    /**
     * Records an arriving packet (original or restored from RTX).
     *
     * @param sequenceNumber its 16-bit sequence number
     * @param nowNs the current time
     */
    public void onPacket(int sequenceNumber, long nowNs) {
        int seq = sequenceNumber & 0xFFFF;
        if (!started) {
            started = true;
            highest = seq;
            forgetAsked(seq);
            return;
        }
        int ahead = SequenceNumbers.distance(highest, seq);
        if (ahead <= 0) {
            if (!remove(seq, nowNs)) { // late or retransmitted
                onGivenUpRepair(seq, nowNs);
            }
            return;
        }
        if (ahead > MAX_GAP) {
            size = 0; // a restart, not loss
            forgetAskedBetween(highest, ahead);
        } else {
            for (int missing = 1; missing < ahead; missing++) {
                int missingSeq = (highest + missing) & 0xFFFF;
                add(missingSeq, nowNs + reorderWaitNs);
                forgetAsked(missingSeq);
            }
        }
        highest = seq;
        forgetAsked(seq);
    }

    /**
     * Collects the numbers due for a request now and schedules their next attempt.
     *
     * @param nowNs the current time
     * @param out receives 16-bit sequence numbers, oldest first
     * @return how many were written
     */
    public int collectDue(long nowNs, int[] out) {
        int written = 0;
        int kept = 0;
        long retryInterval = retryIntervalNs();
        for (int i = 0; i < size; i++) {
            boolean keep = true;
            if (written < out.length && dueNs[i] - nowNs <= 0) {
                out[written++] = sequenceNumbers[i];
                if (attempts[i] == 0) {
                    firstAskedNs[i] = nowNs;
                }
                lastAskedNs[i] = nowNs;
                askedSequences[sequenceNumbers[i] & (ASKED_MEMORY - 1)] = sequenceNumbers[i];
                attempts[i]++;
                dueNs[i] = nowNs + retryInterval;
                keep = attempts[i] < maxAttempts;
                if (!keep) {
                    givenUpSequences[sequenceNumbers[i] & (ASKED_MEMORY - 1)] = sequenceNumbers[i];
                    givenUpLastAskedNs[sequenceNumbers[i] & (ASKED_MEMORY - 1)] = nowNs;
                }
            }
            if (keep) {
                sequenceNumbers[kept] = sequenceNumbers[i];
                dueNs[kept] = dueNs[i];
                attempts[kept] = attempts[i];
                firstAskedNs[kept] = firstAskedNs[i];
                lastAskedNs[kept] = lastAskedNs[i];
                kept++;
            }
        }
        size = kept;
        return written;
    }

    /**
     * Whether a number is still being asked of the source.
     *
     * @param sequenceNumber a 16-bit sequence number
     * @return true if it is tracked as missing
     */
    public boolean isMissing(int sequenceNumber) {
        int seq = sequenceNumber & 0xFFFF;
        for (int i = 0; i < size; i++) {
            if (sequenceNumbers[i] == seq) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether this tracker asked for a number (it was due in {@link #collectDue}) since the number
     * last appeared in the stream (as a new highest number or as a gap), whether or not it has
     * arrived since. Kept until another number of its slot (a multiple of
     * {@value #ASKED_MEMORY} away) is asked for.
     *
     * @param sequenceNumber a 16-bit sequence number
     * @return true if it was asked for
     */
    public boolean wasAsked(int sequenceNumber) {
        int seq = sequenceNumber & 0xFFFF;
        return askedSequences[seq & (ASKED_MEMORY - 1)] == seq;
    }

    /**
     * The wait between two requests for one number now: the configured retry interval, or the
     * time repairs have been taking (smoothed, plus four mean deviations) if longer, at most
     * {@value #MAX_RETRY_INTERVAL_MS} ms.
     *
     * @return the interval, in ns
     */
    public long retryIntervalNs() {
        if (!repairTimed) {
            return retryIntervalNs;
        }
        return Math.max(retryIntervalNs, Math.min(MAX_RETRY_INTERVAL_NS, smoothedRepairNs + 4 * repairDeviationNs));
    }

    /** @return numbers tracked as missing now */
    public int missingCount() {
        return size;
    }

    /**
     * A number (re)appears: a request for the same number 65536 earlier is forgotten. A request
     * for another number of the slot is kept until this one is asked for.
     */
    private void forgetAsked(int seq) {
        int slot = seq & (ASKED_MEMORY - 1);
        if (askedSequences[slot] == seq) {
            askedSequences[slot] = NOT_ASKED;
        }
        if (givenUpSequences[slot] == seq) {
            givenUpSequences[slot] = NOT_ASKED;
        }
    }

    /**
     * A jump of {@code ahead} numbers from {@code from}: the numbers skipped do not appear, so the
     * requests of the same numbers 65536 earlier would outlive them. One of them arriving after
     * the jump (a late packet of a burst loss taken for a restart, the source's probe) would be
     * taken for a repair this node asked for, and the first arrival of one given up then would be
     * timed from a request 65536 numbers old (a repair time of seconds: the wait between requests
     * for every later loss at its 1 s cap). Looks at each slot once, however long the jump.
     */
    private void forgetAskedBetween(int from, int ahead) {
        for (int slot = 0; slot < ASKED_MEMORY; slot++) {
            if (skipped(askedSequences[slot], from, ahead)) {
                askedSequences[slot] = NOT_ASKED;
            }
            if (skipped(givenUpSequences[slot], from, ahead)) {
                givenUpSequences[slot] = NOT_ASKED;
            }
        }
    }

    private static boolean skipped(int seq, int from, int ahead) {
        if (seq == NOT_ASKED) {
            return false;
        }
        int distance = (seq - from) & 0xFFFF;
        return distance > 0 && distance < ahead;
    }

    private void add(int seq, long due) {
        if (size == CAPACITY) {
            System.arraycopy(sequenceNumbers, 1, sequenceNumbers, 0, CAPACITY - 1);
            System.arraycopy(dueNs, 1, dueNs, 0, CAPACITY - 1);
            System.arraycopy(attempts, 1, attempts, 0, CAPACITY - 1);
            System.arraycopy(firstAskedNs, 1, firstAskedNs, 0, CAPACITY - 1);
            System.arraycopy(lastAskedNs, 1, lastAskedNs, 0, CAPACITY - 1);
            size--;
        }
        sequenceNumbers[size] = seq;
        dueNs[size] = due;
        attempts[size] = 0;
        size++;
    }

    /**
     * The first repair of a number already given up: timed too, from its last request (the
     * earlier answers may have been lost). Without it, repairs slower than all the requests of
     * one number (reorder wait plus {@code maxAttempts - 1} retry intervals: 500 ms for a relay)
     * were never timed, the wait stayed at its floor, and every lost packet was asked for
     * {@code maxAttempts} times: as many RTX, all but one of them duplicates.
     */
    private void onGivenUpRepair(int seq, long nowNs) {
        int slot = seq & (ASKED_MEMORY - 1);
        if (givenUpSequences[slot] == seq) {
            givenUpSequences[slot] = NOT_ASKED;
            onRepairTime(nowNs - givenUpLastAskedNs[slot]);
        }
    }

    /** @return whether the number was tracked as missing (and is no longer) */
    private boolean remove(int seq, long nowNs) {
        for (int i = 0; i < size; i++) {
            if (sequenceNumbers[i] == seq) {
                if (attempts[i] > 0) {
                    boolean repeatedEarly = !repairTimed || lastAskedNs[i] - firstAskedNs[i] < smoothedRepairNs;
                    onRepairTime(nowNs - (repeatedEarly ? firstAskedNs[i] : lastAskedNs[i]));
                }
                System.arraycopy(sequenceNumbers, i + 1, sequenceNumbers, i, size - i - 1);
                System.arraycopy(dueNs, i + 1, dueNs, i, size - i - 1);
                System.arraycopy(attempts, i + 1, attempts, i, size - i - 1);
                System.arraycopy(firstAskedNs, i + 1, firstAskedNs, i, size - i - 1);
                System.arraycopy(lastAskedNs, i + 1, lastAskedNs, i, size - i - 1);
                size--;
                return true;
            }
        }
        return false;
    }

    /** RFC 6298 section 2 smoothing (gains 1/8 and 1/4) of one repair time. */
    private void onRepairTime(long sampleNs) {
        long sample = Math.max(0, Math.min(sampleNs, MAX_RETRY_INTERVAL_NS));
        if (!repairTimed) {
            repairTimed = true;
            smoothedRepairNs = sample;
            repairDeviationNs = sample / 2;
            return;
        }
        repairDeviationNs += (Math.abs(smoothedRepairNs - sample) - repairDeviationNs) / 4;
        smoothedRepairNs += (sample - smoothedRepairNs) / 8;
    }
}
