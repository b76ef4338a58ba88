package io.smoothcast.transport;

/**
 * A snapshot of a {@link NetworkEmulator}'s counters since start.
 *
 * <p>The lateness figures tell whether the emulator itself kept the link model's times: for each
 * delivered datagram, the moment it was handed to its socket minus the arrival time the link
 * model gave it. They cover the hold in the emulator, not the time a datagram waited in the
 * kernel before the emulator read it. On an idle machine they stay well under a millisecond; when
 * the machine is short of CPU the forwarding thread runs late and every delivered datagram carries
 * that extra delay, so read {@code lateDatagrams} and {@code maxLatenessUs} before trusting a
 * measurement made through the emulator.
 *
 * <p>Immutable; thread-safe.
 *
 * @param toTargetDelivered datagrams delivered to the target
 * @param toTargetLost datagrams towards the target dropped by random or burst loss
 * @param toTargetQueueDropped datagrams towards the target dropped by a full queue or an outage
 * @param fromTargetDelivered datagrams delivered back to clients
 * @param fromTargetLost datagrams towards clients dropped by random or burst loss
 * @param fromTargetQueueDropped datagrams towards clients dropped by a full queue or an outage
 * @param clientsRefused datagrams from new clients refused because the client limit was reached
 * @param lateDatagrams delivered datagrams (both directions) forwarded more than 10 ms after
 *     their emulated arrival time
 * @param meanLatenessUs mean lateness of the delivered datagrams, in microseconds
 * @param p99LatenessUs an upper bound of the 99th percentile of lateness, in microseconds (from
 *     a power-of-two histogram: at most twice the true value)
 * @param maxLatenessUs the largest lateness, in microseconds
 */
public record NetworkEmulatorStats(long toTargetDelivered, long toTargetLost, long toTargetQueueDropped,
        long fromTargetDelivered, long fromTargetLost, long fromTargetQueueDropped, long clientsRefused,
        long lateDatagrams, long meanLatenessUs, long p99LatenessUs, long maxLatenessUs) {
}
