package io.smoothcast.cc;

/**
 * Priority classes of the {@link Pacer}, highest first: a packet of a higher class always leaves
 * before any queued packet of a lower class.
 */
public enum PacketPriority {
    /** Audio: smallest, most sensitive to delay. */
    AUDIO,
    /** Interactive messages (chat, danmaku): small and expected at once. */
    INTERACTIVE,
    /** Video. */
    VIDEO,
    /** Retransmissions (NACK repairs). */
    RETRANSMISSION,
    /** Caller-made padding or probe packets. */
    PADDING;

    private static final PacketPriority[] VALUES = values();

    static PacketPriority of(int ordinal) {
        return VALUES[ordinal];
    }
}
