package io.smoothcast.quality;

/**
 * The quality of a stream in one direction on the 0-6 scale Agora and TRTC use: 0 unknown, then
 * from 1 (excellent) to 5 (very bad), and 6 when media stopped. Higher is worse (except 0).
 *
 * <p>Immutable; thread-safe.
 */
public enum QualityLevel {
    /** 0: not enough data to grade (no measurement yet). */
    UNKNOWN(0),
    /** 1: users notice nothing wrong. */
    EXCELLENT(1),
    /** 2: slightly below perfect; most users notice nothing. */
    GOOD(2),
    /** 3: users may notice occasional glitches. */
    POOR(3),
    /** 4: users notice stutter, but can follow the broadcast. */
    BAD(4),
    /** 5: barely watchable. */
    VERY_BAD(5),
    /** 6: no media is flowing. */
    DOWN(6);

    private static final QualityLevel[] BY_VALUE = values();

    private final int value;

    QualityLevel(int value) {
        this.value = value;
    }

    /** @return the level's number on the 0-6 scale */
    public int value() {
        return value;
    }

    /**
     * @param value a number on the 0-6 scale
     * @return the level with that number
     * @throws IllegalArgumentException if {@code value} is outside 0-6
     */
    public static QualityLevel ofValue(int value) {
        if (value < 0 || value >= BY_VALUE.length) {
            throw new IllegalArgumentException("value must be in [0, 6]: " + value);
        }
        return BY_VALUE[value];
    }

    /**
     * @param other another level
     * @return the worse of the two; UNKNOWN counts as better than any graded level
     */
    public QualityLevel worse(QualityLevel other) {
        return other.value > value ? other : this;
    }
}
