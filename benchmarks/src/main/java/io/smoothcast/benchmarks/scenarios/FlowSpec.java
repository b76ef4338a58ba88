package io.smoothcast.benchmarks.scenarios;

import java.util.Objects;

/**
 * One flow of a scenario.
 *
 * @param kind what the flow is
 * @param startS when it starts, in seconds from the start of the run
 * @param extraOneWayDelayMs delay added to this flow in each direction, in milliseconds (RTT
 *     fairness cases)
 * @param pauseStartS for media: when the source pauses, in seconds, or -1 for never
 * @param pauseEndS for media: when the source resumes, in seconds
 * @param bytes for short TCP flows: the transfer size in bytes
 */
record FlowSpec(Kind kind, double startS, long extraOneWayDelayMs, double pauseStartS,
        double pauseEndS, long bytes) {

    /** What a flow carries. */
    enum Kind {
        /** Media from the controller under test, on the forward link. */
        MEDIA,
        /** Media from the controller under test on the reverse link (feedback goes forward). */
        REVERSE_MEDIA,
        /** A long-lived Reno TCP flow. */
        TCP_LONG,
        /** A Reno TCP transfer of {@code bytes}. */
        TCP_SHORT
    }

    FlowSpec {
        Objects.requireNonNull(kind, "kind");
        if (startS < 0 || extraOneWayDelayMs < 0) {
            throw new IllegalArgumentException("startS and extraOneWayDelayMs must be >= 0");
        }
    }

    static FlowSpec media(double startS) {
        return new FlowSpec(Kind.MEDIA, startS, 0, -1, -1, 0);
    }

    static FlowSpec mediaWithDelay(double startS, long extraOneWayDelayMs) {
        return new FlowSpec(Kind.MEDIA, startS, extraOneWayDelayMs, -1, -1, 0);
    }

    static FlowSpec mediaWithPause(double startS, double pauseStartS, double pauseEndS) {
        return new FlowSpec(Kind.MEDIA, startS, 0, pauseStartS, pauseEndS, 0);
    }

    static FlowSpec reverseMedia(double startS) {
        return new FlowSpec(Kind.REVERSE_MEDIA, startS, 0, -1, -1, 0);
    }

    static FlowSpec tcpLong(double startS) {
        return new FlowSpec(Kind.TCP_LONG, startS, 0, -1, -1, 0);
    }

    static FlowSpec tcpShort(double startS, long bytes) {
        return new FlowSpec(Kind.TCP_SHORT, startS, 0, -1, -1, bytes);
    }

    boolean isMedia() {
        return kind == Kind.MEDIA || kind == Kind.REVERSE_MEDIA;
    }

    /** Whether the media source is paused at a time. */
    boolean pausedAt(double timeS) {
        return pauseStartS >= 0 && timeS >= pauseStartS && timeS < pauseEndS;
    }
}
