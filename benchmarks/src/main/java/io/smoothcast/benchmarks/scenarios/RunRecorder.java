package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.netsim.Direction;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.netsim.PacketObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Watches every packet of a run (as the simulator's {@link PacketObserver}) and samples the
 * link and the controllers every bin, then hands a {@link RunData} over.
 *
 * <p>Data packets are those travelling in a flow's data direction (forward, or reverse for
 * reverse media); the other direction is feedback or acknowledgements and is not counted.
 * Padding sent for probing counts as data on the link (it uses capacity) but not as media.
 *
 * <p>Single-threaded (the simulator's thread).
 */
final class RunRecorder implements PacketObserver {

    private final ScenarioSpec spec;
    private final String controllerName;
    private final String encoder;
    private final long binNs;
    private final int bins;
    private final long budgetNs;
    private final double[] capacityBps;
    private final double[] queueDelayMs;
    private final double[][] deliveredBits;
    private final double[][] sentBits;
    private final double[][] targetBps;
    private final FrameLedger[] ledgers;
    private final MediaSender[] senders;
    private long[] mediaDelayNs = new long[8192];
    private long[] mediaArrivalNs = new long[8192];
    private int mediaDelivered;
    private long mediaDropped;
    private LinkModel forwardLink;

    RunRecorder(ScenarioSpec spec, String controllerName, String encoder, long binNs,
            long budgetNs) {
        this.spec = spec;
        this.controllerName = controllerName;
        this.encoder = encoder;
        this.binNs = binNs;
        this.budgetNs = budgetNs;
        // Whole nanoseconds first: 154.8 s * 1e9 / 1e8 is 1548.0000000000002 in doubles.
        long durationNs = Math.round(spec.durationS() * 1e9);
        this.bins = (int) ((durationNs + binNs - 1) / binNs);
        int flows = spec.flows().size();
        this.capacityBps = new double[bins];
        this.queueDelayMs = new double[bins];
        this.deliveredBits = new double[flows][bins];
        this.sentBits = new double[flows][bins];
        this.targetBps = new double[flows][];
        this.ledgers = new FrameLedger[flows];
        this.senders = new MediaSender[flows];
        for (int bin = 0; bin < bins; bin++) {
            capacityBps[bin] = spec.forwardCapacity().bitrateBpsAt(bin * binNs + binNs / 2);
        }
    }

    void attachForwardLink(LinkModel link) {
        this.forwardLink = link;
    }

    void attachMediaFlow(int flowId, MediaSender sender, FrameLedger ledger) {
        senders[flowId] = sender;
        ledgers[flowId] = ledger;
        targetBps[flowId] = new double[bins];
    }

    /** Called by the simulator at the end of each bin. */
    void sample(long nowNs) {
        int bin = (int) ((nowNs - 1) / binNs);
        if (bin < 0 || bin >= bins) {
            return;
        }
        queueDelayMs[bin] = forwardLink.backlogNs(nowNs) / 1e6;
        for (int f = 0; f < senders.length; f++) {
            if (senders[f] != null) {
                targetBps[f][bin] = senders[f].targetBitrateBps();
            }
        }
    }

    private boolean isData(int flowId, Direction direction) {
        FlowSpec flow = spec.flows().get(flowId);
        Direction dataDirection = flow.kind() == FlowSpec.Kind.REVERSE_MEDIA
                ? Direction.REVERSE : Direction.FORWARD;
        return direction == dataDirection;
    }

    private int binOf(long timeNs) {
        long bin = timeNs / binNs;
        return bin < bins ? (int) bin : -1;
    }

    @Override
    public void onSent(int flowId, Direction direction, long sequence, int sizeBytes,
            long sendTimeNs) {
        if (!isData(flowId, direction)) {
            return;
        }
        int bin = binOf(sendTimeNs);
        if (bin >= 0) {
            sentBits[flowId][bin] += sizeBytes * 8.0;
        }
    }

    @Override
    public void onDelivered(int flowId, Direction direction, long sequence, int sizeBytes,
            long sendTimeNs, long arrivalTimeNs, long queueDelayNs) {
        if (!isData(flowId, direction)) {
            return;
        }
        int bin = binOf(arrivalTimeNs);
        if (bin >= 0) {
            deliveredBits[flowId][bin] += sizeBytes * 8.0;
        }
        FrameLedger ledger = ledgers[flowId];
        if (ledger != null && ledger.isMedia(sequence)) {
            ledger.onDelivered(sequence, arrivalTimeNs);
            if (mediaDelivered == mediaDelayNs.length) {
                mediaDelayNs = Arrays.copyOf(mediaDelayNs, mediaDelivered * 2);
                mediaArrivalNs = Arrays.copyOf(mediaArrivalNs, mediaDelivered * 2);
            }
            mediaDelayNs[mediaDelivered] = queueDelayNs;
            mediaArrivalNs[mediaDelivered] = arrivalTimeNs;
            mediaDelivered++;
        }
    }

    @Override
    public void onDropped(int flowId, Direction direction, long sequence, int sizeBytes,
            long timeNs, int reason) {
        FrameLedger ledger = ledgers[flowId];
        if (ledger != null && isData(flowId, direction) && ledger.isMedia(sequence)) {
            mediaDropped++;
        }
    }

    RunData finish() {
        long endNs = bins * binNs;
        List<FlowSeries> flows = new ArrayList<>();
        long mediaSent = 0;
        for (int f = 0; f < spec.flows().size(); f++) {
            FrameLedger ledger = ledgers[f];
            if (ledger == null) {
                flows.add(new FlowSeries(spec.flows().get(f), deliveredBits[f], sentBits[f],
                        new double[0], new long[0], new long[0], new boolean[0], 0));
                continue;
            }
            mediaSent += ledger.mediaPacketsSent();
            // Frames captured less than a budget before the end had no chance to arrive.
            int n = 0;
            while (n < ledger.frameCount() && endNs - ledger.captureNs(n) > budgetNs) {
                n++;
            }
            long[] capture = new long[n];
            long[] bitrate = new long[n];
            boolean[] stalled = new boolean[n];
            for (int i = 0; i < n; i++) {
                capture[i] = ledger.captureNs(i);
                bitrate[i] = ledger.bitrateBps(i);
                stalled[i] = ledger.stalled(i, budgetNs);
            }
            flows.add(new FlowSeries(spec.flows().get(f), deliveredBits[f], sentBits[f],
                    targetBps[f], capture, bitrate, stalled, senders[f].renditionSwitches()));
        }
        return new RunData(spec.name(), controllerName, encoder, binNs, capacityBps, queueDelayMs, flows,
                Arrays.copyOf(mediaDelayNs, mediaDelivered),
                Arrays.copyOf(mediaArrivalNs, mediaDelivered), mediaSent, mediaDropped, budgetNs);
    }
}
