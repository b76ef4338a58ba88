package io.smoothcast.benchmarks.scenarios;

/**
 * The metrics of one run, one object of {@code summary.json}. A null value means "does not
 * apply to this scenario" or "never reached"; {@link RunMetrics} says which for each field.
 *
 * @param scenario scenario name
 * @param controller controller name
 * @param encoder how the encoder took its bitrate: continuous, ladder (ABR renditions), or
 *     fixed (the fixed baseline)
 * @param durationS run length, seconds
 * @param mediaFlows number of media flows using the controller
 * @param utilization forward data bits delivered (all flows) / forward capacity, whole run
 * @param steadyUtilization the same over the second half of the run
 * @param queueDelayP50Ms median bottleneck queue delay of media packets, milliseconds
 * @param queueDelayP95Ms 95th percentile of the same
 * @param steadyQueueDelayP95Ms 95th percentile over the second half of the run
 * @param lossRate media packets dropped / media packets sent
 * @param convergenceMs worst time to bring the send rate within 15% of the available capacity
 *     after a capacity change or a flow event; null if not applicable or not converged
 * @param queueRecoveryMs worst time, after a capacity drop, until queue delay is under 100 ms
 *     for a whole second; null if no drop or never recovered
 * @param rampUpMs time from the first media flow's start until it delivers 75% of its capacity
 *     share over one second; null if never
 * @param fairnessMinRatio slowest / fastest mean throughput of competing long flows once all
 *     have joined; null with a single flow
 * @param stallRatio stalled frames / frames
 * @param avgBitrateKbps mean encoder bitrate over all frames, kbps
 * @param switches rendition changes made by the ABR
 * @param qoeLin Pensieve's QoE_lin per one-second segment, averaged
 */
record Summary(String scenario, String controller, String encoder, double durationS, int mediaFlows,
        Double utilization, Double steadyUtilization, Double queueDelayP50Ms,
        Double queueDelayP95Ms, Double steadyQueueDelayP95Ms, Double lossRate,
        Double convergenceMs, Double queueRecoveryMs, Double rampUpMs, Double fairnessMinRatio,
        Double stallRatio, Double avgBitrateKbps, long switches, Double qoeLin) {
}
