package io.smoothcast.abr.internal;

/**
 * A fluid model of the queue a sender builds when it sends more than its congestion
 * controller's target: a bottleneck that carries exactly the target, fed at the sent rate. The
 * queue grows by {@code (sent - target) / target} of the elapsed time and drains the same way
 * when the sender sends less than the target; it never goes below zero.
 *
 * <p>The model is pessimistic on purpose: after a delay-based decrease the target sits below what
 * the path carries (a controller backs off to a fraction of the delivered rate), so the real
 * queue grows more slowly than this one. The ABR selectors use it to decide how long they may
 * keep sending a bitrate above a dipped target within the viewer's playout budget.
 *
 * <p>Not thread-safe: owned by one selector and called from its thread. Allocates nothing.
 */
public final class OverrunQueue {

    private double queueNs;
    private long lastNs;
    private boolean started;

    /**
     * Advances the model to {@code nowNs}, assuming {@code sentBps} was sent against
     * {@code targetBps} since the previous call.
     *
     * @param sentBps the bitrate sent since the previous call, in bits per second
     * @param targetBps the target since the previous call, in bits per second
     * @param nowNs the caller's time, in nanoseconds (monotonic)
     */
    public void advance(long sentBps, long targetBps, long nowNs) {
        if (started && nowNs - lastNs > 0) { // a difference: nanoTime may wrap
            double change = (nowNs - lastNs) * (double) (sentBps - targetBps)
                    / Math.max(1, targetBps);
            queueNs = Math.max(0, queueNs + change);
        }
        lastNs = nowNs;
        started = true;
    }

    /** Empties the modelled queue (the time of the last call is kept). */
    public void reset() {
        queueNs = 0;
    }

    /** Returns the modelled queue, in nanoseconds of transmission at the target. */
    public double queueNs() {
        return queueNs;
    }
}
