package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.netsim.CapacitySchedule;
import java.util.List;
import java.util.Objects;

/**
 * A network scenario: the bottleneck (forward) and feedback (reverse) links and the flows that
 * share them. Every media flow in a run uses the controller under test.
 *
 * @param name the scenario's name, used in summary.json and chart file names
 * @param forwardCapacity forward (bottleneck) capacity over time
 * @param reverseCapacity reverse (feedback) capacity over time
 * @param oneWayDelayMs propagation delay of each link, in milliseconds (RTT = 2x plus extras)
 * @param queueLimitMs drop-tail queue of each link, in milliseconds at the current capacity
 * @param randomLoss random loss probability on the forward link, in [0, 1)
 * @param durationS length of the run, in seconds
 * @param flows the flows, in the order they are added
 */
record ScenarioSpec(String name, CapacitySchedule forwardCapacity,
        CapacitySchedule reverseCapacity, long oneWayDelayMs, long queueLimitMs,
        double randomLoss, double durationS, List<FlowSpec> flows) {

    ScenarioSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(forwardCapacity, "forwardCapacity");
        Objects.requireNonNull(reverseCapacity, "reverseCapacity");
        flows = List.copyOf(flows);
        if (flows.stream().noneMatch(FlowSpec::isMedia)) {
            throw new IllegalArgumentException("a scenario needs at least one media flow: " + name);
        }
        if (!(durationS > 0)) {
            throw new IllegalArgumentException("durationS must be > 0: " + durationS);
        }
        if (!(randomLoss >= 0 && randomLoss < 1)) {
            throw new IllegalArgumentException("randomLoss must be in [0, 1): " + randomLoss);
        }
    }

    /** Returns a copy with another duration. */
    ScenarioSpec withDurationS(double newDurationS) {
        return new ScenarioSpec(name, forwardCapacity, reverseCapacity, oneWayDelayMs,
                queueLimitMs, randomLoss, newDurationS, flows);
    }
}
