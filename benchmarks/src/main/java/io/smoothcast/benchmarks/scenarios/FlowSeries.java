package io.smoothcast.benchmarks.scenarios;

/**
 * What one flow did during a run, per time bin, plus its frames for media flows.
 *
 * @param spec the flow's description
 * @param deliveredBits data bits that reached the receiver, per bin (by arrival time)
 * @param sentBits data bits the sender handed to the link, per bin
 * @param targetBps the controller's target at the end of each bin (media only, else empty)
 * @param frameCaptureNs capture time of each frame (media only)
 * @param frameBitrateBps encoder bitrate of each frame (media only)
 * @param frameStalled whether each frame missed the playout budget (media only)
 * @param renditionSwitches rendition changes made by the ABR (media only)
 */
record FlowSeries(FlowSpec spec, double[] deliveredBits, double[] sentBits, double[] targetBps,
        long[] frameCaptureNs, long[] frameBitrateBps, boolean[] frameStalled,
        long renditionSwitches) {
}
