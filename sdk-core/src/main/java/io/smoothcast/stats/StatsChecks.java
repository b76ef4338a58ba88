package io.smoothcast.stats;

/** Argument checks shared by the snapshot builders. */
final class StatsChecks {

    private StatsChecks() {
    }

    static String requireId(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must be a non-empty string: " + value);
        }
        return value;
    }

    /**
     * Checks the components that say which stream a {@link StreamStats} snapshot belongs to; the
     * same rules hold for both directions.
     */
    static void requireStreamIdentity(String streamId, String endpointId, String nodeId, String region, long ssrc) {
        requireId(streamId, "streamId");
        requireText(endpointId, "endpointId");
        requireText(nodeId, "nodeId");
        requireText(region, "region");
        requireSsrc(ssrc, "ssrc");
    }

    static String requireText(String value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null (use \"\" when unknown)");
        }
        return value;
    }

    static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    static long requireCount(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0: " + value);
        }
        return value;
    }

    /** A measured value: NaN (unknown) or a finite number >= 0. */
    static double requireMeasure(double value, String name) {
        if (!Double.isNaN(value) && (value < 0 || Double.isInfinite(value))) {
            throw new IllegalArgumentException(name + " must be NaN (unknown) or finite and >= 0: " + value);
        }
        return value;
    }

    /** A fraction: NaN (unknown) or within [0, 1]. */
    static double requireFraction(double value, String name) {
        if (!Double.isNaN(value) && (value < 0 || value > 1)) {
            throw new IllegalArgumentException(name + " must be NaN (unknown) or in [0, 1]: " + value);
        }
        return value;
    }

    static long requireSsrc(long value, String name) {
        if (value < -1 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(name + " must be -1 (unknown) or in [0, 2^32 - 1]: " + value);
        }
        return value;
    }
}
