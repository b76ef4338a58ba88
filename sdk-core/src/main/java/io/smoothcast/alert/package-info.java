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
 *
 * <p>Wiring, once per stream and endpoint, on the statistics thread every 2 s:
 * <pre>{@code
 * BackgroundHistoryWriter history = new BackgroundHistoryWriter(
 *         HistoryWriter.builder(Path.of("history")).build(), 8192, System::currentTimeMillis);
 * AlertEvaluator alerts = AlertEvaluator.builder()
 *         .rules(DefaultAlertRules.create())
 *         .listener(history.alertListener())          // or a listener that also prints
 *         .build();
 * QualityMonitor quality = new QualityMonitor(QualityGrader.defaults(), QualityListener.NONE);
 *
 * long nowNs = clock.nanoTime();                      // read once per duty cycle
 * if (sampler.isDue(nowNs)) {
 *     ReceiveStreamStats snapshot = sampler.sample(counters, nowNs);
 *     quality.update(snapshot);
 *     alerts.onStats(snapshot);
 *     history.offer(snapshot);                        // never blocks
 *     alerts.tick(nowNs);
 * }
 * }</pre>
 */
package io.smoothcast.alert;
