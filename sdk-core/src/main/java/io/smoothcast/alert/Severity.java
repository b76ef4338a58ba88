package io.smoothcast.alert;

import java.time.Duration;

/**
 * How bad an alert is, on the P0-P3 scale live-streaming operators use, with the time within
 * which someone should respond and the time within which service should be restored. Reports
 * measure each {@link Incident}'s time to recover against {@link #restoreTarget()}.
 *
 * <table>
 *   <caption>Grades and targets</caption>
 *   <tr><th>grade</th><th>meaning</th><th>respond within</th><th>restore within</th></tr>
 *   <tr><td>P0</td><td>the stream is down (no media for N seconds)</td><td>15 min</td><td>1 h</td></tr>
 *   <tr><td>P1</td><td>a major function impaired: stall rate above a threshold, audio-only
 *       fallback, all viewers of a region degraded</td><td>30 min</td><td>4 h</td></tr>
 *   <tr><td>P2</td><td>some users affected: some viewers, or one region</td><td>2 h</td><td>24 h</td></tr>
 *   <tr><td>P3</td><td>minor: elevated jitter or RTT, no user impact yet</td><td>next business
 *       day, modelled as 24 h</td><td>72 h</td></tr>
 * </table>
 * "Next business day" depends on a calendar the SDK does not know, so it is modelled as a plain
 * 24 h; the issue names no restore target for P3, so 72 h (a weekend) was chosen.
 *
 * <p>Immutable; thread-safe.
 */
public enum Severity {
    /** The stream is down. */
    P0("stream down", Duration.ofMinutes(15), Duration.ofHours(1)),
    /** A major function is impaired. */
    P1("major function impaired", Duration.ofMinutes(30), Duration.ofHours(4)),
    /** Some users are affected. */
    P2("some users affected", Duration.ofHours(2), Duration.ofHours(24)),
    /** Minor, no user impact yet. */
    P3("minor, no user impact yet", Duration.ofHours(24), Duration.ofHours(72));

    private final String meaning;
    private final Duration responseTarget;
    private final Duration restoreTarget;

    Severity(String meaning, Duration responseTarget, Duration restoreTarget) {
        this.meaning = meaning;
        this.responseTarget = responseTarget;
        this.restoreTarget = restoreTarget;
    }

    /** @return a short description of the grade */
    public String meaning() {
        return meaning;
    }

    /** @return the time within which someone should respond to an alert of this grade */
    public Duration responseTarget() {
        return responseTarget;
    }

    /** @return the time within which service should be restored */
    public Duration restoreTarget() {
        return restoreTarget;
    }
}
