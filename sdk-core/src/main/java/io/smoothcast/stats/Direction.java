package io.smoothcast.stats;

/** Which way media flows, seen from the endpoint that measured a stream. Immutable. */
public enum Direction {
    /** The endpoint sends the stream (a broadcaster, or a relay forwarding to a subscriber). */
    SEND,
    /** The endpoint receives the stream (a viewer, or a relay ingesting from a broadcaster). */
    RECEIVE
}
