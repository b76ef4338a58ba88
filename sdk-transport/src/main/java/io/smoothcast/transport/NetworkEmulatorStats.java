package io.smoothcast.transport;

/**
 * A snapshot of a {@link NetworkEmulator}'s counters since start.
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
 */
public record NetworkEmulatorStats(long toTargetDelivered, long toTargetLost, long toTargetQueueDropped,
        long fromTargetDelivered, long fromTargetLost, long fromTargetQueueDropped, long clientsRefused) {
}
