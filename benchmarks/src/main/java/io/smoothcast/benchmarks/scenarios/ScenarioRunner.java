package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.abr.EncoderMode;
import io.smoothcast.abr.RenditionLadder;
import io.smoothcast.abr.RenditionSelector;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.netsim.NetworkSimulator;
import io.smoothcast.netsim.RenoTcpReceiver;
import io.smoothcast.netsim.RenoTcpSender;
import io.smoothcast.netsim.SimEndpoint;

/**
 * Runs one scenario with one controller in the network simulator and returns what happened.
 * Deterministic: the same scenario, controller and seed give the same {@link RunData}.
 */
final class ScenarioRunner {

    static final long BIN_NS = 100_000_000L;
    static final long PLAYOUT_BUDGET_NS = 400_000_000L;
    static final RenditionLadder LADDER = RenditionLadder.defaults();
    /** The most a media flow sends: the top rendition plus per-packet headers. */
    static final double MAX_MEDIA_WIRE_BPS = LADDER.bitrateBps(LADDER.highestIndex())
            * (1 + MediaSender.OVERHEAD_BYTES / (double) MediaSender.MAX_PAYLOAD_BYTES);

    private ScenarioRunner() {
    }

    static RunData run(ScenarioSpec spec, ControllerKind kind, EncoderMode encoderMode, long seed) {
        long oneWayNs = spec.oneWayDelayMs() * 1_000_000L;
        long queueNs = spec.queueLimitMs() * 1_000_000L;
        LinkModel.Builder forward = LinkModel.builder().capacity(spec.forwardCapacity())
                .propagationDelayNs(oneWayNs).queueLimitNs(queueNs).seed(seed * 31 + 1);
        if (spec.randomLoss() > 0) {
            forward.randomLoss(spec.randomLoss());
        }
        LinkModel forwardLink = forward.build();
        LinkModel reverseLink = LinkModel.builder().capacity(spec.reverseCapacity())
                .propagationDelayNs(oneWayNs).queueLimitNs(queueNs).seed(seed * 31 + 2).build();
        RunRecorder recorder = new RunRecorder(spec, kind.label(),
                kind.usesAbr() ? encoderMode.name().toLowerCase() : "fixed", BIN_NS,
                PLAYOUT_BUDGET_NS);
        recorder.attachForwardLink(forwardLink);
        NetworkSimulator sim = NetworkSimulator.builder().forwardLink(forwardLink)
                .reverseLink(reverseLink).observer(recorder).seed(seed).build();
        for (int i = 0; i < spec.flows().size(); i++) {
            FlowSpec flow = spec.flows().get(i);
            long startNs = Math.round(flow.startS() * 1e9);
            long extraNs = flow.extraOneWayDelayMs() * 1_000_000L;
            String name = flow.kind().name().toLowerCase() + "-" + i;
            switch (flow.kind()) {
                case MEDIA, REVERSE_MEDIA -> {
                    FrameLedger ledger = new FrameLedger();
                    RenditionSelector selector = kind.usesAbr()
                            ? RenditionSelector.builder(LADDER).encoderMode(encoderMode).build()
                            : null;
                    MediaSender sender = new MediaSender(kind.newController(), selector, LADDER,
                            ledger, flow, PLAYOUT_BUDGET_NS);
                    long rttMs = 2 * (spec.oneWayDelayMs() + flow.extraOneWayDelayMs());
                    SimEndpoint receiver = new NackingReceiver(kind.newReceiver(rttMs));
                    int id = flow.kind() == FlowSpec.Kind.MEDIA
                            ? sim.addFlow(name, sender, receiver, startNs, extraNs, extraNs)
                            : sim.addFlow(name, receiver, sender, startNs, extraNs, extraNs);
                    recorder.attachMediaFlow(id, sender, ledger);
                }
                case TCP_LONG -> sim.addFlow(name, new RenoTcpSender(RenoTcpSender.UNLIMITED_BYTES),
                        new RenoTcpReceiver(), startNs, extraNs, extraNs);
                case TCP_SHORT -> sim.addFlow(name, new RenoTcpSender(flow.bytes()),
                        new RenoTcpReceiver(), startNs, extraNs, extraNs);
                default -> throw new IllegalStateException("unknown flow kind " + flow.kind());
            }
        }
        sim.every(BIN_NS, recorder::sample);
        sim.runUntil(Math.round(spec.durationS() * 1e9));
        return recorder.finish();
    }
}
