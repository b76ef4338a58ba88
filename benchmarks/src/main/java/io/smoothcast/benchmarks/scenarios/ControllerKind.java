package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.netsim.ArrivalFeedbackReceiver;
import io.smoothcast.netsim.SimEndpoint;

/**
 * The controllers compared in every scenario. All of them send through the same
 * {@link MediaSender} (encoder, pacer, ABR); only the rate decision differs.
 */
enum ControllerKind {

    /** Ours: the GCC-class controller of io.smoothcast.cc. */
    SMOOTHCAST("smoothcast-gcc") {
        @Override
        RateController newController() {
            return new SmoothcastGccController();
        }
    },
    /** Baseline without congestion control: a fixed encoder bitrate (540p, 900 kbps). */
    FIXED("fixed-900k") {
        @Override
        RateController newController() {
            return new FixedBitrateController(FIXED_BITRATE_BPS);
        }

        @Override
        boolean usesAbr() {
            return false;
        }
    },
    /** Baseline: GCC's loss-based rule alone, on transport-wide feedback. */
    LOSS_ONLY("loss-only") {
        @Override
        RateController newController() {
            return new LossBasedController();
        }
    },
    /** Outside reference: libjitsi's receive-side abs-send-time estimator with REMB. */
    LIBJITSI("libjitsi-remb") {
        @Override
        RateController newController() {
            return new RembController();
        }

        @Override
        SimEndpoint newReceiver(long rttMs) {
            return new JitsiRembReceiver(rttMs);
        }
    };

    /** The fixed baseline's bitrate: the 540p rung, a common conservative fixed setting. */
    static final long FIXED_BITRATE_BPS = 900_000;
    /** Interval of transport-wide feedback from the receiver. */
    static final long FEEDBACK_INTERVAL_NS = 50_000_000L;

    private final String label;

    ControllerKind(String label) {
        this.label = label;
    }

    /** The name used in summary.json and file names. */
    String label() {
        return label;
    }

    abstract RateController newController();

    /** Whether the ABR chooses renditions from the target (false: the bitrate is fixed). */
    boolean usesAbr() {
        return true;
    }

    /**
     * The receiving endpoint that produces this controller's feedback.
     *
     * @param rttMs the flow's propagation RTT, for receivers that need an RTT
     */
    SimEndpoint newReceiver(long rttMs) {
        return new ArrivalFeedbackReceiver(FEEDBACK_INTERVAL_NS);
    }

    /** Finds a kind by label. */
    static ControllerKind byLabel(String label) {
        for (ControllerKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown controller: " + label);
    }
}
