package io.smoothcast.benchmarks.scenarios;

import java.util.List;

/**
 * Everything recorded in one run (one scenario with one controller), as plain arrays so that
 * {@link RunMetrics} is a pure function that unit tests can feed by hand.
 *
 * @param scenario the scenario's name
 * @param controller the controller's name
 * @param encoder how the encoder took its bitrate: continuous, ladder, or fixed
 * @param binNs length of a time bin, in nanoseconds
 * @param capacityBps forward capacity in each bin, bits per second
 * @param queueDelayMs forward queue delay sampled at the end of each bin, milliseconds
 * @param flows every flow, in scenario order
 * @param mediaQueueDelayNs queue delay of each delivered media packet, nanoseconds
 * @param mediaArrivalNs arrival time of each delivered media packet (same order), nanoseconds
 * @param mediaPacketsSent media packets handed to a link (padding excluded)
 * @param mediaPacketsDropped media packets the links dropped
 * @param playoutBudgetNs the end-to-end budget a frame must meet, nanoseconds
 */
record RunData(String scenario, String controller, String encoder, long binNs, double[] capacityBps,
        double[] queueDelayMs, List<FlowSeries> flows, long[] mediaQueueDelayNs,
        long[] mediaArrivalNs, long mediaPacketsSent, long mediaPacketsDropped,
        long playoutBudgetNs) {

    int bins() {
        return capacityBps.length;
    }

    double binS() {
        return binNs / 1e9;
    }
}
