package io.smoothcast.transport;

import io.smoothcast.netsim.CapacitySchedule;
import io.smoothcast.netsim.LinkModel;
import java.net.InetSocketAddress;

/**
 * The emulated path of the capacity-step ITs: a started {@link NetworkEmulator} in front of a
 * relay in which one direction's capacity steps once (from {@code beforeBps} to {@code afterBps},
 * held to the end of the run, behind a 300 ms queue) while the other direction is a constant
 * 10 Mbps. Both directions have the same propagation delay. The schedule's time 0 is when the
 * emulator starts, so callers read {@code System.nanoTime()} just before calling.
 *
 * <p>Stateless; the emulator it returns is the caller's to close.
 */
final class SteppedLinkEmulator {

    private static final long OTHER_DIRECTION_BPS = 10_000_000L;
    private static final long QUEUE_LIMIT_NS = 300_000_000L;

    private SteppedLinkEmulator() {
    }

    /** Capacity towards the relay (a broadcaster's uplink) steps at {@code stepAtNs} after the start. */
    static NetworkEmulator uplinkStep(InetSocketAddress relay, long beforeBps, long afterBps, long stepAtNs,
            long propagationDelayNs, long seed) {
        return NetworkEmulator.builder().target(relay)
                .toTarget(stepped(beforeBps, afterBps, stepAtNs, propagationDelayNs, seed))
                .fromTarget(constant(propagationDelayNs))
                .build().start();
    }

    /** Capacity from the relay (a viewer's downlink) steps at {@code stepAtNs} after the start. */
    static NetworkEmulator downlinkStep(InetSocketAddress relay, long beforeBps, long afterBps, long stepAtNs,
            long propagationDelayNs, long seed) {
        return NetworkEmulator.builder().target(relay)
                .toTarget(constant(propagationDelayNs))
                .fromTarget(stepped(beforeBps, afterBps, stepAtNs, propagationDelayNs, seed))
                .build().start();
    }

    private static LinkModel.Builder stepped(long beforeBps, long afterBps, long stepAtNs, long propagationDelayNs,
            long seed) {
        CapacitySchedule schedule = CapacitySchedule.steps(new long[] {0, stepAtNs}, new long[] {beforeBps, afterBps},
                stepAtNs + 1, CapacitySchedule.AfterEnd.HOLD);
        return LinkModel.builder().capacity(schedule).propagationDelayNs(propagationDelayNs)
                .queueLimitNs(QUEUE_LIMIT_NS).seed(seed);
    }

    private static LinkModel.Builder constant(long propagationDelayNs) {
        return LinkModel.builder().constantCapacityBps(OTHER_DIRECTION_BPS).propagationDelayNs(propagationDelayNs);
    }
}
