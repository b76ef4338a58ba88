/**
 * Alerts graded P0-P3: rules over statistics snapshots that raise and clear events carrying
 * their cause, and the incident model reports measure recovery with.
 *
 * <ul>
 *   <li>{@link io.smoothcast.alert.AlertCondition}: metric, comparison, threshold, k of the last
 *       n samples within a time window, and a clear threshold and count for hysteresis.</li>
 *   <li>Rules: {@link io.smoothcast.alert.ThresholdRule} (per subject),
 *       {@link io.smoothcast.alert.GroupRule} (all or some members of a stream, region or node),
 *       {@link io.smoothcast.alert.NoMediaRule} (the P0 "stream down");
 *       {@link io.smoothcast.alert.DefaultAlertRules} is the default set.</li>
 *   <li>{@link io.smoothcast.alert.AlertEvaluator} checks them against snapshots fed by the
 *       caller with the caller's time, and calls an {@link io.smoothcast.alert.AlertListener}.</li>
 *   <li>{@link io.smoothcast.alert.Severity} carries the response and restore targets;
 *       {@link io.smoothcast.alert.Incident} and {@link io.smoothcast.alert.IncidentTracker}
 *       measure time to recover against them.</li>
 * </ul>
 * Everything here runs on the statistics thread, off the media path, and never reads a clock.
 */
package io.smoothcast.alert;
